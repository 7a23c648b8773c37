// What a client sends after its ClientHello, as the active vulnerability
// tests need it: records of any content type, ChangeCipherSpec, an RSA
// ClientKeyExchange, a stand-in Finished; the ROBOT (Bleichenbacher) padding
// variants of an RSA-encrypted premaster secret; and an extension appended to
// an encoded ClientHello (a session ticket with content, which
// ClientHelloSpec does not carry). Pure: no I/O, no randomness.
//
// References: RFC 5246 §6.2.1 (records), §7.1 (ChangeCipherSpec), §7.4.7.1
// (RSA-encrypted premaster secret), RFC 6101 §5.6.7.1 (SSL 3.0 sends it
// without a length prefix), RFC 8017 §7.2.1 (PKCS #1 v1.5 encryption
// padding), Böck, Somorovsky, Young: "Return Of Bleichenbacher's Oracle
// Threat (ROBOT)", USENIX Security 2018, §3 (the test vectors).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "scanner/core/result.hpp"

namespace conformscan::wire::tls {

inline constexpr std::uint8_t kHandshakeClientKeyExchange = 16;
inline constexpr std::uint8_t kHandshakeFinished = 20;
inline constexpr std::size_t kPremasterSecretSize = 48;

// One record; empty when the fragment exceeds 2^14 bytes.
std::vector<std::uint8_t> encode_record(std::uint8_t content_type, std::uint16_t version,
                                        std::span<const std::uint8_t> fragment);
// A ChangeCipherSpec record (the single byte 1).
std::vector<std::uint8_t> encode_change_cipher_spec(std::uint16_t version);
// A handshake message: type, 24-bit length, body.
std::vector<std::uint8_t> encode_handshake_message(std::uint8_t type, std::span<const std::uint8_t> body);
// ClientKeyExchange carrying an RSA-encrypted premaster secret: with a
// 2-byte length prefix from TLS 1.0 on, without one in SSL 3.0.
std::vector<std::uint8_t> encode_rsa_client_key_exchange(std::span<const std::uint8_t> encrypted,
                                                         std::uint16_t version);
// A record of type handshake holding `size` bytes that stand for an encrypted
// Finished: after a ChangeCipherSpec the server can only fail to decrypt it.
std::vector<std::uint8_t> encode_opaque_finished(std::uint16_t version, std::size_t size = 40);

// The ROBOT paper's five plaintexts (§3, Table 1).
enum class RobotVariant {
    correct,          // 00 02 PS 00 VERSION RANDOM[46]: well formed
    wrong_prefix,     // 41 17 PS 00 VERSION RANDOM: bad PKCS #1 header
    zero_in_padding,  // 00 02 PS.. 00 ..: a 0x00 early in the padding, so the message is not 48 bytes
    no_separator,     // 00 02 PS without any 0x00
    wrong_version,    // 00 02 PS 00 02 02 RANDOM: well formed, wrong client_version
};
inline constexpr RobotVariant kRobotVariants[] = {RobotVariant::correct, RobotVariant::wrong_prefix,
                                                  RobotVariant::zero_in_padding, RobotVariant::no_separator,
                                                  RobotVariant::wrong_version};
std::string_view robot_variant_name(RobotVariant v);

// The k-byte plaintext block (k = the RSA modulus size in bytes) for `variant`,
// with fixed non-zero filler bytes; the caller encrypts it with the raw RSA
// public operation. Empty when k < 64 (no room for the minimum padding).
std::vector<std::uint8_t> robot_plaintext(RobotVariant variant, std::size_t modulus_bytes,
                                          std::uint16_t client_version);

// Appends an extension to an encoded ClientHello handshake message (type,
// length, body) and fixes every length. Errors: "not_client_hello",
// "truncated", "trailing_data", "too_large" (the message would exceed its
// length fields).
core::Result<std::vector<std::uint8_t>> append_client_hello_extension(std::span<const std::uint8_t> message,
                                                                      std::uint16_t type,
                                                                      std::span<const std::uint8_t> data);

}  // namespace conformscan::wire::tls
