#include <gtest/gtest.h>

#include "checks/tls/tls_checks.hpp"
#include "tests/unit/checks/tls/scan_fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

constexpr const char* kCheck = "tls.protocol_versions";
const Json kModern{{"allowed", {"TLSv1.2", "TLSv1.3"}}};

class ProtocolVersions : public ::testing::Test {
protected:
    core::Outcome run(const std::vector<std::string>& accepted, const Json& with = Json::object()) {
        fixtures::set_versions(h, fixtures::versions_facts(accepted));
        return h.run(kCheck, with);
    }
    fixtures::CheckHarness h{register_tls_checks};
};

TEST_F(ProtocolVersions, ModernServerPassesAnAllowList) {
    auto o = run({"TLSv1.2", "TLSv1.3"}, kModern);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["accepted"], Json::array({"TLSv1.2", "TLSv1.3"}));
    EXPECT_EQ(o.expected["allowed"], Json::array({"TLSv1.2", "TLSv1.3"}));
    EXPECT_TRUE(has_status(run({"TLSv1.3"}, kModern), Status::pass));
}

TEST_F(ProtocolVersions, VersionOutsideTheAllowListFailsWithTheProbeEvidence) {
    // RFC 8996 §2: TLS 1.0 MUST NOT be used.
    auto o = run({"TLSv1", "TLSv1.2"}, kModern);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("TLSv1 is accepted (not allowed)"), std::string::npos) << o.message;
    ASSERT_EQ(o.observed["offending"].size(), 1u);
    EXPECT_EQ(o.observed["offending"][0]["version"], "TLSv1");
    EXPECT_EQ(o.observed["offending"][0]["reason"], "not_allowed");
    EXPECT_EQ(o.observed["offending"][0]["evidence"], "ServerHello TLSv1, suite 0xc02f");
    EXPECT_EQ(o.observed["accepted"], Json::array({"TLSv1", "TLSv1.2"}));
}

TEST_F(ProtocolVersions, ForbiddenVersionsFail) {
    const Json legacy{{"forbidden", {"SSLv2", "SSLv3", "TLSv1", "TLSv1.1"}}};
    EXPECT_TRUE(has_status(run({"TLSv1.2", "TLSv1.3"}, legacy), Status::pass));
    auto o = run({"SSLv3", "TLSv1.1", "TLSv1.2"}, legacy);
    EXPECT_TRUE(has_status(o, Status::fail));
    ASSERT_EQ(o.observed["offending"].size(), 2u);
    EXPECT_EQ(o.observed["offending"][0]["version"], "SSLv3");
    EXPECT_EQ(o.observed["offending"][0]["reason"], "forbidden");
    EXPECT_EQ(o.observed["offending"][1]["version"], "TLSv1.1");
    // Forbidden wins over allowed when a profile lists a version in both.
    o = run({"TLSv1.2"}, {{"allowed", {"TLSv1.2"}}, {"forbidden", {"TLSv1.2"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["offending"][0]["reason"], "forbidden");
}

TEST_F(ProtocolVersions, RequiredVersionRefusedFails) {
    // RFC 9325 §3.1.1: TLS 1.2 MUST and TLS 1.3 SHOULD be supported.
    const Json with{{"required", {"TLSv1.2", "TLSv1.3"}}};
    EXPECT_TRUE(has_status(run({"TLSv1.2", "TLSv1.3"}, with), Status::pass));
    auto o = run({"TLSv1.2"}, with);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("TLSv1.3 is required but refused"), std::string::npos) << o.message;
    ASSERT_EQ(o.observed["missing"].size(), 1u);
    EXPECT_EQ(o.observed["missing"][0]["version"], "TLSv1.3");
    EXPECT_EQ(o.observed["missing"][0]["evidence"], "alert protocol_version (70)");
    EXPECT_TRUE(o.observed["offending"].empty());
}

TEST_F(ProtocolVersions, EveryProblemIsReported) {
    auto o = run({"TLSv1", "TLSv1.2"}, {{"forbidden", {"TLSv1"}}, {"required", {"TLSv1.3"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["offending"].size(), 1u);
    EXPECT_EQ(o.observed["missing"].size(), 1u);
    EXPECT_NE(o.message.find("TLSv1 is accepted (forbidden); TLSv1.3 is required"), std::string::npos)
        << o.message;
}

TEST_F(ProtocolVersions, NoAcceptedVersionIsAnError) {
    auto o = run({}, kModern);
    EXPECT_TRUE(has_status(o, Status::error));
    ASSERT_EQ(o.observed["protocols"].size(), 6u);
    EXPECT_EQ(o.observed["protocols"][4]["evidence"], "alert protocol_version (70)");
    EXPECT_TRUE(has_status(run({}), Status::error));
}

TEST_F(ProtocolVersions, DefaultsRestrictNothing) {
    auto p = h.params(kCheck, Json::object());
    ASSERT_TRUE(p.ok());
    EXPECT_EQ((*p)["allowed"], Json::array());
    EXPECT_EQ((*p)["forbidden"], Json::array());
    EXPECT_EQ((*p)["required"], Json::array());
    EXPECT_TRUE(has_status(run({"SSLv3", "TLSv1.2"}), Status::pass));
}

TEST_F(ProtocolVersions, AVersionTheRuleJudgesButNobodyProbedIsAnError) {
    auto f = fixtures::versions_facts({"TLSv1.2"});
    f.protocols.erase(f.protocols.begin());  // SSLv2 not probed
    fixtures::set_versions(h, f);
    auto o = h.run(kCheck, kModern);
    EXPECT_TRUE(has_status(o, Status::error));
    EXPECT_EQ(o.observed["not_probed"], Json::array({"SSLv2"}));
    EXPECT_TRUE(has_status(h.run(kCheck, {{"forbidden", {"TLSv1"}}}), Status::pass));
    EXPECT_TRUE(has_status(h.run(kCheck, {{"required", {"SSLv2"}}}), Status::error));
    // A fail needs no complete view.
    f.protocols[1].accepted = true;  // TLSv1
    fixtures::set_versions(h, f);
    EXPECT_TRUE(has_status(h.run(kCheck, kModern), Status::fail));
}

TEST_F(ProtocolVersions, AcceptedSummaryAloneIsEnough) {
    checks::tls::TlsVersionsFacts f;
    f.accepted = {"TLSv1.3", "TLSv1.2"};
    fixtures::set_versions(h, f);
    auto o = h.run(kCheck, {{"forbidden", {"TLSv1.2"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["offending"][0]["evidence"], "not probed");
    o = h.run(kCheck, {{"required", {"TLSv1.3"}}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["accepted"], Json::array({"TLSv1.2", "TLSv1.3"}));  // oldest first
}

TEST_F(ProtocolVersions, ContradictoryOrUnknownParametersAreRefused) {
    EXPECT_FALSE(h.params(kCheck, {{"allowed", {"TLSv1.4"}}}).ok());
    EXPECT_FALSE(h.params(kCheck, {{"forbidden", "TLSv1"}}).ok());
    auto both = h.params(kCheck, {{"required", {"TLSv1.2"}}, {"forbidden", {"TLSv1.2"}}});
    ASSERT_FALSE(both.ok());
    EXPECT_NE(both.error().message.find("both required and forbidden"), std::string::npos);
    EXPECT_FALSE(h.params(kCheck, {{"required", {"TLSv1.3"}}, {"allowed", {"TLSv1.2"}}}).ok());
    EXPECT_TRUE(h.params(kCheck, {{"required", {"TLSv1.3"}}, {"allowed", {"TLSv1.2", "TLSv1.3"}}}).ok());
}

TEST_F(ProtocolVersions, MissingOrMalformedFactsAreErrors) {
    EXPECT_TRUE(has_status(h.run(kCheck, kModern), Status::error));
    h.set("tls_versions", Json{{"protocols", "all of them"}});
    auto o = h.run(kCheck, kModern);
    EXPECT_TRUE(has_status(o, Status::error));
    EXPECT_NE(o.message.find("malformed tls_versions facts"), std::string::npos) << o.message;
}

TEST(TlsScanChecksRegistry, DeclaresTheWireProbeFactsTheyRead) {
    core::CheckRegistry registry;
    register_tls_checks(registry);
    const std::pair<const char*, const char*> checks[] = {{"tls.protocol_versions", "tls_versions"},
                                                          {"tls.cipher_suites", "tls_suites"},
                                                          {"tls.server_preference", "tls_suites"},
                                                          {"tls.forward_secrecy", "tls_suites"}};
    for (const auto& [name, probe] : checks) {
        const auto* d = registry.find(name);
        ASSERT_NE(d, nullptr) << name;
        EXPECT_EQ(d->facts, std::vector<std::string>{probe}) << name;
        EXPECT_EQ(d->needed_probes(Json::object()), std::vector<std::string>{probe}) << name;
        EXPECT_FALSE(d->title.empty()) << name;
        EXPECT_FALSE(d->description.empty()) << name;
        EXPECT_TRUE(core::validate_params(d->params, Json::object()).ok()) << name;
    }
}

}  // namespace
}  // namespace conformscan::checks::tls
