#include "scanner/core/params.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace conformscan::core {

std::string_view to_string(ParamType t) {
    switch (t) {
        case ParamType::boolean: return "boolean";
        case ParamType::integer: return "integer";
        case ParamType::number: return "number";
        case ParamType::string: return "string";
        case ParamType::string_list: return "list of strings";
        case ParamType::integer_list: return "list of integers";
        case ParamType::any: return "any value";
    }
    return "?";
}

namespace {

Result<void> check_range(const ParamSpec& spec, double v) {
    if (spec.minimum && v < *spec.minimum)
        return make_error("param_range", fmt::format("'{}' must be at least {}, got {}", spec.name, *spec.minimum, v));
    if (spec.maximum && v > *spec.maximum)
        return make_error("param_range", fmt::format("'{}' must be at most {}, got {}", spec.name, *spec.maximum, v));
    return {};
}

Result<void> check_choice(const ParamSpec& spec, const std::string& v) {
    if (spec.choices.empty() || std::find(spec.choices.begin(), spec.choices.end(), v) != spec.choices.end())
        return {};
    return make_error("param_choice", fmt::format("'{}' must be one of [{}], got '{}'", spec.name,
                                                  fmt::join(spec.choices, ", "), v));
}

Result<void> type_error(const ParamSpec& spec, const nlohmann::json& value) {
    return make_error("param_type", fmt::format("'{}' expects {}, got {}", spec.name, to_string(spec.type),
                                                value.dump()));
}

}  // namespace

Result<void> validate_param_value(const ParamSpec& spec, const nlohmann::json& value) {
    switch (spec.type) {
        case ParamType::any: return {};
        case ParamType::boolean:
            if (!value.is_boolean()) return type_error(spec, value);
            return {};
        case ParamType::integer:
            if (!value.is_number_integer()) return type_error(spec, value);
            return check_range(spec, value.get<double>());
        case ParamType::number:
            if (!value.is_number()) return type_error(spec, value);
            return check_range(spec, value.get<double>());
        case ParamType::string:
            if (!value.is_string()) return type_error(spec, value);
            return check_choice(spec, value.get<std::string>());
        case ParamType::string_list:
            if (!value.is_array()) return type_error(spec, value);
            for (const auto& e : value) {
                if (!e.is_string()) return type_error(spec, value);
                if (auto r = check_choice(spec, e.get<std::string>()); !r) return r;
            }
            return {};
        case ParamType::integer_list:
            if (!value.is_array()) return type_error(spec, value);
            for (const auto& e : value) {
                if (!e.is_number_integer()) return type_error(spec, value);
                if (auto r = check_range(spec, e.get<double>()); !r) return r;
            }
            return {};
    }
    return {};
}

Result<nlohmann::json> validate_params(const std::vector<ParamSpec>& schema, const nlohmann::json& input) {
    if (!input.is_null() && !input.is_object())
        return make_error("param_type", "parameters must be a mapping of name to value");
    nlohmann::json out = nlohmann::json::object();
    if (input.is_object()) {
        for (const auto& [key, value] : input.items()) {
            auto it = std::find_if(schema.begin(), schema.end(), [&](const ParamSpec& s) { return s.name == key; });
            if (it == schema.end()) {
                std::vector<std::string> names;
                for (const auto& s : schema) names.push_back(s.name);
                return make_error("param_unknown",
                                  fmt::format("unknown parameter '{}'; expected one of [{}]", key, fmt::join(names, ", ")));
            }
            if (auto r = validate_param_value(*it, value); !r) return r.error();
            out[key] = value;
        }
    }
    for (const auto& spec : schema) {
        if (out.contains(spec.name)) continue;
        if (spec.required) return make_error("param_missing", fmt::format("parameter '{}' is required", spec.name));
        out[spec.name] = spec.default_value;
    }
    return out;
}

}  // namespace conformscan::core
