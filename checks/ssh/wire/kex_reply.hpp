// The server's side of a key exchange up to its reply, and the host key it
// carries: SSH_MSG_KEXDH_REPLY / SSH_MSG_KEX_ECDH_REPLY (RFC 4253 §8, RFC
// 5656 §4), SSH_MSG_KEX_DH_GEX_GROUP / _REPLY (RFC 4419 §3), public key
// blobs (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4), SSH_MSG_DISCONNECT
// (RFC 4253 §11.1). Pure parsers, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "checks/ssh/wire/packet.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::wire::ssh {

struct KexReply {
    std::vector<std::uint8_t> host_key_blob;  // K_S
    std::vector<std::uint8_t> server_public;  // f (mpint) or Q_S (string): same wire form
    std::string signature_algorithm;          // the name inside the signature blob
    std::size_t signature_bytes = 0;
};

// `expected` is Msg::kexdh_reply (DH, ECDH) or Msg::gex_reply.
core::Result<KexReply> parse_kex_reply(std::span<const std::uint8_t> payload, Msg expected);

struct GexGroup {
    std::vector<std::uint8_t> p;
    std::vector<std::uint8_t> g;
    std::size_t p_bits = 0;
};
core::Result<GexGroup> parse_gex_group(std::span<const std::uint8_t> payload);

struct HostKey {
    std::string type;     // the blob's own name: "ssh-rsa", "ecdsa-sha2-nistp256", "ssh-ed25519", ...
    std::string family;   // "rsa" | "ecdsa" | "ed25519" | "ed448" | "dsa" | "other"
    std::size_t bits = 0; // RSA modulus, DSA p, EC field size, 256 for ed25519, 456 for ed448
    std::string curve;    // ECDSA: "nistp256" ...
    bool certificate = false;  // an OpenSSH certificate (*-cert-v01@openssh.com)
};
core::Result<HostKey> parse_host_key(std::span<const std::uint8_t> blob);

struct Disconnect {
    std::uint32_t reason = 0;
    std::string description;
};
core::Result<Disconnect> parse_disconnect(std::span<const std::uint8_t> payload);

}  // namespace conformscan::wire::ssh
