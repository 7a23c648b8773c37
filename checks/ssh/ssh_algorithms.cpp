// SSH algorithm properties.
//
// Sources (checked 2026-11-28):
//   - IANA "Secure Shell (SSH) Protocol Parameters" registry (names).
//   - RFC 9142 (January 2022) §4 table: key exchange implementation levels
//     (MUST / SHOULD / MAY / SHOULD NOT / MUST NOT), as summarised in
//     ../shared/standards.md §6 (exact cells marked there as partly verified).
//   - RFC 8332 (rsa-sha2-*), RFC 8709 (ed25519/ed448), RFC 5656 (ECDH/ECDSA),
//     RFC 4344 (ctr), RFC 8758 (arcfour MUST NOT), RFC 6668 (hmac-sha2).
//   - OpenSSH 9.2 `ssh -Q kex|cipher|mac|key` for the @openssh.com names, and
//     OpenSSH 9.9 release notes for mlkem768x25519-sha256.
//   - jtesta/ssh-audit ssh2_kexdb.py (snapshot of 2026-06) for the properties
//     it warns about: SHA-1, 1024-bit moduli, encrypt-and-MAC, CBC, not PQ.
// The verdicts are not here: a profile decides which property fails.
#include "checks/ssh/ssh_algorithms.hpp"

#include <array>

namespace conformscan::checks::ssh {

namespace {

using K = AlgorithmKind;

constexpr SshAlgorithm kex(std::string_view name, std::string_view level, int bits, bool sha1 = false,
                           bool pq = false, bool nist = false) {
    SshAlgorithm a{name, K::kex};
    a.rfc9142 = level;
    a.bits = bits;
    a.sha1 = sha1;
    a.pq_hybrid = pq;
    a.nist_curve = nist;
    return a;
}

constexpr SshAlgorithm hostkey(std::string_view name, bool sha1 = false, bool nist = false, bool dsa = false,
                               int bits = 0) {
    SshAlgorithm a{name, K::host_key};
    a.sha1 = sha1;
    a.nist_curve = nist;
    a.dsa = dsa;
    a.bits = bits;
    return a;
}

constexpr SshAlgorithm cipher(std::string_view name, int bits, bool cbc = false, bool weak = false,
                              bool aead = false) {
    SshAlgorithm a{name, K::cipher};
    a.bits = bits;
    a.cbc = cbc;
    a.weak_cipher = weak;
    a.aead = aead;
    return a;
}

constexpr SshAlgorithm mac(std::string_view name, bool etm, bool sha1 = false, bool md5 = false,
                           bool small = false) {
    SshAlgorithm a{name, K::mac};
    a.encrypt_and_mac = !etm;
    a.sha1 = sha1;
    a.md5 = md5;
    a.small_tag = small;
    return a;
}

// clang-format off
const std::array kTable{
    // ---- key exchange: RFC 9142 §4 level, modulus or curve bits --------------
    kex("diffie-hellman-group1-sha1", "SHOULD NOT", 1024, true),
    kex("diffie-hellman-group14-sha1", "MAY", 2048, true),
    kex("diffie-hellman-group14-sha256", "MUST", 2048),
    kex("diffie-hellman-group15-sha512", "MAY", 3072),
    kex("diffie-hellman-group16-sha512", "SHOULD", 4096),
    kex("diffie-hellman-group17-sha512", "MAY", 6144),
    kex("diffie-hellman-group18-sha512", "MAY", 8192),
    kex("diffie-hellman-group-exchange-sha1", "SHOULD NOT", 0, true),
    kex("diffie-hellman-group-exchange-sha256", "MAY", 0),
    kex("ecdh-sha2-nistp256", "SHOULD", 256, false, false, true),
    kex("ecdh-sha2-nistp384", "SHOULD", 384, false, false, true),
    kex("ecdh-sha2-nistp521", "SHOULD", 521, false, false, true),
    kex("curve25519-sha256", "SHOULD", 256),
    kex("curve25519-sha256@libssh.org", "SHOULD", 256),  // RFC 8731's name before standardisation
    kex("curve448-sha512", "MAY", 448),
    kex("rsa1024-sha1", "MUST NOT", 1024, true),
    kex("rsa2048-sha256", "MAY", 2048),
    kex("sntrup761x25519-sha512@openssh.com", "", 256, false, true),
    kex("sntrup761x25519-sha512", "", 256, false, true),
    kex("mlkem768x25519-sha256", "", 256, false, true),
    kex("mlkem768nistp256-sha256", "", 256, false, true, true),
    kex("mlkem1024nistp384-sha384", "", 384, false, true, true),
    // ---- host keys ----------------------------------------------------------
    hostkey("ssh-rsa", true),
    hostkey("rsa-sha2-256"),
    hostkey("rsa-sha2-512"),
    hostkey("ssh-dss", true, false, true),
    hostkey("ecdsa-sha2-nistp256", false, true, false, 256),
    hostkey("ecdsa-sha2-nistp384", false, true, false, 384),
    hostkey("ecdsa-sha2-nistp521", false, true, false, 521),
    hostkey("ssh-ed25519", false, false, false, 256),
    hostkey("ssh-ed448", false, false, false, 456),
    hostkey("sk-ssh-ed25519@openssh.com", false, false, false, 256),
    hostkey("sk-ecdsa-sha2-nistp256@openssh.com", false, true, false, 256),
    hostkey("ssh-rsa-cert-v01@openssh.com", true),
    hostkey("rsa-sha2-256-cert-v01@openssh.com"),
    hostkey("rsa-sha2-512-cert-v01@openssh.com"),
    hostkey("ssh-dss-cert-v01@openssh.com", true, false, true),
    hostkey("ecdsa-sha2-nistp256-cert-v01@openssh.com", false, true, false, 256),
    hostkey("ecdsa-sha2-nistp384-cert-v01@openssh.com", false, true, false, 384),
    hostkey("ecdsa-sha2-nistp521-cert-v01@openssh.com", false, true, false, 521),
    hostkey("ssh-ed25519-cert-v01@openssh.com", false, false, false, 256),
    // ---- ciphers: key bits ---------------------------------------------------
    cipher("chacha20-poly1305@openssh.com", 256, false, false, true),
    cipher("aes128-gcm@openssh.com", 128, false, false, true),
    cipher("aes256-gcm@openssh.com", 256, false, false, true),
    cipher("AEAD_AES_128_GCM", 128, false, false, true),
    cipher("AEAD_AES_256_GCM", 256, false, false, true),
    cipher("aes128-ctr", 128),
    cipher("aes192-ctr", 192),
    cipher("aes256-ctr", 256),
    cipher("aes128-cbc", 128, true),
    cipher("aes192-cbc", 192, true),
    cipher("aes256-cbc", 256, true),
    cipher("rijndael-cbc@lysator.liu.se", 256, true),
    cipher("3des-cbc", 112, true, true),
    cipher("3des-ctr", 112, false, true),
    cipher("blowfish-cbc", 128, true, true),
    cipher("cast128-cbc", 128, true, true),
    cipher("arcfour", 128, false, true),
    cipher("arcfour128", 128, false, true),
    cipher("arcfour256", 256, false, true),
    cipher("des-cbc", 56, true, true),
    cipher("none", 0, false, true),
    // ---- MACs ----------------------------------------------------------------
    mac("hmac-sha2-256-etm@openssh.com", true),
    mac("hmac-sha2-512-etm@openssh.com", true),
    mac("umac-128-etm@openssh.com", true),
    mac("umac-64-etm@openssh.com", true, false, false, true),
    mac("hmac-sha1-etm@openssh.com", true, true),
    mac("hmac-sha1-96-etm@openssh.com", true, true, false, true),
    mac("hmac-md5-etm@openssh.com", true, false, true),
    mac("hmac-md5-96-etm@openssh.com", true, false, true, true),
    mac("hmac-sha2-256", false),
    mac("hmac-sha2-512", false),
    mac("umac-128@openssh.com", false),
    mac("umac-64@openssh.com", false, false, false, true),
    mac("hmac-sha1", false, true),
    mac("hmac-sha1-96", false, true, false, true),
    mac("hmac-md5", false, false, true),
    mac("hmac-md5-96", false, false, true, true),
    mac("none", false),
    // ---- compression ---------------------------------------------------------
    SshAlgorithm{"none", K::compression},
    SshAlgorithm{"zlib", K::compression},
    SshAlgorithm{"zlib@openssh.com", K::compression},
};
// clang-format on

}  // namespace

std::string_view to_string(AlgorithmKind k) {
    switch (k) {
        case K::kex: return "kex";
        case K::host_key: return "host_key";
        case K::cipher: return "cipher";
        case K::mac: return "mac";
        case K::compression: return "compression";
    }
    return "?";
}

const std::vector<std::string>& property_names() {
    static const std::vector<std::string> names{
        "sha1",       "md5",          "cbc",        "weak_cipher",        "encrypt_and_mac",
        "small_tag",  "non_pq",       "nist_curve", "dsa",                "rfc9142_must_not",
        "rfc9142_should_not", "rfc9142_unlisted", "unknown"};
    return names;
}

const SshAlgorithm* find_algorithm(AlgorithmKind kind, std::string_view name) {
    for (const auto& a : kTable)
        if (a.kind == kind && a.name == name) return &a;
    return nullptr;
}

bool has_property(AlgorithmKind kind, std::string_view name, std::string_view p) {
    const auto* a = find_algorithm(kind, name);
    if (a == nullptr) return p == "unknown" || (p == "non_pq" && kind == K::kex) ||
                             (p == "rfc9142_unlisted" && kind == K::kex);
    if (p == "sha1") return a->sha1;
    if (p == "md5") return a->md5;
    if (p == "cbc") return a->cbc;
    if (p == "weak_cipher") return a->weak_cipher;
    if (p == "encrypt_and_mac") return a->kind == K::mac && a->encrypt_and_mac;
    if (p == "small_tag") return a->small_tag;
    if (p == "non_pq") return a->kind == K::kex && !a->pq_hybrid;
    if (p == "nist_curve") return a->nist_curve;
    if (p == "dsa") return a->dsa;
    if (p == "rfc9142_must_not") return a->kind == K::kex && a->rfc9142 == "MUST NOT";
    if (p == "rfc9142_should_not") return a->kind == K::kex && a->rfc9142 == "SHOULD NOT";
    if (p == "rfc9142_unlisted") return a->kind == K::kex && a->rfc9142.empty();
    return false;
}

std::vector<std::string> properties_of(AlgorithmKind kind, std::string_view name) {
    std::vector<std::string> out;
    for (const auto& p : property_names())
        if (has_property(kind, name, p)) out.push_back(p);
    return out;
}

bool is_kex_marker(std::string_view name) {
    return name == "ext-info-s" || name == "ext-info-c" || name == "kex-strict-s-v00@openssh.com" ||
           name == "kex-strict-c-v00@openssh.com" || name.rfind("ext-info-in-auth", 0) == 0;
}

}  // namespace conformscan::checks::ssh
