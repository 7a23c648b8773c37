#include <gtest/gtest.h>

#include "checks/tls/tls_checks.hpp"
#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

constexpr const char* kCheck = "tls.certificate.signature";

SignatureFacts sha1_rsa() {
    return {"sha1WithRSAEncryption", "sha1", "RSA"};
}

class CertificateSignature : public ::testing::Test {
protected:
    fixtures::CheckHarness h{register_tls_checks};
};

TEST_F(CertificateSignature, Sha256ChainPasses) {
    h.set_tls(fixtures::default_tls());
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["certificates"].size(), 2u);
    EXPECT_EQ(o.expected["scope"], "chain");
    EXPECT_EQ(o.expected["forbidden_hashes"], Json::array({"md2", "md4", "md5", "sha1"}));
}

TEST_F(CertificateSignature, Sha1LeafFails) {
    auto f = fixtures::default_tls();
    f.chain[0].signature = sha1_rsa();
    h.set_tls(f);
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("sha1WithRSAEncryption"), std::string::npos) << o.message;
    ASSERT_EQ(o.observed["offending"].size(), 1u);
    EXPECT_EQ(o.observed["offending"][0]["hash"], "sha1");
    EXPECT_TRUE(has_status(h.run(kCheck, {{"scope", "leaf"}}), Status::fail));
}

TEST_F(CertificateSignature, HashesCompareWithoutCase) {
    auto f = fixtures::default_tls();
    f.chain[0].signature = {"md5WithRSAEncryption", "MD5", "RSA"};
    h.set_tls(f);
    EXPECT_TRUE(has_status(h.run(kCheck), Status::fail));
    f.chain[0].signature = {"sha224WithRSAEncryption", "sha224", "RSA"};
    h.set_tls(f);
    EXPECT_TRUE(has_status(h.run(kCheck), Status::pass));
    EXPECT_TRUE(has_status(h.run(kCheck, {{"forbidden_hashes", {"SHA224"}}}), Status::fail));
    EXPECT_TRUE(has_status(h.run(kCheck, {{"forbidden_hashes", {"SHA-224"}}}), Status::fail));
}

TEST_F(CertificateSignature, IntermediateJudgedInChainScopeOnly) {
    auto f = fixtures::default_tls();
    f.chain[1].signature = sha1_rsa();
    h.set_tls(f);
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("depth 1"), std::string::npos) << o.message;
    EXPECT_TRUE(has_status(h.run(kCheck, {{"scope", "leaf"}}), Status::pass));
}

TEST_F(CertificateSignature, SelfSignedRootIsNotJudged) {
    // RFC 5280 §6.1: a trust anchor's self-signature is not relied on.
    auto root = fixtures::ca_cert("CN=Old Root", true);
    root.signature = sha1_rsa();
    auto f = fixtures::default_tls();
    f.chain.push_back(root);
    h.set_tls(f);
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["certificates"].size(), 2u);
    ASSERT_EQ(o.observed["not_judged"].size(), 1u);
    EXPECT_EQ(o.observed["not_judged"][0]["subject"], "CN=Old Root");

    h.set_tls(fixtures::tls_facts({root}));
    o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_NE(o.message.find("not relied on"), std::string::npos) << o.message;
}

TEST_F(CertificateSignature, SelfSignedLeafThatIsNotACaIsJudged) {
    auto leaf = fixtures::leaf_cert();
    leaf.self_signed = true;
    leaf.signature = sha1_rsa();
    h.set_tls(fixtures::tls_facts({leaf}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::fail));
    // In leaf scope the leaf is judged even when it is a self-signed CA.
    leaf.is_ca = true;
    h.set_tls(fixtures::tls_facts({leaf}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::pass));
    EXPECT_TRUE(has_status(h.run(kCheck, {{"scope", "leaf"}}), Status::fail));
}

TEST_F(CertificateSignature, ForbiddenAlgorithmsCompareWithoutCase) {
    auto f = fixtures::default_tls();
    f.chain[0].signature = {"ecdsa-with-SHA256", "sha256", "EC"};
    h.set_tls(f);
    EXPECT_TRUE(has_status(h.run(kCheck), Status::pass));
    auto o = h.run(kCheck, {{"forbidden_algorithms", {"ECDSA-with-SHA256"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.expected["forbidden_algorithms"], Json::array({"ECDSA-with-SHA256"}));
}

TEST_F(CertificateSignature, IntrinsicHashIsNeverForbidden) {
    auto f = fixtures::default_tls();
    f.chain[0].signature = {"ED25519", "", "Ed25519"};
    h.set_tls(f);
    EXPECT_TRUE(has_status(h.run(kCheck, {{"forbidden_hashes", {"md5", "sha1", ""}}}), Status::pass));
}

TEST_F(CertificateSignature, SeveralOffendersAreCounted) {
    auto f = fixtures::default_tls();
    f.chain[0].signature = sha1_rsa();
    f.chain[1].signature = {"md5WithRSAEncryption", "md5", "RSA"};
    h.set_tls(f);
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["offending"].size(), 2u);
    EXPECT_NE(o.message.find("and 1 more"), std::string::npos) << o.message;
}

TEST_F(CertificateSignature, EmptyChainIsAnError) {
    h.set_tls(fixtures::tls_facts({}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
}

}  // namespace
}  // namespace conformscan::checks::tls
