#include "checks/tls/tls_group_facts.hpp"

#include <gtest/gtest.h>

namespace conformscan::checks::tls {
namespace {

using Json = nlohmann::json;

TlsGroupsFacts full_groups() {
    TlsGroupsFacts f;
    f.tls13_groups = {"x25519", "secp256r1", "ffdhe2048", "X25519MLKEM768"};
    f.tls13_source = "encrypted_extensions";
    f.tls12_groups = {"secp384r1", "x25519", "0x5a5a"};
    f.tls12_version = "TLSv1.2";
    f.dh_bits = 1024;
    f.accepted = {"x25519", "secp256r1", "ffdhe2048", "X25519MLKEM768", "secp384r1", "0x5a5a"};
    f.complete = false;
    f.note = "TLSv1.2 ECDHE: no answer within 5000 ms \xc3\x84";
    f.connections = 11;
    return f;
}

TEST(TlsGroupFacts, RoundTripThroughJsonTextWithoutLoss) {
    const auto original = full_groups();
    const Json j = original;
    auto parsed = parse_tls_groups_facts(Json::parse(j.dump()));
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(Json(*parsed), j);
    EXPECT_EQ(parsed->tls13_groups, original.tls13_groups);
    EXPECT_EQ(parsed->tls13_source, original.tls13_source);
    EXPECT_EQ(parsed->tls12_groups, original.tls12_groups);
    EXPECT_EQ(parsed->tls12_version, "TLSv1.2");
    EXPECT_EQ(parsed->dh_bits, 1024);
    EXPECT_EQ(parsed->accepted, original.accepted);
    EXPECT_FALSE(parsed->complete);
    EXPECT_EQ(parsed->note, original.note);
    EXPECT_EQ(parsed->connections, 11);
}

TEST(TlsGroupFacts, MissingKeysKeepDefaults) {
    auto parsed = parse_tls_groups_facts(Json::parse(R"({"tls13_groups": ["x25519"], "dh_bits": null})"));
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(parsed->tls13_groups, std::vector<std::string>{"x25519"});
    EXPECT_TRUE(parsed->tls12_groups.empty());
    EXPECT_EQ(parsed->dh_bits, 0);
    EXPECT_TRUE(parsed->complete);
    EXPECT_EQ(parsed->connections, 0);
}

TEST(TlsGroupFacts, MalformedFactsAreAnErrorNotAnException) {
    for (const char* text :
         {R"([])", R"("groups")", R"({"tls13_groups": "x25519"})", R"({"dh_bits": "1024"})",
          R"({"tls12_groups": [1, 2]})", R"({"complete": "yes"})", R"(null)"}) {
        Json j = Json::parse(text);
        core::Result<TlsGroupsFacts> parsed = core::make_error("unset", "unset");
        EXPECT_NO_THROW(parsed = parse_tls_groups_facts(j)) << text;
        EXPECT_FALSE(parsed.ok()) << text;
        if (!parsed.ok()) {
            EXPECT_EQ(parsed.error().code, "bad_facts") << text;
        }
    }
}

}  // namespace
}  // namespace conformscan::checks::tls
