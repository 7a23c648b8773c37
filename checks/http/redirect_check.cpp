// http.redirect_to_https: a plain-HTTP listener answers with a redirect to
// https on the same host. Same host, because a browser can learn the host's
// HSTS policy (RFC 6797 §7.2: "MUST redirect ... to the Secure URI") only if
// the first hop lands on that host over TLS.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checks/http/http_checks.hpp"

namespace conformscan::checks::http {

namespace {

using core::Outcome;
using Json = nlohmann::json;

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_http_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    if (facts->scheme != "http")
        return Outcome::not_applicable(
            "the target is asked over https; this rule judges plain-HTTP listeners (service http)");
    const auto& first = facts->chain.front();
    const auto statuses = params.value("statuses", std::vector<int>{301, 302, 307, 308});
    const bool need_same_host = params.value("same_host", true);
    const Json observed{{"chain", chain_evidence(*facts)},
                        {"status", first.status},
                        {"location", first.location},
                        {"location_url", first.location_url}};
    const Json expected{{"statuses", statuses}, {"scheme", "https"}, {"same_host", need_same_host}};
    if (std::find(statuses.begin(), statuses.end(), first.status) == statuses.end())
        return Outcome::fail(fmt::format("{} answers {} over plain HTTP, not a redirect ({})", first.url,
                                         first.status, fmt::join(statuses, ", ")),
                             observed, expected);
    if (first.location.empty())
        return Outcome::fail(fmt::format("{} answers {} without a Location", first.url, first.status),
                             observed, expected);
    if (first.location_url.empty())
        return Outcome::fail(
            fmt::format("{} redirects to \"{}\", which is not a usable URI", first.url, first.location),
            observed, expected);
    if (first.location_scheme != "https")
        return Outcome::fail(fmt::format("{} redirects to {}, not to https", first.url, first.location_url),
                             observed, expected);
    if (need_same_host && !first.location_same_host)
        return Outcome::fail(fmt::format("{} redirects to https on another host ({}): a browser cannot learn "
                                         "{}'s HSTS policy on the way",
                                         first.url, first.location_url, ctx.target.expected_name()),
                             observed, expected);
    return Outcome::pass(
        fmt::format("{} answers {} with a redirect to {}", first.url, first.status, first.location_url),
        observed, expected);
}

}  // namespace

core::CheckDescriptor redirect_to_https_check() {
    core::CheckDescriptor d;
    d.name = "http.redirect_to_https";
    d.title = "Plain HTTP redirects to HTTPS on the same host";
    d.description =
        "For a plain-HTTP listener (a target of service http): passes when GET / answers with one of the "
        "redirect statuses and a Location that resolves to an https URL on the same host name; fails on any "
        "other answer, with the redirect chain as evidence. Not applicable to targets asked over https.";
    d.facts = {kHttpProbe};
    d.params = {
        core::ParamSpec{.name = "statuses",
                        .type = core::ParamType::integer_list,
                        .description = "Redirect statuses accepted (308/301 permanent, 307/302 temporary).",
                        .default_value = Json::array({301, 302, 307, 308}),
                        .minimum = 300,
                        .maximum = 399},
        core::ParamSpec{.name = "same_host",
                        .type = core::ParamType::boolean,
                        .description = "Require the https URL to be on the target's own host name.",
                        .default_value = true}};
    d.examples = {"{}", "{statuses: [301, 308]}", "{same_host: false}"};
    d.evaluate = guarded("http.redirect_to_https", evaluate);
    return d;
}

}  // namespace conformscan::checks::http
