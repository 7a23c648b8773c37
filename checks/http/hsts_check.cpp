// http.hsts: the HTTPS response carries a valid Strict-Transport-Security
// policy (RFC 6797) strong enough for the profile; a plain-HTTP response
// carries none (§7.2).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checks/http/http_checks.hpp"
#include "checks/http/wire/hsts.hpp"

namespace conformscan::checks::http {

namespace {

using core::Outcome;
using Json = nlohmann::json;

Outcome judge_plain(const HttpResponse& r, const std::vector<std::string>& sts, Json observed,
                    Json expected) {
    if (sts.empty())
        return Outcome::pass(
            fmt::format("{} (plain HTTP) sends no Strict-Transport-Security, as RFC 6797 §7.2 "
                        "requires",
                        r.url),
            std::move(observed), std::move(expected));
    return Outcome::fail(
        fmt::format("{} sends Strict-Transport-Security over plain HTTP (\"{}\"): RFC 6797 §7.2 "
                    "forbids it and browsers ignore it (§8.1); redirect to https instead",
                    r.url, sts.front()),
        std::move(observed), std::move(expected));
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_http_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const auto& r = pick_response(*facts, params);
    const auto sts = header_values(r, "strict-transport-security");
    const auto min_age = params.value("min_max_age", std::uint64_t{31536000});
    const bool need_sub = params.value("include_subdomains", false);
    const bool need_preload = params.value("preload", false);
    const bool need_verified = params.value("require_verified_tls", true);
    Json observed{{"url", r.url}, {"status", r.status}, {"strict_transport_security", sts}};
    if (r.tls_verified) observed["tls_verified"] = *r.tls_verified;
    if (!r.tls_verify_error.empty()) observed["tls_verify_error"] = r.tls_verify_error;
    const Json expected{
        {"min_max_age", min_age}, {"include_subdomains", need_sub}, {"preload", need_preload}};
    if (!is_https(r)) return judge_plain(r, sts, std::move(observed), expected);

    if (sts.empty())
        return Outcome::fail(fmt::format("{} sends no Strict-Transport-Security header", r.url), observed,
                             expected);
    // RFC 6797 §8.1: only the first STS field of a response is processed.
    if (sts.size() > 1) observed["ignored_fields"] = std::vector<std::string>(sts.begin() + 1, sts.end());
    auto policy = wire::http::parse_sts(sts.front());
    if (!policy)
        return Outcome::fail(
            fmt::format("{}: the Strict-Transport-Security value \"{}\" is invalid ({}); browsers "
                        "ignore it (RFC 6797 §6.1)",
                        r.url, sts.front(), policy.error().message),
            observed, expected);
    observed["max_age"] = policy->max_age;
    observed["include_subdomains"] = policy->include_subdomains;
    observed["preload"] = policy->preload;

    std::vector<std::string> problems;
    if (need_verified && r.tls_verified && !*r.tls_verified)
        problems.push_back(
            "it came over a connection whose certificate did not verify, and browsers ignore "
            "it there (RFC 6797 §8.1)");
    if (policy->max_age == 0)
        problems.push_back("max-age=0 tells browsers to forget the policy (§6.1.1)");
    else if (policy->max_age < min_age)
        problems.push_back(fmt::format("max-age={} is below {}", policy->max_age, min_age));
    if (need_sub && !policy->include_subdomains) problems.push_back("includeSubDomains is missing");
    if (need_preload && !policy->preload) problems.push_back("preload is missing");
    if (!problems.empty())
        return Outcome::fail(fmt::format("{}: Strict-Transport-Security \"{}\": {}", r.url, sts.front(),
                                         fmt::join(problems, "; ")),
                             observed, expected);
    return Outcome::pass(fmt::format("{} sends Strict-Transport-Security \"{}\"", r.url, sts.front()),
                         observed, expected);
}

}  // namespace

core::CheckDescriptor hsts_check() {
    core::CheckDescriptor d;
    d.name = "http.hsts";
    d.title = "Strict-Transport-Security is set (HTTPS) or absent (plain HTTP)";
    d.description =
        "Over https: passes when the response's first Strict-Transport-Security field is valid (RFC 6797 "
        "§6.1: max-age present, no directive repeated), max-age is at least min_max_age, and "
        "includeSubDomains "
        "and preload are present when required; fails when the header is missing or invalid, or came over a "
        "connection whose certificate did not verify (§8.1). Over plain HTTP: passes when the header is "
        "absent and fails when it is sent (§7.2).";
    d.facts = {kHttpProbe};
    d.params = {
        core::ParamSpec{.name = "min_max_age",
                        .type = core::ParamType::integer,
                        .description = "Smallest max-age accepted, in seconds (31536000 = one year).",
                        .default_value = 31536000,
                        .minimum = 0},
        core::ParamSpec{.name = "include_subdomains",
                        .type = core::ParamType::boolean,
                        .description = "Require the includeSubDomains directive.",
                        .default_value = false},
        core::ParamSpec{.name = "preload",
                        .type = core::ParamType::boolean,
                        .description = "Require the preload directive (hstspreload.org's opt-in).",
                        .default_value = false},
        core::ParamSpec{.name = "require_verified_tls",
                        .type = core::ParamType::boolean,
                        .description = "Fail when the certificate did not verify: browsers then ignore "
                                       "the header (RFC 6797 §8.1).",
                        .default_value = true},
        response_param()};
    d.examples = {"{}", "{min_max_age: 15768000}",
                  "{min_max_age: 31536000, include_subdomains: true, preload: true}", "{response: final}"};
    d.evaluate = guarded("http.hsts", evaluate);
    return d;
}

}  // namespace conformscan::checks::http
