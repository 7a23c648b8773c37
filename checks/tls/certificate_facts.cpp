#include "checks/tls/certificate_facts.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <ctime>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include "checks/tls/openssl_ptr.hpp"
#include "scanner/core/byte_reader.hpp"
#include "scanner/core/time.hpp"

namespace conformscan::checks::tls {

namespace {

std::span<const std::uint8_t> asn1_bytes(const ASN1_STRING* s) {
    if (s == nullptr || ASN1_STRING_length(s) <= 0) return {};
    return {ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s))};
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    return len > 0 && data != nullptr ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

// EVP_PKEY_* identifiers are the NIDs of the key algorithms, so one mapping
// serves both the key and the signature's key type.
std::string key_type_name(int nid) {
    switch (nid) {
        case EVP_PKEY_RSA:
            return "RSA";
        case EVP_PKEY_RSA_PSS:
            return "RSA-PSS";
        case EVP_PKEY_EC:
            return "EC";
        case EVP_PKEY_DSA:
            return "DSA";
        case EVP_PKEY_ED25519:
            return "Ed25519";
        case EVP_PKEY_ED448:
            return "Ed448";
        case NID_undef:
            return "";
        default: {
            const char* sn = OBJ_nid2sn(nid);
            return sn != nullptr ? sn : "";
        }
    }
}

std::string iso_time(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return "";
    return core::format_time(core::TimePoint{std::chrono::seconds{timegm(&tm)}});
}

std::string serial_hex(const X509* cert) {
    BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    if (!bn) return "";
    OpenSslString hex(BN_bn2hex(bn.get()));
    return hex ? lower(hex.get()) : "";
}

PublicKeyFacts key_facts(const X509* cert) {
    PublicKeyFacts key;
    const EVP_PKEY* pkey = X509_get0_pubkey(cert);
    if (pkey == nullptr) {
        // A key type this OpenSSL cannot load (GOST, a PQC OID): name its OID.
        ASN1_OBJECT* oid = nullptr;
        if (X509_PUBKEY_get0_param(&oid, nullptr, nullptr, nullptr, X509_get_X509_PUBKEY(cert)) == 1 &&
            oid != nullptr) {
            char buf[128];
            if (OBJ_obj2txt(buf, sizeof buf, oid, 0) > 0) key.type = buf;
        }
        ERR_clear_error();
        return key;
    }
    key.type = key_type_name(EVP_PKEY_get_base_id(pkey));
    if (key.type.empty()) {
        const char* name = EVP_PKEY_get0_type_name(pkey);
        key.type = name != nullptr ? name : "unknown";
    }
    key.bits = EVP_PKEY_get_bits(pkey);
    if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_EC) {
        char group[80];
        std::size_t len = 0;
        if (EVP_PKEY_get_group_name(pkey, group, sizeof group, &len) == 1) key.curve.assign(group, len);
    }
    return key;
}

SignatureFacts signature_facts(X509* cert) {
    SignatureFacts sig;
    const int sig_nid = X509_get_signature_nid(cert);
    if (sig_nid != NID_undef) {
        sig.algorithm = OBJ_nid2ln(sig_nid);
    } else {
        const X509_ALGOR* alg = nullptr;
        X509_get0_signature(nullptr, &alg, cert);
        const ASN1_OBJECT* oid = nullptr;
        if (alg != nullptr) X509_ALGOR_get0(&oid, nullptr, nullptr, alg);
        char buf[128];
        if (oid != nullptr && OBJ_obj2txt(buf, sizeof buf, oid, 1) > 0) sig.algorithm = buf;
    }
    int md_nid = NID_undef;
    int pk_nid = NID_undef;
    int secbits = 0;
    std::uint32_t flags = 0;
    // X509_get_signature_info also reads the hash out of RSA-PSS parameters,
    // which the OID alone does not name.
    if (X509_get_signature_info(cert, &md_nid, &pk_nid, &secbits, &flags) != 1)
        OBJ_find_sigid_algs(sig_nid, &md_nid, &pk_nid);
    ERR_clear_error();
    if (md_nid != NID_undef) {
        const char* sn = OBJ_nid2sn(md_nid);
        if (sn != nullptr) sig.hash = lower(sn);
    }
    sig.key_type = key_type_name(pk_nid);
    return sig;
}

void read_subject_alt_names(const X509* cert, CertificateFacts& out) {
    GeneralNamesPtr names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    if (!names) return;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
        if (gn->type == GEN_DNS) {
            const auto bytes = asn1_bytes(gn->d.dNSName);
            out.san_dns.push_back(safe_text({reinterpret_cast<const char*>(bytes.data()), bytes.size()}));
        } else if (gn->type == GEN_IPADD) {
            const auto bytes = asn1_bytes(gn->d.iPAddress);
            char text[INET6_ADDRSTRLEN] = {};
            const int family = bytes.size() == 4 ? AF_INET : bytes.size() == 16 ? AF_INET6 : 0;
            if (family != 0 && inet_ntop(family, bytes.data(), text, sizeof text) != nullptr)
                out.san_ip.emplace_back(text);
            else
                out.san_ip.push_back(
                    core::to_hex(bytes));  // RFC 5280 §4.2.1.6: 4 or 16 octets; say what it was
        }
    }
}

// The last CN is the most specific one (RFC 6125 §6.4.4 leaves the choice to
// the client; OpenSSL and browsers that still fall back use it).
std::string common_name(const X509* cert) {
    const X509_NAME* subject = X509_get_subject_name(cert);
    int index = -1;
    for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(subject, NID_commonName, i))
        index = i;
    if (index < 0) return "";
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, value);
    if (len < 0) {
        ERR_clear_error();
        const auto raw = asn1_bytes(value);
        return core::escape_bytes(raw);
    }
    OpenSslString owned(reinterpret_cast<char*>(utf8));
    return safe_text({owned.get(), static_cast<std::size_t>(len)});
}

bool is_self_signed(X509* cert) {
    EVP_PKEY* own_key = X509_get0_pubkey(cert);
    const bool result =
        X509_check_issued(cert, cert) == X509_V_OK && own_key != nullptr && X509_verify(cert, own_key) == 1;
    ERR_clear_error();
    return result;
}

std::string sha256_fingerprint(const X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return "";
    return core::to_hex({md, len});
}

std::string pem_text(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return "";
    return bio_text(bio.get());
}

// Length of the UTF-8 sequence at s[i], or 0 when it is a control character
// or not strict UTF-8 (RFC 3629 §4: no overlong forms, no surrogates, nothing
// past U+10FFFF), as the JSON writer checks.
std::size_t clean_utf8_length(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    if (c < 0x20 || c == 0x7f) return 0;
    if (c < 0x80) return 1;
    std::size_t extra = 0;
    unsigned char lo = 0x80;  // the allowed range of the second byte
    unsigned char hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        extra = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
        extra = 2;
        if (c == 0xe0) lo = 0xa0;  // overlong
        if (c == 0xed) hi = 0x9f;  // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
        extra = 3;
        if (c == 0xf0) lo = 0x90;  // overlong
        if (c == 0xf4) hi = 0x8f;  // past U+10FFFF
    } else {
        return 0;
    }
    if (i + extra >= s.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k <= extra; ++k)
        if ((byte(i + k) & 0xc0) != 0x80) return 0;
    return extra + 1;
}

}  // namespace

std::string safe_text(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = clean_utf8_length(s, i);
        if (n == 0) return core::escape_bytes({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
        i += n;
    }
    return std::string(s);
}

std::string name_text(const X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || name == nullptr) return "";
    // XN_FLAG_RFC2253 escapes bytes with the high bit set, so the text is ASCII.
    if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) return "";
    return safe_text(bio_text(bio.get()));
}

CertificateFacts certificate_facts(X509* cert) {
    CertificateFacts c;
    c.subject = name_text(X509_get_subject_name(cert));
    c.issuer = name_text(X509_get_issuer_name(cert));
    c.serial = serial_hex(cert);
    c.not_before = iso_time(X509_get0_notBefore(cert));
    c.not_after = iso_time(X509_get0_notAfter(cert));
    c.version = static_cast<int>(X509_get_version(cert)) + 1;
    c.key = key_facts(cert);
    c.signature = signature_facts(cert);
    read_subject_alt_names(cert, c);
    c.common_name = common_name(cert);
    c.self_signed = is_self_signed(cert);
    // EXFLAG_CA is set from basicConstraints cA alone (X509_check_ca would
    // also count v1 roots and keyUsage keyCertSign).
    c.is_ca = (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
    c.sha256 = sha256_fingerprint(cert);
    c.pem = pem_text(cert);
    return c;
}

}  // namespace conformscan::checks::tls
