// The `tls` probe (first version): one handshake through OpenSSL, configured
// to accept anything the server offers, so that the facts say what the server
// does rather than what a careful client would tolerate. Judging is for the
// rules; verification is done afterwards, apart from the handshake.
#include "checks/tls/tls_probe.hpp"

#include <arpa/inet.h>

#include <chrono>
#include <exception>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/ssl.h>

#include <fmt/format.h>

#include "checks/net/socket.hpp"
#include "checks/tls/certificate_facts.hpp"
#include "checks/tls/chain_verify.hpp"
#include "checks/tls/handshake_driver.hpp"
#include "checks/tls/openssl_ptr.hpp"
#include "checks/tls/staple_reader.hpp"
#include "checks/tls/tls_facts.hpp"

namespace conformscan::checks::tls {

namespace {

using std::chrono::milliseconds;

// Every TLS 1.3 suite OpenSSL implements (RFC 8446 §B.4), CCM ones included,
// which OpenSSL leaves out by default.
constexpr const char* kTls13Suites =
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";
// RFC 7301 §3.1 protocol name list: length-prefixed "h2", "http/1.1".
constexpr unsigned char kAlpnProtocols[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
// close_notify is a courtesy; it must not hold the scan up.
constexpr milliseconds kCloseNotifyWait{200};

double ms_since(net::SteadyClock::time_point since) {
    return std::chrono::duration<double, std::milli>(net::SteadyClock::now() - since).count();
}

bool is_ip_literal(const std::string& host) {
    unsigned char buf[sizeof(in6_addr)];
    std::string h = host;
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
    return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1 ||
           h.find(':') != std::string::npos;
}

// RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName".
std::string server_name(const core::Target& target) {
    if (!target.sni.empty()) return target.sni;
    if (!target.host.empty() && !is_ip_literal(target.host)) return target.host;
    return "";
}

core::Result<SslCtxPtr> make_context() {
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return core::make_error("openssl", "cannot create an SSL_CTX: " + openssl_errors());
    // See everything: the lowest version the library allows, every suite,
    // security level 0 (RSA-1024, SHA-1, small DH groups are facts to report,
    // not reasons to abort). These calls override the system openssl.cnf.
    SSL_CTX_set_min_proto_version(ctx.get(), 0);
    SSL_CTX_set_max_proto_version(ctx.get(), 0);
    SSL_CTX_set_security_level(ctx.get(), 0);
    if (SSL_CTX_set_cipher_list(ctx.get(), "ALL:COMPLEMENTOFALL:@SECLEVEL=0") != 1 ||
        SSL_CTX_set_ciphersuites(ctx.get(), kTls13Suites) != 1)
        return core::make_error("openssl", "cannot set the cipher lists: " + openssl_errors());
    // Servers without RFC 5746 secure renegotiation are a finding, not a wall.
    SSL_CTX_set_options(ctx.get(), SSL_OP_LEGACY_SERVER_CONNECT);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);  // verified afterwards, see chain_verify
    return ctx;
}

std::string ocsp_status(SSL* ssl, bool& stapled) {
    const unsigned char* der = nullptr;
    const long len = SSL_get_tlsext_status_ocsp_resp(ssl, &der);
    stapled = len > 0 && der != nullptr;
    if (!stapled) return "";
    OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &der, len));
    if (!response || OCSP_response_status(response.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL)
        return "unparsed";
    OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
    if (!basic || OCSP_resp_count(basic.get()) < 1) return "unparsed";
    int reason = 0;
    ASN1_GENERALIZEDTIME* revoked_at = nullptr;
    ASN1_GENERALIZEDTIME* this_update = nullptr;
    ASN1_GENERALIZEDTIME* next_update = nullptr;
    // RFC 6960 §4.2.1 CertStatus of the first SingleResponse (a staple
    // answers for the leaf).
    switch (OCSP_single_get0_status(OCSP_resp_get0(basic.get(), 0), &reason, &revoked_at, &this_update,
                                    &next_update)) {
        case V_OCSP_CERTSTATUS_GOOD:
            return "good";
        case V_OCSP_CERTSTATUS_REVOKED:
            return "revoked";
        case V_OCSP_CERTSTATUS_UNKNOWN:
            return "unknown";
        default:
            return "unparsed";
    }
}

void read_session_facts(SSL* ssl, TlsFacts& facts) {
    facts.version = SSL_get_version(ssl);
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
        const char* openssl_name = SSL_CIPHER_get_name(cipher);
        const char* iana_name = SSL_CIPHER_standard_name(cipher);
        facts.cipher_openssl = openssl_name != nullptr ? openssl_name : "";
        facts.cipher = iana_name != nullptr ? iana_name : facts.cipher_openssl;
    }
    const unsigned char* alpn = nullptr;
    unsigned int alpn_len = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
    if (alpn != nullptr && alpn_len > 0)
        facts.alpn = safe_text({reinterpret_cast<const char*>(alpn), alpn_len});
    // Client side: the chain includes the leaf, in the order the server sent it.
    if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
        for (int i = 0; i < sk_X509_num(chain); ++i)
            facts.chain.push_back(certificate_facts(sk_X509_value(chain, i)));
    }
    facts.ocsp_status = ocsp_status(ssl, facts.ocsp_stapled);
    read_staples(ssl, facts);  // staple dates and verification, SCTs
}

core::ProbeRecord failure(std::string why, net::SteadyClock::time_point started) {
    ERR_clear_error();  // leave the thread's queue clean for the next probe
    auto record = core::ProbeRecord::failure("tls", std::move(why));
    record.duration_ms = ms_since(started);
    return record;
}

std::string connect_failure_text(const core::Error& e, milliseconds timeout) {
    if (e.code == net::kErrRefused) return "connection refused";
    if (e.code == net::kErrTimeout) return fmt::format("no TCP answer within {} ms", timeout.count());
    return e.message;
}

core::ProbeRecord run_tls_probe(const core::Target& target, const core::ProbeOptions& options) {
    const auto started = net::SteadyClock::now();
    auto socket = net::connect_target(target, options);
    if (!socket) return failure(connect_failure_text(socket.error(), options.timeout), started);

    auto ctx = make_context();
    if (!ctx) return failure(ctx.error().message, started);
    SslPtr ssl(SSL_new(ctx->get()));
    if (!ssl) return failure("cannot create an SSL object: " + openssl_errors(), started);
    SSL_set_connect_state(ssl.get());

    TlsFacts facts;
    facts.sni = server_name(target);
    if (!facts.sni.empty() && SSL_set_tlsext_host_name(ssl.get(), facts.sni.c_str()) != 1)
        return failure(fmt::format("cannot send '{}' as SNI: {}", facts.sni, openssl_errors()), started);
    SSL_set_tlsext_status_type(ssl.get(), TLSEXT_STATUSTYPE_ocsp);  // RFC 6066 §8 status_request
    if (!request_scts(ssl.get()))  // RFC 6962 §3.3 signed_certificate_timestamp
        return failure("cannot ask for SCTs: " + openssl_errors(), started);
    if (SSL_set_alpn_protos(ssl.get(), kAlpnProtocols, sizeof kAlpnProtocols) != 0)  // 0 is success here
        return failure("cannot set ALPN: " + openssl_errors(), started);

    const auto handshake_started = net::SteadyClock::now();
    const net::Deadline deadline = handshake_started + options.timeout;
    HandshakeIo io;
    if (auto done = run_handshake(ssl.get(), *socket, deadline, options.timeout, io); !done)
        return failure(done.error().message, started);
    facts.handshake_ms = ms_since(handshake_started);

    read_session_facts(ssl.get(), facts);
    send_close_notify(ssl.get(), *socket, std::min(deadline, net::deadline_after(kCloseNotifyWait)));

    auto verification = verify_chain(SSL_get_peer_cert_chain(ssl.get()), options.ca_file);
    if (!verification) return failure(verification.error().message, started);
    facts.verification = std::move(*verification);

    ERR_clear_error();
    core::ProbeRecord record;
    record.probe = "tls";
    record.status = core::ProbeStatus::ok;
    record.data = facts;
    record.duration_ms = ms_since(started);
    return record;
}

}  // namespace

void register_tls_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = "tls";
    d.title = "TLS handshake, certificate chain and verification";
    d.description =
        "One TLS handshake through OpenSSL accepting every version and suite the library allows; "
        "records the negotiated version, suite and ALPN, the chain as presented, chain verification "
        "against the trust store (dates and key strength excluded), the stapled OCSP response (status, "
        "dates, verification against the presented issuer) and the SCTs from the TLS extension, the staple "
        "and the certificate (log signatures not verified).";
    d.facts = {"tls.sni",
               "tls.version",
               "tls.cipher",
               "tls.cipher_openssl",
               "tls.alpn",
               "tls.handshake_ms",
               "tls.chain[*].subject",
               "tls.chain[*].issuer",
               "tls.chain[*].serial",
               "tls.chain[*].not_before",
               "tls.chain[*].not_after",
               "tls.chain[*].version",
               "tls.chain[*].key.type",
               "tls.chain[*].key.bits",
               "tls.chain[*].key.curve",
               "tls.chain[*].signature.algorithm",
               "tls.chain[*].signature.hash",
               "tls.chain[*].signature.key_type",
               "tls.chain[*].san_dns",
               "tls.chain[*].san_ip",
               "tls.chain[*].common_name",
               "tls.chain[*].self_signed",
               "tls.chain[*].is_ca",
               "tls.chain[*].sha256",
               "tls.chain[*].pem",
               "tls.verification.trust_store",
               "tls.verification.trusted",
               "tls.verification.issues[*].code",
               "tls.verification.issues[*].reason",
               "tls.verification.verified_chain",
               "tls.ocsp_stapled",
               "tls.ocsp_status",
               "tls.ocsp_this_update",
               "tls.ocsp_next_update",
               "tls.ocsp_revocation_time",
               "tls.ocsp_for_leaf",
               "tls.ocsp_verified",
               "tls.ocsp_verify_error",
               "tls.scts[*].source",
               "tls.scts[*].log_id",
               "tls.scts[*].timestamp",
               "tls.scts[*].version"};
    d.run = [](const core::Target& target, const core::ProbeOptions& options, const core::FactSet&) {
        try {
            return run_tls_probe(target, options);
        } catch (const std::exception& e) {
            ERR_clear_error();
            return core::ProbeRecord::failure("tls", fmt::format("internal error: {}", e.what()));
        }
    };
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::tls
