// Knowledge that is data: the IANA TLS registries (cipher suites, supported
// groups, signature schemes) with the properties rules judge by, plus the
// SSLv2 cipher kinds. Sources and dates are in iana_tables.cpp's header.
// Rules use these properties ("no forward secrecy", "export", "CBC") instead
// of hand-written name lists.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace conformscan::wire::tls {

struct CipherSuiteInfo {
    std::uint16_t code;
    std::string_view name;          // IANA: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
    std::string_view openssl_name;  // "ECDHE-RSA-AES128-GCM-SHA256", "" when OpenSSL has none
    std::string_view kex;     // "RSA","DH","DHE","ECDH","ECDHE","PSK","DHE_PSK","ECDHE_PSK","RSA_PSK","SRP","KRB5","GOST","ECCPWD","NULL","ANY" (TLS 1.3)
    std::string_view auth;    // "RSA","DSS","ECDSA","anon","PSK","KRB5","SRP","GOST","ECCPWD","NULL","ANY" (TLS 1.3)
    std::string_view cipher;  // "AES_128_GCM","AES_256_CBC","CHACHA20_POLY1305","3DES_EDE_CBC","RC4_128","DES_CBC","DES40_CBC","RC2_CBC_40","IDEA_CBC","SEED_CBC","CAMELLIA_128_CBC","ARIA_256_GCM","SM4_GCM","NULL",...
    int bits;                 // effective symmetric strength: 3DES 112, export 40, NULL 0
    std::string_view mode;    // "GCM","CCM","CCM_8","CBC","STREAM","POLY1305","NULL"
    std::string_view mac;     // "AEAD","SHA","SHA256","SHA384","MD5","NULL"
    bool aead;
    bool forward_secrecy;     // ephemeral (EC)DH key exchange (all TLS 1.3 suites)
    bool export_grade;
    bool anonymous;           // no server authentication
    bool null_cipher;
    char recommended;         // IANA "Recommended" column: 'Y', 'N' or 'D' (discouraged)
    bool tls13;               // a TLS 1.3 suite (RFC 8446 §B.4)
};

struct Sslv2CipherInfo {
    std::uint32_t code;     // 3-byte SSLv2 cipher kind
    std::string_view name;  // "SSL_CK_RC4_128_WITH_MD5"
    int bits;
    bool export_grade;
};

struct GroupInfo {
    std::uint16_t code;
    std::string_view name;  // IANA: "secp256r1","x25519","ffdhe2048","X25519MLKEM768"
    std::string_view kind;  // "ecdhe","ffdhe","hybrid_pq","pq","gost"
    int bits;               // classical security bits (secp256r1 128, ffdhe2048 103, x25519 128)
    char recommended;       // 'Y', 'N' or 'D'
};

struct SignatureSchemeInfo {
    std::uint16_t code;
    std::string_view name;       // "rsa_pss_rsae_sha256","ecdsa_secp256r1_sha256","rsa_pkcs1_sha1"
    std::string_view signature;  // "rsa_pkcs1","rsa_pss","ecdsa","ed25519","ed448","dsa","mldsa",...
    std::string_view hash;       // "sha1","sha256","sha384","sha512","md5","sha224","intrinsic"
    char recommended;
};

std::span<const CipherSuiteInfo> all_cipher_suites();
const CipherSuiteInfo* find_cipher_suite(std::uint16_t code);
// Accepts the IANA name or OpenSSL's name.
const CipherSuiteInfo* find_cipher_suite(std::string_view name);

std::span<const Sslv2CipherInfo> all_sslv2_ciphers();
const Sslv2CipherInfo* find_sslv2_cipher(std::uint32_t code);

std::span<const GroupInfo> all_groups();
const GroupInfo* find_group(std::uint16_t code);
const GroupInfo* find_group(std::string_view name);  // IANA name or OpenSSL's ("prime256v1", "X25519")

std::span<const SignatureSchemeInfo> all_signature_schemes();
const SignatureSchemeInfo* find_signature_scheme(std::uint16_t code);
const SignatureSchemeInfo* find_signature_scheme(std::string_view name);

}  // namespace conformscan::wire::tls
