#include "checks/tls/tls_facts.hpp"

#include <gtest/gtest.h>

#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using Json = nlohmann::json;

TlsFacts full_facts() {
    auto leaf = fixtures::leaf_cert("portal.example.net");
    leaf.version = 3;
    leaf.key = {"EC", 256, "prime256v1"};
    leaf.signature = {"ecdsa-with-SHA384", "sha384", "EC"};
    leaf.san_dns = {"portal.example.net", "*.portal.example.net"};
    leaf.san_ip = {"192.0.2.10", "2001:db8::10"};
    leaf.pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    auto root = fixtures::ca_cert("CN=Root \xc3\x84,O=Example", true);
    TlsFacts f = fixtures::tls_facts({leaf, root}, "portal.example.net");
    f.alpn = "h2";
    f.handshake_ms = 12.345678901234567;
    f.verification.trust_store = "/etc/ssl/ca.pem";
    f.verification.trusted = false;
    f.verification.issues = {{0, 10, "certificate has expired"}, {1, 19, "self-signed certificate in chain"}};
    f.verification.verified_chain = {"CN=portal.example.net", "CN=Root"};
    f.ocsp_stapled = true;
    f.ocsp_status = "good";
    return f;
}

TEST(TlsFacts, RoundTripsThroughJsonTextWithoutLoss) {
    const auto original = full_facts();
    const Json j = original;
    auto parsed = parse_tls_facts(Json::parse(j.dump()));
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(Json(*parsed), j);

    const auto& p = *parsed;
    EXPECT_EQ(p.sni, "portal.example.net");
    EXPECT_EQ(p.alpn, "h2");
    EXPECT_DOUBLE_EQ(p.handshake_ms, original.handshake_ms);
    ASSERT_EQ(p.chain.size(), 2u);
    EXPECT_EQ(p.chain[0].key.curve, "prime256v1");
    EXPECT_EQ(p.chain[0].signature.hash, "sha384");
    EXPECT_EQ(p.chain[0].san_ip, (std::vector<std::string>{"192.0.2.10", "2001:db8::10"}));
    EXPECT_EQ(p.chain[0].pem, original.chain[0].pem);
    EXPECT_TRUE(p.chain[1].self_signed);
    EXPECT_TRUE(p.chain[1].is_ca);
    EXPECT_EQ(p.chain[1].subject, original.chain[1].subject);
    EXPECT_EQ(p.verification.trust_store, "/etc/ssl/ca.pem");
    EXPECT_FALSE(p.verification.trusted);
    ASSERT_EQ(p.verification.issues.size(), 2u);
    EXPECT_EQ(p.verification.issues[1].depth, 1);
    EXPECT_EQ(p.verification.issues[1].code, 19);
    EXPECT_EQ(p.verification.verified_chain.size(), 2u);
    EXPECT_TRUE(p.ocsp_stapled);
    EXPECT_EQ(p.ocsp_status, "good");
}

TEST(TlsFacts, JsonKeysAreMemberNamesWithNestedVerification) {
    const Json j = full_facts();
    for (const char* key : {"sni", "version", "cipher", "cipher_openssl", "alpn", "handshake_ms", "chain",
                            "verification", "ocsp_stapled", "ocsp_status"})
        EXPECT_TRUE(j.contains(key)) << key;
    for (const char* key : {"trust_store", "trusted", "issues", "verified_chain"})
        EXPECT_TRUE(j["verification"].contains(key)) << key;
    const auto& cert = j["chain"][0];
    for (const char* key :
         {"subject", "issuer", "serial", "not_before", "not_after", "version", "key", "signature", "san_dns",
          "san_ip", "common_name", "self_signed", "is_ca", "sha256", "pem"})
        EXPECT_TRUE(cert.contains(key)) << key;
    EXPECT_EQ(cert["key"], (Json{{"type", "EC"}, {"bits", 256}, {"curve", "prime256v1"}}));
    EXPECT_EQ(j["verification"]["issues"][0],
              (Json{{"depth", 0}, {"code", 10}, {"reason", "certificate has expired"}}));
}

TEST(TlsFacts, MissingOptionalKeysTakeDefaults) {
    auto parsed = parse_tls_facts(
        Json::parse(R"({"chain": [{"subject": "CN=a"}], "verification": {"trusted": true}})"));
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(parsed->sni, "");
    EXPECT_EQ(parsed->handshake_ms, 0);
    ASSERT_EQ(parsed->chain.size(), 1u);
    EXPECT_EQ(parsed->chain[0].subject, "CN=a");
    EXPECT_EQ(parsed->chain[0].version, 3);
    EXPECT_EQ(parsed->chain[0].key.bits, 0);
    EXPECT_FALSE(parsed->chain[0].self_signed);
    EXPECT_TRUE(parsed->verification.trusted);
    EXPECT_TRUE(parsed->verification.issues.empty());

    auto empty = parse_tls_facts(Json::object());
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->chain.empty());
    EXPECT_FALSE(empty->verification.trusted);

    auto nulls = parse_tls_facts(Json::parse(R"({"sni": null, "verification": null, "chain": null})"));
    ASSERT_TRUE(nulls.ok());
    EXPECT_TRUE(nulls->chain.empty());
}

TEST(TlsFacts, MalformedJsonIsAnErrorNotAnException) {
    for (const char* text : {
             R"([])",
             R"("tls")",
             R"(42)",
             R"({"chain": {}})",
             R"({"chain": [42]})",
             R"({"chain": [{"key": "RSA"}]})",
             R"({"chain": [{"key": {"bits": "2048"}}]})",
             R"({"chain": [{"san_dns": "a.example"}]})",
             R"({"chain": [{"self_signed": "yes"}]})",
             R"({"chain": [{"signature": []}]})",
             R"({"verification": []})",
             R"({"verification": {"trusted": "true"}})",
             R"({"verification": {"issues": [{"code": "x"}]}})",
             R"({"verification": {"issues": {}}})",
             R"({"sni": 1})",
             R"({"handshake_ms": "fast"})",
         }) {
        core::Result<TlsFacts> r = core::make_error("unset", "");
        EXPECT_NO_THROW(r = parse_tls_facts(Json::parse(text))) << text;
        ASSERT_FALSE(r.ok()) << text;
        EXPECT_EQ(r.error().code, "bad_facts") << text;
        EXPECT_NE(r.error().message.find("malformed tls facts"), std::string::npos) << r.error().message;
    }
}

}  // namespace
}  // namespace conformscan::checks::tls
