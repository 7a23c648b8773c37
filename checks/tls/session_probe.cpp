// The `tls_session` probe: what a server does with an established TLS
// session, through OpenSSL over memory BIOs (the probe owns every socket
// read, its size cap and its deadline). Connections, in order:
//   TLS <= 1.2 (skipped when the server refuses TLS 1.2 and below)
//     1. full handshake without the ticket extension, so that a server with a
//        session cache sends a session ID (OpenSSL sends none when it issues
//        a ticket);
//     2. resumption by that ID (RFC 5246 §7.4.1.2), offering the ticket
//        extension: a server with tickets issues one (RFC 5077 §3.1);
//     3. when a ticket arrived: resumption by the ticket.
//     Client-initiated renegotiation (RFC 5246 §7.4.1.1) is tried on the last
//     of these, after its resumption was observed: a refusal with a fatal
//     alert may drop the session from the server's cache.
//   TLS 1.3 (when the `tls` probe negotiated it)
//     4. full handshake, then the NewSessionTicket messages (RFC 8446 §4.6.1);
//     5. resumption with that ticket (PSK, RFC 8446 §2.2), sending early data
//        (0-RTT, §4.2.10) when the ticket's max_early_data_size allows it:
//        an HTTP HEAD for https targets, two bytes (CRLF) otherwise.
// Two to five connections (one or two when a version is not spoken).
#include "checks/tls/session_probe.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fmt/format.h>

#include "checks/net/socket.hpp"
#include "checks/tls/certificate_facts.hpp"
#include "checks/tls/handshake_driver.hpp"
#include "checks/tls/openssl_ptr.hpp"
#include "checks/tls/session_facts.hpp"
#include "checks/tls/tls_facts.hpp"
#include "checks/tls/wire/hello.hpp"
#include "checks/tls/wire/record.hpp"

namespace conformscan::checks::tls {

namespace {

using std::chrono::milliseconds;

constexpr const char* kProbe = kTlsSessionProbe;
// How long to wait for TLS 1.3 NewSessionTicket messages after the handshake
// (servers send them right after it; a server sending none costs this once).
constexpr milliseconds kTicketWait{1000};
// What a server may send after the handshake while we wait for tickets or
// for the renegotiation to end.
constexpr std::size_t kMaxBytes = 256 * 1024;
constexpr milliseconds kCloseNotifyWait{200};

struct SessionDeleter {
    void operator()(SSL_SESSION* s) const { SSL_SESSION_free(s); }
};
using SessionPtr = std::unique_ptr<SSL_SESSION, SessionDeleter>;

// One TLS connection, its BIOs owned by the SSL. Pinned in memory: OpenSSL's
// callbacks find it through the SSL's app data.
struct Conn {
    net::TcpSocket socket;
    SslPtr ssl;
    std::optional<wire::tls::Alert> alert;  // the last alert the server sent
    std::vector<std::uint8_t> server_session_id;
    SessionPtr ticket_session;  // the last session a TLS 1.3 NewSessionTicket made
    std::size_t bytes_read = 0;
};
using ConnPtr = std::unique_ptr<Conn>;

Conn* conn_of(const SSL* ssl) {
    return static_cast<Conn*>(SSL_get_app_data(ssl));
}

void on_info(const SSL* ssl, int where, int ret) {
    // SSL_CB_READ_ALERT only: our own alert is not the server's answer.
    if ((where & SSL_CB_ALERT) == 0 || (where & SSL_CB_READ) == 0) return;
    if (Conn* c = conn_of(ssl))
        c->alert = wire::tls::Alert{static_cast<std::uint8_t>((ret >> 8) & 0xff),
                                    static_cast<std::uint8_t>(ret & 0xff)};
}

// The ServerHello's session ID as sent (OpenSSL replaces a TLS 1.2 session's
// ID with a hash of the ticket when one arrives).
void on_message(int write_p, int, int content_type, const void* buf, std::size_t len, SSL* ssl, void*) {
    if (write_p != 0 || content_type != SSL3_RT_HANDSHAKE || len < 4) return;
    const auto* bytes = static_cast<const std::uint8_t*>(buf);
    if (bytes[0] != SSL3_MT_SERVER_HELLO) return;
    Conn* c = conn_of(ssl);
    if (c == nullptr) return;
    if (auto sh = wire::tls::parse_server_hello(std::span(bytes + 4, len - 4)))
        c->server_session_id = sh->session_id;
}

int on_new_session(SSL* ssl, SSL_SESSION* session) {
    Conn* c = conn_of(ssl);
    if (c == nullptr || SSL_version(ssl) != TLS1_3_VERSION || !SSL_SESSION_is_resumable(session)) return 0;
    c->ticket_session.reset(session);  // 1: we keep the reference
    return 1;
}

core::Result<SslCtxPtr> make_context(int max_version) {
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return core::make_error("openssl", "cannot create an SSL_CTX: " + openssl_errors());
    SSL_CTX_set_min_proto_version(ctx.get(), max_version == TLS1_3_VERSION ? TLS1_3_VERSION : 0);
    SSL_CTX_set_max_proto_version(ctx.get(), max_version);
    SSL_CTX_set_security_level(ctx.get(), 0);
    if (SSL_CTX_set_cipher_list(ctx.get(), "ALL:COMPLEMENTOFALL:@SECLEVEL=0") != 1)
        return core::make_error("openssl", "cannot set the cipher list: " + openssl_errors());
    // The probe carries no secrets: renegotiating with a server without RFC
    // 5746 support is an observation, not a risk.
    SSL_CTX_set_options(ctx.get(), SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx.get(), on_new_session);
    return ctx;
}

struct Probe {
    const core::Target& target;
    const core::ProbeOptions& options;
    std::string sni;
    TlsSessionFacts facts;

    void step(std::string line) { facts.steps.push_back(std::move(line)); }

    // Why an SSL call did not complete: the server's alert, else OpenSSL's reason.
    static core::Error tls_failure(const Conn& c) {
        const std::string reason = openssl_errors();
        if (c.alert) return core::make_error("alert", wire::tls::describe_alert(*c.alert));
        return core::make_error("tls", reason);
    }

    static core::Result<void> flush(Conn& c, net::Deadline deadline) {
        std::array<std::uint8_t, 16 * 1024> buf;
        BIO* wbio = SSL_get_wbio(c.ssl.get());
        while (BIO_ctrl_pending(wbio) > 0) {
            const int n = BIO_read(wbio, buf.data(), static_cast<int>(buf.size()));
            if (n <= 0) break;
            if (auto sent = c.socket.send_all(std::span(buf.data(), static_cast<std::size_t>(n)), deadline); !sent)
                return sent.error();
        }
        return {};
    }

    // Runs `op` (an SSL call, > 0 on success) until it succeeds, fails, the
    // server closes, or the deadline passes, moving bytes between the socket
    // and the BIOs. Error codes: alert, tls, closed, timeout, reset, size.
    core::Result<int> drive(Conn& c, net::Deadline deadline, const std::function<int()>& op) {
        std::array<std::uint8_t, 16 * 1024> buf;
        for (;;) {
            ERR_clear_error();
            const int rc = op();
            const int err = rc > 0 ? SSL_ERROR_NONE : SSL_get_error(c.ssl.get(), rc);
            auto flushed = flush(c, deadline);  // what OpenSSL wrote, an alert included
            if (rc > 0) return rc;
            if (err == SSL_ERROR_ZERO_RETURN) return core::make_error("closed", "the server sent close_notify");
            if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return tls_failure(c);
            if (!flushed) return core::make_error("reset", "the server reset the connection");
            if (err == SSL_ERROR_WANT_WRITE) continue;
            if (net::SteadyClock::now() >= deadline) return core::make_error("timeout", "no answer in time");
            auto n = c.socket.recv_some(buf, deadline);
            if (!n) {
                if (n.error().code == net::kErrTimeout) return core::make_error("timeout", "no answer in time");
                return core::make_error("reset", "the server reset the connection");
            }
            if (*n == 0) return core::make_error("closed", "the server closed the connection");
            c.bytes_read += *n;
            if (c.bytes_read > kMaxBytes)
                return core::make_error("size", fmt::format("the server sent more than {} KiB", kMaxBytes / 1024));
            if (BIO_write(SSL_get_rbio(c.ssl.get()), buf.data(), static_cast<int>(*n)) != static_cast<int>(*n))
                return core::make_error("tls", "cannot buffer the server's data");
        }
    }

    net::Deadline op_deadline() const { return net::deadline_after(options.timeout); }

    // A connected SSL in connect state, with SNI, before its handshake.
    core::Result<ConnPtr> open(const SslCtxPtr& ctx, SSL_SESSION* session, bool no_ticket) {
        auto socket = net::connect_target(target, options);
        if (!socket) return socket.error();
        ++facts.connections;
        auto c = std::make_unique<Conn>();
        c->socket = std::move(*socket);
        c->ssl.reset(SSL_new(ctx.get()));
        if (!c->ssl) return core::make_error("openssl", "cannot create an SSL object: " + openssl_errors());
        BIO* rbio = BIO_new(BIO_s_mem());
        BIO* wbio = BIO_new(BIO_s_mem());
        if (rbio == nullptr || wbio == nullptr) {
            BIO_free(rbio);
            BIO_free(wbio);
            return core::make_error("openssl", "cannot allocate memory BIOs");
        }
        BIO_set_mem_eof_return(rbio, -1);  // empty means "wait for more"
        SSL_set_bio(c->ssl.get(), rbio, wbio);
        SSL_set_connect_state(c->ssl.get());
        SSL_set_app_data(c->ssl.get(), c.get());
        SSL_set_info_callback(c->ssl.get(), on_info);
        SSL_set_msg_callback(c->ssl.get(), on_message);
        if (no_ticket) SSL_set_options(c->ssl.get(), SSL_OP_NO_TICKET);
        if (!sni.empty() && SSL_set_tlsext_host_name(c->ssl.get(), sni.c_str()) != 1)
            return core::make_error("openssl", "cannot set SNI: " + openssl_errors());
        if (session != nullptr && SSL_set_session(c->ssl.get(), session) != 1)
            return core::make_error("openssl", "cannot set the session: " + openssl_errors());
        return c;
    }

    core::Result<ConnPtr> connect(const SslCtxPtr& ctx, SSL_SESSION* session, bool no_ticket) {
        auto c = open(ctx, session, no_ticket);
        if (!c) return c;
        SSL* ssl = (*c)->ssl.get();
        if (auto done = drive(**c, op_deadline(), [ssl] { return SSL_do_handshake(ssl); }); !done)
            return done.error();
        return c;
    }

    void close(ConnPtr& c) {
        if (!c) return;
        ERR_clear_error();
        (void)SSL_shutdown(c->ssl.get());
        (void)flush(*c, net::deadline_after(std::min(options.timeout, kCloseNotifyWait)));
        SSL_set_app_data(c->ssl.get(), nullptr);
        c.reset();
        ERR_clear_error();
    }

    static std::string resumed_state(const Conn& c) {
        return std::string(SSL_session_reused(c.ssl.get()) == 1 ? kStateYes : kStateNo);
    }

    // RFC 5246 §7.4.1.1: the client sends a new ClientHello on the
    // established connection; the server may refuse (no_renegotiation).
    void renegotiate(Conn& c) {
        auto& f = facts;
        ERR_clear_error();
        if (SSL_renegotiate(c.ssl.get()) != 1) {
            f.client_renegotiation = std::string(kStateUnknown);
            f.client_renegotiation_evidence = "the client could not start a renegotiation: " + openssl_errors();
            return;
        }
        c.alert.reset();
        SSL* ssl = c.ssl.get();
        auto done = drive(c, op_deadline(), [ssl] { return SSL_do_handshake(ssl); });
        if (done && SSL_renegotiate_pending(ssl) == 0) {
            f.client_renegotiation = "accepted";
            f.client_renegotiation_evidence = "the renegotiation handshake completed";
        } else if (done) {
            f.client_renegotiation = std::string(kStateUnknown);
            f.client_renegotiation_evidence = "the handshake call returned with the renegotiation pending";
        } else if (done.error().code == "alert" || done.error().code == "closed" ||
                   done.error().code == "reset") {
            f.client_renegotiation = "refused";
            f.client_renegotiation_evidence = done.error().message;
        } else {
            f.client_renegotiation = std::string(kStateUnknown);
            f.client_renegotiation_evidence = done.error().message;
        }
        step(fmt::format("renegotiation: {} ({})", f.client_renegotiation, f.client_renegotiation_evidence));
    }

    void tls12_phase(bool tls13_negotiated) {
        auto& r = facts.resumption;
        auto ctx = make_context(TLS1_2_VERSION);
        if (!ctx) return unknown_tls12(ctx.error().message);
        // 1: no ticket offered, so that a server that caches sessions sends an ID
        // (OpenSSL servers send an empty one when they issue a ticket).
        auto c1 = connect(*ctx, nullptr, true);
        if (!c1) {
            // A TLS 1.3 server that refuses a TLS 1.2 hello speaks nothing older.
            if (tls13_negotiated && c1.error().code == "alert") {
                facts.notes.push_back("TLS <= 1.2: the server refused the hello (" + c1.error().message +
                                      "); resumption by session ID or TLS 1.2 ticket and renegotiation are "
                                      "not applicable");
                step("TLS <= 1.2 full handshake: " + c1.error().message);
                return;
            }
            return unknown_tls12("the TLS <= 1.2 handshake failed: " + c1.error().message);
        }
        facts.tls12_version = SSL_get_version((*c1)->ssl.get());
        SessionPtr by_id(SSL_get1_session((*c1)->ssl.get()));
        r.session_id_issued = !(*c1)->server_session_id.empty() && by_id != nullptr;
        step(fmt::format("{} full handshake without ticket: session ID {}", facts.tls12_version,
                         r.session_id_issued ? "issued" : "empty"));
        close(*c1);
        r.session_id = std::string(kStateNo);
        if (!r.session_id_issued) facts.notes.push_back("session_id: the ServerHello carried an empty session ID");

        // 2: resumption by that ID, offering a ticket extension: a server with
        // tickets issues one, resumed or not (RFC 5077 §3.1).
        auto c2 = connect(*ctx, r.session_id_issued ? by_id.get() : nullptr, false);
        if (!c2) {
            if (r.session_id_issued) r.session_id = std::string(kStateUnknown);
            r.ticket = std::string(kStateUnknown);
            step("second TLS <= 1.2 handshake: " + c2.error().message);
            return set_renegotiation_unknown(c2.error().message);
        }
        if (r.session_id_issued) r.session_id = resumed_state(**c2);
        SessionPtr ticketed(SSL_get1_session((*c2)->ssl.get()));
        r.ticket_issued = ticketed && SSL_SESSION_has_ticket(ticketed.get()) == 1;
        if (r.ticket_issued)
            r.ticket_lifetime_hint = static_cast<long>(SSL_SESSION_get_ticket_lifetime_hint(ticketed.get()));
        step(fmt::format("{}, ticket {}",
                         r.session_id_issued ? std::string(r.session_id == kStateYes
                                                               ? "resumption by session ID: resumed"
                                                               : "resumption by session ID: full handshake")
                                             : std::string("full handshake offering a ticket"),
                         r.ticket_issued ? fmt::format("issued (lifetime hint {} s)", r.ticket_lifetime_hint)
                                         : std::string("not issued")));
        r.ticket = std::string(kStateNo);
        if (!r.ticket_issued) {
            facts.notes.push_back("ticket: the server sent no NewSessionTicket");
            renegotiate(**c2);
            return close(*c2);
        }
        close(*c2);

        // 3: resumption by the ticket.
        auto c3 = connect(*ctx, ticketed.get(), false);
        if (!c3) {
            r.ticket = std::string(kStateUnknown);
            step("resumption by ticket: " + c3.error().message);
            return set_renegotiation_unknown(c3.error().message);
        }
        r.ticket = resumed_state(**c3);
        step("resumption by ticket: " + std::string(r.ticket == kStateYes ? "resumed" : "full handshake"));
        renegotiate(**c3);
        close(*c3);
    }
    void set_renegotiation_unknown(const std::string& why) {
        facts.client_renegotiation = std::string(kStateUnknown);
        facts.client_renegotiation_evidence = "the connection to renegotiate on failed: " + why;
    }

    void unknown_tls12(const std::string& why) {
        auto& r = facts.resumption;
        r.session_id = r.ticket = std::string(kStateUnknown);
        facts.client_renegotiation = std::string(kStateUnknown);
        facts.client_renegotiation_evidence = why;
        facts.notes.push_back(why);
        step("tls1.2: " + why);
    }

    std::string early_payload() const {
        if (target.service == "https")
            return fmt::format("HEAD / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
                               sni.empty() ? target.host : sni);
        return "\r\n";
    }

    // Reads after the handshake until a TLS 1.3 ticket arrives or kTicketWait passes.
    void await_ticket(Conn& c) {
        const auto until = std::min(op_deadline(), net::deadline_after(kTicketWait));
        std::array<std::uint8_t, 4096> sink;
        SSL* ssl = c.ssl.get();
        while (!c.ticket_session && net::SteadyClock::now() < until) {
            auto got = drive(c, until, [ssl, &sink] { return SSL_read(ssl, sink.data(), static_cast<int>(sink.size())); });
            if (!got) break;  // timeout, close or error: no (more) tickets
        }
    }

    void tls13_phase() {
        auto& r = facts.resumption;
        auto ctx = make_context(TLS1_3_VERSION);
        if (!ctx) return unknown_tls13(ctx.error().message);
        auto c4 = connect(*ctx, nullptr, false);
        if (!c4) return unknown_tls13("the TLS 1.3 handshake failed: " + c4.error().message);
        await_ticket(**c4);
        SessionPtr ticket = std::move((*c4)->ticket_session);
        close(*c4);
        r.tls13_ticket_issued = ticket != nullptr;
        if (!ticket) {
            r.tls13_psk = std::string(kStateNo);
            facts.early_data = std::string(kStateNotApplicable);
            facts.notes.push_back(fmt::format("tls13_psk: no NewSessionTicket within {} ms of the handshake",
                                              kTicketWait.count()));
            step("TLSv1.3 full handshake: no ticket");
            return;
        }
        r.tls13_ticket_lifetime = static_cast<long>(SSL_SESSION_get_ticket_lifetime_hint(ticket.get()));
        facts.max_early_data = static_cast<long>(SSL_SESSION_get_max_early_data(ticket.get()));
        step(fmt::format("TLSv1.3 full handshake: ticket (lifetime {} s, max_early_data {})",
                         r.tls13_ticket_lifetime, facts.max_early_data));

        auto c5 = open(*ctx, ticket.get(), false);
        if (!c5) return unknown_resumption13(c5.error().message);
        SSL* ssl = (*c5)->ssl.get();
        if (facts.max_early_data > 0) {
            const std::string payload = early_payload().substr(0, static_cast<std::size_t>(facts.max_early_data));
            facts.early_data_sent = safe_text(payload);
            std::size_t written = 0;
            auto sent = drive(**c5, op_deadline(), [ssl, &payload, &written] {
                return SSL_write_early_data(ssl, payload.data(), payload.size(), &written);
            });
            if (!sent) return unknown_resumption13("sending early data: " + sent.error().message);
        }
        if (auto done = drive(**c5, op_deadline(), [ssl] { return SSL_do_handshake(ssl); }); !done)
            return unknown_resumption13(done.error().message);
        r.tls13_psk = resumed_state(**c5);
        if (facts.max_early_data > 0) {
            switch (SSL_get_early_data_status(ssl)) {
                case SSL_EARLY_DATA_ACCEPTED:
                    facts.early_data = "accepted";
                    break;
                case SSL_EARLY_DATA_REJECTED:
                    facts.early_data = "rejected";
                    break;
                default:
                    facts.early_data = std::string(kStateUnknown);
            }
        } else {
            facts.early_data = "not_offered";
        }
        step(fmt::format("TLSv1.3 resumption: {}, early data {}",
                         r.tls13_psk == kStateYes ? "resumed" : "full handshake", facts.early_data));
        close(*c5);
    }

    void unknown_tls13(const std::string& why) {
        facts.resumption.tls13_psk = std::string(kStateUnknown);
        facts.early_data = std::string(kStateUnknown);
        facts.notes.push_back(why);
        step("TLSv1.3: " + why);
    }

    void unknown_resumption13(const std::string& why) {
        unknown_tls13("the TLS 1.3 resumption failed: " + why);
    }
};

core::ProbeRecord run_session_probe(const core::Target& target, const core::ProbeOptions& options,
                                    const core::FactSet& earlier) {
    const auto started = std::chrono::steady_clock::now();
    const auto* tls_record = earlier.get("tls");
    if (tls_record == nullptr || tls_record->status != core::ProbeStatus::ok)
        return core::ProbeRecord::failure(kProbe, tls_record ? "tls could not observe: " + tls_record->error
                                                             : "tls facts are missing");
    auto tls = parse_tls_facts(tls_record->data);
    if (!tls) return core::ProbeRecord::failure(kProbe, tls.error().describe());

    Probe p{target, options, tls->sni, {}};
    const bool tls13 = tls->version == "TLSv1.3";
    p.tls12_phase(tls13);
    if (tls13) {
        p.tls13_phase();
    } else {
        p.facts.notes.push_back("TLS 1.3 is not negotiated: TLS 1.3 resumption and early data are not applicable");
    }
    ERR_clear_error();
    core::ProbeRecord record;
    record.probe = kProbe;
    record.connections = static_cast<std::size_t>(p.facts.connections);
    record.data = p.facts;
    record.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return record;
}

}  // namespace

void register_session_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = kProbe;
    d.title = "TLS session resumption, client-initiated renegotiation and 0-RTT early data";
    d.description =
        "OpenSSL handshakes: a TLS <= 1.2 handshake, resumption by its session ID alone and by its ticket "
        "(RFC 5077), client-initiated renegotiation on the last of these; a TLS 1.3 handshake collecting a "
        "NewSessionTicket and a PSK resumption with it, sending early data (an HTTP HEAD for https, CRLF "
        "otherwise) when the ticket allows it. Two to five connections.";
    d.facts = {"tls_session.tls12_version",
               "tls_session.resumption.session_id",
               "tls_session.resumption.ticket",
               "tls_session.resumption.tls13_psk",
               "tls_session.resumption.session_id_issued",
               "tls_session.resumption.ticket_issued",
               "tls_session.resumption.ticket_lifetime_hint",
               "tls_session.resumption.tls13_ticket_issued",
               "tls_session.resumption.tls13_ticket_lifetime",
               "tls_session.client_renegotiation",
               "tls_session.client_renegotiation_evidence",
               "tls_session.max_early_data",
               "tls_session.early_data",
               "tls_session.early_data_sent",
               "tls_session.steps",
               "tls_session.notes",
               "tls_session.connections"};
    d.depends_on = {"tls"};
    d.run = [](const core::Target& target, const core::ProbeOptions& options, const core::FactSet& earlier) {
        try {
            return run_session_probe(target, options, earlier);
        } catch (const std::exception& e) {
            ERR_clear_error();
            return core::ProbeRecord::failure(kProbe, fmt::format("internal error: {}", e.what()));
        }
    };
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::tls
