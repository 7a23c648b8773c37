// Facts of the `ssh` probe: what an SSH server shows a client up to its key
// exchange reply. Plain data with a lossless JSON form (facts.ssh in the
// report); the ssh.* check types read only this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::checks::ssh {

inline constexpr const char* kSshProbe = "ssh";

// One host key, read from the server's key exchange reply when the probe
// offered only `algorithm` as host key algorithm.
struct SshHostKey {
    std::string algorithm;            // host key algorithm negotiated ("rsa-sha2-512")
    std::string type;                 // the key blob's type ("ssh-rsa")
    std::string family;               // rsa | ecdsa | ed25519 | ed448 | dsa | other
    std::size_t bits = 0;             // RSA modulus, DSA p, EC curve size
    std::string curve;                // ECDSA curve ("nistp256")
    bool certificate = false;
    std::string signature_algorithm;  // the name in the exchange-hash signature
    std::string fingerprint_sha256;   // OpenSSH style "SHA256:..." (base64, no padding)
    std::string kex;                  // the key exchange that carried it
    std::vector<std::string> also_for;  // other offered algorithms using this same key (rsa-sha2-256 ...)
};

// A Diffie-Hellman group exchange request (RFC 4419 §3) and what came back.
struct SshGexResult {
    std::string kex;
    std::uint32_t min = 0, n = 0, max = 0;
    std::size_t modulus_bits = 0;  // 0 when no group came back
    std::string error;             // why not (refused, disconnect, timeout ...)
};

struct SshError {
    std::string stage;   // banner | kexinit | host_key:ALG | gex:MIN/N/MAX
    std::string reason;
};

struct SshFacts {
    // ---- identification (RFC 4253 §4.2) ----
    std::string banner;            // the server's identification line, escaped, without CR LF
    std::string proto_version;     // "2.0" | "1.99" | "1.5" ...
    std::string software_version;  // "OpenSSH_9.2p1"
    std::string comments;          // "Debian-2+deb12u3"
    std::vector<std::string> pre_banner_lines;
    bool ssh1_only = false;        // SSH-1.x other than 1.99
    bool banner_crlf = true;
    // ---- KEXINIT (RFC 4253 §7.1); empty when kexinit_error says why ----
    bool kexinit_received = false;
    std::string kexinit_error;
    std::vector<std::string> kex_algorithms;  // as offered, markers included
    std::vector<std::string> host_key_algorithms;
    std::vector<std::string> ciphers_c2s, ciphers_s2c;
    std::vector<std::string> macs_c2s, macs_s2c;
    std::vector<std::string> compression_c2s, compression_s2c;
    bool first_kex_packet_follows = false;
    bool strict_kex = false;  // kex-strict-s-v00@openssh.com offered (Terrapin, CVE-2023-48795)
    bool ext_info = false;    // ext-info-s offered (RFC 8308)
    // ---- key exchanges up to the reply ----
    std::vector<SshHostKey> host_keys;
    std::vector<SshGexResult> gex;
    std::vector<std::size_t> fixed_dh_bits;  // modulus sizes of the fixed groups offered (from the names)
    std::vector<SshError> errors;            // every stage that could not be observed, and why
    std::size_t handshakes = 0;              // key exchanges started (each on its own connection)
    std::size_t connections = 0;
};

// Lossless JSON forms (missing keys keep their defaults).
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SshHostKey, algorithm, type, family, bits, curve, certificate,
                                                signature_algorithm, fingerprint_sha256, kex, also_for)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SshGexResult, kex, min, n, max, modulus_bits, error)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SshError, stage, reason)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SshFacts, banner, proto_version, software_version, comments,
                                                pre_banner_lines, ssh1_only, banner_crlf, kexinit_received,
                                                kexinit_error, kex_algorithms, host_key_algorithms, ciphers_c2s,
                                                ciphers_s2c, macs_c2s, macs_s2c, compression_c2s, compression_s2c,
                                                first_kex_packet_follows, strict_kex, ext_info, host_keys, gex,
                                                fixed_dh_bits, errors, handshakes, connections)

// from_json that never throws.
core::Result<SshFacts> parse_ssh_facts(const nlohmann::json& j);

}  // namespace conformscan::checks::ssh
