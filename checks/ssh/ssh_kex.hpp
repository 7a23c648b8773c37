// The client side of the key exchanges the ssh probe speaks, as far as the
// server's reply: an ephemeral public value through OpenSSL. The probe never
// derives keys: it stops at the reply, which carries the host key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/core/result.hpp"

namespace conformscan::checks::ssh {

enum class KexMethod { x25519, ecdh, dh_fixed, dh_gex };

struct KexChoice {
    std::string name;
    KexMethod method = KexMethod::x25519;
    const char* curve = nullptr;  // ecdh: OpenSSL group name
    std::size_t group_bits = 0;   // dh_fixed: the RFC 2409 / 3526 group
};

// The method for a kex name this probe speaks; nullopt for the rest (the
// PQ hybrids, curve448, rsa*-sha*).
std::optional<KexChoice> kex_choice(std::string_view name);
// The probe's order of preference among the names it speaks.
const std::vector<std::string_view>& kex_preference();

// Ephemeral public values: X25519 raw (32 bytes), an uncompressed EC point,
// or g^x mod p as unsigned big-endian bytes.
core::Result<std::vector<std::uint8_t>> ecdh_public(const KexChoice& choice);
core::Result<std::vector<std::uint8_t>> dh_public(std::span<const std::uint8_t> p, std::span<const std::uint8_t> g);
// The fixed group of `bits` (1024: RFC 2409 Oakley 2; 2048-8192: RFC 3526) as big-endian bytes.
std::vector<std::uint8_t> fixed_group_prime(std::size_t bits);

// "SHA256:" + unpadded base64 of the blob's SHA-256, as ssh-keygen -l prints.
std::string fingerprint_sha256(std::span<const std::uint8_t> blob);

}  // namespace conformscan::checks::ssh
