// snmp.community and snmp.version on hand-built facts; community masking.
#include "checks/snmp/snmp_checks.hpp"

#include <gtest/gtest.h>

#include "checks/snmp/snmp_probe.hpp"
#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::snmp {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

CommunityAttempt attempt(const std::string& community, const std::string& version, bool answered,
                         const std::string& outcome = kSilent) {
    CommunityAttempt a;
    a.version = version;
    a.community = community_label(community);
    a.masked = !is_well_known_community(community);
    a.fingerprint = community_fingerprint(community);
    a.answered = answered;
    a.outcome = answered ? kAnswered : outcome;
    a.tries = answered ? 1 : 2;
    if (answered) {
        a.error_status = "noError";
        a.value_type = "OCTET STRING";
        a.sys_descr = "Linux router 6.1";
    }
    return a;
}

SnmpFacts facts_of(std::vector<CommunityAttempt> attempts, bool v3) {
    SnmpFacts f;
    f.communities = std::move(attempts);
    f.v3.answered = v3;
    f.v3.outcome = v3 ? kAnswered : kSilent;
    if (v3) {
        f.v3.engine_id = "80001f888012345678";
        f.v3.engine_boots = 3;
        f.v3.pdu = "Report";
        f.v3.report = "usmStatsUnknownEngineIDs";
    }
    for (const char* v : {"v1", "v2c"})
        for (const auto& a : f.communities)
            if (a.answered && a.version == v) {
                f.versions_answered.emplace_back(v);
                break;
            }
    if (v3) f.versions_answered.emplace_back("v3");
    f.answered = !f.versions_answered.empty();
    f.max_tries = 2;
    f.wait_ms = 500;
    return f;
}

std::vector<CommunityAttempt> defaults_silent() {
    return {attempt("public", "v1", false), attempt("public", "v2c", false), attempt("private", "v1", false),
            attempt("private", "v2c", false)};
}

class SnmpChecks : public ::testing::Test {
protected:
    fixtures::CheckHarness h{register_snmp_checks};
    void set(const SnmpFacts& f) { h.set(kSnmpProbe, Json(f)); }
};

TEST(SnmpCommunities, WellKnownAreShownOthersMasked) {
    EXPECT_EQ(community_label("public"), "public");
    EXPECT_EQ(community_label("private"), "private");
    EXPECT_EQ(community_label("n0c-Secr3t"), "<masked>");
    EXPECT_EQ(community_fingerprint("public").size(), 8u);
    EXPECT_NE(community_fingerprint("public"), community_fingerprint("private"));
    EXPECT_EQ(community_fingerprint("n0c-Secr3t"), community_fingerprint("n0c-Secr3t"));
    // The fact JSON never carries a masked community.
    const Json j = attempt("n0c-Secr3t", "v2c", true);
    EXPECT_EQ(j.dump().find("n0c-Secr3t"), std::string::npos);
    EXPECT_EQ(j["community"], "<masked>");
    EXPECT_EQ(j["masked"], true);
    EXPECT_EQ(default_communities(), (std::vector<std::string>{"public", "private"}));
}

TEST(SnmpCommunities, FactsRoundTrip) {
    const auto f = facts_of({attempt("public", "v1", true), attempt("public", "v2c", false)}, true);
    auto back = parse_snmp_facts(Json(f));
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(Json(*back), Json(f));
    EXPECT_FALSE(parse_snmp_facts(Json{{"communities", 3}, {"v3", Json::object()}}).ok());
}

TEST_F(SnmpChecks, CommunityFailsWithEvidenceWhenPublicAnswers) {
    set(facts_of({attempt("public", "v1", true), attempt("public", "v2c", true),
                  attempt("private", "v1", false), attempt("private", "v2c", false)},
                 false));
    auto o = h.run("snmp.community");
    EXPECT_TRUE(has_status(o, Status::fail));
    ASSERT_EQ(o.observed["answered"].size(), 2u);
    EXPECT_EQ(o.observed["answered"][0]["community"], "public");
    EXPECT_EQ(o.observed["answered"][0]["version"], "v1");
    EXPECT_EQ(o.observed["answered"][0]["sys_descr"], "Linux router 6.1");
    EXPECT_NE(o.message.find("'public' on v1"), std::string::npos) << o.message;
    EXPECT_NE(o.message.find("Linux router 6.1"), std::string::npos) << o.message;
}

TEST_F(SnmpChecks, CommunityPassesWhenOnlyV3Answers) {
    set(facts_of(defaults_silent(), true));
    auto o = h.run("snmp.community");
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_NE(o.message.find("v3"), std::string::npos) << o.message;
}

TEST_F(SnmpChecks, CommunityVersionsParameterNarrowsWhatFails) {
    set(facts_of({attempt("public", "v1", false), attempt("public", "v2c", true),
                  attempt("private", "v1", false), attempt("private", "v2c", false)},
                 false));
    EXPECT_TRUE(has_status(h.run("snmp.community", {{"versions", {"v1"}}}), Status::pass));
    EXPECT_TRUE(has_status(h.run("snmp.community"), Status::fail));
}

TEST_F(SnmpChecks, MaskedCommunityIsMatchedByFingerprintAndNeverShown) {
    set(facts_of({attempt("n0c-Secr3t", "v1", false), attempt("n0c-Secr3t", "v2c", true)}, false));
    auto o = h.run("snmp.community", {{"communities", {"n0c-Secr3t"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.message.find("n0c-Secr3t"), std::string::npos) << o.message;
    EXPECT_EQ(o.observed.dump().find("n0c-Secr3t"), std::string::npos);
    EXPECT_EQ(o.expected.dump().find("n0c-Secr3t"), std::string::npos);
    EXPECT_NE(o.message.find(community_fingerprint("n0c-Secr3t")), std::string::npos) << o.message;
}

TEST_F(SnmpChecks, CommunityNotTriedIsAnError) {
    set(facts_of(defaults_silent(), false));
    auto o = h.run("snmp.community", {{"communities", {"public", "cisco"}}});
    EXPECT_TRUE(has_status(o, Status::error));
    EXPECT_NE(o.message.find("cisco on v1"), std::string::npos) << o.message;
}

TEST_F(SnmpChecks, SilencePassesUnlessTheRuleSaysError) {
    set(facts_of(defaults_silent(), false));
    auto o = h.run("snmp.community");
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_NE(o.message.find("SNMP did not answer"), std::string::npos) << o.message;
    EXPECT_TRUE(has_status(h.run("snmp.community", {{"on_silence", "error"}}), Status::error));
    auto v = h.run("snmp.version");
    EXPECT_TRUE(has_status(v, Status::pass));
    EXPECT_NE(v.message.find("SNMP did not answer"), std::string::npos) << v.message;
    EXPECT_TRUE(has_status(h.run("snmp.version", {{"on_silence", "error"}}), Status::error));
}

TEST_F(SnmpChecks, VersionPassesOnV3Only) {
    set(facts_of(defaults_silent(), true));
    auto o = h.run("snmp.version");
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_NE(o.message.find("80001f888012345678"), std::string::npos) << o.message;
    EXPECT_EQ(o.observed["versions_answered"], (Json{"v3"}));
}

TEST_F(SnmpChecks, VersionFailsOnV2cAndAllowsItWhenTold) {
    set(facts_of({attempt("public", "v1", false), attempt("public", "v2c", true),
                  attempt("private", "v1", false), attempt("private", "v2c", false)},
                 true));
    auto o = h.run("snmp.version");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("v2c (community public)"), std::string::npos) << o.message;
    EXPECT_TRUE(has_status(h.run("snmp.version", {{"allowed", {"v2c", "v3"}}}), Status::pass));
}

TEST_F(SnmpChecks, VersionRequiresV3WhereSnmpAnswers) {
    set(facts_of({attempt("public", "v1", true), attempt("public", "v2c", true)}, false));
    auto o = h.run("snmp.version", {{"allowed", {"v1", "v2c", "v3"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("SNMPv3 does not answer"), std::string::npos) << o.message;
    EXPECT_TRUE(has_status(h.run("snmp.version", {{"allowed", {"v1", "v2c", "v3"}}, {"require_v3", false}}),
                           Status::pass));
}

TEST_F(SnmpChecks, CommunityRulesTellTheProbeWhatToTry) {
    const auto& d = h.check("snmp.community");
    ASSERT_TRUE(d.probe_inputs);
    auto p = h.params("snmp.community", {{"communities", {"public", "cisco"}}});
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(d.probe_inputs(*p), (Json{{"snmp", {{"communities", {"public", "cisco"}}}}}));
    auto defaults = h.params("snmp.community", Json::object());
    EXPECT_EQ(d.probe_inputs(*defaults)["snmp"]["communities"], (Json{"public", "private"}));
    EXPECT_FALSE(h.params("snmp.community", {{"communities", Json::array()}}).ok());
    EXPECT_FALSE(h.params("snmp.community", {{"versions", {"v3"}}}).ok());
}

TEST_F(SnmpChecks, MalformedFactsAreAnError) {
    h.set(kSnmpProbe, Json{{"communities", "nope"}});
    EXPECT_TRUE(has_status(h.run("snmp.community"), Status::error));
    EXPECT_TRUE(has_status(h.run("snmp.version"), Status::error));
}

}  // namespace
}  // namespace conformscan::checks::snmp
