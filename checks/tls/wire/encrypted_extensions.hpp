// EncryptedExtensions (RFC 8446 §4.3.1): the TLS 1.3 server's extensions that
// are not needed to set up keys. It travels encrypted; the probe gets its
// plaintext from the TLS library (checks/tls/group_probe.cpp) and reads it
// here. Its "supported_groups" (RFC 8446 §4.2.7) is the server's own list of
// groups, which servers may send so that clients learn its preference.
// Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "scanner/core/result.hpp"

namespace conformscan::wire::tls {

inline constexpr std::uint8_t kEncryptedExtensionsType = 8;  // HandshakeType encrypted_extensions

struct EncryptedExtensions {
    std::vector<std::uint16_t> extension_types;             // in the order sent
    std::optional<std::vector<std::uint16_t>> supported_groups;  // NamedGroupList, when sent
};

// Parses a whole handshake message (type 8, 3-byte length, body):
// Extension extensions<0..2^16-1>; nothing after it. A supported_groups
// extension must hold a well-formed NamedGroupList<2..2^16-1> and nothing
// else; an extension type sent twice is an error (RFC 8446 §4.2).
// Errors name the field: "EncryptedExtensions.extensions", ...
core::Result<EncryptedExtensions> parse_encrypted_extensions_message(std::span<const std::uint8_t> message);

}  // namespace conformscan::wire::tls
