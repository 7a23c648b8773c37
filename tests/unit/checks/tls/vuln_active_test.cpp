// The decisions of the active vulnerability tests, given what a server did.
#include <gtest/gtest.h>

#include "checks/tls/vuln_active.hpp"
#include "checks/tls/wire/heartbeat.hpp"
#include "tests/unit/checks/tls/feature_fact_builders.hpp"
#include "tests/unit/checks/tls/scan_fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using Kind = Reaction::Kind;

Reaction alert(std::uint8_t description) {
    Reaction r;
    r.kind = Kind::alert;
    r.alert = wire::tls::Alert{2, description};
    return r;
}

Reaction of(Kind kind) {
    Reaction r;
    r.kind = kind;
    return r;
}

Reaction heartbeat(std::uint8_t type, std::uint16_t length, std::size_t carried) {
    Reaction r;
    r.kind = Kind::heartbeat;
    r.fragment = {type, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)};
    r.fragment.insert(r.fragment.end(), carried, 0x5A);
    r.fragment.insert(r.fragment.end(), 16, 0);
    return r;
}

TEST(Heartbleed, ALongerResponseIsVulnerableWithTheLeakedCount) {
    auto v = judge_heartbleed(heartbeat(2, 0x1000, 0x1000), 16, 1);
    EXPECT_EQ(v.status, kVulnerable);
    EXPECT_NE(v.evidence.find("4080 bytes of server memory"), std::string::npos) << v.evidence;
    EXPECT_EQ(v.cve, std::vector<std::string>{"CVE-2014-0160"});
    EXPECT_EQ(v.connections, 1);
}

TEST(Heartbleed, RefusalsAndSilenceAreNotVulnerable) {
    EXPECT_EQ(judge_heartbleed(alert(10), 16, 1).status, kNotVulnerable);
    EXPECT_EQ(judge_heartbleed(of(Kind::closed), 16, 1).status, kNotVulnerable);
    auto silent = judge_heartbleed(of(Kind::timeout), 16, 1);
    EXPECT_EQ(silent.status, kNotVulnerable);
    EXPECT_NE(silent.evidence.find("RFC 6520"), std::string::npos);
    EXPECT_EQ(judge_heartbleed(heartbeat(2, 16, 16), 16, 1).status, kNotVulnerable);
}

TEST(Heartbleed, AmbiguousAnswersAreInconclusive) {
    // Declares 2^14 bytes but carries 20: malformed, not proof of a leak.
    Reaction truncated;
    truncated.kind = Kind::heartbeat;
    truncated.fragment = {2, 0x40, 0x00};
    truncated.fragment.insert(truncated.fragment.end(), 20, 1);
    EXPECT_EQ(judge_heartbleed(truncated, 16, 1).status, kInconclusive);
    EXPECT_EQ(judge_heartbleed(heartbeat(7, 1, 1), 16, 1).status, kInconclusive);
    EXPECT_EQ(judge_heartbleed(of(Kind::other_record), 16, 1).status, kInconclusive);
}

TEST(CcsInjection, DecryptionFailureAfterEarlyCcsIsVulnerable) {
    EXPECT_EQ(judge_ccs_injection(alert(20), 1).status, kVulnerable);
    auto v = judge_ccs_injection(alert(21), 1);
    EXPECT_EQ(v.status, kVulnerable);
    EXPECT_NE(v.evidence.find("decryption_failed"), std::string::npos) << v.evidence;
}

TEST(CcsInjection, RejectionIsNotVulnerableAndSilenceInconclusive) {
    auto v = judge_ccs_injection(alert(10), 1);
    EXPECT_EQ(v.status, kNotVulnerable);
    EXPECT_NE(v.evidence.find("unexpected_message (10)"), std::string::npos) << v.evidence;
    EXPECT_EQ(judge_ccs_injection(alert(40), 1).status, kNotVulnerable);
    EXPECT_EQ(judge_ccs_injection(of(Kind::closed), 1).status, kNotVulnerable);
    EXPECT_EQ(judge_ccs_injection(of(Kind::timeout), 1).status, kInconclusive);
    EXPECT_EQ(judge_ccs_injection(of(Kind::heartbeat), 1).status, kInconclusive);
}

const std::vector<std::string> kSame(5, "alert fatal bad_record_mac (20)");
const std::vector<std::string> kOracle{
    "alert fatal bad_record_mac (20)", "alert fatal handshake_failure (40)",
    "alert fatal handshake_failure (40)", "alert fatal handshake_failure (40)",
    "alert fatal bad_record_mac (20)"};

TEST(Robot, IdenticalAnswersAreNotVulnerable) {
    auto v = judge_robot({kSame}, 5);
    EXPECT_EQ(v.status, kNotVulnerable);
    EXPECT_EQ(v.details.size(), 5u);
    EXPECT_EQ(v.connections, 5);
}

TEST(Robot, ConsistentDifferencesAreAnOracle) {
    auto v = judge_robot({kOracle, kOracle}, 10);
    EXPECT_EQ(v.status, kVulnerable);
    EXPECT_NE(v.evidence.find("strong"), std::string::npos) << v.evidence;
    ASSERT_EQ(v.details.size(), 5u);
    EXPECT_EQ(v.details[1], "wrong 0x00 0x02 prefix: alert fatal handshake_failure (40)");
    EXPECT_EQ(v.cve.front(), "CVE-2017-6168");
    auto timeouts = kSame;
    timeouts[3] = "no answer (timeout)";
    auto weak = judge_robot({timeouts, timeouts}, 10);
    EXPECT_EQ(weak.status, kVulnerable);
    EXPECT_NE(weak.evidence.find("weak"), std::string::npos) << weak.evidence;
}

TEST(Robot, InconsistentOrSingleRoundDifferencesAreInconclusive) {
    auto other = kOracle;
    other[2] = "connection closed";
    auto v = judge_robot({kOracle, other}, 10);
    EXPECT_EQ(v.status, kInconclusive);
    EXPECT_EQ(v.details.size(), 10u);
    EXPECT_EQ(judge_robot({kOracle}, 5).status, kInconclusive);
    EXPECT_EQ(judge_robot({}, 0).status, kInconclusive);
}

TEST(Ticketbleed, ALongerEchoStartingWithOursIsVulnerable) {
    const std::vector<std::uint8_t> sent(16, 0xA0);
    wire::tls::ServerHello sh;
    sh.session_id = sent;
    sh.session_id.insert(sh.session_id.end(), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    auto v = judge_ticketbleed(sent, sh, 2);
    EXPECT_EQ(v.status, kVulnerable);
    EXPECT_NE(v.evidence.find("16 bytes of server memory"), std::string::npos) << v.evidence;
    EXPECT_EQ(v.cve, std::vector<std::string>{"CVE-2016-9244"});

    sh.session_id = sent;
    EXPECT_EQ(judge_ticketbleed(sent, sh, 2).status, kNotVulnerable);
    sh.session_id.assign(32, 0x77);  // a fresh session: the ticket was not taken
    EXPECT_EQ(judge_ticketbleed(sent, sh, 2).status, kInconclusive);
    sh.session_id.clear();
    EXPECT_EQ(judge_ticketbleed(sent, sh, 2).status, kInconclusive);
}

TEST(ActivePlan, HighestLegacyVersionAndItsSuites) {
    EarlierFacts f;
    f.versions = fixtures::versions_facts({"SSLv2", "TLSv1", "TLSv1.2", "TLSv1.3"});
    f.suites = fixtures::suites_facts({fixtures::version_suites("TLSv1", {0x002f, 0xc013}),
                                       fixtures::version_suites("TLSv1.2", {0xc02f, 0x009c}),
                                       fixtures::version_suites("TLSv1.3", {0x1301})});
    auto plan = legacy_hello(f);
    EXPECT_EQ(plan.version, wire::tls::kTls12);
    EXPECT_EQ(plan.suites, (std::vector<std::uint16_t>{0xc02f, 0x009c}));
    auto rsa = legacy_hello(f, is_rsa_key_transport_suite);
    EXPECT_EQ(rsa.version, wire::tls::kTls12);
    EXPECT_EQ(rsa.suites, (std::vector<std::uint16_t>{0x009c}));
    f.suites->per_version[1] = fixtures::version_suites("TLSv1.2", {0xc02f});
    rsa = legacy_hello(f, is_rsa_key_transport_suite);
    EXPECT_EQ(rsa.version, wire::tls::kTls10);
    EXPECT_EQ(rsa.suites, (std::vector<std::uint16_t>{0x002f}));
    f.versions = fixtures::versions_facts({"TLSv1.3"});
    EXPECT_EQ(legacy_hello(f).version, 0);
}

TEST(ActiveApplicability, TestsNotRunWithoutTheirPrecondition) {
    // No connection is attempted (were one, loopback port 1 would refuse it).
    core::Target target;
    target.host = target.address = "127.0.0.1";
    target.port = 1;
    core::ProbeOptions options;
    options.timeout = std::chrono::milliseconds(1);
    EarlierFacts f;
    f.versions = fixtures::versions_facts({"TLSv1.3"});
    f.suites = fixtures::suites_facts({fixtures::version_suites("TLSv1.3", {0x1301})});
    f.features = fixtures::tls13_only_features();
    EXPECT_EQ(test_heartbleed(target, options, f).status, kVulnNotApplicable);
    EXPECT_EQ(test_ccs_injection(target, options, f).status, kVulnNotApplicable);
    EXPECT_EQ(test_robot(target, options, f).status, kVulnNotApplicable);
    EXPECT_EQ(test_ticketbleed(target, options, f).status, kVulnNotApplicable);
    f.features = fixtures::modern_features();
    f.features->session_ticket = false;
    EXPECT_EQ(test_heartbleed(target, options, f).status, kVulnNotApplicable);
    EXPECT_EQ(test_ticketbleed(target, options, f).status, kVulnNotApplicable);
}

}  // namespace
}  // namespace conformscan::checks::tls
