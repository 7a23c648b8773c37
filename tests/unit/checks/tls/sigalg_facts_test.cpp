#include "checks/tls/sigalg_facts.hpp"

#include <gtest/gtest.h>

#include "checks/tls/sigalg_probe.hpp"
#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {
namespace {

using Json = nlohmann::json;

TlsSigalgsFacts full_facts() {
    TlsSigalgsFacts f;
    VersionSigalgs v12;
    v12.version = "TLSv1.2";
    v12.schemes = {"rsa_pss_rsae_sha256", "rsa_pkcs1_sha256", "rsa_pkcs1_sha1", "0x0a0a"};
    v12.preference = "server";
    v12.sha1 = "accepted";
    v12.unoffered = "rsa_pkcs1_md5";
    v12.connections = 6;
    VersionSigalgs v13;
    v13.version = "TLSv1.3";
    v13.schemes = {"ecdsa_secp256r1_sha256"};
    v13.sha1 = "unknown";
    v13.complete = false;
    v13.note = "no answer within 5000 ms \xc3\x84";
    v13.connections = 3;
    f.per_version = {v12, v13};
    f.accepted = {"rsa_pss_rsae_sha256", "rsa_pkcs1_sha256", "rsa_pkcs1_sha1", "0x0a0a", "ecdsa_secp256r1_sha256"};
    f.sha1_accepted = true;
    f.connections = 9;
    return f;
}

TEST(TlsSigalgFacts, RoundTripThroughJsonTextWithoutLoss) {
    const auto original = full_facts();
    const Json j = original;
    auto parsed = parse_tls_sigalgs_facts(Json::parse(j.dump()));
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(Json(*parsed), j);
    ASSERT_EQ(parsed->per_version.size(), 2u);
    EXPECT_EQ(parsed->per_version[0].schemes, original.per_version[0].schemes);
    EXPECT_EQ(parsed->per_version[0].preference, "server");
    EXPECT_EQ(parsed->per_version[0].sha1, "accepted");
    EXPECT_EQ(parsed->per_version[0].unoffered, "rsa_pkcs1_md5");
    EXPECT_FALSE(parsed->per_version[1].complete);
    EXPECT_EQ(parsed->per_version[1].note, original.per_version[1].note);
    EXPECT_TRUE(parsed->sha1_accepted);
    EXPECT_EQ(parsed->connections, 9);
}

TEST(TlsSigalgFacts, MissingKeysKeepDefaults) {
    auto parsed = parse_tls_sigalgs_facts(
        Json::parse(R"({"per_version": [{"version": "TLSv1.2", "observable": false, "note": null}]})"));
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    ASSERT_EQ(parsed->per_version.size(), 1u);
    EXPECT_FALSE(parsed->per_version[0].observable);
    EXPECT_TRUE(parsed->per_version[0].complete);
    EXPECT_EQ(parsed->per_version[0].preference, "unknown");
    EXPECT_EQ(parsed->per_version[0].sha1, "unknown");
    EXPECT_TRUE(parsed->accepted.empty());
    EXPECT_FALSE(parsed->sha1_accepted);
}

TEST(TlsSigalgFacts, WrongTypesAreRefusedNotThrown) {
    for (const char* text : {R"([])", R"({"per_version": {}})", R"({"per_version": [7]})",
                             R"({"per_version": [{"schemes": "rsa_pkcs1_sha1"}]})", R"({"sha1_accepted": "yes"})",
                             R"({"connections": "many"})"}) {
        auto parsed = parse_tls_sigalgs_facts(Json::parse(text));
        ASSERT_FALSE(parsed.ok()) << text;
        EXPECT_EQ(parsed.error().where, "facts.tls_sigalgs") << text;
    }
}

TEST(SigalgCandidates, EverySchemeOnceRecommendedFirstDiscouragedLast) {
    const auto c = tls12_sigalg_candidates();
    EXPECT_EQ(c.size(), wire::tls::all_signature_schemes().size());
    char last = 'Y';
    const auto rank = [](char r) { return r == 'Y' ? 0 : r == 'N' ? 1 : 2; };
    for (auto code : c) {
        const auto* s = wire::tls::find_signature_scheme(code);
        ASSERT_NE(s, nullptr);
        EXPECT_GE(rank(s->recommended), rank(last)) << s->name;
        last = s->recommended;
    }
    // RFC 5246 §7.4.1.4.1's default (SHA-1) is always offered.
    EXPECT_NE(std::find(c.begin(), c.end(), 0x0201), c.end());
    EXPECT_NE(std::find(c.begin(), c.end(), 0x0203), c.end());
}

}  // namespace
}  // namespace conformscan::checks::tls
