// fact.matches: string facts (banners, names, versions) against a regular
// expression, for rules no dedicated check type covers.
#include <exception>
#include <regex>

#include <fmt/format.h>

#include "checks/generic/generic_common.hpp"

namespace conformscan::checks::generic {

namespace {

using core::Outcome;

// libstdc++'s std::regex matches by recursion, several frames per character
// for patterns such as ".*": measured, 1 MiB of stack overflows near 2000
// characters and 8 MiB near 12000. Refusing longer values keeps a 5x margin
// on a default 8 MiB thread stack; facts worth matching (a 512-byte banner
// escaped, names, versions) fit.
constexpr std::size_t kMaxMatchedLength = 2048;

core::Result<std::regex> compile(const Json& params) {
    auto it = params.find("pattern");
    if (it == params.end() || !it->is_string())
        return core::make_error("param_missing", "parameter 'pattern' is required");
    try {
        return std::regex(it->get<std::string>(), std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        return core::make_error(
            "param_pattern",
            fmt::format("'pattern' is not a valid ECMAScript regular expression: {}", e.what()));
    }
}

core::Result<void> validate_matches(const Json& params) {
    if (auto ok = validate_path(params); !ok) return ok;
    auto re = compile(params);
    if (!re) return re.error();
    return {};
}

Outcome evaluate_matches(const core::CheckContext& ctx, const Json& params) {
    auto l = lookup(ctx, params);
    if (!l) return Outcome::error(l.error().describe());
    auto re = compile(params);
    if (!re) return Outcome::error(re.error().describe());
    const std::string mode = params.value("mode", "all");
    const std::string pattern = params.value("pattern", "");
    const Json expected{{"path", l->path.text}, {"pattern", pattern}, {"mode", mode}};
    if (l->values.empty()) return absent_outcome(*l, params, expected);

    std::size_t matched = 0;
    const Json* first_match = nullptr;
    const Json* first_miss = nullptr;
    for (const auto& v : l->values) {
        if (!v.is_string() && !v.is_number())
            return Outcome::error(fmt::format("a value at {} is not a string: {}", l->path.text, brief(v)),
                                  observed_of(*l));
        const std::string text = v.is_string() ? v.get<std::string>() : dump_text(v);
        if (text.size() > kMaxMatchedLength)
            return Outcome::error(
                fmt::format("a value at {} is {} characters long, more than the {} fact.matches "
                            "accepts",
                            l->path.text, text.size(), kMaxMatchedLength),
                observed_of(*l));
        // Unanchored, as JSON Schema's `pattern`: write ^...$ to match a whole value.
        if (std::regex_search(text, *re)) {
            ++matched;
            if (first_match == nullptr) first_match = &v;
        } else if (first_miss == nullptr) {
            first_miss = &v;
        }
    }

    const auto n = l->values.size();
    const auto& path = l->path.text;
    if (mode == "any") {
        if (matched > 0)
            return Outcome::pass(fmt::format("{} at {} matches /{}/", brief(*first_match), path, pattern),
                                 observed_of(*l), expected);
        return Outcome::fail(
            fmt::format("no value at {} matches /{}/ (first: {})", path, pattern, brief(*first_miss)),
            observed_of(*l), expected);
    }
    if (mode == "none") {
        if (matched == 0)
            return Outcome::pass(fmt::format("no value at {} matches /{}/", path, pattern), observed_of(*l),
                                 expected);
        return Outcome::fail(fmt::format("{} of {} values at {} match /{}/, which is forbidden (first: {})",
                                         matched, n, path, pattern, brief(*first_match)),
                             observed_of(*l), expected);
    }
    if (matched == n)
        return Outcome::pass(fmt::format("every value at {} matches /{}/", path, pattern), observed_of(*l),
                             expected);
    return Outcome::fail(fmt::format("{} of {} values at {} do not match /{}/ (first: {})", n - matched, n,
                                     path, pattern, brief(*first_miss)),
                         observed_of(*l), expected);
}

}  // namespace

core::CheckDescriptor matches_check() {
    auto d =
        fact_check("fact.matches", "A string fact matches a regular expression",
                   "Searches each value at `path` for `pattern` (ECMAScript syntax, unanchored: use ^...$ "
                   "for a whole value); numbers are matched as their JSON text, other values (and strings "
                   "over 2048 characters) are "
                   "an error. "
                   "mode all: every value matches; any: at least one does; none: no value does.");
    d.params = {
        path_param(),
        core::ParamSpec{.name = "pattern",
                        .type = core::ParamType::string,
                        .description = "ECMAScript regular expression; refused when the profile loads if "
                                       "it does not compile.",
                        .required = true},
        core::ParamSpec{.name = "mode",
                        .type = core::ParamType::string,
                        .description = "all, any or none of the values must match.",
                        .default_value = "all",
                        .choices = {"all", "any", "none"}},
        absent_param("fail")};
    d.examples = {"{path: tls.version, pattern: '^TLSv1\\.[23]$'}",
                  "{path: tcp.banner, pattern: 'OpenSSH_[0-6]\\.', mode: none}"};
    d.validate = validate_matches;
    d.evaluate = guarded(evaluate_matches);
    return d;
}

}  // namespace conformscan::checks::generic
