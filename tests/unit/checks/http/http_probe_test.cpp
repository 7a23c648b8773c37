// The http probe against loopback listeners that play broken and simple
// servers: every outcome is a record, bounded by the timeout; connections
// are counted through the limiter.
#include "checks/http/http_probe.hpp"

#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "checks/http/http_facts.hpp"
#include "tests/unit/checks/net/loopback_listener.hpp"

namespace conformscan::checks::http {
namespace {

using namespace std::chrono_literals;
using test_support::LoopbackListener;

core::Target target(std::uint16_t port, std::string service = "http") {
    core::Target t;
    t.host = "127.0.0.1";
    t.address = "127.0.0.1";
    t.sni = "demo.test";
    t.port = port;
    t.service = std::move(service);
    t.id = core::make_target_id(t.host, port);
    return t;
}

core::ProbeRecord run(const core::Target& t, std::chrono::milliseconds timeout = 2000ms,
                      std::shared_ptr<core::ConnectionLimiter> limiter = nullptr) {
    core::ProbeRegistry registry;
    register_http_probe(registry);
    core::ProbeOptions options;
    options.timeout = timeout;
    options.limiter = std::move(limiter);
    return registry.find("http")->run(t, options, core::FactSet{});
}

TEST(HttpProbe, RecordsHeadersCookiesAndAnOffHostRedirectItDoesNotFollow) {
    LoopbackListener server(
        "HTTP/1.1 302 Found\r\nLocation: https://elsewhere.example/x\r\nServer: test/1.0\r\n"
        "Set-Cookie: sid=secret; Secure\r\nSet-Cookie: b=1\r\nContent-Length: 0\r\n\r\n");
    ASSERT_NE(server.port(), 0);
    auto limiter = std::make_shared<core::ConnectionLimiter>(4, 0);
    const auto t = target(server.port());
    auto record = run(t, 2000ms, limiter);
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    EXPECT_EQ(limiter->connections(t.id), 1u);
    EXPECT_EQ(record.connections, 1u);
    auto facts = parse_http_facts(record.data);
    ASSERT_TRUE(facts.ok()) << facts.error().describe();
    EXPECT_EQ(facts->scheme, "http");
    EXPECT_EQ(facts->url, "http://demo.test:" + std::to_string(server.port()) + "/");
    EXPECT_EQ(facts->status, 302);
    ASSERT_EQ(facts->chain.size(), 1u);
    const auto& r = facts->chain[0];
    EXPECT_EQ(r.location_url, "https://elsewhere.example/x");
    EXPECT_EQ(r.location_host, "elsewhere.example");
    EXPECT_EQ(r.location_port, 443);
    EXPECT_FALSE(r.location_same_host);
    EXPECT_FALSE(r.followed);
    EXPECT_NE(r.note.find("another host"), std::string::npos) << r.note;
    ASSERT_EQ(r.cookies.size(), 2u);
    EXPECT_TRUE(r.cookies[0].secure);
    EXPECT_EQ(r.cookies[0].value_bytes, 6u);
    // The cookie's value never reaches the facts.
    EXPECT_EQ(record.data.dump().find("secret"), std::string::npos);
    EXPECT_EQ(facts->headers[1].name, "server");
    EXPECT_EQ(facts->headers[1].value, "test/1.0");
    EXPECT_FALSE(facts->tls_verified);
}

TEST(HttpProbe, RecordsAFailedSameHostRedirectAsAnError) {
    // The listener accepts one connection: the relative redirect's second
    // GET connects into the backlog and hears nothing.
    LoopbackListener server("HTTP/1.1 301 Moved\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n");
    const auto t = target(server.port());
    const auto start = std::chrono::steady_clock::now();
    auto record = run(t, 300ms);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    auto facts = parse_http_facts(record.data);
    ASSERT_TRUE(facts.ok());
    ASSERT_EQ(facts->chain.size(), 1u);
    EXPECT_TRUE(facts->chain[0].location_same_host);
    EXPECT_EQ(facts->chain[0].location_url, facts->url + "next");
    ASSERT_EQ(facts->errors.size(), 1u);
    EXPECT_EQ(facts->errors[0].url, facts->url + "next");
    EXPECT_EQ(facts->requests, 2u);
}

TEST(HttpProbe, GarbageIsAnError) {
    LoopbackListener server("\x16\x03\x01 this is not HTTP\r\n\r\n");
    auto record = run(target(server.port()));
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_FALSE(record.error.empty());
}

TEST(HttpProbe, ASilentServerIsAnErrorWithinTheTimeout) {
    LoopbackListener server("");
    const auto start = std::chrono::steady_clock::now();
    auto record = run(target(server.port()), 300ms);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_NE(record.error.find("timeout"), std::string::npos) << record.error;
    EXPECT_LT(took, 1500ms);
}

TEST(HttpProbe, AHugeHeadIsAnError) {
    std::string reply = "HTTP/1.1 200 OK\r\n";
    while (reply.size() < 80 * 1024) reply += "X-Filler: " + std::string(1000, 'a') + "\r\n";
    LoopbackListener server(reply);
    auto record = run(target(server.port()));
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_NE(record.error.find("65536"), std::string::npos) << record.error;
}

TEST(HttpProbe, ABodyPastTheCapIsCutNotAnError) {
    LoopbackListener server("HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n" + std::string(200000, 'x'));
    auto record = run(target(server.port()));
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    auto facts = parse_http_facts(record.data);
    ASSERT_TRUE(facts.ok());
    EXPECT_TRUE(facts->chain[0].body_truncated);
    EXPECT_EQ(facts->chain[0].body_bytes, 64u * 1024);
}

TEST(HttpProbe, ARefusedPortIsAnError) {
    auto record = run(target(test_support::unused_loopback_port()));
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_EQ(record.connections, 1u);
}

TEST(HttpProbe, AskesOverHttpsForEveryServiceButHttpAndRefusesStarttls) {
    LoopbackListener server("");
    auto t = target(server.port(), "tls");
    auto record = run(t, 300ms);
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_NE(record.error.find("https://demo.test:"), std::string::npos) << record.error;
    t.starttls = "smtp";
    record = run(t);
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_NE(record.error.find("STARTTLS"), std::string::npos) << record.error;
    EXPECT_EQ(record.connections, 0u);
}

TEST(HttpProbe, NeverConnectsAnywhereButTheTargetAddress) {
    // A name that resolves nowhere: the probe must not look it up.
    LoopbackListener server("HTTP/1.1 204 No Content\r\n\r\n");
    auto t = target(server.port());
    t.sni = "no-such-host.invalid";
    auto record = run(t);
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    EXPECT_EQ(record.data["status"], 204);
    t.address = "not-an-address";
    record = run(t);
    EXPECT_EQ(record.status, core::ProbeStatus::error);
}

}  // namespace
}  // namespace conformscan::checks::http
