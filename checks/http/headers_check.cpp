// http.headers: required response headers (with optional value patterns),
// protection against framing, forbidden headers, and headers that may be sent
// but must not disclose a software version.
#include <regex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checks/http/http_checks.hpp"
#include "checks/http/wire/csp.hpp"
#include "checks/http/wire/text.hpp"

namespace conformscan::checks::http {

namespace {

using core::Outcome;
using Json = nlohmann::json;

Json default_required() {
    // OWASP Secure Headers Project; Referrer-Policy: the last recognised
    // token of the list decides (W3C Referrer Policy §8.1).
    return Json{{"x-content-type-options", "^\\s*nosniff\\s*$"},
                {"referrer-policy",
                 "(^|,)\\s*(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)\\s*$"}};
}

// RFC 9110 §10.2.4 product = token ["/" product-version]: a version is a
// "/" followed by a digit (optionally "v"), or any dotted number ("ASP.NET
// 4.0.30319"). Written out rather than as a regex: the value is the server's.
bool carries_version(std::string_view v) {
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '/') {
            std::size_t j = i + 1;
            while (j < v.size() && wire::http::is_ows(v[j])) ++j;
            if (j < v.size() && (v[j] == 'v' || v[j] == 'V')) ++j;
            if (j < v.size() && wire::http::is_digit(v[j])) return true;
        }
        if (wire::http::is_digit(v[i]) && i + 2 < v.size() && v[i + 1] == '.' &&
            wire::http::is_digit(v[i + 2]))
            return true;
    }
    return false;
}

// libstdc++'s std::regex recurses per character matched: a pattern is run on
// at most this much of a value, so that a hostile header cannot exhaust the stack.
constexpr std::size_t kMaxPatternSubject = 4096;

std::regex pattern_of(const std::string& p) {
    return std::regex(p, std::regex::ECMAScript | std::regex::icase);
}

// HTML's "check a navigation response's adherence to X-Frame-Options": a CSP
// with frame-ancestors makes X-Frame-Options irrelevant; otherwise every
// X-Frame-Options value must be DENY or SAMEORIGIN (ALLOW-FROM is obsolete).
std::string framing_problem(const HttpResponse& r, Json& observed) {
    bool any_frame_ancestors = false, restricted = false;
    for (const auto& value : header_values(r, "content-security-policy")) {
        for (const auto& policy : wire::http::parse_csp(value)) {
            auto fa = wire::http::frame_ancestors(policy);
            if (!fa) continue;
            any_frame_ancestors = true;
            observed["frame_ancestors"].push_back(*fa);
            // Every policy is enforced: one that restricts framing suffices.
            if (!wire::http::frame_ancestors_allow_any(*fa)) restricted = true;
        }
    }
    if (any_frame_ancestors) return restricted ? "" : "CSP frame-ancestors lets any origin frame the page";
    const auto xfo = header_values(r, "x-frame-options");
    observed["x_frame_options"] = xfo;
    if (xfo.empty()) return "neither CSP frame-ancestors nor X-Frame-Options protects against framing";
    std::string mode;
    for (const auto& v : xfo) {
        std::string_view rest = v;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const auto token = wire::http::to_lower(wire::http::trim_ows(rest.substr(0, comma)));
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            if (token != "deny" && token != "sameorigin")
                return fmt::format("X-Frame-Options \"{}\" is neither DENY nor SAMEORIGIN", v);
            if (!mode.empty() && mode != token) return "X-Frame-Options values conflict";
            mode = token;
        }
    }
    return mode.empty() ? "X-Frame-Options is empty" : "";
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_http_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const auto& r = pick_response(*facts, params);
    const Json required =
        params.contains("require") && params["require"].is_object() ? params["require"] : default_required();
    const auto forbid = params.value("forbid", std::vector<std::string>{});
    const auto version_free =
        params.value("version_free", std::vector<std::string>{"server", "x-powered-by"});
    const bool framing = params.value("frame_protection", true);

    std::vector<std::string> problems;
    Json observed{{"url", r.url}, {"status", r.status}, {"headers", Json::object()}};
    auto note_header = [&](const std::string& name) { observed["headers"][name] = header_values(r, name); };
    for (const auto& [raw_name, pattern] : required.items()) {
        const auto name = wire::http::to_lower(raw_name);
        note_header(name);
        const auto values = header_values(r, name);
        if (values.empty()) {
            problems.push_back(fmt::format("{} is missing", name));
            continue;
        }
        const auto p = pattern.is_string() ? pattern.get<std::string>() : std::string{};
        if (p.empty()) continue;
        const auto re = pattern_of(p);
        for (const auto& v : values)
            if (!std::regex_search(v.substr(0, kMaxPatternSubject), re))
                problems.push_back(fmt::format("{}: \"{}\" does not match /{}/", name, v, p));
    }
    if (framing)
        if (auto why = framing_problem(r, observed); !why.empty()) problems.push_back(why);
    for (const auto& raw_name : forbid) {
        const auto name = wire::http::to_lower(raw_name);
        const auto values = header_values(r, name);
        if (values.empty()) continue;
        note_header(name);
        problems.push_back(fmt::format("{} is sent (\"{}\")", name, values.front()));
    }
    for (const auto& raw_name : version_free) {
        const auto name = wire::http::to_lower(raw_name);
        const auto values = header_values(r, name);
        if (values.empty()) continue;
        note_header(name);
        for (const auto& v : values)
            if (carries_version(v))
                problems.push_back(fmt::format("{} discloses a version: \"{}\"", name, v));
    }
    const Json expected{{"require", required},
                        {"frame_protection", framing},
                        {"forbid", forbid},
                        {"version_free", version_free}};
    if (!problems.empty())
        return Outcome::fail(fmt::format("{}: {}", r.url, fmt::join(problems, "; ")), observed, expected);
    return Outcome::pass(
        fmt::format("{} sends the required headers and no forbidden or versioned ones", r.url), observed,
        expected);
}

core::Result<void> validate(const Json& params) {
    if (!params.contains("require")) return {};
    const auto& req = params["require"];
    if (!req.is_object())
        return core::make_error(
            "bad_param", "require must be a map of header name to value pattern (\"\" for any)", "require");
    for (const auto& [name, pattern] : req.items()) {
        if (!wire::http::is_token(name))
            return core::make_error("bad_param", fmt::format("\"{}\" is not a header name", name), "require");
        if (!pattern.is_string())
            return core::make_error("bad_param", fmt::format("the pattern of {} must be a string", name),
                                    "require");
        try {
            (void)pattern_of(pattern.get<std::string>());
        } catch (const std::regex_error& e) {
            return core::make_error("bad_param",
                                    fmt::format("the pattern of {} does not compile: {}", name, e.what()),
                                    "require");
        }
    }
    return {};
}

}  // namespace

core::CheckDescriptor headers_check() {
    core::CheckDescriptor d;
    d.name = "http.headers";
    d.title = "Security headers are present, forbidden and versioned headers absent";
    d.description =
        "Passes when every header in `require` is present and each of its values matches the pattern "
        "(ECMAScript regex, case-insensitive, searched in the first 4096 bytes; \"\" accepts any value); "
        "when framing is restricted "
        "(an enforced CSP frame-ancestors that does not allow every origin, else X-Frame-Options DENY or "
        "SAMEORIGIN); when no header in `forbid` is sent; and when no header in `version_free` carries a "
        "version (product/1.2, a dotted number).";
    d.facts = {kHttpProbe};
    d.params = {
        core::ParamSpec{.name = "require",
                        .type = core::ParamType::any,
                        .description = "Map of header name to value pattern; default X-Content-Type-Options "
                                       "nosniff and a Referrer-Policy that does not leak paths cross-origin.",
                        .default_value = default_required()},
        core::ParamSpec{.name = "frame_protection",
                        .type = core::ParamType::boolean,
                        .description = "Require CSP frame-ancestors or X-Frame-Options against clickjacking.",
                        .default_value = true},
        core::ParamSpec{.name = "forbid",
                        .type = core::ParamType::string_list,
                        .description = "Headers that must not be sent at all (e.g. X-AspNet-Version).",
                        .default_value = Json::array()},
        core::ParamSpec{.name = "version_free",
                        .type = core::ParamType::string_list,
                        .description = "Headers that may be sent but must not carry a software version.",
                        .default_value = Json::array({"server", "x-powered-by"})},
        response_param()};
    d.examples = {"{}",
                  "{require: {x-content-type-options: '^nosniff$', content-security-policy: ''}, forbid: "
                  "[x-aspnet-version]}",
                  "{frame_protection: false, version_free: [server, x-powered-by, x-generator]}"};
    d.validate = validate;
    d.evaluate = guarded("http.headers", evaluate);
    return d;
}

}  // namespace conformscan::checks::http
