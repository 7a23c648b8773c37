// From records to handshake messages, and the TLS <= 1.2 server messages the
// scanner reads in the clear: Certificate, ServerKeyExchange, ServerHelloDone.
// Pure: the probe feeds bytes it received; nothing here does I/O.
//
// References: RFC 5246 §6.2.1 (fragmentation: a handshake message may span
// records and a record may hold several), §7.4.2 (Certificate), §7.4.3
// (ServerKeyExchange), RFC 8422 §5.4 (ECDHE ServerKeyExchange), RFC 8446 §4
// (handshake types).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checks/tls/wire/record.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::wire::tls {

namespace handshake_type {
inline constexpr std::uint8_t kHelloRequest = 0;
inline constexpr std::uint8_t kClientHello = 1;
inline constexpr std::uint8_t kServerHello = 2;
inline constexpr std::uint8_t kNewSessionTicket = 4;
inline constexpr std::uint8_t kEncryptedExtensions = 8;
inline constexpr std::uint8_t kCertificate = 11;
inline constexpr std::uint8_t kServerKeyExchange = 12;
inline constexpr std::uint8_t kCertificateRequest = 13;
inline constexpr std::uint8_t kServerHelloDone = 14;
inline constexpr std::uint8_t kCertificateStatus = 22;
}  // namespace handshake_type

struct HandshakeMessage {
    std::uint8_t type = 0;
    std::vector<std::uint8_t> body;
};

// What arrived from the server, record by record.
struct ServerFlight {
    std::vector<HandshakeMessage> messages;  // complete handshake messages, in order
    std::optional<Alert> alert;              // the first alert, if any
    bool change_cipher_spec = false;         // a CCS record arrived (encrypted data follows)
    bool encrypted_records = false;          // application_data records (TLS 1.3 encrypted flight)
    bool heartbeat = false;                  // a heartbeat record arrived
};

// Accumulates server bytes and splits them into records and handshake
// messages. Bounded: a record over kMaxRecordLength, a handshake message over
// max_message bytes, or more than max_total bytes in all is an error.
class FlightReader {
public:
    explicit FlightReader(std::size_t max_total = 256 * 1024, std::size_t max_message = 128 * 1024);

    // Feeds bytes as they arrive; returns an error on malformed input (and the
    // same error on every later call). Error offsets count from the first byte fed.
    // After a ChangeCipherSpec, handshake and alert records are encrypted: they
    // set encrypted_records instead of being parsed.
    core::Result<void> feed(std::span<const std::uint8_t> bytes);
    [[nodiscard]] const ServerFlight& flight() const { return m_flight; }
    // True once a message of `type` (or an alert) has been seen.
    [[nodiscard]] bool has(std::uint8_t type) const;
    [[nodiscard]] bool has_alert() const { return m_flight.alert.has_value(); }
    [[nodiscard]] std::size_t bytes_seen() const { return m_total; }

private:
    core::Result<void> consume_records();
    core::Result<void> consume_handshake_bytes(std::span<const std::uint8_t> fragment, std::size_t fragment_offset);

    std::size_t m_max_total;
    std::size_t m_max_message;
    std::size_t m_total = 0;
    std::vector<std::uint8_t> m_pending;    // bytes not yet forming a whole record
    std::vector<std::uint8_t> m_handshake;  // handshake bytes not yet forming a whole message
    ServerFlight m_flight;
    std::optional<core::Error> m_failed;    // once malformed, every later feed() repeats the error
    // After a cleartext fatal alert the TLS stream is over (RFC 8446 §6.2,
    // RFC 5246 §7.2.2): later bytes (a STARTTLS server's "500 OOPS" line) are
    // not records and are ignored.
    bool m_after_fatal = false;
};

// TLS <= 1.2 Certificate: the DER certificates, leaf first.
core::Result<std::vector<std::vector<std::uint8_t>>> parse_certificate_list(std::span<const std::uint8_t> body);

enum class KeyExchangeKind { dhe, ecdhe, other };

struct ServerKeyExchange {
    KeyExchangeKind kind = KeyExchangeKind::other;
    // DHE: the group the server chose (RFC 5246 §7.4.3 ServerDHParams).
    std::vector<std::uint8_t> dh_p;
    std::vector<std::uint8_t> dh_g;
    int dh_bits = 0;  // significant bits of p
    // ECDHE: named_curve only (RFC 8422 §5.4; explicit curves are refused, RFC 8422 §5.1.1).
    std::optional<std::uint16_t> named_group;
    std::vector<std::uint8_t> ec_point;
    // The signature that follows the params (TLS 1.2: with its SignatureScheme).
    std::optional<std::uint16_t> signature_scheme;
};

// `version` decides whether a SignatureAndHashAlgorithm precedes the signature
// (TLS 1.2 only). Trailing signature bytes are read but not verified. Params
// with no signature at all (anonymous suites) parse with no signature_scheme.
// KeyExchangeKind::other is refused ("unsupported_key_exchange").
core::Result<ServerKeyExchange> parse_server_key_exchange(std::span<const std::uint8_t> body, KeyExchangeKind kind,
                                                          std::uint16_t version);

}  // namespace conformscan::wire::tls
