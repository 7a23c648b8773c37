// The tls probe against real peers on 127.0.0.1: `openssl s_server` with a
// throwaway self-signed certificate, a blackhole and an HTTP server.
#include "checks/tls/tls_probe.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "checks/net/socket.hpp"
#include "checks/tls/tls_facts.hpp"
#include "tests/unit/checks/net/loopback_listener.hpp"

extern char** environ;

namespace conformscan::checks::tls {
namespace {

using namespace std::chrono_literals;
using test_support::LoopbackListener;

core::Target loopback_target(std::uint16_t port, std::string host = "127.0.0.1") {
    core::Target t;
    t.host = std::move(host);
    t.address = "127.0.0.1";
    t.port = port;
    t.id = core::make_target_id(t.host, port);
    return t;
}

core::ProbeRecord run_probe(const core::Target& target, const core::ProbeOptions& options) {
    core::ProbeRegistry registry;
    register_tls_probe(registry);
    const core::ProbeDescriptor* probe = registry.find("tls");
    EXPECT_NE(probe, nullptr);
    return probe->run(target, options, core::FactSet{});
}

core::ProbeOptions quick_options() {
    core::ProbeOptions options;
    options.timeout = 1500ms;
    return options;
}

// One `openssl s_server` per test suite, on a free loopback port, with a
// self-signed P-256 certificate made by the openssl CLI in a temp directory.
class TlsProbeServer : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = std::filesystem::temp_directory_path() / ("conformscan-tls-" + std::to_string(::getpid()));
        std::filesystem::create_directories(s_dir);
        s_cert = (s_dir / "cert.pem").string();
        const std::string key = (s_dir / "key.pem").string();
        const std::string cmd =
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
            "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout '" +
            key + "' -out '" + s_cert + "' >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0) return;

        s_port = test_support::unused_loopback_port();
        const std::string accept = "127.0.0.1:" + std::to_string(s_port);
        std::vector<std::string> args{"openssl", "s_server", "-accept", accept, "-cert",
                                      s_cert,    "-key",     key,       "-www", "-quiet"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        const int rc = posix_spawnp(&s_pid, "openssl", &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) {
            s_pid = -1;
            return;
        }
        // Wait until the port accepts (s_server shrugs off the bare connect).
        for (int i = 0; i < 100; ++i) {
            if (net::TcpSocket::connect("127.0.0.1", s_port, 200ms).ok()) {
                s_ready = true;
                break;
            }
            std::this_thread::sleep_for(50ms);
        }
    }

    static void TearDownTestSuite() {
        if (s_pid > 0) {
            ::kill(s_pid, SIGTERM);
            ::waitpid(s_pid, nullptr, 0);
            s_pid = -1;
        }
        std::error_code ignored;
        std::filesystem::remove_all(s_dir, ignored);
    }

    void SetUp() override {
        if (!s_ready) GTEST_SKIP() << "openssl s_server could not be started";
    }

    static inline std::filesystem::path s_dir;
    static inline std::string s_cert;
    static inline std::uint16_t s_port = 0;
    static inline pid_t s_pid = -1;
    static inline bool s_ready = false;
};

TEST_F(TlsProbeServer, RecordsHandshakeAndChainFacts) {
    const auto record = run_probe(loopback_target(s_port, "localhost"), quick_options());
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    const auto facts = record.data.get<TlsFacts>();
    EXPECT_EQ(facts.sni, "localhost");
    EXPECT_EQ(facts.version, "TLSv1.3");
    EXPECT_FALSE(facts.cipher.empty());
    EXPECT_EQ(facts.cipher.rfind("TLS_", 0), 0u) << "IANA name expected: " << facts.cipher;
    EXPECT_FALSE(facts.cipher_openssl.empty());
    EXPECT_GT(facts.handshake_ms, 0);
    EXPECT_FALSE(facts.ocsp_stapled);
    EXPECT_EQ(facts.ocsp_status, "");

    ASSERT_EQ(facts.chain.size(), 1u);
    const CertificateFacts& leaf = facts.chain[0];
    EXPECT_EQ(leaf.subject, "CN=localhost");
    EXPECT_EQ(leaf.issuer, "CN=localhost");
    EXPECT_EQ(leaf.common_name, "localhost");
    EXPECT_TRUE(leaf.self_signed);
    EXPECT_EQ(leaf.version, 3);
    EXPECT_EQ(leaf.key.type, "EC");
    EXPECT_EQ(leaf.key.bits, 256);
    EXPECT_EQ(leaf.key.curve, "prime256v1");
    EXPECT_EQ(leaf.signature.algorithm, "ecdsa-with-SHA256");
    EXPECT_EQ(leaf.signature.hash, "sha256");
    EXPECT_EQ(leaf.signature.key_type, "EC");
    EXPECT_EQ(leaf.san_dns, std::vector<std::string>{"localhost"});
    EXPECT_EQ(leaf.san_ip, std::vector<std::string>{"127.0.0.1"});
    EXPECT_EQ(leaf.sha256.size(), 64u);
    EXPECT_EQ(leaf.pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
    EXPECT_EQ(leaf.not_before.size(), 20u);
    EXPECT_EQ(leaf.not_after.back(), 'Z');
    EXPECT_FALSE(leaf.serial.empty());

    EXPECT_EQ(facts.verification.trust_store, "system");
    EXPECT_FALSE(facts.verification.trusted);
    bool saw_self_signed = false;
    for (const auto& issue : facts.verification.issues) {
        if (issue.code == 18 && issue.depth == 0) saw_self_signed = true;  // DEPTH_ZERO_SELF_SIGNED_CERT
        EXPECT_FALSE(issue.reason.empty());
    }
    EXPECT_TRUE(saw_self_signed) << record.data.dump();
    EXPECT_TRUE(facts.verification.verified_chain.empty());
}

TEST_F(TlsProbeServer, SendsNoSniForAnIpLiteralAndTrustsAGivenAnchor) {
    core::ProbeOptions options = quick_options();
    options.ca_file = s_cert;
    const auto record = run_probe(loopback_target(s_port), options);
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    const auto facts = record.data.get<TlsFacts>();
    EXPECT_EQ(facts.sni, "");
    EXPECT_EQ(facts.verification.trust_store, s_cert);
    EXPECT_TRUE(facts.verification.trusted) << record.data["verification"].dump();
    EXPECT_TRUE(facts.verification.issues.empty());
    EXPECT_EQ(facts.verification.verified_chain, std::vector<std::string>{"CN=localhost"});
}

TEST_F(TlsProbeServer, FailsOnAnUnreadableTrustStore) {
    core::ProbeOptions options = quick_options();
    options.ca_file = (s_dir / "missing.pem").string();
    const auto record = run_probe(loopback_target(s_port), options);
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_NE(record.error.find("cannot load the trust store"), std::string::npos) << record.error;
}

TEST(TlsProbe, FailsWithinTheTimeoutOnASilentServer) {
    LoopbackListener blackhole("");
    ASSERT_NE(blackhole.port(), 0);
    const auto started = std::chrono::steady_clock::now();
    const auto record = run_probe(loopback_target(blackhole.port()), quick_options());
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_EQ(record.error, "no TLS answer within 1500 ms");
    EXPECT_LT(took, 2500ms);
    EXPECT_GE(record.duration_ms, 1400);
}

TEST(TlsProbe, DescribesANonTlsAnswer) {
    LoopbackListener http("HTTP/1.1 400 Bad Request\r\n\r\n");
    ASSERT_NE(http.port(), 0);
    const auto record = run_probe(loopback_target(http.port()), quick_options());
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_EQ(record.error, "server answered with non-TLS data: 'HTTP/1.1 400 Bad Request'");
}

TEST(TlsProbe, DescribesAnAlertAnswer) {
    LoopbackListener alert(std::string("\x15\x03\x03\x00\x02\x02\x28", 7));
    ASSERT_NE(alert.port(), 0);
    const auto record = run_probe(loopback_target(alert.port()), quick_options());
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_EQ(record.error, "server answered with a TLS alert: fatal handshake_failure (40)");
}

TEST(TlsProbe, ReportsAServerThatHangsUp) {
    LoopbackListener hangup("", LoopbackListener::After::close);
    ASSERT_NE(hangup.port(), 0);
    const auto record = run_probe(loopback_target(hangup.port()), quick_options());
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    // A FIN reads as a close; a RST (the ClientHello raced the close) as a reset.
    EXPECT_TRUE(record.error == "connection closed by the server during the handshake" ||
                record.error == "connection reset by the server during the handshake")
        << record.error;
}

TEST(TlsProbe, DescribesAPlaintextGreetingFollowedByAHangUp) {
    LoopbackListener smtp("220 mail.example.net ESMTP\r\n", LoopbackListener::After::close);
    ASSERT_NE(smtp.port(), 0);
    const auto record = run_probe(loopback_target(smtp.port()), quick_options());
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_EQ(record.error, "server answered with non-TLS data: '220 mail.example.net ESMTP'");
}

TEST(TlsProbe, GivesUpOnAnOversizedRecord) {
    // A 16 MiB-ish claim: the header alone must end the handshake.
    LoopbackListener huge(std::string("\x16\x03\x03\xff\xff", 5) + std::string(1024, 'A'));
    ASSERT_NE(huge.port(), 0);
    const auto record = run_probe(loopback_target(huge.port()), quick_options());
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_EQ(record.error, "server answered with malformed TLS record: length 65535 exceeds 18432");
}

TEST(TlsProbe, ReportsARefusedConnection) {
    const std::uint16_t port = test_support::unused_loopback_port();
    ASSERT_NE(port, 0);
    const auto record = run_probe(loopback_target(port), quick_options());
    EXPECT_EQ(record.status, core::ProbeStatus::error);
    EXPECT_EQ(record.error, "connection refused");
}

}  // namespace
}  // namespace conformscan::checks::tls
