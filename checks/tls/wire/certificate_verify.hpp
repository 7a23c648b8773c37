// CertificateVerify (RFC 8446 §4.4.3): the signature over the handshake
// transcript and the SignatureScheme the server chose for it. In TLS 1.3 the
// message travels encrypted; the probe gets its plaintext from the TLS
// library (checks/tls/sigalg_probe.cpp) and reads the scheme here. Pure: no I/O.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "scanner/core/result.hpp"

namespace conformscan::wire::tls {

inline constexpr std::uint8_t kCertificateVerifyType = 15;  // HandshakeType certificate_verify

struct CertificateVerify {
    std::uint16_t scheme = 0;
    std::vector<std::uint8_t> signature;  // read, not verified
};

// Parses a CertificateVerify body (after the 4-byte handshake header):
// SignatureScheme algorithm; opaque signature<0..2^16-1>; nothing after it.
// Errors name the field: "CertificateVerify.algorithm", "CertificateVerify.signature".
core::Result<CertificateVerify> parse_certificate_verify(std::span<const std::uint8_t> body);

// The same from a whole handshake message (type 15, 3-byte length, body):
// the length must match the bytes given exactly.
core::Result<CertificateVerify> parse_certificate_verify_message(std::span<const std::uint8_t> message);

}  // namespace conformscan::wire::tls
