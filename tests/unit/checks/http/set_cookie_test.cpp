#include "checks/http/wire/set_cookie.hpp"

#include <gtest/gtest.h>

namespace conformscan::wire::http {
namespace {

TEST(HttpSetCookie, ParsesTheLabCookies) {
    auto c =
        parse_set_cookie("sid=0123456789abcdef0123456789abcdef; Path=/; Secure; HttpOnly; SameSite=Strict");
    ASSERT_TRUE(c.ok()) << c.error().describe();
    EXPECT_EQ(c->name, "sid");
    EXPECT_EQ(c->value.size(), 32u);
    EXPECT_TRUE(c->secure);
    EXPECT_TRUE(c->http_only);
    EXPECT_EQ(c->same_site, "Strict");
    EXPECT_EQ(c->path, "/");
    c = parse_set_cookie("prefs=dark; Max-Age=3600");
    ASSERT_TRUE(c.ok());
    EXPECT_FALSE(c->secure);
    EXPECT_FALSE(c->http_only);
    EXPECT_EQ(c->same_site, "");
    EXPECT_FALSE(c->same_site_raw);
    EXPECT_EQ(c->max_age, 3600);
}

TEST(HttpSetCookie, FollowsTheUserAgentAlgorithm) {
    // §5.2: names case-insensitive, WSP trimmed, the last attribute wins,
    // a leading dot of Domain dropped, a relative Path means the default.
    auto c = parse_set_cookie(
        " a = b ; secure;HTTPONLY ; samesite=lax; SameSite=NONE; Domain=.Example.COM; path=rel");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->name, "a");
    EXPECT_EQ(c->value, "b");
    EXPECT_TRUE(c->secure);
    EXPECT_TRUE(c->http_only);
    EXPECT_EQ(c->same_site, "None");
    EXPECT_EQ(c->domain, "example.com");
    EXPECT_FALSE(c->path);
    // An unknown SameSite value: the UA's default applies.
    c = parse_set_cookie("a=b; SameSite=Bogus; Frobnicate");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->same_site, "");
    EXPECT_EQ(c->same_site_raw, "Bogus");
    EXPECT_EQ(c->ignored, std::vector<std::string>{"Frobnicate"});
    // Empty value, '=' inside the value.
    c = parse_set_cookie("token=a=b=c");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->value, "a=b=c");
}

TEST(HttpSetCookie, MaxAgeAndDomainEdgeCases) {
    auto c = parse_set_cookie("a=b; Max-Age=-5");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->max_age, -5);
    c = parse_set_cookie("a=b; Max-Age=+5; Max-Age=1x; Domain=");
    ASSERT_TRUE(c.ok());
    EXPECT_FALSE(c->max_age);
    EXPECT_FALSE(c->domain);
    EXPECT_EQ(c->ignored.size(), 3u);
    c = parse_set_cookie("a=b; Max-Age=99999999999999999999999");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->max_age, std::numeric_limits<std::int64_t>::max());
}

TEST(HttpSetCookie, RefusesCookiesTheUserAgentIgnores) {
    auto c = parse_set_cookie("novalue");
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, "no_equals");
    c = parse_set_cookie("  =value; Secure");
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, "empty_name");
    c = parse_set_cookie("; a=b");
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, "no_equals");
}

TEST(HttpCookieDate, ParsesTheFormatsServersSend) {
    // RFC 6265 §5.1.1 accepts the RFC 1123, RFC 850 and asctime forms alike.
    const auto t = parse_cookie_date("Wed, 09 Jun 2021 10:18:14 GMT");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_epoch(*t), "2021-06-09T10:18:14Z");
    EXPECT_EQ(parse_cookie_date("Wednesday, 09-Jun-21 10:18:14 GMT"), t);
    EXPECT_EQ(parse_cookie_date("Wed Jun  9 10:18:14 2021"), t);
    EXPECT_EQ(format_epoch(*parse_cookie_date("Thu, 01 Jan 1970 00:00:00 GMT")), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_epoch(*parse_cookie_date("29 Feb 2024 23:59:59")), "2024-02-29T23:59:59Z");
    EXPECT_EQ(format_epoch(*parse_cookie_date("1 jan 69 0:0:0")), "2069-01-01T00:00:00Z");
}

TEST(HttpCookieDate, RefusesImpossibleDates) {
    for (const char* bad : {"", "tomorrow", "Wed, 09 Jun 2021", "09 Jun 2021 25:00:00",
                            "30 Feb 2024 00:00:00", "29 Feb 2023 00:00:00", "32 Jan 2024 00:00:00",
                            "09 Jun 1600 00:00:00", "09 Jun 12345 00:00:00", "09 Foo 2021 00:00:00"})
        EXPECT_FALSE(parse_cookie_date(bad)) << bad;
    auto c = parse_set_cookie("a=b; Expires=not a date");
    ASSERT_TRUE(c.ok());
    EXPECT_FALSE(c->expires);
    EXPECT_EQ(c->expires_raw, "not a date");
}

}  // namespace
}  // namespace conformscan::wire::http
