// Heartbleed, CCS injection and Ticketbleed (ROBOT is in vuln_robot.cpp).
#include "checks/tls/vuln_active.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <openssl/ssl.h>

#include "checks/tls/handshake_driver.hpp"
#include "checks/tls/openssl_ptr.hpp"
#include "checks/tls/raw_hello.hpp"
#include "checks/tls/wire/client_flight.hpp"
#include "checks/tls/wire/heartbeat.hpp"
#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;
using Kind = Reaction::Kind;

namespace {

constexpr std::uint8_t kAlertUnexpectedMessage = 10;
constexpr std::uint8_t kAlertBadRecordMac = 20;
constexpr std::uint8_t kAlertDecryptionFailed = 21;
constexpr std::size_t kTicketbleedSessionId = 16;

std::optional<std::uint16_t> suite_code(const SuiteFact& s) {
    if (s.code.size() == 6 && s.code.rfind("0x", 0) == 0) {
        try {
            return static_cast<std::uint16_t>(std::stoul(s.code.substr(2), nullptr, 16));
        } catch (const std::exception&) {
        }
    }
    if (const auto* info = wt::find_cipher_suite(std::string_view(s.name))) return info->code;
    return std::nullopt;
}

wt::ClientHelloSpec spec_for(const LegacyHello& plan, const core::Target& target) {
    auto spec = hello_for_version(plan.version, target);
    spec.cipher_suites = plan.suites;
    return spec;
}

std::string hex(std::span<const std::uint8_t> bytes) {
    std::string out;
    for (auto b : bytes) out += fmt::format("{:02x}", b);
    return out;
}

std::string first_flight_failure(const RawSession& s) {
    return "the handshake did not reach ServerHelloDone: " + s.detail();
}

}  // namespace

LegacyHello legacy_hello(const EarlierFacts& facts, bool (*suite_filter)(const std::string&)) {
    LegacyHello out;
    if (!facts.versions) return out;
    for (const auto& name : facts.versions->accepted) {
        auto v = wt::version_from_name(name);
        if (!v || *v == wt::kSsl2 || *v > wt::kTls12) continue;
        if (suite_filter != nullptr) {
            // Only versions with a matching accepted suite.
            bool any = false;
            if (facts.suites)
                for (const auto& pv : facts.suites->per_version)
                    if (pv.version == name)
                        any = std::any_of(pv.suites.begin(), pv.suites.end(),
                                          [&](const SuiteFact& s) { return suite_filter(s.name); });
            if (!any) continue;
        }
        out.version = std::max(out.version, *v);
    }
    if (out.version == 0) return out;
    if (facts.suites)
        for (const auto& pv : facts.suites->per_version)
            if (wt::version_from_name(pv.version) == out.version)
                for (const auto& s : pv.suites)
                    if (suite_filter == nullptr || suite_filter(s.name))
                        if (auto code = suite_code(s)) out.suites.push_back(*code);
    if (out.suites.empty() && suite_filter == nullptr) out.suites = legacy_suite_codes();
    return out;
}

// ---- Heartbleed -------------------------------------------------------------

VulnerabilityFact judge_heartbleed(const Reaction& r, std::size_t sent, int connections) {
    constexpr std::string_view n = "heartbleed";
    switch (r.kind) {
        case Kind::heartbeat: {
            auto msg = wt::parse_heartbeat_message(r.fragment);
            if (!msg)
                return make_vuln(
                    n, kInconclusive,
                    "the server answered with a malformed heartbeat message: " + msg.error().describe(),
                    connections);
            if (msg->type == wt::heartbeat_type::kResponse && msg->payload.size() > sent)
                return make_vuln(
                    n, kVulnerable,
                    fmt::format("a heartbeat request carrying {} payload bytes but declaring {} got a "
                                "response with {} payload bytes: {} bytes of server memory leaked",
                                sent, kHeartbeatClaimedLength, msg->payload.size(),
                                msg->payload.size() - sent),
                    connections);
            return make_vuln(
                n, kNotVulnerable,
                fmt::format("the heartbeat answer carried {} payload bytes, no more than the {} sent",
                            msg->payload.size(), sent),
                connections);
        }
        case Kind::alert:
            return make_vuln(n, kNotVulnerable,
                             "the oversized heartbeat request was answered with " + r.describe(),
                             connections);
        case Kind::closed:
            return make_vuln(n, kNotVulnerable,
                             "the server closed the connection on the oversized heartbeat request",
                             connections);
        case Kind::timeout:
            return make_vuln(
                n, kNotVulnerable,
                "no answer to the oversized heartbeat request: discarded as RFC 6520 §4 requires",
                connections);
        case Kind::other_record:
        case Kind::malformed:
            break;
    }
    return make_vuln(n, kInconclusive, "unexpected answer to the heartbeat request: " + r.describe(),
                     connections);
}

VulnerabilityFact test_heartbleed(const core::Target& target, const core::ProbeOptions& options,
                                  const EarlierFacts& facts) {
    constexpr std::string_view n = "heartbleed";
    if (!facts.features) return make_vuln(n, kInconclusive, facts.features_error);
    const auto& ft = *facts.features;
    if (ft.is_not_applicable(kFeatHeartbeat)) {
        if (ft.probed_version.empty())
            return make_vuln(n, kVulnNotApplicable, "TLS 1.3 only: TLS 1.3 has no heartbeat");
        return make_vuln(n, kVulnNotApplicable,
                         fmt::format("the {} hello carries no extensions: heartbeat is not negotiated",
                                     ft.probed_version));
    }
    if (!ft.heartbeat)
        return make_vuln(n, kVulnNotApplicable, "the server does not acknowledge the heartbeat extension");
    auto plan = legacy_hello(facts);
    if (plan.version == 0)
        return make_vuln(n, kInconclusive, "no version from SSLv3 to TLS 1.2 to test with");
    auto spec = spec_for(plan, target);
    spec.heartbeat = true;
    RawSession session(target, options, wt::encode_client_hello_records(spec));
    if (!session.ready()) return make_vuln(n, kInconclusive, first_flight_failure(session), 1);
    std::vector<std::uint8_t> payload(kHeartbeatSentPayload);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>('A' + i);
    const auto version = session.server_hello()->selected_version;
    if (!session.send(wt::encode_heartbeat_request(version, payload, kHeartbeatClaimedLength)))
        return make_vuln(n, kInconclusive, "could not send the heartbeat request", 1);
    return judge_heartbleed(session.await(options.timeout), payload.size(), 1);
}

// ---- CCS injection ----------------------------------------------------------

VulnerabilityFact judge_ccs_injection(const Reaction& r, int connections) {
    constexpr std::string_view n = "ccs_injection";
    if (r.kind == Kind::alert && r.alert) {
        const auto d = r.alert->description;
        if (d == kAlertBadRecordMac || d == kAlertDecryptionFailed)
            return make_vuln(
                n, kVulnerable,
                "the server accepted a ChangeCipherSpec before any key exchange: the record after it "
                "failed decryption under the null master secret (" +
                    r.describe() + ")",
                connections);
        if (d == kAlertUnexpectedMessage)
            return make_vuln(n, kNotVulnerable,
                             "the early ChangeCipherSpec was rejected with " + r.describe(), connections);
        return make_vuln(n, kNotVulnerable, "the early ChangeCipherSpec was refused with " + r.describe(),
                         connections);
    }
    if (r.kind == Kind::closed)
        return make_vuln(n, kNotVulnerable, "the server closed the connection on the early ChangeCipherSpec",
                         connections);
    if (r.kind == Kind::timeout)
        return make_vuln(n, kInconclusive, "no answer to the early ChangeCipherSpec", connections);
    return make_vuln(n, kInconclusive, "unexpected answer to the early ChangeCipherSpec: " + r.describe(),
                     connections);
}

VulnerabilityFact test_ccs_injection(const core::Target& target, const core::ProbeOptions& options,
                                     const EarlierFacts& facts) {
    constexpr std::string_view n = "ccs_injection";
    if (!facts.versions) return make_vuln(n, kInconclusive, facts.versions_error);
    auto plan = legacy_hello(facts);
    if (plan.version == 0)
        return make_vuln(
            n, kVulnNotApplicable,
            "no version from SSLv3 to TLS 1.2 is accepted (TLS 1.3 has no early ChangeCipherSpec "
            "state)");
    RawSession session(target, options, wt::encode_client_hello_records(spec_for(plan, target)));
    if (!session.ready()) return make_vuln(n, kInconclusive, first_flight_failure(session), 1);
    const auto version = session.server_hello()->selected_version;
    auto ccs = wt::encode_change_cipher_spec(version);
    auto twice = ccs;
    twice.insert(twice.end(), ccs.begin(), ccs.end());
    if (!session.send(twice))
        return make_vuln(n, kInconclusive, "could not send the ChangeCipherSpec records", 1);
    return judge_ccs_injection(session.await(options.timeout), 1);
}

// ---- Ticketbleed ------------------------------------------------------------

VulnerabilityFact judge_ticketbleed(std::span<const std::uint8_t> sent, const wt::ServerHello& answer,
                                    int connections) {
    constexpr std::string_view n = "ticketbleed";
    const auto& id = answer.session_id;
    const bool starts_with_ours =
        id.size() >= sent.size() && std::equal(sent.begin(), sent.end(), id.begin());
    if (id.size() == 32 && sent.size() < 32 && starts_with_ours)
        return make_vuln(
            n, kVulnerable,
            fmt::format("a {}-byte session id with a session ticket came back as 32 bytes starting "
                        "with ours: {} bytes of server memory ({})",
                        sent.size(), 32 - sent.size(), hex(std::span(id).subspan(sent.size()))),
            connections);
    if (id.size() == sent.size() && starts_with_ours)
        return make_vuln(
            n, kNotVulnerable,
            fmt::format("the server resumed with the ticket and echoed exactly the {}-byte session id",
                        sent.size()),
            connections);
    return make_vuln(
        n, kInconclusive,
        fmt::format("the server did not resume with the ticket (session id of {} bytes, not ours): "
                    "the vulnerable path was not exercised",
                    id.size()),
        connections);
}

namespace {

struct Ticket {
    std::vector<std::uint8_t> bytes;
    std::uint16_t suite = 0;
    std::uint16_t version = 0;
    std::string error;
};

// A ticket the server issues on a full TLS <= 1.2 handshake of the local
// OpenSSL (RFC 5077 §3.3: NewSessionTicket precedes the server's Finished).
Ticket obtain_ticket(const core::Target& target, const core::ProbeOptions& options) {
    Ticket t;
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) {
        t.error = "cannot create an SSL_CTX: " + openssl_errors();
        return t;
    }
    SSL_CTX_set_min_proto_version(ctx.get(), 0);
    SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_security_level(ctx.get(), 0);
    SSL_CTX_set_cipher_list(ctx.get(), "ALL:COMPLEMENTOFALL:@SECLEVEL=0");
    SSL_CTX_set_options(ctx.get(), SSL_OP_LEGACY_SERVER_CONNECT);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    auto socket = net::connect_target(target, options);
    if (!socket) {
        t.error = socket.error().message;
        return t;
    }
    SslPtr ssl(SSL_new(ctx.get()));
    if (!ssl) {
        t.error = "cannot create an SSL: " + openssl_errors();
        return t;
    }
    SSL_set_connect_state(ssl.get());
    const auto sni = sni_for(target);
    if (!sni.empty()) SSL_set_tlsext_host_name(ssl.get(), sni.c_str());
    HandshakeIo io;
    if (auto done =
            run_handshake(ssl.get(), *socket, net::deadline_after(options.timeout), options.timeout, io);
        !done) {
        t.error = done.error().message;
        return t;
    }
    std::unique_ptr<SSL_SESSION, OpenSslDeleter<&SSL_SESSION_free>> session(SSL_get1_session(ssl.get()));
    send_close_notify(ssl.get(), *socket, net::deadline_after(std::chrono::milliseconds(500)));
    if (!session) {
        t.error = "no session after the handshake";
        return t;
    }
    const unsigned char* data = nullptr;
    std::size_t len = 0;
    SSL_SESSION_get0_ticket(session.get(), &data, &len);
    if (data == nullptr || len == 0) {
        t.error = "the full handshake brought no NewSessionTicket";
        return t;
    }
    t.bytes.assign(data, data + len);
    t.version = static_cast<std::uint16_t>(SSL_SESSION_get_protocol_version(session.get()));
    if (const auto* cipher = SSL_SESSION_get0_cipher(session.get()))
        t.suite = SSL_CIPHER_get_protocol_id(cipher);
    return t;
}

}  // namespace

VulnerabilityFact test_ticketbleed(const core::Target& target, const core::ProbeOptions& options,
                                   const EarlierFacts& facts) {
    constexpr std::string_view n = "ticketbleed";
    if (!facts.features) return make_vuln(n, kInconclusive, facts.features_error);
    const auto& ft = *facts.features;
    if (ft.probed_version.empty())
        return make_vuln(n, kVulnNotApplicable, "TLS 1.3 only: its tickets are PSKs, outside Ticketbleed");
    if (!ft.session_ticket)
        return make_vuln(n, kVulnNotApplicable,
                         "the server does not acknowledge the session_ticket extension");
    auto ticket = obtain_ticket(target, options);
    if (ticket.bytes.empty())
        return make_vuln(n, kInconclusive, "could not obtain a session ticket: " + ticket.error, 1);
    LegacyHello plan;
    plan.version = ticket.version >= wt::kSsl3 && ticket.version <= wt::kTls12 ? ticket.version : wt::kTls12;
    plan.suites = {ticket.suite};
    auto spec = spec_for(plan, target);
    spec.session_ticket = false;  // sent below, with the ticket in it
    spec.pad_to = 0;
    spec.session_id.resize(kTicketbleedSessionId);
    for (std::size_t i = 0; i < spec.session_id.size(); ++i)
        spec.session_id[i] = static_cast<std::uint8_t>(0xA0 + i);
    auto message = wt::append_client_hello_extension(wt::encode_client_hello(spec), wt::ext::kSessionTicket,
                                                     ticket.bytes);
    if (!message)
        return make_vuln(n, kInconclusive, "cannot encode the hello: " + message.error().describe(), 1);
    std::vector<std::uint8_t> records;
    for (std::size_t at = 0; at < message->size(); at += 1u << 14) {
        const auto len = std::min<std::size_t>(1u << 14, message->size() - at);
        auto r = wt::encode_record(static_cast<std::uint8_t>(wt::ContentType::handshake), wt::kTls10,
                                   std::span(*message).subspan(at, len));
        records.insert(records.end(), r.begin(), r.end());
    }
    auto a = exchange_hello(target, options, records);
    if (a.outcome != HelloAttempt::Outcome::server_hello || !a.server_hello)
        return make_vuln(n, kInconclusive, "the hello with the ticket got no ServerHello: " + a.detail, 2);
    return judge_ticketbleed(spec.session_id, *a.server_hello, 2);
}

VulnerabilityFact test_crime_sslv3(const core::Target& target, const core::ProbeOptions& options) {
    constexpr std::string_view n = "crime";
    constexpr std::uint8_t kDeflate = 1;  // RFC 3749 §2
    auto spec = hello_for_version(wt::kSsl3, target);
    spec.cipher_suites = legacy_suite_codes();
    spec.compression_methods = {kDeflate, 0};
    auto a = exchange_hello(target, options, wt::encode_client_hello_records(spec));
    if (a.outcome != HelloAttempt::Outcome::server_hello || !a.server_hello)
        return make_vuln(n, kInconclusive, "an SSLv3 hello offering DEFLATE got no ServerHello: " + a.detail,
                         1);
    if (a.server_hello->compression_method == kDeflate)
        return make_vuln(n, kVulnerable, "the SSLv3 ServerHello picked deflate compression", 1);
    if (a.server_hello->compression_method == 0)
        return make_vuln(n, kNotVulnerable, "offered DEFLATE and NULL, the SSLv3 ServerHello picked NULL", 1);
    return make_vuln(n, kInconclusive,
                     fmt::format("the SSLv3 ServerHello picked compression method {}, which was not offered",
                                 a.server_hello->compression_method),
                     1);
}

}  // namespace conformscan::checks::tls
