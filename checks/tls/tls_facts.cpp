#include "checks/tls/tls_facts.hpp"

#include <exception>

#include <fmt/format.h>

#include "scanner/core/fact_json.hpp"

namespace conformscan::checks::tls {

using Json = nlohmann::json;
using core::fact_json::read_optional;
using core::fact_json::require_object;

void to_json(Json& j, const PublicKeyFacts& f) {
    j = Json{{"type", f.type}, {"bits", f.bits}, {"curve", f.curve}};
}

void from_json(const Json& j, PublicKeyFacts& f) {
    require_object(j, "key");
    read_optional(j, "type", f.type);
    read_optional(j, "bits", f.bits);
    read_optional(j, "curve", f.curve);
}

void to_json(Json& j, const SignatureFacts& f) {
    j = Json{{"algorithm", f.algorithm}, {"hash", f.hash}, {"key_type", f.key_type}};
}

void from_json(const Json& j, SignatureFacts& f) {
    require_object(j, "signature");
    read_optional(j, "algorithm", f.algorithm);
    read_optional(j, "hash", f.hash);
    read_optional(j, "key_type", f.key_type);
}

void to_json(Json& j, const CertificateFacts& f) {
    j = Json{{"subject", f.subject},
             {"issuer", f.issuer},
             {"serial", f.serial},
             {"not_before", f.not_before},
             {"not_after", f.not_after},
             {"version", f.version},
             {"key", f.key},
             {"signature", f.signature},
             {"san_dns", f.san_dns},
             {"san_ip", f.san_ip},
             {"common_name", f.common_name},
             {"self_signed", f.self_signed},
             {"is_ca", f.is_ca},
             {"sha256", f.sha256},
             {"pem", f.pem}};
}

void from_json(const Json& j, CertificateFacts& f) {
    require_object(j, "certificate");
    read_optional(j, "subject", f.subject);
    read_optional(j, "issuer", f.issuer);
    read_optional(j, "serial", f.serial);
    read_optional(j, "not_before", f.not_before);
    read_optional(j, "not_after", f.not_after);
    read_optional(j, "version", f.version);
    read_optional(j, "key", f.key);
    read_optional(j, "signature", f.signature);
    read_optional(j, "san_dns", f.san_dns);
    read_optional(j, "san_ip", f.san_ip);
    read_optional(j, "common_name", f.common_name);
    read_optional(j, "self_signed", f.self_signed);
    read_optional(j, "is_ca", f.is_ca);
    read_optional(j, "sha256", f.sha256);
    read_optional(j, "pem", f.pem);
}

void to_json(Json& j, const VerifyIssue& f) {
    j = Json{{"depth", f.depth}, {"code", f.code}, {"reason", f.reason}};
}

void from_json(const Json& j, VerifyIssue& f) {
    require_object(j, "verification issue");
    read_optional(j, "depth", f.depth);
    read_optional(j, "code", f.code);
    read_optional(j, "reason", f.reason);
}

void to_json(Json& j, const SctFacts& f) {
    j = Json{{"source", f.source}, {"log_id", f.log_id}, {"timestamp", f.timestamp}, {"version", f.version}};
}

void from_json(const Json& j, SctFacts& f) {
    require_object(j, "sct");
    read_optional(j, "source", f.source);
    read_optional(j, "log_id", f.log_id);
    read_optional(j, "timestamp", f.timestamp);
    read_optional(j, "version", f.version);
}

void to_json(Json& j, const TlsFacts& f) {
    const auto& v = f.verification;
    j = Json{{"sni", f.sni},
             {"version", f.version},
             {"cipher", f.cipher},
             {"cipher_openssl", f.cipher_openssl},
             {"alpn", f.alpn},
             {"handshake_ms", f.handshake_ms},
             {"chain", f.chain},
             {"verification",
              {{"trust_store", v.trust_store},
               {"trusted", v.trusted},
               {"issues", v.issues},
               {"verified_chain", v.verified_chain}}},
             {"ocsp_stapled", f.ocsp_stapled},
             {"ocsp_status", f.ocsp_status},
             {"ocsp_this_update", f.ocsp_this_update},
             {"ocsp_next_update", f.ocsp_next_update},
             {"ocsp_revocation_time", f.ocsp_revocation_time},
             {"ocsp_for_leaf", f.ocsp_for_leaf},
             {"ocsp_verified", f.ocsp_verified},
             {"ocsp_verify_error", f.ocsp_verify_error},
             {"scts", f.scts}};
}

void from_json(const Json& j, TlsFacts& f) {
    require_object(j, "tls facts");
    read_optional(j, "sni", f.sni);
    read_optional(j, "version", f.version);
    read_optional(j, "cipher", f.cipher);
    read_optional(j, "cipher_openssl", f.cipher_openssl);
    read_optional(j, "alpn", f.alpn);
    read_optional(j, "handshake_ms", f.handshake_ms);
    read_optional(j, "chain", f.chain);
    if (auto it = j.find("verification"); it != j.end() && !it->is_null()) {
        require_object(*it, "verification");
        auto& v = f.verification;
        read_optional(*it, "trust_store", v.trust_store);
        read_optional(*it, "trusted", v.trusted);
        read_optional(*it, "issues", v.issues);
        read_optional(*it, "verified_chain", v.verified_chain);
    }
    read_optional(j, "ocsp_stapled", f.ocsp_stapled);
    read_optional(j, "ocsp_status", f.ocsp_status);
    read_optional(j, "ocsp_this_update", f.ocsp_this_update);
    read_optional(j, "ocsp_next_update", f.ocsp_next_update);
    read_optional(j, "ocsp_revocation_time", f.ocsp_revocation_time);
    read_optional(j, "ocsp_for_leaf", f.ocsp_for_leaf);
    read_optional(j, "ocsp_verified", f.ocsp_verified);
    read_optional(j, "ocsp_verify_error", f.ocsp_verify_error);
    read_optional(j, "scts", f.scts);
}

core::Result<TlsFacts> parse_tls_facts(const Json& j) {
    return core::fact_json::parse_facts<TlsFacts>(j, "tls");
}

}  // namespace conformscan::checks::tls
