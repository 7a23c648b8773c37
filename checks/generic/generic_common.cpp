#include "checks/generic/generic_common.hpp"

#include <exception>

#include <fmt/format.h>

namespace conformscan::checks::generic {

core::ParamSpec path_param() {
    return core::ParamSpec{.name = "path",
                           .type = core::ParamType::string,
                           .description =
                               "Fact path, probe first: tls.chain[0].key.bits; [*] fans out over a list "
                               "(quote a path with brackets in YAML).",
                           .required = true};
}

core::ParamSpec absent_param(const char* default_outcome) {
    return core::ParamSpec{.name = "absent",
                           .type = core::ParamType::string,
                           .description = "Outcome when the path yields no value.",
                           .default_value = default_outcome,
                           .choices = {"fail", "pass", "error"}};
}

core::Result<void> validate_path(const Json& params) {
    auto it = params.find("path");
    if (it == params.end() || !it->is_string())
        return core::make_error("param_missing", "parameter 'path' is required");
    auto path = core::FactPath::parse(it->get<std::string>());
    if (!path) return path.error();
    return {};
}

std::vector<std::string> probes_of_path(const Json& params) {
    auto it = params.find("path");
    if (it == params.end() || !it->is_string()) return {};
    auto path = core::FactPath::parse(it->get<std::string>());
    if (!path) return {};
    return {path->probe};
}

core::Result<Lookup> lookup(const core::CheckContext& ctx, const Json& params) {
    if (auto ok = validate_path(params); !ok) return ok.error();
    auto path = core::FactPath::parse(params.at("path").get<std::string>());
    Lookup l{std::move(path.value()), {}};
    l.values = ctx.facts.lookup(l.path);
    return l;
}

core::Outcome absent_outcome(const Lookup& l, const Json& params, const Json& expected) {
    const std::string absent = params.value("absent", "fail");
    const auto message = fmt::format("no value at {}", l.path.text);
    const Json observed = observed_of(l);
    if (absent == "pass")
        return core::Outcome::pass(message + ", which absent: pass accepts", observed, expected);
    if (absent == "error") return core::Outcome::error(message, observed);
    return core::Outcome::fail(message, observed, expected);
}

Json observed_of(const Lookup& l) {
    Json values = Json::array();
    for (std::size_t i = 0; i < l.values.size() && i < kMaxEvidenceValues; ++i) values.push_back(l.values[i]);
    Json j{{"path", l.path.text}, {"values", std::move(values)}, {"count", l.values.size()}};
    if (l.values.size() > kMaxEvidenceValues) j["truncated"] = true;
    return j;
}

bool truthy(const Json& v) {
    switch (v.type()) {
        case Json::value_t::boolean:
            return v.get<bool>();
        case Json::value_t::number_integer:
            return v.get<std::int64_t>() != 0;
        case Json::value_t::number_unsigned:
            return v.get<std::uint64_t>() != 0;
        case Json::value_t::number_float:
            return v.get<double>() != 0.0;
        case Json::value_t::string:
            return !v.get_ref<const std::string&>().empty();
        case Json::value_t::array:
        case Json::value_t::object:
            return !v.empty();
        default:
            return false;
    }
}

std::string dump_text(const Json& v) {
    // Replace rather than throw on invalid UTF-8: facts may hold bytes a server sent.
    return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string brief(const Json& v) {
    constexpr std::size_t kMax = 80;
    auto text = v.is_string() ? v.get<std::string>() : dump_text(v);
    if (text.size() > kMax) text = text.substr(0, kMax) + "...";
    return text;
}

std::function<core::Outcome(const core::CheckContext&, const Json&)> guarded(RuleFn rule) {
    return [rule](const core::CheckContext& ctx, const Json& params) -> core::Outcome {
        try {
            return rule(ctx, params);
        } catch (const std::exception& e) {
            return core::Outcome::error(
                fmt::format("internal error while judging a fact path: {}", e.what()));
        }
    };
}

core::CheckDescriptor fact_check(std::string name, std::string title, std::string description) {
    core::CheckDescriptor d;
    d.name = std::move(name);
    d.title = std::move(title);
    d.description = std::move(description);
    d.probes_for = probes_of_path;
    d.validate = validate_path;
    return d;
}

}  // namespace conformscan::checks::generic
