// TLS record layer: header and alert parsing, and a classifier for the first
// bytes a server sends. Pure functions over bytes: no I/O, no clocks.
//
// References: RFC 8446 §5.1 (record layer), §6 (alert protocol), RFC 5246
// §6.2 and §7.2 (TLS 1.2 records and alerts, for the older alert codes), and
// the SSLv2 draft (draft-hickman-netscape-ssl-00) §1.2 for the 2-byte header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "scanner/core/byte_reader.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::wire::tls {

// RFC 8446 §5.1 ContentType, plus heartbeat (RFC 6520 §2).
enum class ContentType : std::uint8_t {
    change_cipher_spec = 20,
    alert = 21,
    handshake = 22,
    application_data = 23,
    heartbeat = 24,
};

inline constexpr std::size_t kRecordHeaderSize = 5;
// RFC 5246 §6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048; RFC 8446
// §5.2 allows less (2^14 + 256), so the larger bound admits every version.
inline constexpr std::size_t kMaxRecordLength = (1u << 14) + 2048;

struct RecordHeader {
    std::uint8_t content_type = 0;
    std::uint16_t version = 0;  // legacy_record_version, e.g. 0x0303
    std::uint16_t length = 0;
};

// Reads the 5-byte header. Errors: "truncated" (fewer than 5 bytes),
// "bad_content_type" (not 20..24), "bad_version" (major byte not 3),
// "record_overflow" (length > kMaxRecordLength). The error offset points at
// the offending field.
core::Result<RecordHeader> parse_record_header(core::ByteReader& reader);
core::Result<RecordHeader> parse_record_header(std::span<const std::uint8_t> data);

// Name of a content type ("handshake"), or "" when unknown.
std::string_view content_type_name(std::uint8_t type);

// RFC 8446 §6: struct { AlertLevel level; AlertDescription description; } Alert;
enum class AlertLevel : std::uint8_t { warning = 1, fatal = 2 };

struct Alert {
    std::uint8_t level = 0;
    std::uint8_t description = 0;
};

// Reads the 2-byte alert body; the reader must hold exactly the alert
// ("trailing_data" otherwise). An unknown level is refused ("bad_alert_level").
core::Result<Alert> parse_alert(core::ByteReader& reader);

// "TLS alert: fatal handshake_failure (40)"; unknown codes read "unknown".
std::string describe_alert(const Alert& alert);

// "warning", "fatal", or "" when unknown.
std::string_view alert_level_name(std::uint8_t level);
// RFC 8446 §6 names ("handshake_failure"), plus withdrawn SSL 3.0 / TLS 1.0-1.2
// codes; "" when unknown.
std::string_view alert_description_name(std::uint8_t description);

// SSLv2 record header with the 2-byte form (high bit of the first byte set):
// length = ((b0 & 0x7f) << 8) | b1, followed by the message type byte.
struct Sslv2Header {
    std::uint16_t length = 0;
    std::uint8_t message_type = 0;  // 0 ERROR, 4 SERVER-HELLO, ...
};

// Errors: "not_sslv2" (high bit clear, zero length or unknown message type),
// "truncated".
core::Result<Sslv2Header> parse_sslv2_header(std::span<const std::uint8_t> data);

// What the first bytes from a server are.
enum class ServerBytesKind { empty, tls_alert, tls_record, malformed_tls, sslv2, non_tls };

struct ServerBytes {
    ServerBytesKind kind = ServerBytesKind::empty;
    std::string description;
};

ServerBytes classify_server_bytes(std::span<const std::uint8_t> data);

// A one-line description for error messages, e.g.
//   "TLS alert: fatal handshake_failure (40)"
//   "TLS handshake record (22), version 0x0303"
//   "SSLv2 record"
//   "non-TLS data: 'HTTP/1.1 400 Bad Request'"
// Output is printable ASCII whatever the input.
std::string describe_server_bytes(std::span<const std::uint8_t> data);

}  // namespace conformscan::wire::tls
