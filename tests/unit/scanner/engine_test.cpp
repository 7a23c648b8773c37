#include "scanner/engine.hpp"

#include <atomic>
#include <stdexcept>

#include <gtest/gtest.h>

namespace conformscan::scanner {
namespace {

using core::Outcome;
using core::Status;

core::Target make_target(const std::string& host, std::uint16_t port, const std::string& service = "tls") {
    core::Target t;
    t.host = host;
    t.address = host;
    t.port = port;
    t.service = service;
    t.id = core::make_target_id(host, port);
    return t;
}

core::Rule make_rule(const std::string& id, const std::string& check) {
    core::Rule r;
    r.id = id;
    r.title = id;
    r.check = check;
    r.severity = core::Severity::high;
    return r;
}

struct Fixture : ::testing::Test {
    core::CheckRegistry checks;
    core::ProbeRegistry probes;
    std::atomic<int> alpha_runs{0};

    void SetUp() override {
        core::must_add(probes, {"alpha", "Alpha", "", {}, {}, [this](const core::Target&, const core::ProbeOptions&, const core::FactSet&) {
                                    ++alpha_runs;
                                    core::ProbeRecord r;
                                    r.probe = "alpha";
                                    r.data = {{"value", 7}};
                                    return r;
                                }});
        core::must_add(probes, {"broken", "Broken", "", {}, {}, [](const core::Target&, const core::ProbeOptions&, const core::FactSet&) -> core::ProbeRecord {
                                    throw std::runtime_error("socket exploded");
                                }});
        core::must_add(probes, {"down", "Down", "", {}, {}, [](const core::Target&, const core::ProbeOptions&, const core::FactSet&) {
                                    return core::ProbeRecord::failure("down", "connection refused");
                                }});
        core::CheckDescriptor seven{"test.seven", "value is 7", "", {"alpha"}, {}, {}, {}, {}, {}};
        seven.evaluate = [](const core::CheckContext& ctx, const core::Json&) {
            const auto* rec = ctx.facts.get("alpha");
            return rec->data.at("value") == 7 ? Outcome::pass("seven") : Outcome::fail("not seven");
        };
        core::must_add(checks, seven);
        core::CheckDescriptor throws{"test.throws", "throws", "", {"alpha"}, {}, {}, {}, {}, {}};
        throws.evaluate = [](const core::CheckContext&, const core::Json&) -> Outcome {
            throw std::runtime_error("bad rule");
        };
        core::must_add(checks, throws);
        for (const char* probe : {"broken", "down"}) {
            core::CheckDescriptor d{std::string("test.") + probe, probe, "", {probe}, {}, {}, {}, {}, {}};
            d.evaluate = [](const core::CheckContext&, const core::Json&) { return Outcome::pass("unreachable"); };
            core::must_add(checks, d);
        }
    }

    core::Profile profile(const std::string& id, std::vector<core::Rule> rules) {
        core::Profile p;
        p.id = id;
        p.rules = std::move(rules);
        return p;
    }
};

TEST_F(Fixture, EachProbeRunsOncePerTargetWhateverTheNumberOfProfiles) {
    const std::vector<core::Target> targets{make_target("127.0.0.1", 1), make_target("127.0.0.1", 2)};
    const std::vector<core::Profile> profiles{profile("a", {make_rule("A-1", "test.seven")}),
                                              profile("b", {make_rule("B-1", "test.seven"), make_rule("B-2", "test.seven")})};
    auto plan = make_plan(targets, profiles, checks, probes, core::now());
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->probe_runs(), 2u);
    ObserveOptions options;
    options.concurrency = 2;
    auto records = observe(*plan, probes, options);
    EXPECT_EQ(alpha_runs.load(), 2);
    auto results = judge(records, profiles, checks, core::now());
    ASSERT_EQ(results.size(), 6u);
    for (const auto& r : results) EXPECT_EQ(r.status, Status::pass) << r.rule_id;
}

TEST_F(Fixture, RulesThatDoNotApplyNeedNoProbe) {
    auto rule = make_rule("R", "test.seven");
    rule.applies_to.services = {"ssh"};
    const std::vector<core::Profile> profiles{profile("a", {rule})};
    auto plan = make_plan({make_target("127.0.0.1", 443)}, profiles, checks, probes, core::now());
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->probe_runs(), 0u);
    auto results = judge(observe(*plan, probes, {}), profiles, checks, core::now());
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].status, Status::not_applicable);
}

TEST_F(Fixture, ChecksKeepToTheirDefaultServices) {
    core::CheckDescriptor only_ssh{"test.only_ssh", "", "", {"alpha"}};
    only_ssh.services = {"ssh"};
    only_ssh.evaluate = [](const core::CheckContext&, const core::Json&) { return Outcome::pass("ok"); };
    core::must_add(checks, only_ssh);
    core::CheckDescriptor not_ssh{"test.not_ssh", "", "", {"alpha"}};
    not_ssh.skip_services = {"ssh"};
    not_ssh.evaluate = only_ssh.evaluate;
    core::must_add(checks, not_ssh);
    auto ssh = make_target("127.0.0.1", 22);
    ssh.service = "ssh";
    auto tls = make_target("127.0.0.1", 443);
    tls.service = "https";
    // A rule without applies_to follows the check's services: no probe runs where none applies.
    const std::vector<core::Profile> profiles{profile("a", {make_rule("S", "test.only_ssh")})};
    auto plan = make_plan({tls}, profiles, checks, probes, core::now());
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->probe_runs(), 0u);
    auto results = judge(observe(*plan, probes, {}), profiles, checks, core::now());
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].status, Status::not_applicable);
    const auto rule = make_rule("N", "test.not_ssh");
    EXPECT_NE(not_applicable_reason(rule, ssh, core::now(), checks.find("test.not_ssh")), "");
    EXPECT_EQ(not_applicable_reason(rule, tls, core::now(), checks.find("test.not_ssh")), "");
    // A rule that names the service decides for itself.
    auto named = make_rule("N2", "test.not_ssh");
    named.applies_to.services = {"ssh"};
    EXPECT_EQ(not_applicable_reason(named, ssh, core::now(), checks.find("test.not_ssh")), "");
}

TEST_F(Fixture, DatedRulesApplyOnlyInTheirWindow) {
    auto rule = make_rule("R", "test.seven");
    rule.effective_from = *core::parse_time("2024-01-01T00:00:00Z");
    const auto target = make_target("127.0.0.1", 443);
    EXPECT_NE(not_applicable_reason(rule, target, *core::parse_time("2023-12-31T23:59:59Z")), "");
    EXPECT_EQ(not_applicable_reason(rule, target, *core::parse_time("2024-01-01T00:00:00Z")), "");
    rule.effective_until = *core::parse_time("2029-12-31T23:59:59Z");
    EXPECT_NE(not_applicable_reason(rule, target, *core::parse_time("2030-01-01T00:00:00Z")), "");
}

TEST_F(Fixture, ProbeExceptionsAndFailuresBecomeErrorResults) {
    const std::vector<core::Profile> profiles{
        profile("a", {make_rule("BROKEN", "test.broken"), make_rule("DOWN", "test.down"), make_rule("THROWS", "test.throws")})};
    auto plan = make_plan({make_target("127.0.0.1", 443)}, profiles, checks, probes, core::now());
    ASSERT_TRUE(plan.ok());
    auto records = observe(*plan, probes, {});
    ASSERT_EQ(records.size(), 1u);
    const auto* broken = records[0].facts.get("broken");
    ASSERT_NE(broken, nullptr);
    EXPECT_EQ(broken->status, core::ProbeStatus::error);
    EXPECT_NE(broken->error.find("socket exploded"), std::string::npos);
    auto results = judge(records, profiles, checks, core::now());
    ASSERT_EQ(results.size(), 3u);
    for (const auto& r : results) EXPECT_EQ(r.status, Status::error) << r.rule_id;
    EXPECT_NE(results[1].message.find("connection refused"), std::string::npos);
    EXPECT_NE(results[2].message.find("bad rule"), std::string::npos);
}

TEST_F(Fixture, ResolutionFailureBecomesTheTargetsError) {
    const std::vector<core::Profile> profiles{profile("a", {make_rule("A-1", "test.seven")})};
    auto plan = make_plan({make_target("nowhere.invalid", 443)}, profiles, checks, probes, core::now());
    ASSERT_TRUE(plan.ok());
    ObserveOptions options;
    options.resolve = [](core::Target&) -> core::Result<void> { return core::make_error("resolve", "cannot resolve"); };
    auto records = observe(*plan, probes, options);
    EXPECT_EQ(alpha_runs.load(), 0);
    auto results = judge(records, profiles, checks, core::now());
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].status, Status::error);
    EXPECT_NE(results[0].message.find("cannot resolve"), std::string::npos);
}

TEST_F(Fixture, DependenciesRunFirstAndTheirFactsAreVisible) {
    core::ProbeDescriptor beta{"beta", "Beta", "", {}, {"alpha"}, {}};
    beta.run = [](const core::Target&, const core::ProbeOptions&, const core::FactSet& earlier) {
        core::ProbeRecord r;
        r.probe = "beta";
        const auto* alpha = earlier.get("alpha");
        r.data = {{"saw_alpha", alpha != nullptr && alpha->data.at("value") == 7}};
        return r;
    };
    core::must_add(probes, beta);
    core::CheckDescriptor reads_beta{"test.beta", "beta saw alpha", "", {"beta"}, {}, {}, {}, {}, {}};
    reads_beta.evaluate = [](const core::CheckContext& ctx, const core::Json&) {
        return ctx.facts.get("beta")->data.at("saw_alpha") == true ? Outcome::pass("ok") : Outcome::fail("no");
    };
    core::must_add(checks, reads_beta);
    const std::vector<core::Profile> profiles{profile("a", {make_rule("B-1", "test.beta")})};
    auto plan = make_plan({make_target("127.0.0.1", 443)}, profiles, checks, probes, core::now());
    ASSERT_TRUE(plan.ok());
    ASSERT_EQ(plan->targets[0].probes, (std::vector<std::string>{"alpha", "beta"}));
    auto results = judge(observe(*plan, probes, {}), profiles, checks, core::now());
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].status, Status::pass);
}

TEST_F(Fixture, ProbeInputsOfEveryApplicableRuleReachTheProbeMerged) {
    core::Json seen;
    core::must_add(probes, {"asks", "Asks", "", {}, {}, [&seen](const core::Target&, const core::ProbeOptions& o, const core::FactSet&) {
                                seen = o.inputs;
                                core::ProbeRecord r;
                                r.probe = "asks";
                                return r;
                            }});
    core::CheckDescriptor d{"test.asks", "asks", "", {"asks"}, {}, {}, {}, {}, {}};
    d.evaluate = [](const core::CheckContext&, const core::Json&) { return Outcome::pass("ok"); };
    d.probe_inputs = [](const core::Json& params) {
        return core::Json{{"asks", {{"words", params.value("words", core::Json::array())}, {"mode", params.value("mode", "")}}}};
    };
    core::must_add(checks, d);
    auto first = make_rule("A", "test.asks");
    first.params = {{"words", {"public", "private"}}, {"mode", "fast"}};
    auto second = make_rule("B", "test.asks");
    second.params = {{"words", {"private", "cisco"}}, {"mode", "slow"}};
    auto plan = make_plan({make_target("127.0.0.1", 161)}, {profile("a", {first}), profile("b", {second})}, checks, probes,
                          core::now());
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan.value().targets[0].inputs["asks"]["words"], (core::Json{"public", "private", "cisco"}));
    EXPECT_EQ(plan.value().targets[0].inputs["asks"]["mode"], "fast");
    ObserveOptions options;
    observe(plan.value(), probes, options);
    EXPECT_EQ(seen["words"], (core::Json{"public", "private", "cisco"}));
}

TEST_F(Fixture, ProbesRunOnlyOnTargetsOfTheirTransport) {
    std::atomic<int> udp_runs{0};
    core::ProbeDescriptor udp{"datagram", "Datagram", "", {}, {}, [&udp_runs](const core::Target&, const core::ProbeOptions&, const core::FactSet&) {
                                  ++udp_runs;
                                  core::ProbeRecord r;
                                  r.probe = "datagram";
                                  return r;
                              }};
    udp.transport = core::Transport::udp;
    core::must_add(probes, udp);
    core::CheckDescriptor d{"test.datagram", "datagram", "", {"datagram"}, {}, {}, {}, {}, {}};
    d.evaluate = [](const core::CheckContext&, const core::Json&) { return Outcome::pass("ok"); };
    core::must_add(checks, d);
    const std::vector<core::Target> targets{make_target("127.0.0.1", 161, "snmp"), make_target("127.0.0.1", 443, "tls")};
    auto plan = make_plan(targets, {profile("a", {make_rule("U", "test.datagram"), make_rule("T", "test.seven")})},
                          checks, probes, core::now());
    ASSERT_TRUE(plan.ok());
    ObserveOptions options;
    auto records = observe(plan.value(), probes, options);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(udp_runs.load(), 1);  // on the snmp target only
    EXPECT_EQ(alpha_runs.load(), 1);  // on the tls target only: no TCP connection to a UDP service
    const auto* tcp_on_udp = records[0].facts.get("alpha");
    ASSERT_NE(tcp_on_udp, nullptr);
    EXPECT_EQ(tcp_on_udp->status, core::ProbeStatus::error);
    EXPECT_NE(tcp_on_udp->error.find("udp"), std::string::npos);
    EXPECT_EQ(records[0].facts.get("datagram")->status, core::ProbeStatus::ok);
    EXPECT_EQ(records[1].facts.get("datagram")->status, core::ProbeStatus::error);
    EXPECT_EQ(core::service_transport("snmp"), core::Transport::udp);
    EXPECT_EQ(core::service_transport("https"), core::Transport::tcp);
}

TEST_F(Fixture, UnknownCheckIsRefusedByThePlanner) {
    auto plan = make_plan({make_target("127.0.0.1", 443)}, {profile("a", {make_rule("X", "no.such.check")})}, checks,
                          probes, core::now());
    ASSERT_FALSE(plan.ok());
    EXPECT_NE(plan.error().message.find("no.such.check"), std::string::npos);
}

TEST_F(Fixture, MissingFactsInSavedReportGiveError) {
    core::TargetRecord record{make_target("127.0.0.1", 443), {}};
    auto results = judge({record}, {profile("a", {make_rule("A-1", "test.seven")})}, checks, core::now());
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].status, Status::error);
    EXPECT_NE(results[0].message.find("alpha"), std::string::npos);
}

}  // namespace
}  // namespace conformscan::scanner
