#include "checks/tls/tls_feature_facts.hpp"

#include <gtest/gtest.h>

#include "tests/unit/checks/tls/feature_fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using Json = nlohmann::json;

TEST(TlsFeatureFacts, RoundTripThroughJsonTextWithoutLoss) {
    auto original = fixtures::modern_features();
    original.compression = {"deflate"};
    original.compression_observed = false;
    original.heartbeat = true;
    original.heartbeat_mode = "peer_allowed_to_send";
    original.ocsp_stapling = true;
    original.ec_point_formats = {"uncompressed", "ansiX962_compressed_prime"};
    original.alpn = {"h2", "http/1.1"};
    original.not_applicable = {"encrypt_then_mac"};
    original.notes = {"encrypt_then_mac: the server accepts no CBC suite \xc3\x84"};
    const Json j = original;
    auto parsed = parse_tls_features_facts(Json::parse(j.dump()));
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(Json(*parsed), j);
    EXPECT_EQ(parsed->probed_version, "TLSv1.2");
    EXPECT_TRUE(parsed->secure_renegotiation);
    EXPECT_TRUE(parsed->extended_master_secret);
    EXPECT_EQ(parsed->encrypt_then_mac, "no");
    EXPECT_TRUE(parsed->session_ticket);
    EXPECT_TRUE(parsed->ocsp_stapling);
    EXPECT_EQ(parsed->alpn, (std::vector<std::string>{"h2", "http/1.1"}));
    EXPECT_EQ(parsed->compression, (std::vector<std::string>{"deflate"}));
    EXPECT_FALSE(parsed->compression_observed);
    EXPECT_TRUE(parsed->heartbeat);
    EXPECT_EQ(parsed->heartbeat_mode, "peer_allowed_to_send");
    EXPECT_EQ(parsed->fallback_scsv, "honoured");
    EXPECT_EQ(parsed->downgrade_sentinel, "present");
    EXPECT_TRUE(parsed->is_not_applicable("encrypt_then_mac"));
    EXPECT_FALSE(parsed->is_not_applicable("heartbeat"));
    EXPECT_EQ(parsed->ec_point_formats, (std::vector<std::string>{"uncompressed", "ansiX962_compressed_prime"}));
    EXPECT_EQ(parsed->hellos.size(), 4u);
    EXPECT_EQ(parsed->connections, 4);
}

TEST(TlsFeatureFacts, MissingKeysKeepTheirDefaults) {
    auto parsed = parse_tls_features_facts(Json{{"probed_version", "TLSv1.2"}, {"alpn", nullptr}});
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(parsed->probed_version, "TLSv1.2");
    EXPECT_FALSE(parsed->secure_renegotiation);
    EXPECT_EQ(parsed->encrypt_then_mac, "not_applicable");
    EXPECT_EQ(parsed->fallback_scsv, "not_applicable");
    EXPECT_EQ(parsed->downgrade_sentinel, "not_applicable");
    EXPECT_TRUE(parsed->alpn.empty());
    EXPECT_EQ(parsed->connections, 0);
}

TEST(TlsFeatureFacts, MalformedFactsAreAnErrorNotAnException) {
    for (const auto& bad :
         {Json::array(), Json("x"), Json{{"secure_renegotiation", "yes"}}, Json{{"alpn", "h2"}},
          Json{{"connections", "four"}}, Json{{"not_applicable", {1, 2}}}}) {
        auto parsed = parse_tls_features_facts(bad);
        ASSERT_FALSE(parsed.ok()) << bad.dump();
        EXPECT_EQ(parsed.error().code, "bad_facts");
    }
}

TEST(TlsFeatureFacts, FeatureNamesAreTheExtensionChoices) {
    EXPECT_EQ(extension_feature_names(),
              (std::vector<std::string>{"secure_renegotiation", "extended_master_secret", "encrypt_then_mac",
                                        "session_ticket", "ocsp_stapling", "alpn_h2", "heartbeat"}));
}

}  // namespace
}  // namespace conformscan::checks::tls
