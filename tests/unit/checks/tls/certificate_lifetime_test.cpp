#include <gtest/gtest.h>

#include "checks/tls/tls_checks.hpp"
#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

constexpr const char* kCheck = "tls.certificate.lifetime";

class CertificateLifetime : public ::testing::Test {
protected:
    core::Outcome leaf_period(std::string not_before, std::string not_after,
                              const Json& with = Json::object()) {
        auto leaf = fixtures::leaf_cert();
        leaf.not_before = std::move(not_before);
        leaf.not_after = std::move(not_after);
        h.set_tls(fixtures::tls_facts({leaf, fixtures::ca_cert("CN=Example CA", false)}));
        return h.run(kCheck, with);
    }
    fixtures::CheckHarness h{register_tls_checks};
};

TEST_F(CertificateLifetime, NinetyDayCertificatePasses) {
    auto o = leaf_period("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z");
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_DOUBLE_EQ(o.observed["certificates"][0]["lifetime_days"].get<double>(), 90.0);
    EXPECT_EQ(o.expected["max_days"], 398);
    EXPECT_EQ(o.message, "the leaf certificate is valid for 90 days, within the maximum of 398");
}

TEST_F(CertificateLifetime, BoundaryAt398Days) {
    // 2026-01-01 + 398 days = 2027-02-03
    EXPECT_TRUE(has_status(leaf_period("2026-01-01T00:00:00Z", "2027-02-03T00:00:00Z"), Status::pass));
    auto o = leaf_period("2026-01-01T00:00:00Z", "2027-02-03T00:00:01Z");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_GT(o.observed["offending"][0]["lifetime_days"].get<double>(), 398.0);
    EXPECT_NE(o.message.find("more than the maximum of 398"), std::string::npos) << o.message;
}

TEST_F(CertificateLifetime, MaxDaysParameter) {
    EXPECT_TRUE(has_status(leaf_period("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z", {{"max_days", 47}}),
                           Status::fail));
    EXPECT_TRUE(has_status(leaf_period("2026-01-01T00:00:00Z", "2026-02-17T00:00:00Z", {{"max_days", 47}}),
                           Status::pass));
    EXPECT_FALSE(h.params(kCheck, {{"max_days", 0}}).ok());
    EXPECT_FALSE(h.params(kCheck, {{"max_days", 1.5}}).ok());
}

TEST_F(CertificateLifetime, ChainScopeJudgesCaCertificates) {
    auto o = leaf_period("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z", {{"scope", "chain"}});
    EXPECT_TRUE(has_status(o, Status::fail));  // the CA is valid for ten years
    EXPECT_EQ(o.observed["offending"][0]["depth"], 1);
    EXPECT_TRUE(has_status(
        leaf_period("2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z", {{"scope", "chain"}, {"max_days", 3700}}),
        Status::pass));
}

TEST_F(CertificateLifetime, InconsistentOrMissingDatesAreErrors) {
    EXPECT_TRUE(has_status(leaf_period("2026-04-01T00:00:00Z", "2026-01-01T00:00:00Z"), Status::error));
    EXPECT_TRUE(has_status(leaf_period("", "2026-01-01T00:00:00Z"), Status::error));
    h.set_tls(fixtures::tls_facts({}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
}

TEST(TlsChecksRegistry, RegistersEveryCheckOnceAndRefusesDuplicates) {
    core::CheckRegistry registry;
    register_tls_checks(registry);
    for (const char* name :
         {"tls.certificate.validity", "tls.certificate.trusted", "tls.certificate.hostname",
          "tls.certificate.key", "tls.certificate.signature", "tls.certificate.lifetime"}) {
        const auto* d = registry.find(name);
        ASSERT_NE(d, nullptr) << name;
        EXPECT_EQ(d->facts, std::vector<std::string>{"tls"}) << name;
        EXPECT_FALSE(d->title.empty()) << name;
        EXPECT_FALSE(d->description.empty()) << name;
        EXPECT_FALSE(d->examples.empty()) << name;
        // Every declared default passes its own schema.
        EXPECT_TRUE(core::validate_params(d->params, Json::object()).ok()) << name;
    }
    // The other tls.* checks (versions, suites, groups, features) are counted in check_examples_test.
    EXPECT_THROW(register_tls_checks(registry), std::logic_error);
}

}  // namespace
}  // namespace conformscan::checks::tls
