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
#include "checks/tls/session_conn.hpp"
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

struct Probe {
    const core::Target& target;
    const core::ProbeOptions& options;
    std::string sni;
    TlsSessionFacts facts;
    SessionConnector io{target, options, sni};

    void step(std::string line) { facts.steps.push_back(std::move(line)); }

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
            f.client_renegotiation_evidence =
                "the client could not start a renegotiation: " + openssl_errors();
            return;
        }
        c.alert.reset();
        SSL* ssl = c.ssl.get();
        auto done = io.drive(c, io.op_deadline(), [ssl] { return SSL_do_handshake(ssl); });
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
        auto ctx = make_session_context(TLS1_2_VERSION);
        if (!ctx) return unknown_tls12(ctx.error().message);
        // 1: no ticket offered, so that a server that caches sessions sends an ID
        // (OpenSSL servers send an empty one when they issue a ticket).
        auto c1 = io.connect(*ctx, nullptr, true);
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
        io.close(*c1);
        r.session_id = std::string(kStateNo);
        if (!r.session_id_issued)
            facts.notes.push_back("session_id: the ServerHello carried an empty session ID");

        // 2: resumption by that ID, offering a ticket extension: a server with
        // tickets issues one, resumed or not (RFC 5077 §3.1).
        auto c2 = io.connect(*ctx, r.session_id_issued ? by_id.get() : nullptr, false);
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
            return io.close(*c2);
        }
        io.close(*c2);

        // 3: resumption by the ticket.
        auto c3 = io.connect(*ctx, ticketed.get(), false);
        if (!c3) {
            r.ticket = std::string(kStateUnknown);
            step("resumption by ticket: " + c3.error().message);
            return set_renegotiation_unknown(c3.error().message);
        }
        r.ticket = resumed_state(**c3);
        step("resumption by ticket: " + std::string(r.ticket == kStateYes ? "resumed" : "full handshake"));
        renegotiate(**c3);
        io.close(*c3);
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
        const auto until = std::min(io.op_deadline(), net::deadline_after(kTicketWait));
        std::array<std::uint8_t, 4096> sink;
        SSL* ssl = c.ssl.get();
        while (!c.ticket_session && net::SteadyClock::now() < until) {
            // A ticket processed inside SSL_read ends the wait at once, not at the deadline.
            auto got = io.drive(c, until, [ssl, &sink, &c] {
                const int rc = SSL_read(ssl, sink.data(), static_cast<int>(sink.size()));
                return rc <= 0 && c.ticket_session ? 1 : rc;
            });
            if (!got) break;  // timeout, close or error: no (more) tickets
        }
    }

    void tls13_phase() {
        auto& r = facts.resumption;
        auto ctx = make_session_context(TLS1_3_VERSION);
        if (!ctx) return unknown_tls13(ctx.error().message);
        auto c4 = io.connect(*ctx, nullptr, false);
        if (!c4) return unknown_tls13("the TLS 1.3 handshake failed: " + c4.error().message);
        await_ticket(**c4);
        SessionPtr ticket = std::move((*c4)->ticket_session);
        io.close(*c4);
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

        auto c5 = io.open(*ctx, ticket.get(), false);
        if (!c5) return unknown_resumption13(c5.error().message);
        SSL* ssl = (*c5)->ssl.get();
        if (facts.max_early_data > 0) {
            const std::string payload =
                early_payload().substr(0, static_cast<std::size_t>(facts.max_early_data));
            facts.early_data_sent = safe_text(payload);
            std::size_t written = 0;
            auto sent = io.drive(**c5, io.op_deadline(), [ssl, &payload, &written] {
                return SSL_write_early_data(ssl, payload.data(), payload.size(), &written);
            });
            if (!sent) return unknown_resumption13("sending early data: " + sent.error().message);
        }
        if (auto done = io.drive(**c5, io.op_deadline(), [ssl] { return SSL_do_handshake(ssl); }); !done)
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
        io.close(*c5);
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
        return core::ProbeRecord::failure(
            kProbe, tls_record ? "tls could not observe: " + tls_record->error : "tls facts are missing");
    auto tls = parse_tls_facts(tls_record->data);
    if (!tls) return core::ProbeRecord::failure(kProbe, tls.error().describe());

    Probe p{target, options, tls->sni, {}};
    const bool tls13 = tls->version == "TLSv1.3";
    p.tls12_phase(tls13);
    if (tls13) {
        p.tls13_phase();
    } else {
        p.facts.notes.push_back(
            "TLS 1.3 is not negotiated: TLS 1.3 resumption and early data are not applicable");
    }
    ERR_clear_error();
    p.facts.connections = p.io.connections();
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
