// The `snmp` probe.
//
// For each community of its input list (options.inputs.communities, merged
// from the rules that need the probe; default public, private) it sends an
// SNMPv1 and then an SNMPv2c GetRequest for sysDescr.0, and finally one
// SNMPv3 engine discovery request (RFC 3414 §4). Each request is tried
// kTries times, each try waiting timeout / kTries for a reply, so one
// request costs at most --timeout. UDP has no handshake: silence is an
// observation (the agent drops a wrong community without a word, RFC 3584
// §5.2.1; a filter drops everything), recorded as `silent`, and an ICMP
// port unreachable as `refused`; neither is a probe error. Only a local
// failure (an address that is not an IP literal, no socket) makes the
// record an error.
//
// Every datagram sent takes the per-host politeness permit (held until its
// reply or its wait ends) and is counted: facts.snmp.exchanges and the
// record's connections.
#include "checks/snmp/snmp_probe.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <functional>
#include <random>
#include <set>

#include <fmt/format.h>

#include "checks/snmp/snmp_facts.hpp"
#include "checks/snmp/udp_socket.hpp"
#include "checks/snmp/wire/message.hpp"
#include "scanner/core/byte_reader.hpp"

namespace conformscan::checks::snmp {

namespace {

namespace wire = conformscan::wire::snmp;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kTries = 2;
constexpr std::size_t kMaxCommunities = 32;
constexpr std::size_t kMaxCommunityBytes = 255;
constexpr std::size_t kMaxSysDescrBytes = 255;  // RFC 3418: DisplayString (SIZE (0..255))
constexpr std::chrono::milliseconds kMinWait{100};

// What a reply checker says of one datagram.
enum class Match { ours, not_ours };
using Checker = std::function<core::Result<Match>(std::span<const std::uint8_t>)>;

struct Exchange {
    std::string outcome = kSilent;
    std::size_t tries = 0;
    std::string detail;
};

class Session {
public:
    Session(const core::Target& target, const core::ProbeOptions& options, UdpSocket socket)
        : m_target(target), m_options(options), m_socket(std::move(socket)) {
        const auto half = options.timeout / static_cast<int>(kTries);
        m_wait = std::max(std::chrono::duration_cast<std::chrono::milliseconds>(half), kMinWait);
    }

    [[nodiscard]] std::size_t exchanges() const { return m_exchanges; }
    [[nodiscard]] std::chrono::milliseconds wait() const { return m_wait; }

    std::int32_t next_id() { return static_cast<std::int32_t>(m_ids(m_rng)); }

    // Sends `request` up to kTries times until `check` accepts a datagram.
    Exchange run(const wire::Bytes& request, const Checker& check) {
        Exchange ex;
        std::string malformed;
        for (std::size_t attempt = 0; attempt < kTries; ++attempt) {
            core::ConnectionLimiter::Permit permit;
            const std::string& host = m_target.address.empty() ? m_target.host : m_target.address;
            if (m_options.limiter) permit = m_options.limiter->acquire(host, m_target.id);
            ++m_exchanges;
            ++ex.tries;
            if (auto sent = m_socket.send(request); !sent) {
                ex.outcome = sent.error().code == kErrRefused ? kRefused : kError;
                ex.detail = sent.error().message;
                return ex;
            }
            const auto deadline = Clock::now() + m_wait;
            for (;;) {
                auto got = m_socket.receive(m_buffer, deadline);
                if (!got) {
                    if (got.error().code == kErrTimeout) break;
                    ex.outcome = got.error().code == kErrRefused ? kRefused : kError;
                    ex.detail = got.error().message;
                    return ex;
                }
                auto verdict = check(std::span<const std::uint8_t>(m_buffer.data(), *got));
                if (!verdict) {
                    malformed = verdict.error().describe();
                    continue;
                }
                if (*verdict == Match::ours) {
                    ex.outcome = kAnswered;
                    return ex;
                }
            }
        }
        if (!malformed.empty()) {
            ex.outcome = kMalformed;
            ex.detail = fmt::format("only datagrams that are not a valid reply: {}", malformed);
        }
        return ex;
    }

private:
    const core::Target& m_target;
    const core::ProbeOptions& m_options;
    UdpSocket m_socket;
    std::chrono::milliseconds m_wait{};
    std::size_t m_exchanges = 0;
    std::vector<std::uint8_t> m_buffer = std::vector<std::uint8_t>(65535);
    std::mt19937 m_rng{std::random_device{}()};
    std::uniform_int_distribution<std::int32_t> m_ids{1, 0x7FFFFFFF};
};

std::vector<std::string> communities_from(const core::Json& inputs) {
    std::vector<std::string> out;
    const auto it = inputs.find("communities");
    if (it != inputs.end() && it->is_array()) {
        std::set<std::string> seen;
        for (const auto& c : *it) {
            if (!c.is_string()) continue;
            auto s = c.get<std::string>();
            if (s.size() > kMaxCommunityBytes || !seen.insert(s).second) continue;
            out.push_back(std::move(s));
            if (out.size() == kMaxCommunities) break;
        }
    }
    if (out.empty()) out = default_communities();
    return out;
}

CommunityAttempt ask_community(Session& session, std::int64_t version, const std::string& community) {
    CommunityAttempt a;
    a.version = version == wire::kVersion1 ? "v1" : "v2c";
    a.community = community_label(community);
    a.masked = !is_well_known_community(community);
    a.fingerprint = community_fingerprint(community);
    const std::int32_t id = session.next_id();
    const auto request = wire::encode_get_request(version, community, id, {wire::sys_descr_oid()});
    std::optional<wire::CommunityMessage> reply;
    auto check = [&](std::span<const std::uint8_t> datagram) -> core::Result<Match> {
        auto m = wire::parse_community_message(datagram);
        if (!m) return m.error();
        const std::string got(m->community.begin(), m->community.end());
        if (m->version != version || m->pdu.request_id != id || got != community) return Match::not_ours;
        if (m->pdu.type != wire::pdu::kResponse)
            return core::make_error("unexpected_pdu", fmt::format("a {} PDU in reply to a GetRequest",
                                                                  wire::pdu_type_name(m->pdu.type)));
        reply = std::move(*m);
        return Match::ours;
    };
    const auto ex = session.run(request, check);
    a.outcome = ex.outcome;
    a.tries = ex.tries;
    a.detail = ex.detail;
    a.answered = ex.outcome == kAnswered && reply.has_value();
    if (a.answered) {
        a.error_status = wire::error_status_name(reply->pdu.error_status);
        for (const auto& vb : reply->pdu.varbinds) {
            if (vb.name != wire::sys_descr_oid()) continue;
            a.value_type = wire::value_type_name(vb.value.tag);
            if (vb.value.tag == wire::tag::kOctetString) {
                const auto n = std::min(vb.value.bytes.size(), kMaxSysDescrBytes);
                a.sys_descr = core::escape_bytes(std::span<const std::uint8_t>(vb.value.bytes.data(), n));
            }
            break;
        }
    }
    return a;
}

V3Discovery discover_v3(Session& session) {
    V3Discovery v;
    const std::int32_t msg_id = session.next_id();
    const std::int32_t request_id = session.next_id();
    const auto request = wire::encode_v3_discovery(msg_id, request_id);
    std::optional<wire::V3Message> reply;
    auto check = [&](std::span<const std::uint8_t> datagram) -> core::Result<Match> {
        auto version = wire::peek_version(datagram);
        if (!version) return version.error();
        if (*version != wire::kVersion3) return Match::not_ours;
        auto m = wire::parse_v3_message(datagram);
        if (!m) return m.error();
        if (m->msg_id != msg_id) return Match::not_ours;
        reply = std::move(*m);
        return Match::ours;
    };
    const auto ex = session.run(request, check);
    v.outcome = ex.outcome;
    v.tries = ex.tries;
    v.detail = ex.detail;
    v.answered = ex.outcome == kAnswered && reply.has_value();
    if (!v.answered) return v;
    if (reply->usm) {
        v.engine_id = core::to_hex(reply->usm->engine_id);
        v.engine_boots = reply->usm->engine_boots;
        v.engine_time = reply->usm->engine_time;
    } else {
        v.detail = fmt::format("security model {} is not USM", reply->security_model);
    }
    if (reply->pdu) {
        v.pdu = wire::pdu_type_name(reply->pdu->type);
        if (!reply->pdu->varbinds.empty()) {
            const auto& vb = reply->pdu->varbinds.front();
            v.report = wire::usm_stats_name(vb.name);
            if (v.report.empty()) v.report = wire::oid_to_string(vb.name);
            v.report_value = vb.value.unsigned_value;
        }
    } else {
        v.detail = "the reply's scoped PDU is encrypted";
    }
    return v;
}

core::ProbeRecord run_snmp_probe(const core::Target& target, const core::ProbeOptions& options) {
    const auto started = Clock::now();
    const std::string& address = target.address.empty() ? target.host : target.address;
    auto socket = UdpSocket::connect(address, target.port);
    if (!socket)
        return core::ProbeRecord::failure(
            kSnmpProbe, fmt::format("udp {}:{}: {}", address, target.port, socket.error().message));
    Session session(target, options, std::move(*socket));
    SnmpFacts facts;
    for (const auto& community : communities_from(options.inputs)) {
        facts.communities.push_back(ask_community(session, wire::kVersion1, community));
        facts.communities.push_back(ask_community(session, wire::kVersion2c, community));
    }
    facts.v3 = discover_v3(session);
    for (const char* version : {"v1", "v2c"})
        if (std::any_of(facts.communities.begin(), facts.communities.end(),
                        [&](const CommunityAttempt& a) { return a.answered && a.version == version; }))
            facts.versions_answered.emplace_back(version);
    if (facts.v3.answered) facts.versions_answered.emplace_back("v3");
    facts.answered = !facts.versions_answered.empty();
    facts.exchanges = session.exchanges();
    facts.wait_ms = session.wait().count();
    facts.max_tries = kTries;

    core::ProbeRecord record;
    record.probe = kSnmpProbe;
    record.status = core::ProbeStatus::ok;
    record.data = facts;
    record.connections = session.exchanges();
    record.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    return record;
}

}  // namespace

const std::vector<std::string>& default_communities() {
    static const std::vector<std::string> kDefault = {"public", "private"};
    return kDefault;
}

void register_snmp_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = kSnmpProbe;
    d.title = "SNMP communities (v1, v2c) and SNMPv3 engine discovery, over UDP";
    d.description =
        "For each community the rules name (default: public, private) sends an SNMPv1 and an SNMPv2c GET of "
        "sysDescr.0 and records whether it answered and the sysDescr; then sends an SNMPv3 engine discovery "
        "request (RFC 3414 §4) and records whether v3 answered, the engine id, boots and time. UDP: each "
        "request "
        "is tried twice within --timeout; silence and ICMP port unreachable are observations, not errors. "
        "Communities other than well-known defaults are masked in the facts (a fingerprint is kept). Runs "
        "only "
        "on targets of a UDP service (snmp).";
    d.transport = core::Transport::udp;
    d.facts = {"snmp.answered",
               "snmp.versions_answered",
               "snmp.communities[*].version",
               "snmp.communities[*].community",
               "snmp.communities[*].answered",
               "snmp.communities[*].sys_descr",
               "snmp.v3.answered",
               "snmp.v3.engine_id",
               "snmp.v3.engine_boots",
               "snmp.exchanges"};
    d.run = [](const core::Target& target, const core::ProbeOptions& options, const core::FactSet&) {
        try {
            return run_snmp_probe(target, options);
        } catch (const std::exception& e) {
            return core::ProbeRecord::failure(kSnmpProbe, fmt::format("internal error: {}", e.what()));
        }
    };
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::snmp
