#include <gtest/gtest.h>

#include "checks/tls/tls_checks.hpp"
#include "tests/unit/checks/tls/feature_fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

constexpr const char* kCheck = "tls.extensions";

class Extensions : public ::testing::Test {
protected:
    core::Outcome run(const TlsFeaturesFacts& f, const Json& with) {
        fixtures::set_features(h, f);
        return h.run(kCheck, with);
    }
    fixtures::CheckHarness h{register_tls_checks};
};

TEST_F(Extensions, RequiredPresentPasses) {
    auto o =
        run(fixtures::modern_features(), {{"required", {"secure_renegotiation", "extended_master_secret"}}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["features"]["secure_renegotiation"], "present");
    EXPECT_EQ(o.observed["features"]["encrypt_then_mac"], "absent");
    EXPECT_EQ(o.observed["features"]["alpn_h2"], "absent");
    EXPECT_EQ(o.expected["required"], Json::array({"secure_renegotiation", "extended_master_secret"}));
}

TEST_F(Extensions, RequiredAbsentFailsNamingEachFeature) {
    auto f = fixtures::modern_features();
    f.extended_master_secret = false;
    auto o =
        run(f, {{"required", {"extended_master_secret", "encrypt_then_mac", "alpn_h2", "session_ticket"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("extended_master_secret is required but absent"), std::string::npos)
        << o.message;
    EXPECT_NE(o.message.find("encrypt_then_mac is required but absent"), std::string::npos) << o.message;
    EXPECT_NE(o.message.find("alpn_h2 is required but absent"), std::string::npos) << o.message;
    EXPECT_EQ(o.message.find("session_ticket"), std::string::npos) << o.message;
    f.alpn = {"h2", "http/1.1"};
    f.extended_master_secret = true;
    f.encrypt_then_mac = "yes";
    EXPECT_TRUE(has_status(run(f, {{"required", {"extended_master_secret", "encrypt_then_mac", "alpn_h2"}}}),
                           Status::pass));
}

TEST_F(Extensions, ForbiddenPresentFails) {
    auto f = fixtures::modern_features();
    f.heartbeat = true;
    auto o = run(f, {{"forbidden", {"heartbeat", "ocsp_stapling"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("heartbeat is forbidden but present"), std::string::npos) << o.message;
    f.heartbeat = false;
    EXPECT_TRUE(has_status(run(f, {{"forbidden", {"heartbeat", "ocsp_stapling"}}}), Status::pass));
}

TEST_F(Extensions, RequiredEtmWithoutCbcSuitesIsMetWithANote) {
    // RFC 7366 concerns CBC only: a server without CBC suites has nothing to protect.
    auto f = fixtures::modern_features();
    f.encrypt_then_mac = "not_applicable";
    f.not_applicable = {"encrypt_then_mac"};
    auto o = run(f, {{"required", {"encrypt_then_mac"}}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_NE(o.message.find("accepts no CBC suite"), std::string::npos) << o.message;
}

TEST_F(Extensions, Tls13OnlyIsNotApplicableNeverASilentPass) {
    const auto f = fixtures::tls13_only_features();
    auto o = run(f, {{"required", {"secure_renegotiation", "encrypt_then_mac"}}});
    EXPECT_TRUE(has_status(o, Status::not_applicable));
    EXPECT_NE(o.message.find("secure_renegotiation could not be observed"), std::string::npos) << o.message;
    EXPECT_TRUE(has_status(run(f, {{"forbidden", {"heartbeat"}}}), Status::not_applicable));
}

TEST_F(Extensions, SkippedFeaturesAreNotedBesideJudgedOnes) {
    auto f = fixtures::modern_features();
    f.not_applicable = {"ocsp_stapling"};
    auto o = run(f, {{"required", {"secure_renegotiation", "ocsp_stapling"}}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_NE(o.message.find("ocsp_stapling could not be observed"), std::string::npos) << o.message;
    EXPECT_EQ(o.observed["skipped"].size(), 1u);
}

TEST_F(Extensions, InconclusiveEtmIsAnError) {
    auto f = fixtures::modern_features();
    f.encrypt_then_mac = "unknown";
    EXPECT_TRUE(has_status(run(f, {{"required", {"encrypt_then_mac"}}}), Status::error));
    // A problem elsewhere still fails.
    f.secure_renegotiation = false;
    EXPECT_TRUE(
        has_status(run(f, {{"required", {"encrypt_then_mac", "secure_renegotiation"}}}), Status::fail));
}

TEST_F(Extensions, NoListsPass) {
    EXPECT_TRUE(has_status(run(fixtures::modern_features(), Json::object()), Status::pass));
}

TEST_F(Extensions, ParametersAreValidated) {
    EXPECT_FALSE(h.params(kCheck, {{"required", {"compression"}}}).ok());
    EXPECT_FALSE(h.params(kCheck, {{"required", {"heartbeat"}}, {"forbidden", {"heartbeat"}}}).ok());
    EXPECT_TRUE(h.params(kCheck, {{"required", {"alpn_h2"}}, {"forbidden", {"heartbeat"}}}).ok());
}

TEST_F(Extensions, MissingOrMalformedFactsAreAnError) {
    EXPECT_TRUE(has_status(h.run(kCheck, Json::object()), Status::error));
    h.set("tls_features", Json{{"secure_renegotiation", "yes"}});
    EXPECT_TRUE(has_status(h.run(kCheck, {{"required", {"secure_renegotiation"}}}), Status::error));
}

}  // namespace
}  // namespace conformscan::checks::tls
