// ClientHello encoding and ServerHello parsing for SSLv2, SSLv3 and TLS 1.0
// to 1.3, independent of the local TLS library: the scanner must speak what
// OpenSSL 3 no longer does. Pure functions over bytes: no I/O, no clocks, no
// randomness (the caller supplies random and session id).
//
// References: RFC 8446 §4.1.2 (ClientHello), §4.1.3 (ServerHello, HelloRetryRequest,
// downgrade sentinel), §4.2 (extensions), RFC 5246 §7.4.1, RFC 6101 (SSLv3),
// draft-hickman-netscape-ssl-00 (SSLv2), RFC 6066 (SNI, status_request),
// RFC 7301 (ALPN), RFC 5746 (renegotiation_info), RFC 7627 (EMS),
// RFC 7366 (encrypt_then_mac), RFC 5077 (session_ticket), RFC 6520 (heartbeat),
// RFC 7507 (TLS_FALLBACK_SCSV), RFC 7685 (padding), RFC 6962 (SCT).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/core/byte_reader.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::wire::tls {

inline constexpr std::uint16_t kSsl2 = 0x0002;
inline constexpr std::uint16_t kSsl3 = 0x0300;
inline constexpr std::uint16_t kTls10 = 0x0301;
inline constexpr std::uint16_t kTls11 = 0x0302;
inline constexpr std::uint16_t kTls12 = 0x0303;
inline constexpr std::uint16_t kTls13 = 0x0304;

// "SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3" (OpenSSL's
// spelling, as in the `tls` facts); "0x7f1c" style for anything else.
std::string version_name(std::uint16_t version);
std::optional<std::uint16_t> version_from_name(std::string_view name);

// Extension code points (IANA "TLS ExtensionType Values").
namespace ext {
inline constexpr std::uint16_t kServerName = 0;
inline constexpr std::uint16_t kStatusRequest = 5;
inline constexpr std::uint16_t kSupportedGroups = 10;
inline constexpr std::uint16_t kEcPointFormats = 11;
inline constexpr std::uint16_t kSignatureAlgorithms = 13;
inline constexpr std::uint16_t kHeartbeat = 15;
inline constexpr std::uint16_t kAlpn = 16;
inline constexpr std::uint16_t kSct = 18;
inline constexpr std::uint16_t kPadding = 21;
inline constexpr std::uint16_t kEncryptThenMac = 22;
inline constexpr std::uint16_t kExtendedMasterSecret = 23;
inline constexpr std::uint16_t kSessionTicket = 35;
inline constexpr std::uint16_t kEarlyData = 42;
inline constexpr std::uint16_t kSupportedVersions = 43;
inline constexpr std::uint16_t kCookie = 44;
inline constexpr std::uint16_t kPskKeyExchangeModes = 45;
inline constexpr std::uint16_t kKeyShare = 51;
inline constexpr std::uint16_t kRenegotiationInfo = 0xff01;
}  // namespace ext

inline constexpr std::uint16_t kFallbackScsv = 0x5600;
inline constexpr std::uint16_t kEmptyRenegotiationInfoScsv = 0x00ff;

struct ClientHelloSpec {
    // Record and ClientHello.legacy_version. For a TLS 1.3 hello set
    // version = kTls12 and list kTls13 in supported_versions.
    std::uint16_t record_version = kTls10;
    std::uint16_t version = kTls12;
    std::vector<std::uint16_t> supported_versions;  // supported_versions extension when non-empty
    std::array<std::uint8_t, 32> random{};
    std::vector<std::uint8_t> session_id;           // 0..32 bytes
    std::vector<std::uint16_t> cipher_suites;
    std::vector<std::uint8_t> compression_methods{0};
    std::string server_name;                        // SNI host_name when non-empty
    std::vector<std::uint16_t> groups;              // supported_groups when non-empty
    // key_share entries: for each group, a syntactically valid public value of
    // the right size (x25519/x448: fixed bytes; secp*: a fixed valid point;
    // ffdhe: 2 within the group size; ML-KEM hybrids: fixed bytes of the right
    // length). The server can answer with a ServerHello; the handshake is never
    // completed, so no secret is needed.
    std::vector<std::uint16_t> key_share_groups;
    std::vector<std::uint16_t> signature_algorithms;  // when non-empty
    std::vector<std::string> alpn;
    // uncompressed, ansiX962_compressed_prime, ansiX962_compressed_char2;
    // not sent when version is SSLv3 (RFC 8422 covers TLS 1.0-1.2 only).
    bool ec_point_formats = true;
    bool status_request = false;        // OCSP
    bool signed_certificate_timestamp = false;
    bool renegotiation_info = false;    // empty renegotiation_info extension
    bool extended_master_secret = false;
    bool encrypt_then_mac = false;
    bool session_ticket = false;        // empty ticket
    bool heartbeat = false;             // peer_allowed_to_send
    bool psk_key_exchange_modes = false;  // psk_dhe_ke (TLS 1.3)
    bool early_data = false;
    std::vector<std::uint8_t> cookie;   // echo of a HelloRetryRequest cookie
    // Appended to cipher_suites when set.
    bool fallback_scsv = false;
    bool empty_renegotiation_info_scsv = false;
    // RFC 7685 padding so the handshake message is at least this long (0: none).
    // 512 avoids the 256..511-byte ClientHello bug of some middleboxes. Exact
    // unless the shortfall is under the padding extension's own 4-byte header
    // (6 bytes when it opens the extensions block).
    std::size_t pad_to = 0;
};

// The ClientHello handshake message (type, length, body). Extensions go in a
// fixed order (server_name ... early_data, padding last); the extensions block
// is left out when none is requested. Returns an empty vector when the spec
// cannot be encoded: session_id over 32 bytes, no compression method, an
// empty ALPN name, or any list longer than its length field allows.
std::vector<std::uint8_t> encode_client_hello(const ClientHelloSpec& spec);
// The message wrapped in handshake record(s) of spec.record_version,
// fragmented at 2^14 bytes.
std::vector<std::uint8_t> encode_client_hello_records(const ClientHelloSpec& spec);

// SSLv2 CLIENT-HELLO (2-byte record header, version 0x0002, no session id).
// Empty when the challenge is not 16..32 bytes, a kind exceeds 3 bytes or the
// record would not fit a 2-byte header.
std::vector<std::uint8_t> encode_sslv2_client_hello(std::span<const std::uint32_t> cipher_kinds,
                                                    std::span<const std::uint8_t> challenge);

struct Extension {
    std::uint16_t type = 0;
    std::vector<std::uint8_t> data;
};

struct ServerHello {
    std::uint16_t legacy_version = 0;
    std::array<std::uint8_t, 32> random{};
    std::vector<std::uint8_t> session_id;
    std::uint16_t cipher_suite = 0;
    std::uint8_t compression_method = 0;
    std::vector<Extension> extensions;  // in the order sent; duplicates are a parse error

    // Derived while parsing:
    bool hello_retry_request = false;        // random is SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3)
    std::uint16_t selected_version = 0;      // supported_versions if present, else legacy_version
    std::optional<std::uint16_t> key_share_group;  // ServerHello key_share / HRR selected_group
    std::vector<std::uint8_t> cookie;        // HRR cookie
    std::string downgrade_sentinel;          // "", "TLS12" or "TLS11" (last 8 bytes of random)
    std::optional<std::string> alpn;         // the protocol selected
    bool secure_renegotiation = false;       // renegotiation_info present
    bool extended_master_secret = false;
    bool encrypt_then_mac = false;
    bool session_ticket = false;
    bool status_request = false;             // server will staple (TLS <= 1.2)
    bool heartbeat = false;
    std::optional<std::uint8_t> heartbeat_mode;

    [[nodiscard]] const Extension* find(std::uint16_t type) const;
};

// Parses a ServerHello handshake body (after the 4-byte handshake header).
// Errors name the field: "ServerHello.extensions", "ServerHello.supported_versions".
core::Result<ServerHello> parse_server_hello(std::span<const std::uint8_t> body);

// SSLv2 SERVER-HELLO (the message after the 2-byte record header, starting at
// the message type byte 4, exactly the record's length: trailing bytes are an
// error).
struct Sslv2ServerHello {
    bool session_id_hit = false;
    std::uint8_t certificate_type = 0;
    std::uint16_t version = 0;
    std::vector<std::uint8_t> certificate;   // DER
    std::vector<std::uint32_t> cipher_kinds; // 3-byte cipher kinds the server supports
    std::vector<std::uint8_t> connection_id;
};
core::Result<Sslv2ServerHello> parse_sslv2_server_hello(std::span<const std::uint8_t> message);

}  // namespace conformscan::wire::tls
