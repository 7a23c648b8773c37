#include <gtest/gtest.h>

#include "checks/tls/tls_checks.hpp"
#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::at;
using fixtures::has_status;
using Json = nlohmann::json;

constexpr const char* kCheck = "tls.certificate.validity";

class CertificateValidity : public ::testing::Test {
protected:
    void SetUp() override { h.set_tls(fixtures::default_tls()); }  // leaf 2026-01-01 .. 2026-04-01
    fixtures::CheckHarness h{register_tls_checks};
};

TEST_F(CertificateValidity, PassesInsideTheValidityPeriod) {
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.message, "certificate valid until 2026-04-01T00:00:00Z (59 days after 2026-02-01)");
    ASSERT_EQ(o.observed["certificates"].size(), 1u);
    const auto& c = o.observed["certificates"][0];
    EXPECT_EQ(c["subject"], "CN=www.example.net");
    EXPECT_EQ(c["not_after"], "2026-04-01T00:00:00Z");
    EXPECT_EQ(c["days_remaining"], 59);
    EXPECT_EQ(c["state"], "valid");
    EXPECT_EQ(o.expected["min_days_remaining"], 0);
    EXPECT_EQ(o.expected["scope"], "leaf");
}

TEST_F(CertificateValidity, FailsWhenExpired) {
    h.as_of = at("2026-11-27T00:00:00Z");
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("expired on 2026-04-01T00:00:00Z (240 days before 2026-11-27)"),
              std::string::npos)
        << o.message;
    EXPECT_EQ(o.observed["certificates"][0]["state"], "expired");
    EXPECT_EQ(o.observed["certificates"][0]["days_remaining"], -240);
}

TEST_F(CertificateValidity, NotAfterItselfIsStillValid) {
    // RFC 5280 §4.1.2.5: the period includes notAfter.
    h.as_of = at("2026-04-01T00:00:00Z");
    EXPECT_TRUE(has_status(h.run(kCheck), Status::pass));
    h.as_of = at("2026-04-01T00:00:01Z");
    EXPECT_TRUE(has_status(h.run(kCheck), Status::fail));
}

TEST_F(CertificateValidity, FailsWhenNotYetValid) {
    h.as_of = at("2025-12-31T23:59:59Z");
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("not yet valid"), std::string::npos) << o.message;
    EXPECT_EQ(o.observed["certificates"][0]["state"], "not_yet_valid");
    h.as_of = at("2026-01-01T00:00:00Z");
    EXPECT_TRUE(has_status(h.run(kCheck), Status::pass));
}

TEST_F(CertificateValidity, MinDaysRemainingBoundary) {
    // 2026-02-01 to 2026-04-01 is exactly 59 days.
    EXPECT_TRUE(has_status(h.run(kCheck, {{"min_days_remaining", 59}}), Status::pass));
    auto o = h.run(kCheck, {{"min_days_remaining", 60}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("fewer than the 60 days required"), std::string::npos) << o.message;
    EXPECT_EQ(o.observed["certificates"][0]["state"], "expires_soon");
    EXPECT_EQ(o.expected["min_days_remaining"], 60);
    h.as_of = at("2026-02-01T00:00:01Z");
    EXPECT_TRUE(has_status(h.run(kCheck, {{"min_days_remaining", 59}}), Status::fail));
}

TEST_F(CertificateValidity, ChainScopeJudgesEveryCertificate) {
    auto f = fixtures::default_tls();
    f.chain[1].not_after = "2026-01-15T00:00:00Z";  // the intermediate has expired
    h.set_tls(f);
    EXPECT_TRUE(has_status(h.run(kCheck), Status::pass));
    auto o = h.run(kCheck, {{"scope", "chain"}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("depth 1"), std::string::npos) << o.message;
    ASSERT_EQ(o.observed["certificates"].size(), 2u);
    EXPECT_EQ(o.observed["certificates"][0]["state"], "valid");
    EXPECT_EQ(o.observed["certificates"][1]["state"], "expired");
    EXPECT_EQ(o.observed["certificates"][1]["depth"], 1);

    f.chain[1].not_after = "2030-01-01T00:00:00Z";
    h.set_tls(f);
    o = h.run(kCheck, {{"scope", "chain"}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_NE(o.message.find("all 2 certificates"), std::string::npos) << o.message;
}

TEST_F(CertificateValidity, SeveralFailuresAreCounted) {
    auto f = fixtures::default_tls();
    f.chain[1].not_after = "2026-01-15T00:00:00Z";
    h.set_tls(f);
    h.as_of = at("2026-05-01T00:00:00Z");
    auto o = h.run(kCheck, {{"scope", "chain"}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("and 1 more"), std::string::npos) << o.message;
}

TEST_F(CertificateValidity, EmptyChainOrBadTimesAreErrors) {
    h.set_tls(fixtures::tls_facts({}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
    auto f = fixtures::default_tls();
    f.chain[0].not_after = "April 2026";
    h.set_tls(f);
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::error));
    EXPECT_NE(o.message.find("not_after"), std::string::npos) << o.message;
    h.set("tls", Json{{"chain", "none"}});
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
}

TEST_F(CertificateValidity, ParametersAreValidated) {
    EXPECT_FALSE(h.params(kCheck, {{"min_days_remaining", -1}}).ok());
    EXPECT_FALSE(h.params(kCheck, {{"scope", "root"}}).ok());
    EXPECT_FALSE(h.params(kCheck, {{"days", 3}}).ok());
    auto p = h.params(kCheck, Json::object());
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*p, (Json{{"min_days_remaining", 0}, {"scope", "leaf"}}));
}

}  // namespace
}  // namespace conformscan::checks::tls
