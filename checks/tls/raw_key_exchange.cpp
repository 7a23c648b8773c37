#include "checks/tls/raw_key_exchange.hpp"

#include <array>

#include <fmt/format.h>

#include "checks/net/socket.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;
using Outcome = HelloAttempt::Outcome;

namespace {

// ServerHello, a certificate chain, a stapled OCSP response and the key
// exchange: chains of a few certificates fit easily; a flight far larger is
// not one a scanner needs to read to the end.
constexpr std::size_t kMaxFlightBytes = 256 * 1024;

KeyExchangeAttempt stopped(Outcome outcome, std::string detail) {
    KeyExchangeAttempt a;
    a.hello.outcome = outcome;
    a.hello.detail = std::move(detail);
    return a;
}

// Examines what has arrived; true when the exchange is over (`a` filled in).
bool examine(const wt::FlightReader& reader, KeyExchangeAttempt& a) {
    const auto& flight = reader.flight();
    if (!a.hello.server_hello) {
        for (const auto& msg : flight.messages) {
            if (msg.type != wt::handshake_type::kServerHello) continue;
            auto hello = wt::parse_server_hello(msg.body);
            if (!hello) {
                a = stopped(Outcome::malformed, "malformed ServerHello: " + hello.error().describe());
                return true;
            }
            a.hello.outcome = Outcome::server_hello;
            a.hello.detail = fmt::format("{} {}, suite 0x{:04x}",
                                         hello->hello_retry_request ? "HelloRetryRequest" : "ServerHello",
                                         wt::version_name(hello->selected_version), hello->cipher_suite);
            a.hello.server_hello = std::move(hello).value();
            break;
        }
        if (!a.hello.server_hello) {
            if (flight.alert) {
                a = stopped(Outcome::alert, wt::describe_alert(*flight.alert));
                a.hello.alert = flight.alert;
                return true;
            }
            if (!flight.messages.empty()) {
                a = stopped(Outcome::malformed,
                            fmt::format("handshake message {} before ServerHello", flight.messages[0].type));
                return true;
            }
            return false;
        }
        const auto& sh = *a.hello.server_hello;
        if (sh.hello_retry_request || sh.selected_version >= wt::kTls13) return true;
    }
    // RFC 5246 §7.4: ServerHello, [Certificate], [CertificateStatus],
    // [ServerKeyExchange], [CertificateRequest], ServerHelloDone.
    for (const auto& msg : flight.messages) {
        if (msg.type == wt::handshake_type::kServerKeyExchange) {
            a.server_key_exchange = msg.body;
            return true;
        }
        if (msg.type == wt::handshake_type::kServerHelloDone) {
            a.server_hello_done = true;
            return true;
        }
    }
    if (flight.alert) {
        a.hello.alert = flight.alert;
        a.detail = "after the ServerHello: " + wt::describe_alert(*flight.alert);
        return true;
    }
    if (flight.change_cipher_spec || flight.encrypted_records) {
        a.detail = "the server resumed or encrypted before any ServerKeyExchange";
        return true;
    }
    return false;
}

}  // namespace

KeyExchangeAttempt exchange_to_key_exchange(const core::Target& target, const core::ProbeOptions& options,
                                            const std::vector<std::uint8_t>& client_hello) {
    auto socket = net::connect_target(target, options);  // within the politeness limits, as exchange_hello
    if (!socket) return stopped(Outcome::connect_failed, socket.error().message);
    const auto deadline = net::deadline_after(options.timeout);
    if (auto sent = socket->send_all(client_hello, deadline); !sent)
        return stopped(Outcome::closed, "could not send the ClientHello: " + sent.error().message);

    KeyExchangeAttempt a;
    wt::FlightReader reader(kMaxFlightBytes);
    std::array<std::uint8_t, 8192> chunk{};
    for (;;) {
        auto n = socket->recv_some(chunk, deadline);
        const bool after_hello = a.hello.server_hello.has_value();
        if (!n) {
            const bool timed_out = n.error().code == net::kErrTimeout;
            if (after_hello) {
                a.detail = timed_out
                               ? fmt::format("no ServerKeyExchange within {} ms", options.timeout.count())
                               : "connection reset after the ServerHello: " + n.error().message;
                return a;
            }
            if (timed_out)
                return stopped(Outcome::timeout,
                               fmt::format("no answer within {} ms", options.timeout.count()));
            return stopped(Outcome::closed, "connection reset: " + n.error().message);
        }
        if (*n == 0) {
            if (after_hello) {
                a.detail = "connection closed after the ServerHello";
                return a;
            }
            return stopped(Outcome::closed, reader.bytes_seen() == 0 ? "connection closed without an answer"
                                                                     : "connection closed mid-answer");
        }
        const std::span<const std::uint8_t> got(chunk.data(), *n);
        if (reader.bytes_seen() == 0 && (got[0] & 0x80) != 0)
            return stopped(Outcome::malformed, "an SSLv2 answer: " + wt::describe_server_bytes(got));
        if (auto fed = reader.feed(got); !fed) {
            if (after_hello) {
                a.detail = "malformed flight after the ServerHello: " + fed.error().describe();
                return a;
            }
            return stopped(Outcome::malformed,
                           fmt::format("not a TLS answer ({}): {}", fed.error().describe(),
                                       wt::describe_server_bytes(got)));
        }
        if (examine(reader, a)) return a;
    }
}

}  // namespace conformscan::checks::tls
