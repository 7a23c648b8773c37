#include <gtest/gtest.h>

#include "checks/tls/tls_checks.hpp"
#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

constexpr const char* kCheck = "tls.certificate.trusted";

class CertificateTrusted : public ::testing::Test {
protected:
    fixtures::CheckHarness h{register_tls_checks};
};

TlsFacts self_signed_leaf(std::vector<VerifyIssue> issues) {
    auto leaf = fixtures::leaf_cert("intranet.example.net");
    leaf.issuer = leaf.subject;
    leaf.self_signed = true;
    auto f = fixtures::tls_facts({leaf}, "intranet.example.net");
    f.verification.trusted = false;
    f.verification.issues = std::move(issues);
    return f;
}

TEST_F(CertificateTrusted, PassesWhenVerifiedWithoutIssues) {
    auto f = fixtures::default_tls();
    f.verification.verified_chain = {"CN=www.example.net", "CN=Example CA,O=Example", "CN=Example Root"};
    h.set_tls(f);
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["trust_store"], "system");
    EXPECT_EQ(o.observed["verified_chain"].size(), 3u);
    EXPECT_EQ(o.expected["trusted"], true);
}

TEST_F(CertificateTrusted, FailsListingTheIssuesAndTheStore) {
    auto f = fixtures::default_tls();
    f.verification.trust_store = "/etc/conformscan/ca.pem";
    f.verification.trusted = false;
    f.verification.issues = {{1, 20, "unable to get local issuer certificate"}};
    h.set_tls(f);
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("/etc/conformscan/ca.pem"), std::string::npos) << o.message;
    EXPECT_NE(o.message.find("unable to get local issuer certificate"), std::string::npos) << o.message;
    EXPECT_EQ(
        o.observed["issues"],
        Json::array({{{"depth", 1}, {"code", 20}, {"reason", "unable to get local issuer certificate"}}}));
    EXPECT_EQ(o.observed["trust_store"], "/etc/conformscan/ca.pem");
}

TEST_F(CertificateTrusted, IssuesFailEvenWhenAPathWasBuilt) {
    auto f = fixtures::default_tls();
    f.verification.issues = {{0, 26, "unsupported certificate purpose"}, {0, 65, "invalid CA certificate"}};
    h.set_tls(f);
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("and 1 more"), std::string::npos) << o.message;
    EXPECT_EQ(o.observed["issues"].size(), 2u);
}

TEST_F(CertificateTrusted, NoPathAndNoIssueStillFails) {
    auto f = fixtures::default_tls();
    f.verification.trusted = false;
    h.set_tls(f);
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("no path"), std::string::npos) << o.message;
}

TEST_F(CertificateTrusted, SelfSignedLeafNeedsAllowSelfSigned) {
    h.set_tls(self_signed_leaf({{0, 18, "self-signed certificate"}}));
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["leaf"]["self_signed"], true);
    o = h.run(kCheck, {{"allow_self_signed", true}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_NE(o.message.find("self-signed"), std::string::npos);
    EXPECT_EQ(o.expected["allow_self_signed"], true);

    h.set_tls(self_signed_leaf({{0, 19, "self-signed certificate in certificate chain"}}));
    EXPECT_TRUE(has_status(h.run(kCheck, {{"allow_self_signed", true}}), Status::pass));
}

TEST_F(CertificateTrusted, AllowSelfSignedDoesNotExcuseOtherIssues) {
    h.set_tls(
        self_signed_leaf({{0, 18, "self-signed certificate"}, {0, 7, "certificate signature failure"}}));
    EXPECT_TRUE(has_status(h.run(kCheck, {{"allow_self_signed", true}}), Status::fail));

    // A private CA is not a self-signed leaf.
    auto f = fixtures::tls_facts({fixtures::leaf_cert(), fixtures::ca_cert("CN=Private Root", true)});
    f.verification.trusted = false;
    f.verification.issues = {{1, 19, "self-signed certificate in certificate chain"}};
    h.set_tls(f);
    EXPECT_TRUE(has_status(h.run(kCheck, {{"allow_self_signed", true}}), Status::fail));
}

TEST_F(CertificateTrusted, EmptyChainIsAnError) {
    h.set_tls(fixtures::tls_facts({}));
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::error));
    EXPECT_NE(o.message.find("no certificate"), std::string::npos) << o.message;
}

}  // namespace
}  // namespace conformscan::checks::tls
