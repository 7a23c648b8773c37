// SSH algorithm properties: the one table the ssh.* checks judge names by.
// Data, not logic; sources and date in ssh_algorithms.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conformscan::checks::ssh {

enum class AlgorithmKind { kex, host_key, cipher, mac, compression };

std::string_view to_string(AlgorithmKind k);

struct SshAlgorithm {
    std::string_view name;
    AlgorithmKind kind;
    bool sha1 = false;             // SHA-1 in the exchange hash, signature or MAC
    bool md5 = false;
    bool cbc = false;              // a CBC-mode cipher
    bool weak_cipher = false;      // 64-bit block (3DES, Blowfish, CAST), RC4, none
    bool encrypt_and_mac = false;  // a MAC computed over the plaintext (not -etm)
    bool small_tag = false;        // a MAC tag under 128 bits
    bool pq_hybrid = false;        // a post-quantum hybrid key exchange
    bool nist_curve = false;       // a NIST P-curve (ssh-audit's objection; RFC 9142 and BSI accept them)
    bool dsa = false;
    bool aead = false;
    int bits = 0;                  // fixed DH group modulus / curve size / cipher key size
    std::string_view rfc9142;      // kex only: MUST, SHOULD, MAY, SHOULD NOT, MUST NOT; "" when not listed
    std::string_view note;
};

// The properties a profile can forbid (ssh.kex_algorithms and friends).
const std::vector<std::string>& property_names();

const SshAlgorithm* find_algorithm(AlgorithmKind kind, std::string_view name);
// True when `name` has the property (a name from property_names()). Unknown
// names have only the property "unknown"; every non-PQ kex is "non_pq".
bool has_property(AlgorithmKind kind, std::string_view name, std::string_view property);
// Every property of the name, for evidence.
std::vector<std::string> properties_of(AlgorithmKind kind, std::string_view name);

// KEXINIT pseudo-algorithms that are signals, not key exchanges (RFC 8308
// ext-info, OpenSSH strict KEX): left out when kex names are judged.
bool is_kex_marker(std::string_view name);

}  // namespace conformscan::checks::ssh
