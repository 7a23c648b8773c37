#include "checks/http/wire/csp.hpp"

#include <gtest/gtest.h>

namespace conformscan::wire::http {
namespace {

using Sources = std::vector<std::string>;

TEST(HttpCsp, ExtractsFrameAncestorsFromTheLabPolicy) {
    auto policies = parse_csp("default-src 'self'; frame-ancestors 'none'");
    ASSERT_EQ(policies.size(), 1u);
    EXPECT_EQ(frame_ancestors(policies[0]), Sources{"'none'"});
    EXPECT_FALSE(frame_ancestors_allow_any(*frame_ancestors(policies[0])));
}

TEST(HttpCsp, FollowsTheSerializedPolicyAlgorithm) {
    // Names case-insensitive, whitespace of every kind, empty tokens skipped,
    // the first of a repeated directive kept, ',' separating policies.
    auto policies =
        parse_csp(" ; FRAME-ANCESTORS\t'SELF'  https://a.example ;frame-ancestors *;; , script-src 'none'");
    ASSERT_EQ(policies.size(), 2u);
    EXPECT_EQ(frame_ancestors(policies[0]), (Sources{"'self'", "https://a.example"}));
    EXPECT_EQ(policies[0].duplicates, Sources{"frame-ancestors"});
    EXPECT_FALSE(frame_ancestors(policies[1]));
    // A token with non-ASCII bytes is skipped (CSP3 §2.2.1 step 2.2).
    policies = parse_csp("frame-ancestors 'self' h\xc3\xa9.example; img-src *");
    ASSERT_EQ(policies.size(), 1u);
    EXPECT_FALSE(frame_ancestors(policies[0]));
    EXPECT_TRUE(parse_csp("").empty());
    EXPECT_TRUE(parse_csp(" ; , ;").empty());
    policies = parse_csp("frame-ancestors");
    ASSERT_EQ(policies.size(), 1u);
    EXPECT_EQ(frame_ancestors(policies[0]), Sources{});
}

TEST(HttpCsp, TellsWildcardSources) {
    EXPECT_TRUE(frame_ancestors_allow_any({"*"}));
    EXPECT_TRUE(frame_ancestors_allow_any({"'self'", "https:"}));
    EXPECT_TRUE(frame_ancestors_allow_any({"data:"}));
    EXPECT_FALSE(frame_ancestors_allow_any({"'self'", "https://*.example.net"}));
    EXPECT_FALSE(frame_ancestors_allow_any({}));  // empty list: like 'none'
    EXPECT_FALSE(frame_ancestors_allow_any({"'none'"}));
}

}  // namespace
}  // namespace conformscan::wire::http
