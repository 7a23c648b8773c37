#include <gtest/gtest.h>

#include "checks/tls/tls_checks.hpp"
#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

constexpr const char* kCheck = "tls.certificate.key";

class CertificateKey : public ::testing::Test {
protected:
    core::Outcome leaf_key(PublicKeyFacts key, const Json& with = Json::object()) {
        auto leaf = fixtures::leaf_cert();
        leaf.key = std::move(key);
        h.set_tls(fixtures::tls_facts({leaf}));
        return h.run(kCheck, with);
    }
    fixtures::CheckHarness h{register_tls_checks};
};

TEST_F(CertificateKey, DefaultsAcceptCommonStrongKeys) {
    EXPECT_TRUE(has_status(leaf_key({"RSA", 2048, ""}), Status::pass));
    EXPECT_TRUE(has_status(leaf_key({"RSA", 4096, ""}), Status::pass));
    EXPECT_TRUE(has_status(leaf_key({"RSA-PSS", 3072, ""}), Status::pass));
    EXPECT_TRUE(has_status(leaf_key({"EC", 256, "prime256v1"}), Status::pass));
    EXPECT_TRUE(has_status(leaf_key({"EC", 384, "secp384r1"}), Status::pass));
    EXPECT_TRUE(has_status(leaf_key({"EC", 521, "secp521r1"}), Status::pass));
    EXPECT_TRUE(has_status(leaf_key({"Ed25519", 256, ""}), Status::pass));
    EXPECT_TRUE(has_status(leaf_key({"Ed448", 456, ""}), Status::pass));
    auto o = leaf_key({"EC", 256, "prime256v1"});
    EXPECT_EQ(o.observed["certificates"][0]["curve"], "prime256v1");
    EXPECT_EQ(o.expected["rsa_min_bits"], 2048);
}

TEST_F(CertificateKey, RsaBelowMinimumFails) {
    auto o = leaf_key({"RSA", 1024, ""});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("1024-bit RSA key is below 2048 bits"), std::string::npos) << o.message;
    ASSERT_EQ(o.observed["offending"].size(), 1u);
    EXPECT_EQ(o.observed["offending"][0]["bits"], 1024);
    EXPECT_TRUE(has_status(leaf_key({"RSA", 2047, ""}), Status::fail));
    EXPECT_TRUE(has_status(leaf_key({"RSA-PSS", 2047, ""}), Status::fail));
    EXPECT_TRUE(has_status(leaf_key({"RSA", 3071, ""}, {{"rsa_min_bits", 3072}}), Status::fail));
    EXPECT_TRUE(has_status(leaf_key({"RSA", 3072, ""}, {{"rsa_min_bits", 3072}}), Status::pass));
}

TEST_F(CertificateKey, EcCurveAndSize) {
    auto o = leaf_key({"EC", 256, "secp256k1"});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("curve secp256k1 is not allowed"), std::string::npos) << o.message;
    o = leaf_key({"EC", 224, "secp224r1"});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["offending"][0]["problems"].size(), 2u);
    // RFC 5480 §2.1.1: only named curves.
    EXPECT_TRUE(has_status(leaf_key({"EC", 256, ""}), Status::fail));
    EXPECT_TRUE(has_status(leaf_key({"EC", 384, "secp384r1"}, {{"ec_min_bits", 384}}), Status::pass));
    EXPECT_TRUE(has_status(leaf_key({"EC", 256, "prime256v1"}, {{"ec_min_bits", 384}}), Status::fail));
}

TEST_F(CertificateKey, CurveAliasesAreAccepted) {
    const Json nist{{"ec_curves", {"P-256", "P-384"}}};
    EXPECT_TRUE(has_status(leaf_key({"EC", 256, "prime256v1"}, nist), Status::pass));
    EXPECT_TRUE(has_status(leaf_key({"EC", 384, "secp384r1"}, nist), Status::pass));
    EXPECT_TRUE(has_status(leaf_key({"EC", 521, "secp521r1"}, nist), Status::fail));
    EXPECT_TRUE(
        has_status(leaf_key({"EC", 256, "prime256v1"}, {{"ec_curves", {"secp256r1"}}}), Status::pass));
    EXPECT_TRUE(has_status(leaf_key({"EC", 521, "secp521r1"}, {{"ec_curves", {"P-521"}}}), Status::pass));
    // An empty list restricts nothing.
    EXPECT_TRUE(
        has_status(leaf_key({"EC", 256, "brainpoolP256r1"}, {{"ec_curves", Json::array()}}), Status::pass));
}

TEST_F(CertificateKey, TypesOutsideAllowedTypesFail) {
    auto o = leaf_key({"DSA", 2048, ""});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("key type DSA is not allowed"), std::string::npos) << o.message;
    const Json with_dsa{{"allowed_types", {"rsa", "dsa"}}};  // compared without case
    EXPECT_TRUE(has_status(leaf_key({"DSA", 2048, ""}, with_dsa), Status::pass));
    EXPECT_TRUE(has_status(leaf_key({"DSA", 1024, ""}, with_dsa), Status::fail));
    EXPECT_TRUE(has_status(leaf_key({"EC", 256, "prime256v1"}, with_dsa), Status::fail));
    EXPECT_TRUE(has_status(leaf_key({"", 0, ""}), Status::fail));
    EXPECT_TRUE(has_status(leaf_key({"Ed25519", 256, ""}, {{"allowed_types", {"EC"}}}), Status::fail));
}

TEST_F(CertificateKey, ChainScopeReportsEachOffendingCertificate) {
    auto weak_ca = fixtures::ca_cert("CN=Weak CA", false);
    weak_ca.key = {"RSA", 1024, ""};
    auto weak_root = fixtures::ca_cert("CN=Weak Root", true);
    weak_root.key = {"DSA", 1024, ""};
    h.set_tls(fixtures::tls_facts({fixtures::leaf_cert(), weak_ca, weak_root}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::pass));
    auto o = h.run(kCheck, {{"scope", "chain"}});
    EXPECT_TRUE(has_status(o, Status::fail));
    ASSERT_EQ(o.observed["offending"].size(), 2u);
    EXPECT_EQ(o.observed["offending"][0]["depth"], 1);
    EXPECT_EQ(o.observed["offending"][1]["subject"], "CN=Weak Root");
    EXPECT_EQ(o.observed["certificates"].size(), 3u);
    EXPECT_NE(o.message.find("and 1 more"), std::string::npos) << o.message;
}

TEST_F(CertificateKey, EmptyChainIsAnError) {
    h.set_tls(fixtures::tls_facts({}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
}

TEST_F(CertificateKey, DefaultParameters) {
    auto p = h.params(kCheck, Json::object());
    ASSERT_TRUE(p.ok());
    EXPECT_EQ((*p)["ec_curves"], Json::array({"prime256v1", "secp384r1", "secp521r1"}));
    EXPECT_EQ((*p)["allowed_types"], Json::array({"RSA", "RSA-PSS", "EC", "Ed25519", "Ed448"}));
    EXPECT_EQ((*p)["dsa_min_bits"], 2048);
    EXPECT_EQ((*p)["ec_min_bits"], 256);
    EXPECT_EQ((*p)["scope"], "leaf");
    EXPECT_FALSE(h.params(kCheck, {{"ec_curves", "P-256"}}).ok());
}

}  // namespace
}  // namespace conformscan::checks::tls
