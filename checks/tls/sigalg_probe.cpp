// The `tls_sigalgs` probe: the signature schemes a server signs its handshake
// with, by the removal method — offer every candidate, note the scheme the
// server signed with, offer the rest again, until it refuses or signs with a
// scheme that was not offered.
//
// * TLS 1.2: raw hellos offering the ECDHE and DHE suites tls_suites found
//   accepted; the scheme is in the clear in ServerKeyExchange (RFC 5246
//   §7.4.3). Without such suites (static RSA only) nothing is signed: the
//   version is recorded as not observable. RFC 5246 §7.4.1.4.1 makes SHA-1
//   the default of a client that sends no signature_algorithms, so the SHA-1
//   schemes are always among the candidates; when the enumeration stopped
//   before deciding them, one hello offering only them does.
// * TLS 1.3: the scheme is in CertificateVerify, which is encrypted, so each
//   attempt is a full handshake through OpenSSL over memory BIOs with the
//   offer restricted by SSL_set1_sigalgs_list; the plaintext CertificateVerify
//   comes from the message callback (before OpenSSL judges it, so a scheme it
//   would refuse is still seen). Candidates are the schemes OpenSSL can name
//   and offers in a TLS 1.3-only hello (no MD5, SHA-1, SHA-224 or DSA). SHA-1
//   is then asked with one raw hello offering only the SHA-1 schemes
//   (RFC 8446 §4.2.3: not defined for handshake signatures).
// * One more hello per version, with the accepted schemes reversed, tells the
//   server's order from ours.
//
// Cost per version: accepted schemes + 2 (the refusal and the order), + 1 for
// the SHA-1 question when the enumeration did not settle it.
#include "checks/tls/sigalg_probe.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fmt/format.h>

#include "checks/net/socket.hpp"
#include "checks/tls/handshake_driver.hpp"
#include "checks/tls/openssl_ptr.hpp"
#include "checks/tls/raw_hello.hpp"
#include "checks/tls/raw_key_exchange.hpp"
#include "checks/tls/sigalg_facts.hpp"
#include "checks/tls/tls_scan_facts.hpp"
#include "checks/tls/wire/certificate_verify.hpp"
#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;
using Outcome = HelloAttempt::Outcome;

namespace {

// No server has keys for more schemes than this; an enumeration still going
// after it is not converging.
constexpr std::size_t kMaxRounds = 24;

constexpr const char* kTls13Suites =
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";

std::string scheme_name(std::uint16_t code) {
    const auto* s = wt::find_signature_scheme(code);
    return s != nullptr ? std::string(s->name) : fmt::format("0x{:04x}", code);
}

bool is_sha1(std::uint16_t code) {
    const auto* s = wt::find_signature_scheme(code);
    return s != nullptr && s->hash == "sha1";
}

std::vector<std::uint16_t> sha1_schemes() {
    std::vector<std::uint16_t> out;
    for (const auto& s : wt::all_signature_schemes())
        if (s.hash == "sha1") out.push_back(s.code);
    return out;
}

bool refused(const HelloAttempt& a) { return a.outcome == Outcome::alert || a.outcome == Outcome::closed; }

struct Context {
    const core::Target& target;
    const core::ProbeOptions& options;
    int connections = 0;
};

void incomplete(VersionSigalgs& v, const std::string& why) {
    v.complete = false;
    if (!v.note.empty()) v.note += "; ";
    v.note += why;
}

// ---- TLS 1.2: ServerKeyExchange --------------------------------------------

struct SkeAnswer {
    enum class Kind { signed_with, refused, failed } kind = Kind::failed;
    std::uint16_t scheme = 0;
    std::string detail;
};

SkeAnswer tls12_hello(Context& ctx, const std::vector<std::uint16_t>& suites,
                      const std::vector<std::uint16_t>& schemes) {
    auto spec = hello_for_version(wt::kTls12, ctx.target);
    spec.cipher_suites = suites;
    spec.signature_algorithms = schemes;
    ++ctx.connections;
    const auto k = exchange_to_key_exchange(ctx.target, ctx.options, wt::encode_client_hello_records(spec));
    SkeAnswer out;
    if (refused(k.hello)) {
        out.kind = SkeAnswer::Kind::refused;
        out.detail = k.hello.detail;
        return out;
    }
    if (k.hello.outcome != Outcome::server_hello || !k.hello.server_hello) {
        out.detail = k.hello.detail;
        return out;
    }
    const auto& sh = *k.hello.server_hello;
    if (sh.selected_version != wt::kTls12) {
        out.detail = fmt::format("the server switched to {}", wt::version_name(sh.selected_version));
        return out;
    }
    const auto* suite = wt::find_cipher_suite(sh.cipher_suite);
    if (suite == nullptr || std::find(suites.begin(), suites.end(), sh.cipher_suite) == suites.end()) {
        out.detail = fmt::format("the server chose suite 0x{:04x}, which was not offered", sh.cipher_suite);
        return out;
    }
    if (!k.server_key_exchange) {
        // An alert instead of the ServerKeyExchange: the server found nothing it would sign with.
        if (k.hello.alert) out.kind = SkeAnswer::Kind::refused;
        out.detail = k.server_hello_done ? std::string("ServerHelloDone without ServerKeyExchange") : k.detail;
        return out;
    }
    auto ske = wt::parse_server_key_exchange(
        *k.server_key_exchange, suite->kex == "DHE" ? wt::KeyExchangeKind::dhe : wt::KeyExchangeKind::ecdhe,
        wt::kTls12);
    if (!ske) {
        out.detail = "ServerKeyExchange: " + ske.error().describe();
        return out;
    }
    if (!ske->signature_scheme) {
        out.detail = "the ServerKeyExchange is not signed";
        return out;
    }
    out.kind = SkeAnswer::Kind::signed_with;
    out.scheme = *ske->signature_scheme;
    return out;
}

// ECDHE and DHE suites with a signature (no anonymous, no PSK): those among
// the TLS 1.2 suites tls_suites found accepted, or every such suite of the
// table when those facts are missing.
std::vector<std::uint16_t> signed_suites(const TlsSuitesFacts* suites) {
    std::vector<std::uint16_t> out;
    for (const auto& s : wt::all_cipher_suites()) {
        if (s.tls13 || (s.kex != "ECDHE" && s.kex != "DHE") || s.anonymous) continue;
        if (suites != nullptr) {
            bool accepted = false;
            for (const auto& pv : suites->per_version)
                if (pv.version == "TLSv1.2")
                    for (const auto& f : pv.suites)
                        if (f.code == fmt::format("0x{:04x}", s.code)) accepted = true;
            if (!accepted) continue;
        }
        out.push_back(s.code);
    }
    return out;
}

VersionSigalgs probe_tls12(Context& ctx, const TlsSuitesFacts* suite_facts) {
    VersionSigalgs v;
    v.version = "TLSv1.2";
    const int before = ctx.connections;
    const auto suites = signed_suites(suite_facts);
    if (suites.empty()) {
        v.observable = false;
        v.sha1 = "not_observable";
        v.note = "not observable: no ECDHE or DHE suite is accepted with TLS 1.2, so the server signs no key "
                 "exchange";
        return v;
    }
    std::vector<std::uint16_t> chosen;
    auto remaining = tls12_sigalg_candidates();
    bool refusal_seen = false;
    for (std::size_t round = 0; !remaining.empty(); ++round) {
        if (round == kMaxRounds) {
            incomplete(v, fmt::format("stopped after {} schemes", kMaxRounds));
            break;
        }
        const auto a = tls12_hello(ctx, suites, remaining);
        if (a.kind == SkeAnswer::Kind::refused) {
            if (round == 0) incomplete(v, "a hello offering every scheme was refused: " + a.detail);
            refusal_seen = round > 0;
            break;
        }
        if (a.kind == SkeAnswer::Kind::failed) {
            incomplete(v, a.detail);
            break;
        }
        auto it = std::find(remaining.begin(), remaining.end(), a.scheme);
        if (it == remaining.end()) {
            // RFC 5246 §7.4.1.4.1: the scheme MUST be one the client listed.
            v.unoffered = scheme_name(a.scheme);
            break;
        }
        chosen.push_back(a.scheme);
        remaining.erase(it);
    }
    for (auto c : chosen) v.schemes.push_back(scheme_name(c));

    if (std::any_of(chosen.begin(), chosen.end(), is_sha1)) {
        v.sha1 = "accepted";
    } else if (refusal_seen) {
        v.sha1 = "refused";  // the refused hello still offered every SHA-1 scheme
    } else {
        const auto a = tls12_hello(ctx, suites, sha1_schemes());
        if (a.kind == SkeAnswer::Kind::signed_with && is_sha1(a.scheme)) {
            v.sha1 = "accepted";
            v.schemes.push_back(scheme_name(a.scheme));
        } else if (a.kind == SkeAnswer::Kind::refused) {
            v.sha1 = "refused";
        } else if (a.kind == SkeAnswer::Kind::signed_with) {
            v.sha1 = "refused";
            if (v.unoffered.empty()) v.unoffered = scheme_name(a.scheme);
        } else {
            incomplete(v, "SHA-1 only: " + a.detail);
        }
    }

    if (chosen.size() >= 2) {
        std::vector<std::uint16_t> reversed(chosen.rbegin(), chosen.rend());
        const auto a = tls12_hello(ctx, suites, reversed);
        if (a.kind == SkeAnswer::Kind::signed_with)
            v.preference = a.scheme == chosen.front() ? "server" : a.scheme == reversed.front() ? "client" : "unknown";
    }
    v.connections = ctx.connections - before;
    return v;
}

// ---- TLS 1.3: CertificateVerify through OpenSSL ----------------------------

struct VerifyCapture {
    std::optional<std::uint16_t> scheme;
    std::string error;
};

// OpenSSL reports every handshake message it reads, TLS 1.3 ones decrypted,
// before processing it.
void on_message(int write_p, int, int content_type, const void* buf, std::size_t len, SSL*, void* arg) {
    if (write_p != 0 || content_type != SSL3_RT_HANDSHAKE || arg == nullptr || len == 0) return;
    const auto* bytes = static_cast<const std::uint8_t*>(buf);
    if (bytes[0] != wt::kCertificateVerifyType) return;
    auto* capture = static_cast<VerifyCapture*>(arg);
    auto cv = wt::parse_certificate_verify_message({bytes, len});
    if (cv)
        capture->scheme = cv->scheme;
    else
        capture->error = cv.error().describe();
}

core::Result<SslCtxPtr> tls13_context() {
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return core::make_error("openssl", "cannot create an SSL_CTX: " + openssl_errors());
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx.get(), TLS1_3_VERSION);
    SSL_CTX_set_security_level(ctx.get(), 0);  // what the server signs with is a fact, not a reason to stop
    if (SSL_CTX_set_ciphersuites(ctx.get(), kTls13Suites) != 1)
        return core::make_error("openssl", "cannot set the TLS 1.3 suites: " + openssl_errors());
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    return ctx;
}

// The schemes OpenSSL can name and puts in a TLS 1.3-only ClientHello.
std::vector<std::uint16_t> tls13_candidates(SSL_CTX* ctx) {
    std::vector<std::uint16_t> out;
    for (const auto& s : wt::all_signature_schemes()) {
        if (s.hash == "md5" || s.hash == "sha1" || s.hash == "sha224" || s.signature == "dsa") continue;
        SslPtr probe(SSL_new(ctx));
        if (probe && SSL_set1_sigalgs_list(probe.get(), std::string(s.name).c_str()) == 1) out.push_back(s.code);
    }
    ERR_clear_error();
    return out;
}

// OpenSSL refuses to send a TLS 1.3 hello whose schemes are all rsa_pkcs1.
bool offerable_in_tls13(const std::vector<std::uint16_t>& schemes) {
    return std::any_of(schemes.begin(), schemes.end(), [](std::uint16_t c) {
        const auto* s = wt::find_signature_scheme(c);
        return s != nullptr && s->signature != "rsa_pkcs1";
    });
}

struct Tls13Answer {
    enum class Kind { signed_with, refused, failed } kind = Kind::failed;
    std::uint16_t scheme = 0;
    std::string detail;
};

Tls13Answer tls13_handshake(Context& ctx, SSL_CTX* ssl_ctx, const std::vector<std::uint16_t>& schemes) {
    Tls13Answer out;
    std::string list;
    for (auto c : schemes) list += (list.empty() ? "" : ":") + scheme_name(c);
    SslPtr ssl(SSL_new(ssl_ctx));
    if (!ssl || SSL_set1_sigalgs_list(ssl.get(), list.c_str()) != 1) {
        out.detail = "OpenSSL cannot offer " + list + ": " + openssl_errors();
        return out;
    }
    SSL_set_connect_state(ssl.get());
    const auto sni = sni_for(ctx.target);
    if (!sni.empty() && SSL_set_tlsext_host_name(ssl.get(), sni.c_str()) != 1) {
        out.detail = "cannot send '" + sni + "' as SNI: " + openssl_errors();
        return out;
    }
    VerifyCapture capture;
    SSL_set_msg_callback(ssl.get(), on_message);
    SSL_set_msg_callback_arg(ssl.get(), &capture);

    ++ctx.connections;
    auto socket = net::connect_target(ctx.target, ctx.options);
    if (!socket) {
        out.detail = socket.error().message;
        return out;
    }
    const auto deadline = net::deadline_after(ctx.options.timeout);
    HandshakeIo io;
    auto done = run_handshake(ssl.get(), *socket, deadline, ctx.options.timeout, io);
    SSL_set_msg_callback(ssl.get(), nullptr);
    SSL_set_msg_callback_arg(ssl.get(), nullptr);
    if (capture.scheme) {  // signed, whether OpenSSL then accepted it or not
        out.kind = Tls13Answer::Kind::signed_with;
        out.scheme = *capture.scheme;
        if (done) send_close_notify(ssl.get(), *socket, std::min(deadline, net::deadline_after(std::chrono::milliseconds(200))));
    } else if (!capture.error.empty()) {
        out.detail = "malformed CertificateVerify: " + capture.error;
    } else if (!done && (io.alert_received || done.error().message.rfind("connection closed by the server", 0) == 0 ||
                         done.error().message.rfind("connection reset by the server", 0) == 0)) {
        // An alert or a hang-up instead of a signature, as the raw hellos count it.
        out.kind = Tls13Answer::Kind::refused;
        out.detail = done.error().message;
    } else {
        out.detail = done ? std::string("the handshake completed without a CertificateVerify (resumed?)")
                          : done.error().message;
    }
    ERR_clear_error();
    return out;
}

// RFC 8446 §4.2.3: SHA-1 schemes are not defined for TLS 1.3 handshake
// signatures. OpenSSL will not offer them there, so a raw hello does: a
// server that answers it with a ServerHello means to sign with something.
void tls13_sha1(Context& ctx, VersionSigalgs& v) {
    auto spec = hello_for_version(wt::kTls13, ctx.target);
    spec.cipher_suites = tls13_suite_codes();
    spec.signature_algorithms = sha1_schemes();
    ++ctx.connections;
    const auto a = exchange_hello(ctx.target, ctx.options, wt::encode_client_hello_records(spec));
    if (refused(a)) {
        v.sha1 = "refused";
    } else if (a.outcome == Outcome::server_hello && a.server_hello && !a.server_hello->hello_retry_request) {
        v.sha1 = "unknown";
        incomplete(v, "a TLS 1.3 hello offering only SHA-1 schemes was answered with a ServerHello: the server "
                      "signs with SHA-1 or with a scheme it was not offered (CertificateVerify is encrypted)");
    } else {
        incomplete(v, "SHA-1 only: " + a.detail);
    }
}

VersionSigalgs probe_tls13(Context& ctx) {
    VersionSigalgs v;
    v.version = "TLSv1.3";
    const int before = ctx.connections;
    auto ssl_ctx = tls13_context();
    if (!ssl_ctx) {
        incomplete(v, ssl_ctx.error().message);
        return v;
    }
    auto remaining = tls13_candidates(ssl_ctx->get());
    std::vector<std::uint16_t> chosen;
    for (std::size_t round = 0; offerable_in_tls13(remaining); ++round) {
        if (round == kMaxRounds) {
            incomplete(v, fmt::format("stopped after {} schemes", kMaxRounds));
            break;
        }
        const auto a = tls13_handshake(ctx, ssl_ctx->get(), remaining);
        if (a.kind == Tls13Answer::Kind::refused) {
            if (round == 0) incomplete(v, "a handshake offering every scheme was refused: " + a.detail);
            break;
        }
        if (a.kind == Tls13Answer::Kind::failed) {
            incomplete(v, a.detail);
            break;
        }
        auto it = std::find(remaining.begin(), remaining.end(), a.scheme);
        if (it == remaining.end()) {
            v.unoffered = scheme_name(a.scheme);  // RFC 8446 §4.4.3: MUST be one the client offered
            break;
        }
        chosen.push_back(a.scheme);
        remaining.erase(it);
    }
    for (auto c : chosen) v.schemes.push_back(scheme_name(c));
    if (std::any_of(chosen.begin(), chosen.end(), is_sha1))
        v.sha1 = "accepted";
    else
        tls13_sha1(ctx, v);

    if (chosen.size() >= 2) {
        std::vector<std::uint16_t> reversed(chosen.rbegin(), chosen.rend());
        const auto a = tls13_handshake(ctx, ssl_ctx->get(), reversed);
        if (a.kind == Tls13Answer::Kind::signed_with)
            v.preference = a.scheme == chosen.front() ? "server" : a.scheme == reversed.front() ? "client" : "unknown";
    }
    v.connections = ctx.connections - before;
    return v;
}

// ---- the probe -------------------------------------------------------------

core::ProbeRecord run_sigalgs(const core::Target& target, const core::ProbeOptions& options,
                              const core::FactSet& earlier) {
    const auto started = std::chrono::steady_clock::now();
    const auto* versions_record = earlier.get("tls_versions");
    if (versions_record == nullptr || versions_record->status != core::ProbeStatus::ok)
        return core::ProbeRecord::failure(
            "tls_sigalgs", versions_record ? "tls_versions could not observe: " + versions_record->error
                                           : "tls_versions facts are missing");
    auto versions = parse_tls_versions_facts(versions_record->data);
    if (!versions) return core::ProbeRecord::failure("tls_sigalgs", versions.error().describe());
    // Without tls_suites facts every signed suite of the table is offered.
    std::optional<TlsSuitesFacts> suites;
    if (const auto* r = earlier.get("tls_suites"); r != nullptr && r->status == core::ProbeStatus::ok) {
        auto parsed = parse_tls_suites_facts(r->data);
        if (parsed) suites = std::move(parsed).value();
    }

    Context ctx{target, options};
    TlsSigalgsFacts facts;
    const auto accepted = [&](const char* name) {
        return std::find(versions->accepted.begin(), versions->accepted.end(), name) != versions->accepted.end();
    };
    if (accepted("TLSv1.2")) facts.per_version.push_back(probe_tls12(ctx, suites ? &*suites : nullptr));
    if (accepted("TLSv1.3")) facts.per_version.push_back(probe_tls13(ctx));
    for (const auto& pv : facts.per_version) {
        if (pv.sha1 == "accepted") facts.sha1_accepted = true;
        for (const auto& s : pv.schemes)
            if (std::find(facts.accepted.begin(), facts.accepted.end(), s) == facts.accepted.end())
                facts.accepted.push_back(s);
    }
    facts.connections = ctx.connections;

    core::ProbeRecord record;
    record.probe = "tls_sigalgs";
    record.data = facts;
    record.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return record;
}

}  // namespace

std::vector<std::uint16_t> tls12_sigalg_candidates() {
    std::vector<std::uint16_t> out;
    for (char tier : {'Y', 'N', 'D'})
        for (const auto& s : wt::all_signature_schemes())
            if (s.recommended == tier) out.push_back(s.code);
    return out;
}

void register_sigalg_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = "tls_sigalgs";
    d.title = "Signature schemes the server signs its handshake with (TLS 1.2 and 1.3)";
    d.description =
        "TLS 1.2: raw hellos offering the accepted ECDHE/DHE suites and every signature scheme; the scheme is "
        "read from ServerKeyExchange, removed, and the rest offered again until the server refuses or signs "
        "with a scheme it was not offered (static-RSA-only servers sign nothing: not observable). TLS 1.3: "
        "the same through full OpenSSL handshakes, reading CertificateVerify. SHA-1 is asked explicitly when "
        "the enumeration did not settle it; one hello with the accepted schemes reversed tells whose order "
        "decides.";
    d.facts = {"tls_sigalgs.per_version[*].version",    "tls_sigalgs.per_version[*].observable",
               "tls_sigalgs.per_version[*].schemes",    "tls_sigalgs.per_version[*].preference",
               "tls_sigalgs.per_version[*].sha1",       "tls_sigalgs.per_version[*].unoffered",
               "tls_sigalgs.per_version[*].complete",   "tls_sigalgs.per_version[*].connections",
               "tls_sigalgs.accepted",                  "tls_sigalgs.sha1_accepted",
               "tls_sigalgs.connections"};
    d.depends_on = {"tls_versions", "tls_suites"};
    d.run = [](const core::Target& target, const core::ProbeOptions& options, const core::FactSet& earlier) {
        try {
            return run_sigalgs(target, options, earlier);
        } catch (const std::exception& e) {
            ERR_clear_error();
            return core::ProbeRecord::failure("tls_sigalgs", fmt::format("internal error: {}", e.what()));
        }
    };
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::tls
