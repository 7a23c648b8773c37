// Facts of the `tls` probe (first version: one handshake through OpenSSL).
// The wire-level engine adds versions, suites, groups, behaviours and
// vulnerabilities as further members; existing members keep their meaning.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::checks::tls {

struct PublicKeyFacts {
    std::string type;   // "RSA", "EC", "DSA", "Ed25519", "Ed448", "RSA-PSS", ...
    int bits = 0;       // modulus bits for RSA/DSA, field bits for EC
    std::string curve;  // OpenSSL short name for EC ("prime256v1", "secp384r1"), else empty
};

struct SignatureFacts {
    std::string algorithm;  // OpenSSL long name, e.g. "sha256WithRSAEncryption"
    std::string hash;       // "sha256", "sha1", "md5", ... ("" when intrinsic, e.g. Ed25519)
    std::string key_type;   // "RSA", "EC", "RSA-PSS", "DSA", "Ed25519"
};

struct CertificateFacts {
    std::string subject;      // RFC 2253 form
    std::string issuer;
    std::string serial;       // hex
    std::string not_before;   // ISO 8601 UTC, e.g. "2026-01-01T00:00:00Z"
    std::string not_after;
    int version = 3;
    PublicKeyFacts key;
    SignatureFacts signature;
    std::vector<std::string> san_dns;
    std::vector<std::string> san_ip;
    std::string common_name;  // subject CN (only consulted when a profile allows the fallback)
    bool self_signed = false;  // subject == issuer and the signature verifies with its own key
    bool is_ca = false;        // basicConstraints cA
    std::string sha256;        // fingerprint of the DER, hex
    std::string pem;
};

// A chain verification problem, as OpenSSL reports it at a depth of the chain.
struct VerifyIssue {
    int depth = 0;
    int code = 0;
    std::string reason;  // X509_verify_cert_error_string
};

// A Signed Certificate Timestamp (RFC 6962 §3.2); its log signature is not verified.
struct SctFacts {
    std::string source;     // "tls_extension" | "ocsp" | "certificate"
    std::string log_id;     // hex of the 32-byte LogID (SHA-256 of the log's key)
    std::string timestamp;  // ISO 8601 UTC
    int version = 1;        // 1 for v1; 0 when unknown
};

struct TlsFacts {
    std::string sni;                 // the server name sent ("" when none)
    std::string version;             // negotiated: "TLSv1.3", "TLSv1.2", ...
    std::string cipher;              // negotiated suite, IANA name where OpenSSL knows it
    std::string cipher_openssl;      // OpenSSL's name for it
    std::string alpn;
    double handshake_ms = 0;
    std::vector<CertificateFacts> chain;  // exactly as presented, leaf first
    // Chain building against the trust store, done with time checks and
    // security-level checks off, so that trust, validity dates and key/hash
    // strength are separate facts judged by separate rules.
    struct Verification {
        std::string trust_store;        // the --ca-file path, or "system"
        bool trusted = false;           // a path to a trust anchor was built
        std::vector<VerifyIssue> issues;  // every problem OpenSSL found, not just the first
        std::vector<std::string> verified_chain;  // subjects of the built path, leaf to anchor
    } verification;
    bool ocsp_stapled = false;
    std::string ocsp_status;  // "good" | "revoked" | "unknown" | "unparsed" | "" when none stapled
    // The staple's SingleResponse for the leaf (RFC 6960 §4.2.1), ISO 8601 UTC.
    std::string ocsp_this_update;
    std::string ocsp_next_update;      // "" when the responder gave none
    std::string ocsp_revocation_time;  // "" unless revoked
    bool ocsp_for_leaf = false;        // a SingleResponse names the leaf (with the presented issuer)
    bool ocsp_verified = false;        // signed by the presented issuer or its authorised responder
    std::string ocsp_verify_error;     // why not ("" when verified or none stapled)
    std::vector<SctFacts> scts;        // from the TLS extension, the staple and the leaf
};

void to_json(nlohmann::json& j, const PublicKeyFacts& f);
void from_json(const nlohmann::json& j, PublicKeyFacts& f);
void to_json(nlohmann::json& j, const SignatureFacts& f);
void from_json(const nlohmann::json& j, SignatureFacts& f);
void to_json(nlohmann::json& j, const CertificateFacts& f);
void from_json(const nlohmann::json& j, CertificateFacts& f);
void to_json(nlohmann::json& j, const VerifyIssue& f);
void from_json(const nlohmann::json& j, VerifyIssue& f);
void to_json(nlohmann::json& j, const SctFacts& f);
void from_json(const nlohmann::json& j, SctFacts& f);
void to_json(nlohmann::json& j, const TlsFacts& f);
void from_json(const nlohmann::json& j, TlsFacts& f);
// from_json that never throws.
core::Result<TlsFacts> parse_tls_facts(const nlohmann::json& j);

}  // namespace conformscan::checks::tls
