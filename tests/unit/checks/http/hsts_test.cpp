#include "checks/http/wire/hsts.hpp"

#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace conformscan::wire::http {
namespace {

TEST(HttpHsts, ParsesTheRfcExamples) {
    // RFC 6797 §6.2.
    auto p = parse_sts("max-age=31536000");
    ASSERT_TRUE(p.ok()) << p.error().describe();
    EXPECT_EQ(p->max_age, 31536000u);
    EXPECT_FALSE(p->include_subdomains);
    p = parse_sts("max-age=15768000 ; includeSubDomains");
    ASSERT_TRUE(p.ok()) << p.error().describe();
    EXPECT_EQ(p->max_age, 15768000u);
    EXPECT_TRUE(p->include_subdomains);
    p = parse_sts("max-age=\"31536000\"");  // quoted-string value (§6.1)
    ASSERT_TRUE(p.ok()) << p.error().describe();
    EXPECT_EQ(p->max_age, 31536000u);
    p = parse_sts("max-age=0");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->max_age, 0u);
}

TEST(HttpHsts, ReadsTheLabValueCaseInsensitivelyAndKeepsUnknownDirectives) {
    auto p = parse_sts("max-age=63072000; includeSubDomains; preload");
    ASSERT_TRUE(p.ok());
    EXPECT_TRUE(p->include_subdomains);
    EXPECT_TRUE(p->preload);
    p = parse_sts(" MAX-AGE = 10 ;; INCLUDESUBDOMAINS ; ext=\"a\\\"b\" ; ");
    ASSERT_TRUE(p.ok()) << p.error().describe();
    EXPECT_EQ(p->max_age, 10u);
    EXPECT_TRUE(p->include_subdomains);
    ASSERT_EQ(p->directives.size(), 3u);
    EXPECT_EQ(p->directives[2].name, "ext");
    EXPECT_EQ(*p->directives[2].value, "a\"b");
}

TEST(HttpHsts, SaturatesAHugeMaxAge) {
    auto p = parse_sts("max-age=99999999999999999999999999");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->max_age, std::numeric_limits<std::uint64_t>::max());
}

TEST(HttpHsts, RefusesWhatAUserAgentIgnores) {
    struct Case {
        std::string value, code;
    };
    const std::vector<Case> cases{
        {"", "missing_max_age"},
        {"includeSubDomains", "missing_max_age"},
        {"max-age=1; max-age=2", "duplicate_directive"},
        {"max-age=1; includeSubDomains; INCLUDESUBDOMAINS", "duplicate_directive"},
        {"max-age=-1", "bad_max_age"},
        {"max-age=1y", "bad_max_age"},
        {"max-age=\"\"", "bad_max_age"},
        {"max-age", "bad_max_age"},
        {"max-age=1.5", "bad_max_age"},
        {"max-age=", "syntax"},
        {"max-age=\"10", "syntax"},
        {"max-age=10 includeSubDomains", "syntax"},
        {"max-age=10, includeSubDomains", "syntax"},
        {"=10", "syntax"},
        {"max-age=10; includeSubDomains=yes", "unexpected_value"},
    };
    for (const auto& c : cases) {
        auto p = parse_sts(c.value);
        ASSERT_FALSE(p.ok()) << c.value;
        EXPECT_EQ(p.error().code, c.code) << c.value << ": " << p.error().describe();
    }
}

}  // namespace
}  // namespace conformscan::wire::http
