#include "checks/tls/staple_reader.hpp"

#include <ctime>

#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>

#include <fmt/format.h>

#include "checks/tls/handshake_driver.hpp"
#include "checks/tls/openssl_ptr.hpp"
#include "scanner/core/time.hpp"

namespace conformscan::checks::tls {

namespace {

using OcspCertIdPtr = std::unique_ptr<OCSP_CERTID, OpenSslDeleter<&OCSP_CERTID_free>>;

std::string iso_time(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return "";
    return core::format_time(core::TimePoint{std::chrono::seconds{timegm(&tm)}});
}

std::string hex(const unsigned char* p, std::size_t n) {
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) out += fmt::format("{:02x}", p[i]);
    return out;
}

int accept_any_sct(const CT_POLICY_EVAL_CTX*, const STACK_OF(SCT) *, void*) {
    return 1;
}

const char* sct_source_name(sct_source_t source) {
    switch (source) {
        case SCT_SOURCE_TLS_EXTENSION:
            return "tls_extension";
        case SCT_SOURCE_X509V3_EXTENSION:
            return "certificate";
        case SCT_SOURCE_OCSP_STAPLED_RESPONSE:
            return "ocsp";
        default:
            return "unknown";
    }
}

// RFC 6960 §4.2.2.2: the response is signed by the issuer itself or by a
// responder it certified for OCSP signing. The presented issuer is the only
// trust anchor here (chain trust is judged by tls.certificate.trusted) and
// times are left to the rules (X509_V_FLAG_NO_CHECK_TIME).
void verify_response(OCSP_BASICRESP* basic, X509* issuer, TlsFacts& facts) {
    X509StorePtr store(X509_STORE_new());
    X509StackPtr certs(sk_X509_new_null());
    if (!store || !certs || X509_STORE_add_cert(store.get(), issuer) != 1 ||
        !sk_X509_push(certs.get(), issuer)) {
        facts.ocsp_verify_error = "cannot set up the verification: " + openssl_errors();
        return;
    }
    X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
    ERR_clear_error();
    if (OCSP_basic_verify(basic, certs.get(), store.get(), 0) == 1) {
        facts.ocsp_verified = true;
    } else {
        facts.ocsp_verify_error = openssl_errors();
    }
}

void read_ocsp(SSL* ssl, TlsFacts& facts) {
    const unsigned char* der = nullptr;
    const long len = SSL_get_tlsext_status_ocsp_resp(ssl, &der);
    if (len <= 0 || der == nullptr) return;
    OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &der, len));
    if (!response || OCSP_response_status(response.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        facts.ocsp_verify_error = "the staple is not a successful OCSP response";
        return;
    }
    OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
    if (!basic) {
        facts.ocsp_verify_error = "the staple holds no basic OCSP response";
        return;
    }
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
    X509* leaf = chain != nullptr && sk_X509_num(chain) > 0 ? sk_X509_value(chain, 0) : nullptr;
    X509* issuer = chain != nullptr && sk_X509_num(chain) > 1 ? sk_X509_value(chain, 1) : nullptr;
    int index = 0;  // the first SingleResponse, unless one names the leaf
    if (leaf != nullptr && issuer != nullptr) {
        OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), leaf, issuer));
        const int found = id ? OCSP_resp_find(basic.get(), id.get(), -1) : -1;
        facts.ocsp_for_leaf = found >= 0;
        if (found >= 0) index = found;
    }
    if (OCSP_SINGLERESP* single = OCSP_resp_get0(basic.get(), index)) {
        int reason = 0;
        ASN1_GENERALIZEDTIME* revoked_at = nullptr;
        ASN1_GENERALIZEDTIME* this_update = nullptr;
        ASN1_GENERALIZEDTIME* next_update = nullptr;
        (void)OCSP_single_get0_status(single, &reason, &revoked_at, &this_update, &next_update);
        facts.ocsp_this_update = iso_time(this_update);
        facts.ocsp_next_update = iso_time(next_update);
        facts.ocsp_revocation_time = iso_time(revoked_at);
    }
    if (issuer == nullptr) {
        facts.ocsp_verify_error = "the server presented no issuer certificate to verify the staple with";
        return;
    }
    verify_response(basic.get(), issuer, facts);
    if (facts.ocsp_verified && !facts.ocsp_for_leaf) {
        facts.ocsp_verified = false;
        facts.ocsp_verify_error = "the response is signed correctly but names another certificate";
    }
}

void read_scts(SSL* ssl, TlsFacts& facts) {
    const STACK_OF(SCT)* scts = SSL_get0_peer_scts(ssl);
    if (scts == nullptr) return;
    for (int i = 0; i < sk_SCT_num(scts); ++i) {
        const SCT* sct = sk_SCT_value(scts, i);
        SctFacts s;
        s.source = sct_source_name(SCT_get_source(sct));
        s.version = SCT_get_version(sct) == SCT_VERSION_V1 ? 1 : 0;
        unsigned char* log_id = nullptr;
        const std::size_t id_len = SCT_get0_log_id(sct, &log_id);
        if (log_id != nullptr) s.log_id = hex(log_id, id_len);
        // RFC 6962 §3.2: milliseconds since the epoch.
        const auto ms = static_cast<std::int64_t>(SCT_get_timestamp(sct));
        s.timestamp = core::format_time(core::TimePoint{std::chrono::seconds{ms / 1000}});
        facts.scts.push_back(std::move(s));
    }
}

}  // namespace

bool request_scts(SSL* ssl) {
    return SSL_set_ct_validation_callback(ssl, accept_any_sct, nullptr) == 1;
}

void read_staples(SSL* ssl, TlsFacts& facts) {
    read_ocsp(ssl, facts);
    read_scts(ssl, facts);
    ERR_clear_error();
}

}  // namespace conformscan::checks::tls
