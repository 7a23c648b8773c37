// The groups a TLS 1.3 server declares: RFC 8446 §4.2.7 lets a server send
// its own "supported_groups" in EncryptedExtensions, and OpenSSL-based servers
// do so whenever the client's key share is not for their most preferred group.
// One OpenSSL handshake whose only key share is for secp384r1 (rarely a
// server's first choice) therefore shows the server's whole list, in its
// order. EncryptedExtensions is encrypted: OpenSSL hands its plaintext to the
// message callback.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

struct DeclaredGroups {
    std::vector<std::uint16_t> groups;        // EncryptedExtensions.supported_groups; empty when not sent
    std::optional<std::uint16_t> negotiated;  // the last ServerHello / HelloRetryRequest's group
    std::string detail;                       // what happened, for the probe's note
};

// One connection. Never throws; a failed handshake leaves `groups` empty.
DeclaredGroups declared_tls13_groups(const core::Target& target, const core::ProbeOptions& options);

}  // namespace conformscan::checks::tls
