// http.cookies: every cookie set over https has the Secure and HttpOnly
// attributes (RFC 6265 §4.1.2.5-6) and an acceptable SameSite (RFC 6265bis
// §4.1.2.7), judged on the attributes as a browser reads them (§5.2).
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checks/http/http_checks.hpp"

namespace conformscan::checks::http {

namespace {

using core::Outcome;
using Json = nlohmann::json;

Json cookie_evidence(const HttpCookie& c, const std::string& url) {
    Json j = c;
    j["set_by"] = url;
    return j;
}

std::vector<std::string> cookie_problems(const HttpCookie& c, const Json& params) {
    std::vector<std::string> out;
    const auto exempt = params.value("httponly_exempt", std::vector<std::string>{});
    const auto samesite = params.value("samesite", std::vector<std::string>{"Strict", "Lax"});
    if (params.value("secure", true) && !c.secure) out.push_back("no Secure");
    if (params.value("httponly", true) && !c.http_only &&
        std::find(exempt.begin(), exempt.end(), c.name) == exempt.end())
        out.push_back("no HttpOnly");
    if (!samesite.empty() && std::find(samesite.begin(), samesite.end(), c.same_site) == samesite.end())
        out.push_back(c.same_site.empty() ? (c.same_site_raw ? fmt::format("SameSite={} is not a known value",
                                                                           *c.same_site_raw)
                                                             : std::string("no SameSite"))
                                          : fmt::format("SameSite={}", c.same_site));
    // RFC 6265bis §5.6.7: a SameSite=None cookie without Secure is rejected.
    if (c.same_site == "None" && !c.secure)
        out.push_back("SameSite=None without Secure (browsers reject it)");
    return out;
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_http_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    Json judged = Json::array(), plain = Json::array();
    std::vector<std::string> problems;
    bool any_https = false;
    for (const auto& r : facts->chain) {
        if (!is_https(r)) {
            for (const auto& c : r.cookies) plain.push_back(cookie_evidence(c, r.url));
            continue;
        }
        any_https = true;
        for (const auto& c : r.cookies) {
            judged.push_back(cookie_evidence(c, r.url));
            if (auto p = cookie_problems(c, params); !p.empty())
                problems.push_back(fmt::format("{} ({})", c.name, fmt::join(p, ", ")));
        }
    }
    Json observed{{"cookies", judged}, {"chain", chain_evidence(*facts)}};
    if (!plain.empty()) observed["cookies_over_plain_http"] = plain;
    const Json expected{{"secure", params.value("secure", true)},
                        {"httponly", params.value("httponly", true)},
                        {"samesite", params.value("samesite", std::vector<std::string>{"Strict", "Lax"})}};
    if (!any_https) return Outcome::not_applicable("no response of the chain came over https");
    if (judged.empty()) return Outcome::not_applicable("no cookie is set over https");
    if (!problems.empty())
        return Outcome::fail(fmt::format("{} of {} cookies set over https lack attributes: {}",
                                         problems.size(), judged.size(), fmt::join(problems, "; ")),
                             observed, expected);
    return Outcome::pass(
        fmt::format("{} cookies set over https, each with the required attributes", judged.size()), observed,
        expected);
}

}  // namespace

core::CheckDescriptor cookies_check() {
    core::CheckDescriptor d;
    d.name = "http.cookies";
    d.title = "Cookies set over HTTPS are Secure, HttpOnly and SameSite";
    d.description =
        "Judges every cookie that a response over https in the redirect chain sets: Secure and HttpOnly "
        "present (unless switched off, or the cookie is in httponly_exempt), SameSite one of `samesite` "
        "(empty list: not judged), and never SameSite=None without Secure. Not applicable when no cookie is "
        "set over https; cookies set over plain HTTP are listed in the evidence.";
    d.facts = {kHttpProbe};
    d.params = {
        core::ParamSpec{.name = "secure",
                        .type = core::ParamType::boolean,
                        .description = "Require the Secure attribute.",
                        .default_value = true},
        core::ParamSpec{.name = "httponly",
                        .type = core::ParamType::boolean,
                        .description = "Require the HttpOnly attribute.",
                        .default_value = true},
        core::ParamSpec{.name = "httponly_exempt",
                        .type = core::ParamType::string_list,
                        .description = "Cookie names that scripts must read (e.g. a CSRF token): no "
                                       "HttpOnly required.",
                        .default_value = Json::array()},
        core::ParamSpec{.name = "samesite",
                        .type = core::ParamType::string_list,
                        .description = "SameSite values accepted; an empty list does not judge SameSite.",
                        .default_value = Json::array({"Strict", "Lax"}),
                        .choices = {"Strict", "Lax", "None"}}};
    d.examples = {"{}", "{samesite: [Strict]}",
                  "{httponly_exempt: [csrftoken], samesite: [Strict, Lax, None]}"};
    d.evaluate = guarded("http.cookies", evaluate);
    return d;
}

}  // namespace conformscan::checks::http
