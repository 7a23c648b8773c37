// The IANA TLS registries as data, with the properties rules judge by.
//
// Compiled on 2026-11-28 from these sources. Each is a public copy of the
// registry's CSV export; none records the page's "Last Updated" date, so
// each is dated below by what it contains.
//
// * Cipher suites: IANA "TLS Cipher Suites" (tls-parameters-4.csv), copy in
//   github.com/AnoyingShulkerMC/BootlegTLS at commit 921d7444 (it already
//   lists TLS_AEGIS_256_SHA384 / TLS_AEGIS_128L_SHA256, 0x1306/0x1307). That
//   copy predates RFC 9847 (draft-ietf-tls-rfc8447bis-15, 2025), so RFC 9847
//   Table 2's 26 'D' (discouraged) values were applied by hand; every other
//   suite keeps the copy's 'Y'/'N'.
// * Supported groups: IANA "TLS Supported Groups" (tls-parameters-8.csv),
//   copy in github.com/Emmdoz/Info-Security-Assessment-Tool at commit
//   f5b42557; it cites draft-ietf-tls-rfc8447bis-14 for its 'D' values and
//   draft-kwiatkowski-tls-ecdhe-mlkem-03 for the hybrids, so mid-2025.
// * Signature schemes: IANA "TLS SignatureScheme" (tls-signaturescheme.csv),
//   same repository and commit.
// * OpenSSL names: the SSL3_TXT_* / TLS1_TXT_* macros of OpenSSL 3.0.19's
//   public headers (ssl3.h, tls1.h), matched to IANA codes through the
//   *_CK_* macros; the *_RFC_* macros of the same headers agree with every
//   IANA name they cover. TLS 1.3 suites use their IANA names (as OpenSSL
//   does). GOST names are those of OpenSSL 3.x's ssl/s3_lib.c; the RFC 9150
//   integrity-only names are those of later OpenSSL releases. The headers
//   still define the historical export and single-DES names although
//   OpenSSL 1.1.0+ no longer implements those suites; "" means OpenSSL has
//   never named the suite (KRB5, ARIA-CBC, Camellia-GCM, ECCPWD, SM4, ...).
// * Cross-checks of names and code points: testssl.sh etc/cipher-mapping.txt,
//   OpenSSL's ssl2.h and s3_lib.c (SSLv2 kinds), OpenSSL's TLSEXT_SIGALG_*.
// * SSLv2 cipher kinds: the SSL 2.0 specification (draft-hickman-netscape-
//   ssl-00, appendix) as kept in OpenSSL 1.0's ssl2.h, including the
//   RC4_64 kind that ssl2.h records as a Microsoft addition.
//
// How the cipher-suite properties were derived (iana_tables_test.cpp
// re-derives all of them from the IANA name, so a typo in a row fails):
//
// * kex/auth: the part before "_WITH_". DH_anon and ECDH_anon are recorded as
//   kex "DHE"/"ECDHE" because their server key is ephemeral (RFC 5246
//   §7.4.3, RFC 8422 §2.5), with auth "anon". RSA_PSK authenticates the
//   server with an RSA certificate, so auth "RSA". PSK_DHE (0xC0AA/0xC0AB,
//   RFC 6655's spelling) is DHE_PSK. GOSTR341112_256 is kex/auth "GOST".
// * TLS 1.3 suites (0x1301-0x1307, the RFC 8998 SM4 suites 0x00C6/0x00C7, the
//   RFC 9150 integrity-only suites 0xC0B4/0xC0B5 and the RFC 9367 GOST MGM
//   suites 0xC103-0xC106) negotiate kex and auth separately: "ANY".
// * bits: effective symmetric strength: 3DES 112, DES 56, IDEA/SEED 128,
//   every export cipher (RC4_40, RC2_CBC_40, DES40_CBC, DES_CBC_40) 40, NULL
//   0, GOST ciphers 256 (key size).
// * mode: GCM, CCM, CCM_8, CBC, STREAM (RC4), POLY1305, AEGIS, MGM, CTR and
//   CNT (GOST counter modes), NULL. aead is true for GCM/CCM/CCM_8/POLY1305/
//   AEGIS/MGM, and then mac is "AEAD" (a trailing SHA256/SHA384 names the PRF).
// * forward_secrecy: an ephemeral (EC)DH key exchange: DHE, ECDHE, DHE_PSK,
//   ECDHE_PSK, anon (EC)DH, and every TLS 1.3 suite. RSA, static DH/ECDH,
//   PSK, RSA_PSK, SRP, KRB5, ECCPWD and the TLS 1.2 GOST suites (server key
//   from the certificate, RFC 9189) are false.
// * anonymous: auth "anon" or "NULL". null_cipher: cipher "NULL".
// * The SCSVs 0x00FF (RFC 5746) and 0x5600 (RFC 7507) are signalling values,
//   listed so that a scanner can name them: kex/auth/cipher/mac "NULL", 0 bits.
//
// Group bits are classical security estimates: SEC 2 v2 levels for the
// sect/secp curves, half the field size for Brainpool, GOST, SM2 and
// x25519/x448 (x448: 224), RFC 7919 §A's estimates for ffdhe, NIST category
// equivalents for pure ML-KEM, and the ECDH half's strength for hybrids.
#include "checks/tls/wire/iana_tables.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <unordered_map>

namespace conformscan::wire::tls {
namespace {

// clang-format off
constexpr CipherSuiteInfo kCipherSuites[] = {
#include "checks/tls/wire/cipher_suite_table.inc"
};

constexpr GroupInfo kGroups[] = {
#include "checks/tls/wire/supported_group_table.inc"
};

constexpr SignatureSchemeInfo kSignatureSchemes[] = {
#include "checks/tls/wire/signature_scheme_table.inc"
};

// SSLv2 CIPHER-KIND values (3 bytes).
constexpr Sslv2CipherInfo kSslv2Ciphers[] = {
    {0x010080, "SSL_CK_RC4_128_WITH_MD5", 128, false},
    {0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5", 40, true},
    {0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5", 128, false},
    {0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5", 40, true},
    {0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5", 128, false},
    {0x060040, "SSL_CK_DES_64_CBC_WITH_MD5", 56, false},
    {0x0700C0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5", 112, false},
    {0x080080, "SSL_CK_RC4_64_WITH_MD5", 64, false},
};

// OpenSSL's group names where they differ from IANA's (OpenSSL accepts the
// IANA names too), and the NIST curve names OpenSSL accepts as aliases.
struct GroupAlias {
    std::string_view alias;
    std::uint16_t code;
};
constexpr GroupAlias kGroupAliases[] = {
    {"K-163", 1},      {"B-163", 3},      {"K-233", 6},       {"B-233", 7},
    {"K-283", 9},      {"B-283", 10},     {"K-409", 11},      {"B-409", 12},
    {"K-571", 13},     {"B-571", 14},     {"prime192v1", 19}, {"P-192", 19},
    {"P-224", 21},     {"prime256v1", 23}, {"P-256", 23},     {"P-384", 24},
    {"P-521", 25},     {"X25519", 29},    {"X448", 30},       {"SM2", 41},
};

// OpenSSL's names for the TLS 1.3 Brainpool schemes, and the "SIG+HASH"
// spelling OpenSSL's -sigalgs option accepts for the TLS 1.2 pairs.
struct SignatureAlias {
    std::string_view alias;
    std::uint16_t code;
};
constexpr SignatureAlias kSignatureAliases[] = {
    {"ecdsa_brainpoolP256r1_sha256", 0x081A}, {"ecdsa_brainpoolP384r1_sha384", 0x081B},
    {"ecdsa_brainpoolP512r1_sha512", 0x081C},
    {"RSA+SHA1", 0x0201},   {"RSA+SHA224", 0x0301}, {"RSA+SHA256", 0x0401},
    {"RSA+SHA384", 0x0501}, {"RSA+SHA512", 0x0601},
    {"DSA+SHA1", 0x0202},   {"DSA+SHA224", 0x0302}, {"DSA+SHA256", 0x0402},
    {"DSA+SHA384", 0x0502}, {"DSA+SHA512", 0x0602},
    {"ECDSA+SHA1", 0x0203}, {"ECDSA+SHA224", 0x0303}, {"ECDSA+SHA256", 0x0403},
    {"ECDSA+SHA384", 0x0503}, {"ECDSA+SHA512", 0x0603},
};
// clang-format on

template <typename Row>
constexpr bool strictly_increasing(const Row* first, const Row* last) {
    return std::adjacent_find(first, last, [](const Row& a, const Row& b) { return a.code >= b.code; }) ==
           last;
}
static_assert(strictly_increasing(std::begin(kCipherSuites), std::end(kCipherSuites)),
              "suites must be sorted");
static_assert(strictly_increasing(std::begin(kGroups), std::end(kGroups)), "groups must be sorted");
static_assert(strictly_increasing(std::begin(kSignatureSchemes), std::end(kSignatureSchemes)),
              "schemes sorted");
static_assert(strictly_increasing(std::begin(kSslv2Ciphers), std::end(kSslv2Ciphers)), "SSLv2 kinds sorted");

template <typename Row, typename Code>
const Row* find_by_code(std::span<const Row> rows, Code code) {
    auto it =
        std::lower_bound(rows.begin(), rows.end(), code, [](const Row& r, Code c) { return r.code < c; });
    return it != rows.end() && it->code == code ? &*it : nullptr;
}

template <typename Row>
using NameIndex = std::unordered_map<std::string_view, const Row*>;

const NameIndex<CipherSuiteInfo>& cipher_suite_names() {
    static const NameIndex<CipherSuiteInfo> index = [] {
        NameIndex<CipherSuiteInfo> m;
        for (const auto& s : kCipherSuites) {
            m.emplace(s.name, &s);
        }
        // OpenSSL names second: an IANA name always wins a clash (the TLS 1.3
        // OpenSSL names are the IANA names).
        for (const auto& s : kCipherSuites) {
            if (!s.openssl_name.empty()) {
                m.emplace(s.openssl_name, &s);
            }
        }
        return m;
    }();
    return index;
}

template <typename Row, typename Alias, std::size_t N, std::size_t M>
NameIndex<Row> build_index(const Row (&rows)[N], const Alias (&aliases)[M]) {
    NameIndex<Row> m;
    for (const auto& r : rows) {
        m.emplace(r.name, &r);
    }
    for (const auto& a : aliases) {
        if (const Row* r = find_by_code(std::span<const Row>(rows), a.code)) {
            m.emplace(a.alias, r);
        }
    }
    return m;
}

template <typename Row>
const Row* lookup(const NameIndex<Row>& index, std::string_view name) {
    auto it = index.find(name);
    return it == index.end() ? nullptr : it->second;
}

}  // namespace

std::span<const CipherSuiteInfo> all_cipher_suites() {
    return kCipherSuites;
}

const CipherSuiteInfo* find_cipher_suite(std::uint16_t code) {
    return find_by_code(all_cipher_suites(), code);
}

const CipherSuiteInfo* find_cipher_suite(std::string_view name) {
    return lookup(cipher_suite_names(), name);
}

std::span<const Sslv2CipherInfo> all_sslv2_ciphers() {
    return kSslv2Ciphers;
}

const Sslv2CipherInfo* find_sslv2_cipher(std::uint32_t code) {
    return find_by_code(all_sslv2_ciphers(), code);
}

std::span<const GroupInfo> all_groups() {
    return kGroups;
}

const GroupInfo* find_group(std::uint16_t code) {
    return find_by_code(all_groups(), code);
}

const GroupInfo* find_group(std::string_view name) {
    static const NameIndex<GroupInfo> index = build_index(kGroups, kGroupAliases);
    return lookup(index, name);
}

std::span<const SignatureSchemeInfo> all_signature_schemes() {
    return kSignatureSchemes;
}

const SignatureSchemeInfo* find_signature_scheme(std::uint16_t code) {
    return find_by_code(all_signature_schemes(), code);
}

const SignatureSchemeInfo* find_signature_scheme(std::string_view name) {
    static const NameIndex<SignatureSchemeInfo> index = build_index(kSignatureSchemes, kSignatureAliases);
    return lookup(index, name);
}

}  // namespace conformscan::wire::tls
