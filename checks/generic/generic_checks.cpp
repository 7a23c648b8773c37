// fact.require, fact.forbid, fact.at_least, fact.at_most: rules a profile
// author writes over any fact path without C++ (fact.matches is in fact_matches.cpp).
#include "checks/generic/generic_checks.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checks/generic/generic_common.hpp"

namespace conformscan::checks::generic {

namespace {

using core::Outcome;

// "tls.x is 0" for one value, "2 of 5 values at tls.x[*] ..." for several.
std::string subject_of(const Lookup& l, std::size_t bad, const Json& first_bad) {
    if (l.values.size() == 1) return fmt::format("{} is {}", l.path.text, brief(first_bad));
    return fmt::format("{} of {} values at {} fail (first: {})", bad, l.values.size(), l.path.text,
                       brief(first_bad));
}

Outcome evaluate_require(const core::CheckContext& ctx, const Json& params) {
    auto l = lookup(ctx, params);
    if (!l) return Outcome::error(l.error().describe());
    const Json equals = params.value("equals", Json());
    Json expected{{"path", l->path.text}};
    if (equals.is_null())
        expected["truthy"] = true;
    else
        expected["equals"] = equals;
    if (l->values.empty()) return absent_outcome(*l, params, expected);

    auto bad = [&](const Json& v) { return equals.is_null() ? !truthy(v) : v != equals; };
    const auto count = static_cast<std::size_t>(std::count_if(l->values.begin(), l->values.end(), bad));
    if (count == 0) {
        if (l->values.size() == 1)
            return Outcome::pass(fmt::format("{} is {}", l->path.text, brief(l->values.front())),
                                 observed_of(*l), expected);
        return Outcome::pass(
            fmt::format("all {} values at {} meet the requirement", l->values.size(), l->path.text),
            observed_of(*l), expected);
    }
    const auto& first = *std::find_if(l->values.begin(), l->values.end(), bad);
    const auto want = equals.is_null() ? std::string("a true, non-zero or non-empty value")
                                       : fmt::format("{}", brief(equals));
    return Outcome::fail(fmt::format("{}; required {}", subject_of(*l, count, first), want), observed_of(*l),
                         expected);
}

Outcome evaluate_forbid(const core::CheckContext& ctx, const Json& params) {
    auto l = lookup(ctx, params);
    if (!l) return Outcome::error(l.error().describe());
    const Json values = params.value("values", Json());
    const Json forbidden = values.is_null() || values.is_array() ? values : Json::array({values});
    Json expected{{"path", l->path.text}};
    if (forbidden.is_null())
        expected["truthy"] = false;
    else
        expected["none_of"] = forbidden;
    if (l->values.empty()) return absent_outcome(*l, params, expected);

    auto listed = [&](const Json& v) {
        return std::find(forbidden.begin(), forbidden.end(), v) != forbidden.end();
    };
    // A list value (e.g. offered cipher suites) fails when any element is forbidden.
    auto bad = [&](const Json& v) {
        if (forbidden.is_null()) return truthy(v);
        if (listed(v)) return true;
        return v.is_array() && std::any_of(v.begin(), v.end(), listed);
    };
    const auto count = static_cast<std::size_t>(std::count_if(l->values.begin(), l->values.end(), bad));
    if (count == 0) {
        const auto what =
            forbidden.is_null() ? std::string("is set") : std::string("holds a forbidden value");
        return Outcome::pass(fmt::format("no value at {} {}", l->path.text, what), observed_of(*l), expected);
    }
    const auto& first = *std::find_if(l->values.begin(), l->values.end(), bad);
    std::string why = "a false, zero or empty value is required";
    if (!forbidden.is_null()) {
        Json hits = Json::array();
        if (listed(first)) hits.push_back(first);
        if (first.is_array())
            for (const auto& e : first)
                if (listed(e)) hits.push_back(e);
        why = fmt::format("forbidden: {}", brief(hits));
    }
    return Outcome::fail(fmt::format("{}; {}", subject_of(*l, count, first), why), observed_of(*l), expected);
}

enum class Bound { at_least, at_most };

Outcome evaluate_bound(const core::CheckContext& ctx, const Json& params, Bound bound) {
    auto l = lookup(ctx, params);
    if (!l) return Outcome::error(l.error().describe());
    const Json limit = params.value("value", Json());
    if (!limit.is_number()) return Outcome::error("parameter 'value' must be a number");
    const char* key = bound == Bound::at_least ? "minimum" : "maximum";
    const Json expected{{"path", l->path.text}, {key, limit}};
    if (l->values.empty()) return absent_outcome(*l, params, expected);

    for (const auto& v : l->values)
        if (!v.is_number())
            return Outcome::error(fmt::format("a value at {} is not a number: {}", l->path.text, brief(v)),
                                  observed_of(*l));
    auto bad = [&](const Json& v) { return bound == Bound::at_least ? v < limit : v > limit; };
    const auto count = static_cast<std::size_t>(std::count_if(l->values.begin(), l->values.end(), bad));
    const char* side = bound == Bound::at_least ? "below the minimum" : "above the maximum";
    if (count == 0) {
        const char* within = bound == Bound::at_least ? "at least" : "at most";
        if (l->values.size() == 1)
            return Outcome::pass(
                fmt::format("{} is {}, {} {}", l->path.text, brief(l->values.front()), within, brief(limit)),
                observed_of(*l), expected);
        return Outcome::pass(fmt::format("all {} values at {} are {} {}", l->values.size(), l->path.text,
                                         within, brief(limit)),
                             observed_of(*l), expected);
    }
    const auto& first = *std::find_if(l->values.begin(), l->values.end(), bad);
    return Outcome::fail(fmt::format("{}, {} {}", subject_of(*l, count, first), side, brief(limit)),
                         observed_of(*l), expected);
}

Outcome evaluate_at_least(const core::CheckContext& ctx, const Json& params) {
    return evaluate_bound(ctx, params, Bound::at_least);
}
Outcome evaluate_at_most(const core::CheckContext& ctx, const Json& params) {
    return evaluate_bound(ctx, params, Bound::at_most);
}

core::ParamSpec bound_param(const char* description) {
    return core::ParamSpec{
        .name = "value", .type = core::ParamType::number, .description = description, .required = true};
}

}  // namespace

void register_generic_checks(core::CheckRegistry& registry) {
    auto require =
        fact_check("fact.require", "A fact is set, or equals a value",
                   "Passes when every value at `path` is truthy (true, a non-zero number, a non-empty "
                   "string, list or object) or, with `equals`, equals that value.");
    require.params = {path_param(),
                      core::ParamSpec{.name = "equals",
                                      .type = core::ParamType::any,
                                      .description = "The value every value at the path must equal."},
                      absent_param("fail")};
    require.examples = {"{path: tls.ocsp_stapled}", "{path: tls.version, equals: TLSv1.3}"};
    require.evaluate = guarded(evaluate_require);
    core::must_add(registry, std::move(require));

    auto forbid = fact_check("fact.forbid", "A fact is unset, or holds no forbidden value",
                             "Without `values`, passes when no value at `path` is truthy. With `values` (one "
                             "value or a list), passes when no value at the path, nor any element of a list "
                             "value, is among them.");
    forbid.params = {path_param(),
                     core::ParamSpec{.name = "values",
                                     .type = core::ParamType::any,
                                     .description = "A forbidden value, or a list of forbidden values."},
                     absent_param("pass")};
    forbid.examples = {"{path: 'tls.chain[*].self_signed'}", "{path: tls.version, values: [TLSv1, TLSv1.1]}"};
    forbid.evaluate = guarded(evaluate_forbid);
    core::must_add(registry, std::move(forbid));

    auto at_least =
        fact_check("fact.at_least", "A numeric fact is at least a minimum",
                   "Passes when every value at `path` is a number not below `value`; a value that "
                   "is not a number is an error.");
    at_least.params = {path_param(), bound_param("The minimum."), absent_param("fail")};
    at_least.examples = {"{path: 'tls.chain[*].key.bits', value: 2048}"};
    at_least.evaluate = guarded(evaluate_at_least);
    core::must_add(registry, std::move(at_least));

    auto at_most = fact_check("fact.at_most", "A numeric fact is at most a maximum",
                              "Passes when every value at `path` is a number not above `value`; a value that "
                              "is not a number is an error.");
    at_most.params = {path_param(), bound_param("The maximum."), absent_param("fail")};
    at_most.examples = {"{path: tcp.connect_ms, value: 500}"};
    at_most.evaluate = guarded(evaluate_at_most);
    core::must_add(registry, std::move(at_most));

    core::must_add(registry, matches_check());
}

}  // namespace conformscan::checks::generic
