// The tls_session probe against hostile peers on 127.0.0.1: a server that
// never answers and one that answers every hello with an alert. The probe
// must come back within its deadlines with "unknown" / "not_applicable"
// facts, never hang or claim a behaviour it did not see. (Real servers: the
// lab's sessions part, tests/integration/test_tls_sessions.py.)
#include "checks/tls/session_probe.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "checks/tls/session_facts.hpp"
#include "checks/tls/tls_facts.hpp"
#include "tests/unit/checks/net/loopback_listener.hpp"

namespace conformscan::checks::tls {
namespace {

using namespace std::chrono_literals;
using test_support::LoopbackListener;

core::Target loopback_target(std::uint16_t port) {
    core::Target t;
    t.host = "127.0.0.1";
    t.address = "127.0.0.1";
    t.port = port;
    t.service = "https";
    t.id = core::make_target_id(t.host, port);
    return t;
}

core::ProbeRecord run_probe(std::uint16_t port, const std::string& negotiated, bool with_tls = true) {
    core::ProbeRegistry registry;
    register_session_probe(registry);
    const auto* probe = registry.find("tls_session");
    EXPECT_NE(probe, nullptr);
    EXPECT_EQ(probe->depends_on, std::vector<std::string>{"tls"});
    core::FactSet earlier;
    if (with_tls) {
        TlsFacts tls;
        tls.version = negotiated;
        core::ProbeRecord r;
        r.probe = "tls";
        r.data = tls;
        earlier.put(r);
    }
    core::ProbeOptions options;
    options.timeout = 300ms;
    return probe->run(loopback_target(port), options, earlier);
}

TEST(TlsSessionProbe, NeedsTheTlsFacts) {
    const auto record = run_probe(1, "TLSv1.3", false);
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_EQ(record.error, "tls facts are missing");
}

TEST(TlsSessionProbe, ASilentServerGivesUnknownWithinTheDeadlines) {
    LoopbackListener blackhole("");
    ASSERT_NE(blackhole.port(), 0);
    const auto started = std::chrono::steady_clock::now();
    const auto record = run_probe(blackhole.port(), "TLSv1.3");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    auto facts = parse_tls_session_facts(record.data);
    ASSERT_TRUE(facts.ok());
    EXPECT_EQ(facts->resumption.session_id, "unknown");
    EXPECT_EQ(facts->resumption.ticket, "unknown");
    EXPECT_EQ(facts->resumption.tls13_psk, "unknown");
    EXPECT_EQ(facts->client_renegotiation, "unknown");
    EXPECT_EQ(facts->early_data, "unknown");
    EXPECT_EQ(record.connections, static_cast<std::size_t>(facts->connections));
    EXPECT_EQ(facts->connections, 2);  // one TLS 1.2 and one TLS 1.3 attempt, no more
}

TEST(TlsSessionProbe, AnAlertToTls12OnATls13ServerMeansNotApplicable) {
    // handshake_failure to whatever it is sent; the second connection is
    // accepted by the kernel and never answered.
    LoopbackListener alert(std::string("\x15\x03\x03\x00\x02\x02\x28", 7), LoopbackListener::After::close);
    ASSERT_NE(alert.port(), 0);
    const auto record = run_probe(alert.port(), "TLSv1.3");
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    auto facts = parse_tls_session_facts(record.data);
    ASSERT_TRUE(facts.ok());
    EXPECT_EQ(facts->resumption.session_id, "not_applicable");
    EXPECT_EQ(facts->client_renegotiation, "not_applicable");
    EXPECT_EQ(facts->resumption.tls13_psk, "unknown");
    ASSERT_FALSE(facts->steps.empty());
    EXPECT_NE(facts->steps[0].find("handshake_failure"), std::string::npos) << facts->steps[0];
}

TEST(TlsSessionProbe, ATls12ServerIsNotAskedForTls13) {
    LoopbackListener blackhole("");
    ASSERT_NE(blackhole.port(), 0);
    const auto record = run_probe(blackhole.port(), "TLSv1.2");
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    auto facts = parse_tls_session_facts(record.data);
    ASSERT_TRUE(facts.ok());
    EXPECT_EQ(facts->connections, 1);
    EXPECT_EQ(facts->resumption.tls13_psk, "not_applicable");
    EXPECT_EQ(facts->early_data, "not_applicable");
}

}  // namespace
}  // namespace conformscan::checks::tls
