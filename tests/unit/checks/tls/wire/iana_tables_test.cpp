#include "checks/tls/wire/iana_tables.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include <gtest/gtest.h>

namespace conformscan::wire::tls {
namespace {

// ---- an independent reading of IANA cipher-suite names ---------------------
// The table rows are hand-kept; this parser derives what a name says so that a
// typo in any column of any row fails a test. It follows the rules written in
// iana_tables.cpp's header.

struct Expected {
    std::string kex, auth, cipher, mode, mac;
    int bits = -1;
    bool export_grade = false;
    bool tls13 = false;
};

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::pair<std::string, std::string> kex_auth(std::string_view part) {
    // clang-format off
    static const std::pair<std::string_view, std::pair<std::string_view, std::string_view>> kTable[] = {
        {"NULL", {"NULL", "NULL"}},          {"RSA", {"RSA", "RSA"}},
        {"DH_DSS", {"DH", "DSS"}},           {"DH_RSA", {"DH", "RSA"}},
        {"DHE_DSS", {"DHE", "DSS"}},         {"DHE_RSA", {"DHE", "RSA"}},
        {"DH_anon", {"DHE", "anon"}},        {"ECDH_anon", {"ECDHE", "anon"}},
        {"ECDH_ECDSA", {"ECDH", "ECDSA"}},   {"ECDHE_ECDSA", {"ECDHE", "ECDSA"}},
        {"ECDH_RSA", {"ECDH", "RSA"}},       {"ECDHE_RSA", {"ECDHE", "RSA"}},
        {"KRB5", {"KRB5", "KRB5"}},          {"PSK", {"PSK", "PSK"}},
        {"DHE_PSK", {"DHE_PSK", "PSK"}},     {"PSK_DHE", {"DHE_PSK", "PSK"}},
        {"ECDHE_PSK", {"ECDHE_PSK", "PSK"}}, {"RSA_PSK", {"RSA_PSK", "RSA"}},
        {"SRP_SHA", {"SRP", "SRP"}},         {"SRP_SHA_RSA", {"SRP", "RSA"}},
        {"SRP_SHA_DSS", {"SRP", "DSS"}},     {"ECCPWD", {"ECCPWD", "ECCPWD"}},
        {"GOSTR341112_256", {"GOST", "GOST"}},
    };
    // clang-format on
    for (const auto& [name, ka] : kTable) {
        if (name == part) {
            return {std::string(ka.first), std::string(ka.second)};
        }
    }
    return {"?" + std::string(part), "?"};
}

// Cipher token (as spelled in IANA names) -> bits and mode.
bool cipher_facts(std::string_view cipher, int& bits, std::string& mode) {
    if (cipher == "NULL") {
        bits = 0;
        mode = "NULL";
        return true;
    }
    if (cipher == "3DES_EDE_CBC") {
        bits = 112;
        mode = "CBC";
        return true;
    }
    if (cipher == "DES_CBC") {
        bits = 56;
        mode = "CBC";
        return true;
    }
    if (cipher == "DES40_CBC" || cipher == "DES_CBC_40" || cipher == "RC2_CBC_40") {
        bits = 40;
        mode = "CBC";
        return true;
    }
    if (cipher == "RC4_40" || cipher == "RC4_128") {
        bits = cipher == "RC4_40" ? 40 : 128;
        mode = "STREAM";
        return true;
    }
    if (cipher == "IDEA_CBC" || cipher == "SEED_CBC") {
        bits = 128;
        mode = "CBC";
        return true;
    }
    if (cipher == "CHACHA20_POLY1305") {
        bits = 256;
        mode = "POLY1305";
        return true;
    }
    if (cipher == "AEGIS_256" || cipher == "AEGIS_128L") {
        bits = cipher == "AEGIS_256" ? 256 : 128;
        mode = "AEGIS";
        return true;
    }
    if (cipher == "SM4_GCM" || cipher == "SM4_CCM") {
        bits = 128;
        mode = cipher.substr(4);
        return true;
    }
    // GOST: Kuznyechik, Magma and GOST 28147-89 all take 256-bit keys.
    if (cipher.starts_with("KUZNYECHIK_") || cipher.starts_with("MAGMA_") || cipher.starts_with("28147_")) {
        bits = 256;
        mode = std::string(cipher.substr(cipher.find('_') + 1));
        if (mode.starts_with("MGM")) {
            mode = "MGM";
        }
        return true;
    }
    // FAMILY_KEYBITS_MODE with FAMILY in AES, CAMELLIA, ARIA.
    for (std::string_view family : {"AES_", "CAMELLIA_", "ARIA_"}) {
        if (cipher.starts_with(family)) {
            std::string_view rest = cipher.substr(family.size());
            if (rest.starts_with("128_")) {
                bits = 128;
            } else if (rest.starts_with("256_")) {
                bits = 256;
            } else {
                return false;
            }
            mode = std::string(rest.substr(4));
            return mode == "CBC" || mode == "GCM" || mode == "CCM" || mode == "CCM_8";
        }
    }
    return false;
}

bool is_aead_mode(std::string_view mode) {
    return mode == "GCM" || mode == "CCM" || mode == "CCM_8" || mode == "POLY1305" || mode == "AEGIS" ||
           mode == "MGM";
}

Expected parse_iana_name(std::string_view name) {
    Expected e;
    if (!name.starts_with("TLS_")) {
        e.kex = "?not TLS_";
        return e;
    }
    std::string_view n = name.substr(4);
    if (ends_with(n, "_SCSV")) {
        e = {"NULL", "NULL", "NULL", "NULL", "NULL", 0, false, false};
        return e;
    }
    std::string_view bulk;  // cipher[_MAC]
    if (auto with = n.find("_WITH_"); with != std::string_view::npos) {
        std::string kexpart(n.substr(0, with));
        if (auto ex = kexpart.find("_EXPORT"); ex != std::string::npos) {
            e.export_grade = true;
            kexpart.erase(ex, 7);
        }
        std::tie(e.kex, e.auth) = kex_auth(kexpart);
        bulk = n.substr(with + 6);
    } else {
        e.tls13 = true;
        bulk = n;
    }
    // Split off a trailing MAC/PRF token.
    std::string mac_token;
    for (std::string_view m : {"_SHA384", "_SHA256", "_SHA", "_MD5", "_SM3", "_OMAC", "_IMIT"}) {
        if (ends_with(bulk, m)) {
            mac_token = std::string(m.substr(1));
            bulk.remove_suffix(m.size());
            break;
        }
    }
    if (e.kex == "NULL" && bulk == "NULL_NULL") {  // TLS_NULL_WITH_NULL_NULL
        bulk = "NULL";
        mac_token = "NULL";
    }
    if (e.tls13 && (bulk == "SHA256" || bulk == "SHA384")) {  // RFC 9150 integrity-only
        e.cipher = "NULL";
        bulk = "NULL";
    }
    e.cipher = std::string(bulk);
    if (!cipher_facts(bulk, e.bits, e.mode)) {
        e.cipher = "?" + e.cipher;
    }
    if (e.mode == "MGM") {
        e.tls13 = true;  // RFC 9367: the GOST MGM suites are TLS 1.3 suites
    }
    if (e.tls13) {
        e.kex = "ANY";
        e.auth = "ANY";
    }
    e.mac = is_aead_mode(e.mode) ? "AEAD" : mac_token;
    return e;
}

bool expect_forward_secrecy(const CipherSuiteInfo& s) {
    return s.kex == "DHE" || s.kex == "ECDHE" || s.kex == "DHE_PSK" || s.kex == "ECDHE_PSK" || s.kex == "ANY";
}

// ---- table shape ------------------------------------------------------------

template <typename Row>
void expect_sorted_unique_codes(std::span<const Row> rows) {
    for (std::size_t i = 1; i < rows.size(); ++i) {
        EXPECT_LT(rows[i - 1].code, rows[i].code) << rows[i - 1].name << " / " << rows[i].name;
    }
}

template <typename Row>
void expect_unique_names(std::span<const Row> rows) {
    std::set<std::string_view> seen;
    for (const auto& r : rows) {
        EXPECT_FALSE(r.name.empty());
        EXPECT_TRUE(seen.insert(r.name).second) << "duplicate name " << r.name;
    }
}

TEST(IanaTables, CodesAreSortedAndUnique) {
    expect_sorted_unique_codes(all_cipher_suites());
    expect_sorted_unique_codes(all_groups());
    expect_sorted_unique_codes(all_signature_schemes());
    expect_sorted_unique_codes(all_sslv2_ciphers());
}

TEST(IanaTables, NamesAreUnique) {
    expect_unique_names(all_cipher_suites());
    expect_unique_names(all_groups());
    expect_unique_names(all_signature_schemes());
    expect_unique_names(all_sslv2_ciphers());
}

TEST(IanaTables, OpenSslNamesAreUniqueAndNeverAnotherSuitesIanaName) {
    std::set<std::string_view> seen;
    for (const auto& s : all_cipher_suites()) {
        if (s.openssl_name.empty()) {
            continue;
        }
        EXPECT_TRUE(seen.insert(s.openssl_name).second) << "duplicate OpenSSL name " << s.openssl_name;
        const CipherSuiteInfo* by_name = find_cipher_suite(s.openssl_name);
        ASSERT_NE(by_name, nullptr) << s.openssl_name;
        EXPECT_EQ(by_name->code, s.code) << s.openssl_name;
    }
}

TEST(IanaTables, Counts) {
    EXPECT_GE(all_cipher_suites().size(), 330u);
    EXPECT_EQ(all_sslv2_ciphers().size(), 8u);
    EXPECT_GE(all_groups().size(), 50u);
    EXPECT_GE(all_signature_schemes().size(), 40u);
}

TEST(IanaTables, NoReservedOrGreaseValues) {
    for (const auto& s : all_cipher_suites()) {
        // RFC 8701 GREASE: 0x?A?A; 0xFF00-0xFFFF is private use.
        const bool grease = (s.code & 0x0F0F) == 0x0A0A && (s.code >> 8) == (s.code & 0xFF);
        EXPECT_FALSE(grease) << s.name;
        EXPECT_LT(s.code, 0xFF00) << s.name;
        EXPECT_NE(s.name.find("Reserved"), 0u) << s.name;
    }
    for (const auto& g : all_groups()) {
        const bool grease = (g.code & 0x0F0F) == 0x0A0A && (g.code >> 8) == (g.code & 0xFF);
        EXPECT_FALSE(grease) << g.name;
    }
}

// ---- every row agrees with its name -------------------------------------------

TEST(IanaTables, EverySuitesPropertiesFollowFromItsName) {
    for (const auto& s : all_cipher_suites()) {
        SCOPED_TRACE(std::string(s.name));
        const Expected e = parse_iana_name(s.name);
        EXPECT_EQ(s.kex, e.kex);
        EXPECT_EQ(s.auth, e.auth);
        EXPECT_EQ(s.cipher, e.cipher);
        EXPECT_EQ(s.bits, e.bits);
        EXPECT_EQ(s.mode, e.mode);
        EXPECT_EQ(s.mac, e.mac);
        EXPECT_EQ(s.export_grade, e.export_grade);
        EXPECT_EQ(s.tls13, e.tls13);
        EXPECT_EQ(s.aead, is_aead_mode(s.mode));
        EXPECT_EQ(s.null_cipher, s.cipher == "NULL");
        EXPECT_EQ(s.anonymous, s.auth == "anon" || s.auth == "NULL");
        EXPECT_EQ(s.forward_secrecy, expect_forward_secrecy(s));
        EXPECT_TRUE(s.recommended == 'Y' || s.recommended == 'N' || s.recommended == 'D');
        if (s.recommended == 'Y') {
            EXPECT_TRUE(s.aead && s.forward_secrecy) << "IANA recommends only AEAD suites with (EC)DHE";
        }
        if (s.export_grade) {
            EXPECT_EQ(s.bits, 40);
        }
    }
}

TEST(IanaTables, TheParserRejectsWhatItDoesNotKnow) {
    // The parser must not silently accept a mistyped name.
    EXPECT_EQ(parse_iana_name("TLS_RSA_WITH_AES_129_CBC_SHA").cipher[0], '?');
    EXPECT_EQ(parse_iana_name("TLS_RSAX_WITH_AES_128_CBC_SHA").kex[0], '?');
    EXPECT_EQ(parse_iana_name("SSL_RSA_WITH_NULL_MD5").kex[0], '?');
}

// ---- spot checks ------------------------------------------------------------

TEST(IanaTables, EcdheRsaAes128Gcm) {
    const CipherSuiteInfo* s = find_cipher_suite(std::uint16_t{0xC02F});
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    EXPECT_EQ(s->openssl_name, "ECDHE-RSA-AES128-GCM-SHA256");
    EXPECT_EQ(s->kex, "ECDHE");
    EXPECT_EQ(s->auth, "RSA");
    EXPECT_EQ(s->cipher, "AES_128_GCM");
    EXPECT_EQ(s->bits, 128);
    EXPECT_EQ(s->mode, "GCM");
    EXPECT_EQ(s->mac, "AEAD");
    EXPECT_TRUE(s->aead);
    EXPECT_TRUE(s->forward_secrecy);
    EXPECT_EQ(s->recommended, 'Y');
    EXPECT_FALSE(s->tls13);
}

TEST(IanaTables, Rsa3Des) {
    const CipherSuiteInfo* s = find_cipher_suite(std::uint16_t{0x000A});
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->name, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
    EXPECT_EQ(s->openssl_name, "DES-CBC3-SHA");
    EXPECT_EQ(s->cipher, "3DES_EDE_CBC");
    EXPECT_EQ(s->bits, 112);
    EXPECT_EQ(s->mode, "CBC");
    EXPECT_EQ(s->mac, "SHA");
    EXPECT_FALSE(s->aead);
    EXPECT_FALSE(s->forward_secrecy);
    EXPECT_EQ(s->recommended, 'N');
}

TEST(IanaTables, ExportSuite) {
    const CipherSuiteInfo* s = find_cipher_suite(std::uint16_t{0x0003});
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->name, "TLS_RSA_EXPORT_WITH_RC4_40_MD5");
    EXPECT_EQ(s->openssl_name, "EXP-RC4-MD5");
    EXPECT_TRUE(s->export_grade);
    EXPECT_EQ(s->bits, 40);
    EXPECT_EQ(s->mode, "STREAM");
    EXPECT_EQ(s->mac, "MD5");
}

TEST(IanaTables, AnonymousDh) {
    const CipherSuiteInfo* s = find_cipher_suite(std::uint16_t{0x0018});
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->name, "TLS_DH_anon_WITH_RC4_128_MD5");
    EXPECT_EQ(s->openssl_name, "ADH-RC4-MD5");
    EXPECT_TRUE(s->anonymous);
    EXPECT_EQ(s->auth, "anon");
    EXPECT_EQ(s->bits, 128);
}

TEST(IanaTables, Tls13ChaCha) {
    const CipherSuiteInfo* s = find_cipher_suite(std::uint16_t{0x1303});
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->name, "TLS_CHACHA20_POLY1305_SHA256");
    EXPECT_TRUE(s->tls13);
    EXPECT_EQ(s->kex, "ANY");
    EXPECT_EQ(s->auth, "ANY");
    EXPECT_TRUE(s->forward_secrecy);
    EXPECT_TRUE(s->aead);
    EXPECT_EQ(s->bits, 256);
    EXPECT_EQ(s->recommended, 'Y');
    for (std::uint16_t code = 0x1301; code <= 0x1305; ++code) {
        const CipherSuiteInfo* t = find_cipher_suite(code);
        ASSERT_NE(t, nullptr) << code;
        EXPECT_TRUE(t->tls13);
        EXPECT_EQ(t->openssl_name, t->name);
    }
}

TEST(IanaTables, NullNull) {
    const CipherSuiteInfo* s = find_cipher_suite(std::uint16_t{0x0000});
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->name, "TLS_NULL_WITH_NULL_NULL");
    EXPECT_TRUE(s->null_cipher);
    EXPECT_TRUE(s->anonymous);
    EXPECT_EQ(s->bits, 0);
    EXPECT_EQ(s->mac, "NULL");
}

TEST(IanaTables, SignallingValues) {
    for (std::uint16_t code : {std::uint16_t{0x00FF}, std::uint16_t{0x5600}}) {
        const CipherSuiteInfo* s = find_cipher_suite(code);
        ASSERT_NE(s, nullptr) << code;
        EXPECT_TRUE(s->name.ends_with("_SCSV"));
        EXPECT_EQ(s->kex, "NULL");
        EXPECT_EQ(s->bits, 0);
        EXPECT_EQ(s->openssl_name, "");
    }
}

TEST(IanaTables, DiscouragedPerRfc9847) {
    for (std::uint16_t code : {0x002C, 0x008A, 0xC011, 0xC0B4, 0xC0B5, 0x002B}) {
        const CipherSuiteInfo* s = find_cipher_suite(code);
        ASSERT_NE(s, nullptr) << code;
        EXPECT_EQ(s->recommended, 'D') << s->name;
    }
    std::size_t discouraged = 0;
    for (const auto& s : all_cipher_suites()) {
        discouraged += s.recommended == 'D' ? 1 : 0;
    }
    EXPECT_EQ(discouraged, 26u);  // RFC 9847 Table 2
}

TEST(IanaTables, UnassignedCodesAreNotFound) {
    EXPECT_EQ(find_cipher_suite(std::uint16_t{0x001C}), nullptr);  // reserved (SSLv3 Fortezza)
    EXPECT_EQ(find_cipher_suite(std::uint16_t{0x0062}), nullptr);  // never registered EXPORT1024
    EXPECT_EQ(find_cipher_suite(std::uint16_t{0x0A0A}), nullptr);  // GREASE
    EXPECT_EQ(find_cipher_suite(std::uint16_t{0xD004}), nullptr);
    EXPECT_EQ(find_cipher_suite(std::uint16_t{0xFFFF}), nullptr);
}

TEST(IanaTables, FindSuiteByEitherName) {
    const CipherSuiteInfo* a = find_cipher_suite("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    const CipherSuiteInfo* b = find_cipher_suite("ECDHE-ECDSA-CHACHA20-POLY1305");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a, b);
    EXPECT_EQ(a->code, 0xCCA9);
    EXPECT_EQ(find_cipher_suite("DHE-RSA-DES-CBC3-SHA")->code, 0x0016);
    EXPECT_EQ(find_cipher_suite("TLS_AES_256_GCM_SHA384")->code, 0x1302);
    EXPECT_EQ(find_cipher_suite("tls_ecdhe_rsa_with_aes_128_gcm_sha256"), nullptr);  // case-sensitive
    EXPECT_EQ(find_cipher_suite(""), nullptr);
    EXPECT_EQ(find_cipher_suite("EXP1024-DES-CBC-SHA"), nullptr);
}

// ---- SSLv2, groups, signature schemes ----------------------------------------

TEST(IanaTables, Sslv2Kinds) {
    const Sslv2CipherInfo* rc4 = find_sslv2_cipher(0x010080);
    ASSERT_NE(rc4, nullptr);
    EXPECT_EQ(rc4->name, "SSL_CK_RC4_128_WITH_MD5");
    EXPECT_EQ(rc4->bits, 128);
    EXPECT_FALSE(rc4->export_grade);
    const Sslv2CipherInfo* exp = find_sslv2_cipher(0x040080);
    ASSERT_NE(exp, nullptr);
    EXPECT_EQ(exp->name, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5");
    EXPECT_EQ(exp->bits, 40);
    EXPECT_TRUE(exp->export_grade);
    EXPECT_EQ(find_sslv2_cipher(0x060040)->bits, 56);
    EXPECT_EQ(find_sslv2_cipher(0x0700C0)->bits, 112);
    EXPECT_EQ(find_sslv2_cipher(0x000000), nullptr);
    for (const auto& c : all_sslv2_ciphers()) {
        EXPECT_EQ(c.export_grade, c.name.find("EXPORT40") != std::string_view::npos) << c.name;
        EXPECT_LE(c.code, 0xFFFFFFu);
    }
}

TEST(IanaTables, GroupsByCode) {
    EXPECT_EQ(find_group(std::uint16_t{23})->name, "secp256r1");
    EXPECT_EQ(find_group(std::uint16_t{23})->bits, 128);
    EXPECT_EQ(find_group(std::uint16_t{24})->bits, 192);
    EXPECT_EQ(find_group(std::uint16_t{25})->bits, 256);
    EXPECT_EQ(find_group(std::uint16_t{29})->name, "x25519");
    EXPECT_EQ(find_group(std::uint16_t{30})->bits, 224);
    EXPECT_EQ(find_group(std::uint16_t{1})->bits, 80);
    EXPECT_EQ(find_group(std::uint16_t{1})->recommended, 'D');
    EXPECT_EQ(find_group(std::uint16_t{256})->name, "ffdhe2048");
    EXPECT_EQ(find_group(std::uint16_t{256})->kind, "ffdhe");
    EXPECT_EQ(find_group(std::uint16_t{256})->bits, 103);
    EXPECT_EQ(find_group(std::uint16_t{260})->bits, 192);
    EXPECT_EQ(find_group(std::uint16_t{0x11EC})->name, "X25519MLKEM768");
    EXPECT_EQ(find_group(std::uint16_t{0x11EC})->kind, "hybrid_pq");
    EXPECT_EQ(find_group(std::uint16_t{0x11EB})->name, "SecP256r1MLKEM768");
    EXPECT_EQ(find_group(std::uint16_t{0x11ED})->name, "SecP384r1MLKEM1024");
    EXPECT_EQ(find_group(std::uint16_t{0x0201})->name, "MLKEM768");
    EXPECT_EQ(find_group(std::uint16_t{0x0201})->kind, "pq");
    EXPECT_EQ(find_group(std::uint16_t{34})->kind, "gost");
    EXPECT_EQ(find_group(std::uint16_t{0x0A0A}), nullptr);  // GREASE
    EXPECT_EQ(find_group(std::uint16_t{42}), nullptr);
}

TEST(IanaTables, GroupsByIanaAndOpenSslNames) {
    for (std::string_view name : {"secp256r1", "prime256v1", "P-256"}) {
        const GroupInfo* g = find_group(name);
        ASSERT_NE(g, nullptr) << name;
        EXPECT_EQ(g->code, 23) << name;
    }
    EXPECT_EQ(find_group("X25519")->code, 29);
    EXPECT_EQ(find_group("x25519")->code, 29);
    EXPECT_EQ(find_group("X448")->code, 30);
    EXPECT_EQ(find_group("P-384")->code, 24);
    EXPECT_EQ(find_group("P-521")->code, 25);
    EXPECT_EQ(find_group("brainpoolP256r1tls13")->code, 31);
    EXPECT_EQ(find_group("ffdhe4096")->code, 258);
    EXPECT_EQ(find_group("X25519MLKEM768")->code, 0x11EC);
    EXPECT_EQ(find_group("prime256v2"), nullptr);
    for (const auto& g : all_groups()) {
        EXPECT_EQ(find_group(g.name), &g) << g.name;
        EXPECT_TRUE(g.kind == "ecdhe" || g.kind == "ffdhe" || g.kind == "hybrid_pq" || g.kind == "pq" ||
                    g.kind == "gost")
            << g.name;
        EXPECT_TRUE(g.recommended == 'Y' || g.recommended == 'N' || g.recommended == 'D') << g.name;
    }
}

TEST(IanaTables, SignatureSchemes) {
    const SignatureSchemeInfo* pss = find_signature_scheme(std::uint16_t{0x0804});
    ASSERT_NE(pss, nullptr);
    EXPECT_EQ(pss->name, "rsa_pss_rsae_sha256");
    EXPECT_EQ(pss->signature, "rsa_pss");
    EXPECT_EQ(pss->hash, "sha256");
    EXPECT_EQ(pss->recommended, 'Y');
    EXPECT_EQ(find_signature_scheme(std::uint16_t{0x0201})->name, "rsa_pkcs1_sha1");
    EXPECT_EQ(find_signature_scheme(std::uint16_t{0x0203})->name, "ecdsa_sha1");
    EXPECT_EQ(find_signature_scheme(std::uint16_t{0x0101})->hash, "md5");
    EXPECT_EQ(find_signature_scheme(std::uint16_t{0x0303})->hash, "sha224");
    EXPECT_EQ(find_signature_scheme(std::uint16_t{0x0807})->hash, "intrinsic");
    EXPECT_EQ(find_signature_scheme(std::uint16_t{0x0905})->name, "mldsa65");
    EXPECT_EQ(find_signature_scheme(std::uint16_t{0x081A})->name, "ecdsa_brainpoolP256r1tls13_sha256");
    EXPECT_EQ(find_signature_scheme(std::uint16_t{0x0000}), nullptr);

    EXPECT_EQ(find_signature_scheme("ed25519")->code, 0x0807);
    EXPECT_EQ(find_signature_scheme("ecdsa_secp384r1_sha384")->code, 0x0503);
    EXPECT_EQ(find_signature_scheme("ecdsa_brainpoolP384r1_sha384")->code, 0x081B);  // OpenSSL's name
    EXPECT_EQ(find_signature_scheme("RSA+SHA256")->code, 0x0401);                    // OpenSSL's SIG+HASH
    EXPECT_EQ(find_signature_scheme("ECDSA+SHA1")->code, 0x0203);
    EXPECT_EQ(find_signature_scheme("RSA_PSS_RSAE_SHA256"), nullptr);
    for (const auto& s : all_signature_schemes()) {
        EXPECT_EQ(find_signature_scheme(s.name), &s) << s.name;
        // The name carries the hash, except for intrinsic and GOST/SM schemes.
        if (s.hash != "intrinsic" && s.hash.starts_with("sha")) {
            EXPECT_NE(s.name.find(s.hash), std::string_view::npos) << s.name;
        }
        if (s.hash == "md5" || s.hash == "sha224") {
            EXPECT_EQ(s.recommended, 'D') << s.name;
        }
    }
}

}  // namespace
}  // namespace conformscan::wire::tls
