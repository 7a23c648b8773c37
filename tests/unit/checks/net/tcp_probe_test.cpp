#include "checks/net/tcp_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "checks/net/socket.hpp"
#include "checks/net/tcp_facts.hpp"
#include "tests/unit/checks/net/loopback_listener.hpp"

namespace conformscan::checks::net {
namespace {

using namespace std::chrono_literals;

using conformscan::test_support::LoopbackListener;

core::Target loopback_target(std::uint16_t port) {
    core::Target t;
    t.host = "127.0.0.1";
    t.address = "127.0.0.1";
    t.port = port;
    t.id = core::make_target_id(t.host, port);
    return t;
}

core::ProbeRecord run_probe(const core::Target& target, const core::ProbeOptions& options) {
    core::ProbeRegistry registry;
    register_tcp_probe(registry);
    const core::ProbeDescriptor* probe = registry.find("tcp");
    EXPECT_NE(probe, nullptr);
    return probe->run(target, options, core::FactSet{});
}

TcpFacts facts_of(const core::ProbeRecord& record) {
    return record.data.get<TcpFacts>();
}

TEST(TcpProbe, CapturesAVolunteeredBanner) {
    LoopbackListener listener("SSH-2.0-OpenSSH_9.2p1\r\n");
    ASSERT_NE(listener.port(), 0);
    core::ProbeOptions options;
    options.timeout = 1500ms;
    const auto record = run_probe(loopback_target(listener.port()), options);
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    const auto facts = facts_of(record);
    EXPECT_EQ(facts.state, "open");
    EXPECT_EQ(facts.reason, "connected");
    EXPECT_EQ(facts.banner, "SSH-2.0-OpenSSH_9.2p1\\r\\n");
    EXPECT_EQ(facts.banner_bytes, 23u);
    EXPECT_EQ(facts.banner_hex.substr(0, 8), "5353482d");
    // The idle gap ends the read well before the 800 ms banner wait.
    EXPECT_LT(record.duration_ms, 700);
}

TEST(TcpProbe, IdentifiesFromTheGreetingWithoutSendingAByte) {
    LoopbackListener listener(std::string("\xff\xfd\x18\xff\xfb\x01", 6));
    ASSERT_NE(listener.port(), 0);
    core::ProbeOptions options;
    options.timeout = 1500ms;
    const auto facts = facts_of(run_probe(loopback_target(listener.port()), options));
    EXPECT_EQ(facts.service, "telnet");
    EXPECT_EQ(facts.identified_by, "greeting");
    EXPECT_EQ(facts.capabilities, (std::vector<std::string>{"DO TERMINAL-TYPE", "WILL ECHO"}));
    ASSERT_TRUE(facts.tls_offered.has_value());
    EXPECT_FALSE(*facts.tls_offered);
}

TEST(TcpProbe, NudgesASilentPortOnlyWhenAsked) {
    core::ProbeOptions options;
    options.timeout = 300ms;
    {
        LoopbackListener listener("");
        const auto facts = facts_of(run_probe(loopback_target(listener.port()), options));
        EXPECT_EQ(facts.service, "silent");
        EXPECT_EQ(facts.identified_by, "greeting");
    }
    {
        // The listener accepts one connection and never answers: the first
        // nudge (a ClientHello) goes unanswered, the next cannot connect.
        LoopbackListener listener("");
        options.inputs = {{"identify", true}};
        const auto facts = facts_of(run_probe(loopback_target(listener.port()), options));
        EXPECT_EQ(facts.service, "silent");
        EXPECT_EQ(facts.identified_by, "nudges");
        EXPECT_FALSE(facts.tls_offered.has_value());
    }
}

TEST(TcpProbe, BoundsTheBannerByMaxBannerBytes) {
    LoopbackListener listener(std::string(4000, 'x'));
    ASSERT_NE(listener.port(), 0);
    core::ProbeOptions options;
    options.timeout = 1500ms;
    options.max_banner_bytes = 16;
    const auto facts = facts_of(run_probe(loopback_target(listener.port()), options));
    EXPECT_EQ(facts.state, "open");
    EXPECT_EQ(facts.banner_bytes, 16u);
    EXPECT_EQ(facts.banner, std::string(16, 'x'));
}

TEST(TcpProbe, ReportsASilentOpenPortWithAnEmptyBanner) {
    LoopbackListener listener("");
    ASSERT_NE(listener.port(), 0);
    core::ProbeOptions options;
    options.timeout = 1500ms;
    const auto record = run_probe(loopback_target(listener.port()), options);
    ASSERT_EQ(record.status, core::ProbeStatus::ok);
    const auto facts = facts_of(record);
    EXPECT_EQ(facts.state, "open");
    EXPECT_TRUE(facts.banner.empty());
    EXPECT_EQ(facts.banner_bytes, 0u);
    // Waits at most min(timeout, 800 ms) for a banner.
    EXPECT_GE(record.duration_ms, 750);
    EXPECT_LT(record.duration_ms, 1400);
}

TEST(TcpProbe, ReportsAClosedPortAsAnObservation) {
    const std::uint16_t port = conformscan::test_support::unused_loopback_port();
    ASSERT_NE(port, 0);
    core::ProbeOptions options;
    options.timeout = 1500ms;
    const auto record = run_probe(loopback_target(port), options);
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    const auto facts = facts_of(record);
    EXPECT_EQ(facts.state, "closed");
    EXPECT_EQ(facts.reason, "connection refused");
    EXPECT_TRUE(facts.banner.empty());
}

TEST(TcpProbe, FailsOnlyWhenItCannotObserve) {
    core::Target target = loopback_target(80);
    target.address = "not-an-address";
    core::ProbeOptions options;
    options.timeout = 500ms;
    const auto record = run_probe(target, options);
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_NE(record.error.find("not an IP address literal"), std::string::npos) << record.error;
}

TEST(TcpSocket, MapsConnectErrorsToPortStates) {
    EXPECT_EQ(port_state(core::make_error(std::string(kErrRefused), "")), "closed");
    EXPECT_EQ(port_state(core::make_error(std::string(kErrTimeout), "")), "filtered");
    EXPECT_EQ(port_state(core::make_error(std::string(kErrUnreachable), "")), "filtered");
    EXPECT_EQ(port_state(core::make_error(std::string(kErrBadAddress), "")), "");
}

TEST(TcpSocket, ConnectsToBracketedIpv6Loopback) {
    const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) GTEST_SKIP() << "no IPv6 sockets";
    sockaddr_in6 addr{};
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 1) != 0) {
        ::close(fd);
        GTEST_SKIP() << "no IPv6 loopback";
    }
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    auto sock = TcpSocket::connect("[::1]", ntohs(addr.sin6_port), 1000ms);
    EXPECT_TRUE(sock.ok()) << (sock.ok() ? "" : sock.error().describe());
    ::close(fd);
}

}  // namespace
}  // namespace conformscan::checks::net
