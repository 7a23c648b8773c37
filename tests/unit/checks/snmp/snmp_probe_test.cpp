// The snmp probe against a test-only UDP responder on a free loopback port: garbage answers are `malformed` (never a crash or an error
// record), a well-formed answer is `answered`, and every datagram takes the
// politeness permit and is counted.
#include "checks/snmp/snmp_probe.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "checks/snmp/snmp_facts.hpp"
#include "checks/snmp/wire/message.hpp"

namespace conformscan::checks::snmp {
namespace {

namespace wire = conformscan::wire::snmp;
using Reply = std::function<std::vector<std::uint8_t>(const std::vector<std::uint8_t>&)>;

// A UDP port on 127.0.0.1 that nothing listens on: bound, read, closed.
std::uint16_t free_udp_port() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// Answers each datagram with reply(request) until destroyed (an empty reply: silence).
class Responder {
public:
    explicit Responder(Reply reply) : m_reply(std::move(reply)) {
        m_fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = 0;  // any free port: nothing else in the test run can hold it
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_bound = ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        socklen_t len = sizeof addr;
        if (m_bound && ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
            m_port = ntohs(addr.sin_port);
        timeval tv{0, 50'000};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        m_thread = std::thread([this] { loop(); });
    }
    ~Responder() {
        m_stop = true;
        m_thread.join();
        ::close(m_fd);
    }
    [[nodiscard]] bool bound() const { return m_bound; }
    [[nodiscard]] std::uint16_t port() const { return m_port; }
    [[nodiscard]] int received() const { return m_received; }

private:
    void loop() {
        std::vector<std::uint8_t> buf(65535);
        while (!m_stop) {
            sockaddr_in from{};
            socklen_t len = sizeof from;
            const auto n =
                ::recvfrom(m_fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
            if (n <= 0) continue;
            ++m_received;
            auto out = m_reply(std::vector<std::uint8_t>(buf.begin(), buf.begin() + n));
            if (!out.empty())
                ::sendto(m_fd, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
        }
    }
    Reply m_reply;
    int m_fd = -1;
    bool m_bound = false;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_received{0};
    std::thread m_thread;
};

core::ProbeRecord run_probe(core::ProbeOptions options, std::uint16_t port) {
    core::ProbeRegistry registry;
    register_snmp_probe(registry);
    core::Target t;
    t.host = t.address = "127.0.0.1";
    t.port = port;
    t.service = "snmp";
    t.id = core::make_target_id(t.host, t.port);
    return registry.find(kSnmpProbe)->run(t, options, core::FactSet{});
}

TEST(SnmpProbe, GarbageIsMalformedNotAnError) {
    Responder r([](const std::vector<std::uint8_t>&) {
        return std::vector<std::uint8_t>{0x30, 0x80, 0xde, 0xad};
    });
    ASSERT_TRUE(r.bound());
    core::ProbeOptions options;
    options.timeout = std::chrono::milliseconds(200);
    options.limiter = std::make_shared<core::ConnectionLimiter>(1, 0);
    const auto record = run_probe(options, r.port());
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    auto facts = parse_snmp_facts(record.data);
    ASSERT_TRUE(facts.ok());
    ASSERT_EQ(facts->communities.size(), 4u);
    for (const auto& a : facts->communities) {
        EXPECT_EQ(a.outcome, kMalformed);
        EXPECT_FALSE(a.answered);
        EXPECT_NE(a.detail.find("indefinite"), std::string::npos) << a.detail;
    }
    EXPECT_EQ(facts->v3.outcome, kMalformed);
    EXPECT_FALSE(facts->answered);
    EXPECT_EQ(facts->exchanges, 10u);  // 5 requests, 2 tries each
    EXPECT_EQ(record.connections, 10u);
    EXPECT_EQ(options.limiter->connections("127.0.0.1:" + std::to_string(r.port())), 10u);
    EXPECT_EQ(r.received(), 10);
}

TEST(SnmpProbe, AnAnswerToOneCommunityIsRecordedWithItsSysDescr) {
    // Answers v2c "public" only, as an agent would; silent otherwise.
    Responder r([](const std::vector<std::uint8_t>& req) {
        auto m = wire::parse_community_message(req);
        if (!m || m->version != wire::kVersion2c ||
            std::string(m->community.begin(), m->community.end()) != "public")
            return std::vector<std::uint8_t>{};
        const std::string descr = "test agent\x01";
        auto vb = wire::encode_constructed(wire::tag::kSequence, {wire::encode_oid(wire::sys_descr_oid()),
                                                                  wire::encode_octet_string(descr)});
        auto pdu = wire::encode_constructed(
            wire::pdu::kResponse,
            {wire::encode_integer(m->pdu.request_id), wire::encode_integer(0), wire::encode_integer(0),
             wire::encode_constructed(wire::tag::kSequence, {vb})});
        return wire::encode_constructed(
            wire::tag::kSequence,
            {wire::encode_integer(wire::kVersion2c), wire::encode_octet_string(std::string("public")), pdu});
    });
    ASSERT_TRUE(r.bound());
    core::ProbeOptions options;
    options.timeout = std::chrono::milliseconds(200);
    options.inputs = {{"communities", {"public"}}};
    const auto record = run_probe(options, r.port());
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    auto facts = parse_snmp_facts(record.data);
    ASSERT_TRUE(facts.ok());
    ASSERT_EQ(facts->communities.size(), 2u);
    EXPECT_EQ(facts->communities[0].version, "v1");
    EXPECT_EQ(facts->communities[0].outcome, kSilent);
    EXPECT_EQ(facts->communities[0].tries, 2u);
    const auto& v2c = facts->communities[1];
    EXPECT_EQ(v2c.outcome, kAnswered);
    EXPECT_EQ(v2c.tries, 1u);
    EXPECT_EQ(v2c.community, "public");
    EXPECT_EQ(v2c.error_status, "noError");
    EXPECT_EQ(v2c.value_type, "OCTET STRING");
    EXPECT_EQ(v2c.sys_descr.value_or(""), "test agent\\x01");
    EXPECT_EQ(facts->versions_answered, (std::vector<std::string>{"v2c"}));
    EXPECT_EQ(facts->exchanges, 2u + 1u + 2u);
}

TEST(SnmpProbe, NothingListeningIsRefused) {
    core::ProbeOptions options;
    options.timeout = std::chrono::milliseconds(200);
    const auto record = run_probe(options, free_udp_port());
    ASSERT_EQ(record.status, core::ProbeStatus::ok) << record.error;
    auto facts = parse_snmp_facts(record.data);
    ASSERT_TRUE(facts.ok());
    for (const auto& a : facts->communities) EXPECT_EQ(a.outcome, kRefused);
    EXPECT_EQ(facts->v3.outcome, kRefused);
    EXPECT_EQ(facts->exchanges, 5u);
}

TEST(SnmpProbe, AnAddressThatIsNotALiteralIsAnError) {
    core::ProbeRegistry registry;
    register_snmp_probe(registry);
    core::Target t;
    t.host = t.address = "not-an-ip.example";
    t.port = 161;
    t.service = "snmp";
    const auto record = registry.find(kSnmpProbe)->run(t, core::ProbeOptions{}, core::FactSet{});
    EXPECT_EQ(record.status, core::ProbeStatus::error);
}

}  // namespace
}  // namespace conformscan::checks::snmp
