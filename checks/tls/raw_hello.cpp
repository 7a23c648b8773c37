#include "checks/tls/raw_hello.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checks/net/socket.hpp"
#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;
using Outcome = HelloAttempt::Outcome;

namespace {

// A server's first flight up to ServerHello is small; anything far larger is
// not a TLS server answering a hello.
constexpr std::size_t kMaxAnswerBytes = 64 * 1024;

bool is_ip_literal(const std::string& host) {
    return host.find(':') != std::string::npos ||
           std::all_of(host.begin(), host.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

HelloAttempt finish(Outcome outcome, std::string detail) {
    HelloAttempt a;
    a.outcome = outcome;
    a.detail = std::move(detail);
    return a;
}

// SSLv2 answers start with a 2-byte header whose high bit is set (TLS records
// start with a content type 20..24).
HelloAttempt read_sslv2(std::vector<std::uint8_t>& buffer, net::TcpSocket& socket, net::Deadline deadline) {
    std::array<std::uint8_t, 4096> chunk{};
    for (;;) {
        auto header = wt::parse_sslv2_header(buffer);
        if (header.ok() && buffer.size() >= 2u + header->length) {
            if (header->message_type != 4)
                return finish(Outcome::alert, fmt::format("SSLv2 message type {} (not SERVER-HELLO)", header->message_type));
            auto hello = wt::parse_sslv2_server_hello(std::span(buffer).subspan(2, header->length));
            if (!hello) return finish(Outcome::malformed, "malformed SSLv2 SERVER-HELLO: " + hello.error().describe());
            auto a = finish(Outcome::sslv2_server_hello,
                            fmt::format("SSLv2 SERVER-HELLO with {} cipher kinds", hello->cipher_kinds.size()));
            a.sslv2 = std::move(hello).value();
            return a;
        }
        if (!header.ok() && header.error().code != "truncated")
            return finish(Outcome::malformed, wt::describe_server_bytes(buffer));
        if (buffer.size() > kMaxAnswerBytes) return finish(Outcome::malformed, "SSLv2 answer too large");
        auto n = socket.recv_some(chunk, deadline);
        if (!n) return finish(Outcome::timeout, "SSLv2 answer incomplete: " + n.error().message);
        if (*n == 0) return finish(Outcome::closed, "connection closed during the SSLv2 answer");
        buffer.insert(buffer.end(), chunk.begin(), chunk.begin() + static_cast<long>(*n));
    }
}

}  // namespace

std::string sni_for(const core::Target& target) {
    if (!target.sni.empty()) return target.sni;
    return is_ip_literal(target.host) ? std::string() : target.host;
}

HelloAttempt exchange_hello(const core::Target& target, const core::ProbeOptions& options,
                            const std::vector<std::uint8_t>& client_hello) {
    auto socket = net::connect_target(target, options);
    if (!socket) return finish(Outcome::connect_failed, socket.error().message);
    const auto deadline = net::deadline_after(options.timeout);
    if (auto sent = socket->send_all(client_hello, deadline); !sent)
        return finish(Outcome::closed, "could not send the ClientHello: " + sent.error().message);

    wt::FlightReader reader(kMaxAnswerBytes);
    std::vector<std::uint8_t> first;
    std::array<std::uint8_t, 8192> chunk{};
    for (;;) {
        auto n = socket->recv_some(chunk, deadline);
        if (!n) {
            if (n.error().code == net::kErrTimeout)
                return finish(Outcome::timeout, fmt::format("no answer within {} ms", options.timeout.count()));
            return finish(Outcome::closed, "connection reset: " + n.error().message);
        }
        if (*n == 0)
            return finish(Outcome::closed, reader.bytes_seen() == 0 ? "connection closed without an answer"
                                                                    : "connection closed mid-answer");
        const std::span<const std::uint8_t> got(chunk.data(), *n);
        if (reader.bytes_seen() == 0 && first.empty() && (got[0] & 0x80) != 0) {
            first.assign(got.begin(), got.end());
            return read_sslv2(first, *socket, deadline);
        }
        if (auto fed = reader.feed(got); !fed)
            return finish(Outcome::malformed, fmt::format("not a TLS answer ({}): {}", fed.error().describe(),
                                                          wt::describe_server_bytes(got)));
        const auto& flight = reader.flight();
        for (const auto& msg : flight.messages) {
            if (msg.type != wt::handshake_type::kServerHello) continue;
            auto hello = wt::parse_server_hello(msg.body);
            if (!hello) return finish(Outcome::malformed, "malformed ServerHello: " + hello.error().describe());
            auto a = finish(Outcome::server_hello,
                            fmt::format("{} {}, suite 0x{:04x}", hello->hello_retry_request ? "HelloRetryRequest" : "ServerHello",
                                        wt::version_name(hello->selected_version), hello->cipher_suite));
            a.server_hello = std::move(hello).value();
            return a;
        }
        if (flight.alert) {
            auto a = finish(Outcome::alert, wt::describe_alert(*flight.alert));
            a.alert = flight.alert;
            return a;
        }
        if (!flight.messages.empty())
            return finish(Outcome::malformed, fmt::format("handshake message {} before ServerHello", flight.messages[0].type));
    }
}

wt::ClientHelloSpec hello_for_version(std::uint16_t version, const core::Target& target) {
    wt::ClientHelloSpec spec;
    spec.server_name = sni_for(target);
    // A fixed, recognisable random: the exchange never completes, so nothing
    // depends on its secrecy.
    for (std::size_t i = 0; i < spec.random.size(); ++i) spec.random[i] = static_cast<std::uint8_t>(0xC5 ^ i);
    if (version == wt::kSsl3) {
        spec.record_version = wt::kSsl3;
        spec.version = wt::kSsl3;
        spec.ec_point_formats = false;  // SSL 3.0 servers may refuse any extension
        return spec;
    }
    spec.record_version = wt::kTls10;
    for (const auto& g : wt::all_groups())
        if (g.kind == "ecdhe" || g.kind == "ffdhe" || g.kind == "hybrid_pq") spec.groups.push_back(g.code);
    spec.renegotiation_info = true;
    spec.extended_master_secret = true;
    spec.encrypt_then_mac = true;
    spec.session_ticket = true;
    if (version >= wt::kTls12)
        for (const auto& s : wt::all_signature_schemes()) spec.signature_algorithms.push_back(s.code);
    if (version == wt::kTls13) {
        spec.version = wt::kTls12;
        spec.supported_versions = {wt::kTls13};
        spec.key_share_groups = {0x001d};  // x25519; a server preferring another group answers with HRR
        spec.psk_key_exchange_modes = true;
        spec.session_id.assign(32, 0x5A);  // RFC 8446 §D.4 middlebox compatibility
    } else {
        spec.version = version;
    }
    spec.pad_to = 512;  // RFC 7685: avoid the 256..511-byte ClientHello bug
    return spec;
}

std::vector<std::uint16_t> legacy_suite_codes() {
    std::vector<std::uint16_t> out;
    for (const auto& s : wt::all_cipher_suites())
        if (!s.tls13 && s.code != wt::kFallbackScsv && s.code != wt::kEmptyRenegotiationInfoScsv) out.push_back(s.code);
    return out;
}

std::vector<std::uint16_t> tls13_suite_codes() {
    std::vector<std::uint16_t> out;
    for (const auto& s : wt::all_cipher_suites())
        if (s.tls13) out.push_back(s.code);
    return out;
}

}  // namespace conformscan::checks::tls
