#include "scanner/yaml_params.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace conformscan::scanner::yaml {

namespace {

using nlohmann::json;

YAML::Mark mark_of(const YAML::Node& node, const YAML::Mark& fallback) {
    if (node.IsNull()) return fallback;
    const auto m = node.Mark();
    return m.is_null() ? fallback : m;
}

core::Result<json> scalar_list(const Context& ctx, const YAML::Node& node, const YAML::Mark& mark,
                               std::string_view path, core::ParamType type) {
    if (!node.IsSequence())
        return ctx.error(mark, path,
                         fmt::format("expected a {}; got {}", core::to_string(type),
                                     node.IsMap() ? "a mapping" : "a single value"));
    json out = json::array();
    std::size_t i = 0;
    for (const auto& item : node) {
        const auto item_path = index_path(path, i++);
        const auto item_mark = mark_of(item, mark);
        if (type == core::ParamType::integer_list) {
            auto v = to_int(ctx, item, item_mark, item_path);
            if (!v) return v.error();
            out.push_back(*v);
        } else {
            auto v = to_string(ctx, item, item_mark, item_path);
            if (!v) return v.error();
            out.push_back(*v);
        }
    }
    return out;
}

core::Result<json> convert(const Context& ctx, const core::ParamSpec& spec, const YAML::Node& node,
                           const YAML::Mark& mark, std::string_view path) {
    switch (spec.type) {
        case core::ParamType::boolean: {
            auto v = to_bool(ctx, node, mark, path);
            if (!v) return v.error();
            return json(*v);
        }
        case core::ParamType::integer: {
            auto v = to_int(ctx, node, mark, path);
            if (!v) return v.error();
            return json(*v);
        }
        case core::ParamType::number: {
            std::int64_t i = 0;
            if (node.IsScalar() && is_plain(node) && parse_int(node.Scalar(), i)) return json(i);
            auto v = to_double(ctx, node, mark, path);
            if (!v) return v.error();
            return json(*v);
        }
        case core::ParamType::string: {
            auto v = to_string(ctx, node, mark, path);
            if (!v) return v.error();
            return json(*v);
        }
        case core::ParamType::string_list:
        case core::ParamType::integer_list:
            return scalar_list(ctx, node, mark, path, spec.type);
        case core::ParamType::any:
            return any_value(ctx, node, mark, path);
    }
    return any_value(ctx, node, mark, path);
}

}  // namespace

core::Result<json> any_value(const Context& ctx, const YAML::Node& node, const YAML::Mark& mark,
                             std::string_view path) {
    switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return json(nullptr);
        case YAML::NodeType::Scalar: {
            const auto& text = node.Scalar();
            if (is_plain(node)) {
                bool b = false;
                std::int64_t i = 0;
                double d = 0;
                if (parse_bool(text, b)) return json(b);
                if (parse_int(text, i)) return json(i);
                if (parse_double(text, d)) return json(d);
            }
            return json(text);
        }
        case YAML::NodeType::Sequence: {
            json out = json::array();
            std::size_t i = 0;
            for (const auto& item : node) {
                auto v = any_value(ctx, item, mark_of(item, mark), index_path(path, i++));
                if (!v) return v.error();
                out.push_back(std::move(*v));
            }
            return out;
        }
        case YAML::NodeType::Map: {
            json out = json::object();
            for (auto it = node.begin(); it != node.end(); ++it) {
                const auto key_mark = mark_of(it->first, mark);
                if (!it->first.IsScalar()) return ctx.error(key_mark, path, "keys must be names");
                const auto& key = it->first.Scalar();
                if (out.contains(key)) return ctx.error(key_mark, join_path(path, key), "duplicate key");
                auto v = any_value(ctx, it->second, mark_of(it->second, key_mark), join_path(path, key));
                if (!v) return v.error();
                out[key] = std::move(*v);
            }
            return out;
        }
    }
    return json(nullptr);
}

core::Result<json> param_value(const Context& ctx, const core::ParamSpec& spec, const YAML::Node& node,
                               const YAML::Mark& mark, std::string_view path) {
    auto value = convert(ctx, spec, node, mark, path);
    if (!value) return value.error();
    if (auto r = core::validate_param_value(spec, *value); !r)
        return ctx.error(mark, path, r.error().message);
    return value;
}

core::Result<json> check_params(const Context& ctx, const core::CheckDescriptor& check,
                                const YAML::Node& with, const YAML::Mark& mark, std::string_view path) {
    std::vector<std::string_view> names;
    for (const auto& spec : check.params) names.push_back(spec.name);

    json out = json::object();
    if (with.IsDefined() && !with.IsNull()) {
        // Name the parameters the check accepts: the author is looking for the right spelling.
        if (with.IsMap()) {
            for (auto it = with.begin(); it != with.end(); ++it) {
                if (!it->first.IsScalar()) continue;  // Fields::read says what is wrong with it
                const auto& key = it->first.Scalar();
                if (std::find(names.begin(), names.end(), key) != names.end()) continue;
                const auto where = mark_of(it->first, mark);
                if (names.empty())
                    return ctx.error(
                        where, join_path(path, key),
                        fmt::format("unknown parameter; check '{}' takes no parameters", check.name));
                return ctx.error(where, join_path(path, key),
                                 fmt::format("unknown parameter of check '{}'; accepted: {}", check.name,
                                             fmt::join(names, ", ")));
            }
        }
        auto fields = Fields::read(ctx, with, mark, std::string(path), names);
        if (!fields) return fields.error();
        for (const auto& entry : fields->entries()) {
            const auto& spec = *std::find_if(check.params.begin(), check.params.end(),
                                             [&](const core::ParamSpec& s) { return s.name == entry.key; });
            if (entry.value.IsNull()) continue;  // `key: ~` means "use the default"
            auto v = param_value(ctx, spec, entry.value, Fields::mark_of(entry), fields->path_of(entry.key));
            if (!v) return v.error();
            out[entry.key] = std::move(*v);
        }
    }
    for (const auto& spec : check.params) {
        if (out.contains(spec.name)) continue;
        if (spec.required)
            return ctx.error(mark, path,
                             fmt::format("missing required parameter '{}' ({}) of check '{}'", spec.name,
                                         core::to_string(spec.type), check.name));
        // Every declared parameter reaches the check; null means "no default".
        out[spec.name] = spec.default_value;
    }
    if (check.validate) {
        if (auto r = check.validate(out); !r)
            return ctx.error(mark, path, fmt::format("check '{}': {}", check.name, r.error().message));
    }
    return out;
}

core::Result<json> override_params(const Context& ctx, const core::CheckDescriptor& check, const json& base,
                                   const YAML::Node& with, const YAML::Mark& mark, std::string_view path,
                                   std::vector<std::string>& changed) {
    std::vector<std::string_view> names;
    for (const auto& spec : check.params) names.push_back(spec.name);
    if (!with.IsMap()) return ctx.error(mark, path, "expected a mapping of parameter: value");
    for (auto it = with.begin(); it != with.end(); ++it) {
        if (!it->first.IsScalar()) continue;
        const auto& key = it->first.Scalar();
        if (std::find(names.begin(), names.end(), key) == names.end())
            return ctx.error(mark_of(it->first, mark), join_path(path, key),
                             names.empty() ? fmt::format("unknown parameter; check '{}' takes no parameters",
                                                         check.name)
                                           : fmt::format("unknown parameter of check '{}'; accepted: {}",
                                                         check.name, fmt::join(names, ", ")));
    }
    auto fields = Fields::read(ctx, with, mark, std::string(path), names);
    if (!fields) return fields.error();
    json out = base;
    for (const auto& entry : fields->entries()) {
        const auto& spec = *std::find_if(check.params.begin(), check.params.end(),
                                         [&](const core::ParamSpec& s) { return s.name == entry.key; });
        json value;
        if (entry.value.IsNull()) {
            if (spec.required)
                return ctx.error(Fields::mark_of(entry), fields->path_of(entry.key),
                                 fmt::format("parameter '{}' of check '{}' is required; it has no default",
                                             spec.name, check.name));
            value = spec.default_value;
        } else {
            auto v = param_value(ctx, spec, entry.value, Fields::mark_of(entry), fields->path_of(entry.key));
            if (!v) return v.error();
            value = std::move(*v);
        }
        const json before = base.contains(entry.key) ? base.at(entry.key) : json();
        if (before != value) changed.push_back(fmt::format("{}: {} -> {}", entry.key, before.dump(), value.dump()));
        out[entry.key] = std::move(value);
    }
    if (check.validate) {
        if (auto r = check.validate(out); !r)
            return ctx.error(mark, path, fmt::format("check '{}': {}", check.name, r.error().message));
    }
    return out;
}

}  // namespace conformscan::scanner::yaml
