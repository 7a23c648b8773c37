// service: auto discovery and the engine's per-host probes, with stand-in probes.
#include "scanner/discovery.hpp"

#include <atomic>

#include <gtest/gtest.h>

namespace conformscan::scanner {
namespace {

using core::Outcome;
using core::Status;

core::Target make_target(const std::string& host, std::uint16_t port, const std::string& service) {
    core::Target t;
    t.host = host;
    t.address = host;
    t.port = port;
    t.service = service;
    t.id = core::make_target_id(host, port);
    return t;
}

core::Profile profile_with(const std::vector<std::pair<std::string, std::string>>& rules) {
    core::Profile p;
    p.id = "p";
    for (const auto& [id, check] : rules) {
        core::Rule r;
        r.id = id;
        r.title = id;
        r.check = check;
        p.rules.push_back(r);
    }
    return p;
}

// A stand-in tcp probe: 1 answers telnet, 2 FTP with AUTH TLS, 3 is closed, 4 TLS.
core::ProbeRecord fake_tcp(const core::Target& t, const core::ProbeOptions& o, const core::FactSet&) {
    core::ProbeRecord r;
    r.probe = "tcp";
    if (t.service == "auto") {
        EXPECT_EQ(o.inputs.value("identify", false), true);
    }
    switch (t.port) {
        case 1:
            r.data = {{"state", "open"}, {"service", "telnet"}, {"tls_offered", false}};
            break;
        case 2:
            r.data = {{"state", "open"}, {"service", "ftp"}, {"tls_offered", true}};
            break;
        case 3:
            r.data = {{"state", "closed"}};
            break;
        default:
            r.data = {{"state", "open"}, {"service", "tls"}, {"tls_offered", true}};
            break;
    }
    return r;
}

struct Discovery_ : ::testing::Test {
    core::ProbeRegistry probes;
    core::CheckRegistry checks;
    std::atomic<int> tcp_runs{0};
    std::atomic<int> tls_runs{0};
    std::atomic<int> sweep_runs{0};

    void SetUp() override {
        core::must_add(probes,
                       {"tcp",
                        "",
                        "",
                        {},
                        {},
                        [this](const core::Target& t, const core::ProbeOptions& o, const core::FactSet& f) {
                            ++tcp_runs;
                            return fake_tcp(t, o, f);
                        }});
        core::must_add(probes, {"tls",
                                "",
                                "",
                                {},
                                {},
                                [this](const core::Target&, const core::ProbeOptions&, const core::FactSet&) {
                                    ++tls_runs;
                                    core::ProbeRecord r;
                                    r.probe = "tls";
                                    return r;
                                }});
        core::ProbeDescriptor sweep{
            "sweep",
            "",
            "",
            {},
            {},
            [this](const core::Target& t, const core::ProbeOptions&, const core::FactSet&) {
                ++sweep_runs;
                core::ProbeRecord r;
                r.probe = "sweep";
                r.data = {{"host", t.address}};
                return r;
            }};
        sweep.per_host = true;
        core::must_add(probes, sweep);
        for (const char* probe : {"tcp", "tls", "sweep"}) {
            core::CheckDescriptor d{std::string("test.") + probe, "", "", {probe}, {}, {}, {}, {}, {}};
            d.evaluate = [](const core::CheckContext&, const core::Json&) { return Outcome::pass("ok"); };
            core::must_add(checks, d);
        }
    }
};

TEST_F(Discovery_, AutoTargetsBecomeTheIdentifiedServiceAndClosedPortsAreDropped) {
    std::vector<core::Target> in = {make_target("192.0.2.1", 1, "auto"), make_target("192.0.2.1", 2, "auto"),
                                    make_target("192.0.2.1", 3, "auto"),
                                    make_target("192.0.2.9", 443, "https")};
    ObserveOptions options;
    auto d = discover_services(in, probes, options);
    ASSERT_TRUE(d.ok()) << d.error().describe();
    ASSERT_EQ(d->targets.size(), 3u);
    EXPECT_EQ(d->targets[0].service, "telnet");
    EXPECT_TRUE(d->targets[0].auto_service);
    EXPECT_EQ(d->targets[0].starttls, "");
    EXPECT_EQ(d->targets[1].service, "ftp");
    EXPECT_EQ(d->targets[1].starttls, "ftp");  // AUTH TLS offered: TLS rules may apply
    EXPECT_EQ(d->targets[2].id, "192.0.2.9:443");
    EXPECT_FALSE(d->targets[2].auto_service);
    EXPECT_EQ(d->summary["swept"], 3);
    EXPECT_EQ(d->summary["closed"], (core::Json{"192.0.2.1:3"}));
    EXPECT_EQ(d->summary["open"].size(), 2u);
    EXPECT_EQ(tcp_runs, 3);

    // The plan keeps the discovery's tcp records: no second tcp run, and tls
    // rules are not applicable where TLS does not fit.
    auto profile = profile_with({{"T", "test.tcp"}, {"S", "test.tls"}});
    auto plan = make_plan(d->targets, {profile}, checks, probes, core::now());
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->targets[0].probes, (std::vector<std::string>{"tcp"}));
    EXPECT_EQ(plan->targets[1].probes, (std::vector<std::string>{"tcp", "tls"}));
    reuse_discovery(*plan, *d);
    auto records = observe(*plan, probes, options);
    EXPECT_EQ(tcp_runs, 4);  // only the non-auto https target
    EXPECT_EQ(tls_runs, 2);
    auto results = judge(records, {profile}, checks, core::now());
    ASSERT_EQ(results.size(), 6u);
    EXPECT_EQ(results[1].status, Status::not_applicable);
    EXPECT_NE(results[1].message.find("service: auto identified telnet"), std::string::npos)
        << results[1].message;
    EXPECT_EQ(results[3].status, Status::pass);
}

TEST_F(Discovery_, NoTcpProbeRefusesAutoTargets) {
    core::ProbeRegistry none;
    auto d = discover_services({make_target("192.0.2.1", 1, "auto")}, none, {});
    ASSERT_FALSE(d.ok());
    auto plain = discover_services({make_target("192.0.2.1", 1, "tls")}, none, {});
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->summary["swept"], 0);
}

TEST_F(Discovery_, FitTable) {
    auto t = make_target("192.0.2.1", 22, "ssh");
    EXPECT_EQ(auto_fit_reason("ssh", t), "");
    EXPECT_EQ(auto_fit_reason("tls", t), "");  // not an auto target: everything fits
    t.auto_service = true;
    EXPECT_EQ(auto_fit_reason("ssh", t), "");
    EXPECT_EQ(auto_fit_reason("tcp", t), "");
    EXPECT_EQ(auto_fit_reason("port_sweep", t), "");
    EXPECT_NE(auto_fit_reason("tls_versions", t), "");
    EXPECT_NE(auto_fit_reason("http", t), "");
    t.service = "smtp";
    t.starttls = "smtp";
    EXPECT_EQ(auto_fit_reason("tls_versions", t), "");
    t.service = "http";
    t.starttls.clear();
    EXPECT_EQ(auto_fit_reason("http", t), "");
    EXPECT_NE(auto_fit_reason("tls", t), "");
}

TEST_F(Discovery_, PerHostProbesRunOncePerHost) {
    auto profile = profile_with({{"W", "test.sweep"}});
    std::vector<core::Target> targets = {
        make_target("192.0.2.1", 1, "tcp"), make_target("192.0.2.1", 2, "tcp"),
        make_target("192.0.2.1", 3, "tcp"), make_target("192.0.2.2", 1, "tcp")};
    auto plan = make_plan(targets, {profile}, checks, probes, core::now());
    ASSERT_TRUE(plan.ok());
    ObserveOptions options;
    options.concurrency = 4;
    auto records = observe(*plan, probes, options);
    EXPECT_EQ(sweep_runs, 2);
    ASSERT_EQ(records.size(), 4u);
    EXPECT_EQ(records[0].facts.get("sweep")->data, records[2].facts.get("sweep")->data);
    EXPECT_EQ(records[3].facts.get("sweep")->data["host"], "192.0.2.2");
}

}  // namespace
}  // namespace conformscan::scanner
