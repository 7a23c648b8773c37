// The http.* check types on hand-built facts.
#include "checks/http/http_checks.hpp"

#include <gtest/gtest.h>

#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::http {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

HttpResponse response(std::string url, int status, std::vector<HttpHeader> headers = {}) {
    HttpResponse r;
    r.url = std::move(url);
    r.status = status;
    r.headers = std::move(headers);
    if (r.url.rfind("https://", 0) == 0) r.tls_verified = true;
    return r;
}

HttpResponse redirect(std::string url, int status, std::string to, bool same_host = true) {
    auto r = response(std::move(url), status, {{"location", to}});
    r.location = to;
    r.location_url = to;
    r.location_scheme = to.substr(0, to.find(':'));
    r.location_same_host = same_host;
    return r;
}

HttpFacts facts_of(std::vector<HttpResponse> chain) {
    HttpFacts f;
    f.url = chain.front().url;
    f.scheme = f.url.substr(0, f.url.find(':'));
    f.chain = std::move(chain);
    f.status = f.chain.front().status;
    f.headers = f.chain.front().headers;
    f.final_url = f.chain.back().url;
    f.final_status = f.chain.back().status;
    return f;
}

HttpCookie cookie(std::string name, bool secure, bool http_only, std::string same_site) {
    HttpCookie c;
    c.name = std::move(name);
    c.secure = secure;
    c.http_only = http_only;
    c.same_site = std::move(same_site);
    return c;
}

const std::vector<HttpHeader> kGoodHeaders{
    {"strict-transport-security", "max-age=63072000; includeSubDomains; preload"},
    {"x-content-type-options", "nosniff"},
    {"content-security-policy", "default-src 'self'; frame-ancestors 'none'"},
    {"referrer-policy", "strict-origin-when-cross-origin"},
    {"server", "nginx"}};

class HttpChecks : public ::testing::Test {
protected:
    fixtures::CheckHarness h{register_http_checks};
    void set(const HttpFacts& f) { h.set(kHttpProbe, Json(f)); }
};

TEST_F(HttpChecks, RedirectToHttpsPassesOnASameHostHttpsRedirect) {
    set(facts_of({redirect("http://www.example.net/", 301, "https://www.example.net/"),
                  response("https://www.example.net/", 200)}));
    auto o = h.run("http.redirect_to_https");
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["chain"].size(), 2u);
    EXPECT_EQ(o.observed["chain"][0]["status"], 301);
    EXPECT_EQ(o.observed["chain"][0]["followed"], false);
}

TEST_F(HttpChecks, RedirectToHttpsFailsOtherwise) {
    set(facts_of({response("http://www.example.net/", 200)}));
    EXPECT_TRUE(has_status(h.run("http.redirect_to_https"), Status::fail));
    set(facts_of({redirect("http://www.example.net/", 301, "http://www.example.net/login")}));
    EXPECT_TRUE(has_status(h.run("http.redirect_to_https"), Status::fail));
    set(facts_of({redirect("http://www.example.net/", 302, "https://sso.example.org/", false)}));
    auto o = h.run("http.redirect_to_https");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("another host"), std::string::npos);
    EXPECT_TRUE(has_status(h.run("http.redirect_to_https", Json{{"same_host", false}}), Status::pass));
    EXPECT_TRUE(has_status(h.run("http.redirect_to_https", Json{{"statuses", {301, 308}}}), Status::fail));
    set(facts_of({redirect("http://www.example.net/", 303, "https://www.example.net/")}));
    EXPECT_TRUE(has_status(h.run("http.redirect_to_https"), Status::fail));
    set(facts_of({response("https://www.example.net/", 200)}));
    EXPECT_TRUE(has_status(h.run("http.redirect_to_https"), Status::not_applicable));
}

TEST_F(HttpChecks, HstsJudgesTheHttpsPolicy) {
    set(facts_of({response("https://www.example.net/", 200, kGoodHeaders)}));
    EXPECT_TRUE(
        has_status(h.run("http.hsts", Json{{"include_subdomains", true}, {"preload", true}}), Status::pass));
    set(facts_of(
        {response("https://www.example.net/", 200, {{"strict-transport-security", "max-age=86400"}})}));
    auto o = h.run("http.hsts");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["max_age"], 86400);
    EXPECT_TRUE(has_status(h.run("http.hsts", Json{{"min_max_age", 86400}}), Status::pass));
    o = h.run("http.hsts", Json{{"min_max_age", 86400}, {"include_subdomains", true}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("includeSubDomains"), std::string::npos);
}

TEST_F(HttpChecks, HstsFailsWhenMissingInvalidZeroOrUnverified) {
    set(facts_of({response("https://www.example.net/", 200)}));
    EXPECT_TRUE(has_status(h.run("http.hsts"), Status::fail));
    set(facts_of({response("https://www.example.net/", 200,
                           {{"strict-transport-security", "max-age=31536000; max-age=31536000"}})}));
    auto o = h.run("http.hsts");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("invalid"), std::string::npos);
    set(facts_of({response("https://www.example.net/", 200, {{"strict-transport-security", "max-age=0"}})}));
    EXPECT_TRUE(has_status(h.run("http.hsts", Json{{"min_max_age", 0}}), Status::fail));
    // §8.1: only the first field counts.
    set(facts_of({response(
        "https://www.example.net/", 200,
        {{"strict-transport-security", "max-age=60"}, {"strict-transport-security", "max-age=31536000"}})}));
    o = h.run("http.hsts");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["ignored_fields"].size(), 1u);
    auto unverified = response("https://www.example.net/", 200, kGoodHeaders);
    unverified.tls_verified = false;
    unverified.tls_verify_error = "self-signed certificate";
    set(facts_of({unverified}));
    EXPECT_TRUE(has_status(h.run("http.hsts"), Status::fail));
    EXPECT_TRUE(has_status(h.run("http.hsts", Json{{"require_verified_tls", false}}), Status::pass));
}

TEST_F(HttpChecks, HstsOverPlainHttpMustBeAbsent) {
    set(facts_of({redirect("http://www.example.net/", 301, "https://www.example.net/"),
                  response("https://www.example.net/", 200, kGoodHeaders)}));
    auto o = h.run("http.hsts");
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_NE(o.message.find("7.2"), std::string::npos);
    EXPECT_TRUE(has_status(h.run("http.hsts", Json{{"response", "final"}}), Status::pass));
    set(facts_of(
        {response("http://www.example.net/", 200, {{"strict-transport-security", "max-age=31536000"}})}));
    o = h.run("http.hsts");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("plain HTTP"), std::string::npos);
}

TEST_F(HttpChecks, HeadersPassWithTheGoodSet) {
    set(facts_of({response("https://www.example.net/", 200, kGoodHeaders)}));
    auto o = h.run("http.headers");
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["headers"]["x-content-type-options"], Json::array({"nosniff"}));
}

TEST_F(HttpChecks, HeadersFailOnMissingWrongVersionedOrForbidden) {
    auto headers = kGoodHeaders;
    headers.push_back({"x-powered-by", "PHP/8.2.7"});
    headers[4].value = "nginx/1.22.1";
    headers[1].value = "sniff";
    set(facts_of({response("https://www.example.net/", 200, headers)}));
    auto o = h.run("http.headers");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("nginx/1.22.1"), std::string::npos);
    EXPECT_NE(o.message.find("PHP/8.2.7"), std::string::npos);
    EXPECT_NE(o.message.find("x-content-type-options"), std::string::npos);
    // Version-free as text: "Apache" passes, "Apache/2" and "ASP.NET 4.0" do not.
    for (auto [server, ok] : std::vector<std::pair<std::string, bool>>{{"Apache", true},
                                                                       {"Apache/2", false},
                                                                       {"ASP.NET 4.0.30319", false},
                                                                       {"gws", true},
                                                                       {"cloud/v2", false}}) {
        auto hs = kGoodHeaders;
        hs[4].value = server;
        set(facts_of({response("https://www.example.net/", 200, hs)}));
        EXPECT_TRUE(has_status(h.run("http.headers"), ok ? Status::pass : Status::fail)) << server;
    }
    set(facts_of({response("https://www.example.net/", 200, kGoodHeaders)}));
    o = h.run("http.headers", Json{{"forbid", {"Server"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    o = h.run("http.headers", Json{{"require", {{"permissions-policy", ""}}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("permissions-policy is missing"), std::string::npos);
}

TEST_F(HttpChecks, HeadersJudgeFraming) {
    auto with = [&](std::vector<HttpHeader> extra) {
        std::vector<HttpHeader> hs{{"x-content-type-options", "nosniff"}, {"referrer-policy", "no-referrer"}};
        hs.insert(hs.end(), extra.begin(), extra.end());
        set(facts_of({response("https://www.example.net/", 200, hs)}));
        return h.run("http.headers");
    };
    EXPECT_TRUE(has_status(with({}), Status::fail));
    EXPECT_TRUE(has_status(with({{"x-frame-options", "DENY"}}), Status::pass));
    EXPECT_TRUE(has_status(with({{"x-frame-options", "sameorigin"}}), Status::pass));
    EXPECT_TRUE(has_status(with({{"x-frame-options", "ALLOW-FROM https://a.example"}}), Status::fail));
    EXPECT_TRUE(has_status(with({{"x-frame-options", "DENY, SAMEORIGIN"}}), Status::fail));
    EXPECT_TRUE(has_status(with({{"content-security-policy", "frame-ancestors 'self'"}}), Status::pass));
    // frame-ancestors overrides X-Frame-Options, in both directions.
    EXPECT_TRUE(has_status(
        with({{"content-security-policy", "frame-ancestors *"}, {"x-frame-options", "DENY"}}), Status::fail));
    EXPECT_TRUE(
        has_status(with({{"content-security-policy-report-only", "frame-ancestors 'none'"}}), Status::fail));
}

TEST_F(HttpChecks, HeadersValidateTheirPatterns) {
    EXPECT_FALSE(h.params("http.headers", Json{{"require", {{"x-a", "("}}}}).ok());
    EXPECT_FALSE(h.params("http.headers", Json{{"require", {{"bad name", ""}}}}).ok());
    EXPECT_FALSE(h.params("http.headers", Json{{"require", {"x-a"}}}).ok());
    EXPECT_TRUE(h.params("http.headers", Json{{"require", {{"x-a", "^a$"}}}}).ok());
}

TEST_F(HttpChecks, CookiesJudgeEveryCookieSetOverHttps) {
    auto plain = redirect("http://www.example.net/", 301, "https://www.example.net/");
    plain.cookies = {cookie("tracking", false, false, "")};
    auto secure = response("https://www.example.net/", 200);
    secure.cookies = {cookie("sid", true, true, "Strict")};
    set(facts_of({plain, secure}));
    auto o = h.run("http.cookies");
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["cookies"].size(), 1u);
    EXPECT_EQ(o.observed["cookies_over_plain_http"][0]["name"], "tracking");

    secure.cookies.push_back(cookie("prefs", false, false, ""));
    secure.cookies.push_back(cookie("x", true, true, "None"));
    set(facts_of({secure}));
    o = h.run("http.cookies");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("prefs (no Secure, no HttpOnly, no SameSite)"), std::string::npos) << o.message;
    EXPECT_NE(o.message.find("x (SameSite=None)"), std::string::npos) << o.message;
    o = h.run("http.cookies", Json{{"secure", false}, {"httponly", false}, {"samesite", Json::array()}});
    EXPECT_TRUE(has_status(o, Status::pass));
}

TEST_F(HttpChecks, CookiesNotApplicableWithoutHttpsCookies) {
    set(facts_of({response("https://www.example.net/", 200)}));
    EXPECT_TRUE(has_status(h.run("http.cookies"), Status::not_applicable));
    auto plain = response("http://www.example.net/", 200);
    plain.cookies = {cookie("sid", false, false, "")};
    set(facts_of({plain}));
    EXPECT_TRUE(has_status(h.run("http.cookies"), Status::not_applicable));
}

TEST_F(HttpChecks, MalformedFactsAreAnError) {
    h.set(kHttpProbe, Json{{"scheme", "https"}, {"chain", Json::array()}});
    EXPECT_TRUE(has_status(h.run("http.hsts"), Status::error));
    h.set(kHttpProbe, Json{{"scheme", 5}});
    EXPECT_TRUE(has_status(h.run("http.headers"), Status::error));
}

TEST(HttpFacts, RoundTripAndRedaction) {
    auto r = response("https://www.example.net/", 200, kGoodHeaders);
    r.cookies = {cookie("sid", true, true, "Lax")};
    r.cookies[0].max_age = 60;
    auto f = facts_of({r});
    f.tls_verified = true;
    const Json j = f;
    auto back = parse_http_facts(j);
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(Json(*back), j);
    EXPECT_EQ(redact_set_cookie("sid=abc123; Path=/; Secure"), "sid=<6 bytes>; Path=/; Secure");
    EXPECT_EQ(redact_set_cookie("a= x ;b"), "a=<1 bytes>;b");
    EXPECT_EQ(redact_set_cookie("novalue"), "novalue");
}

}  // namespace
}  // namespace conformscan::checks::http
