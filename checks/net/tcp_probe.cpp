// The `tcp` probe: one connect() and a bounded wait for a volunteered banner,
// then service identification (checks/net/service_identify.hpp): from the
// greeting alone by default, with nudges and capability queries when a rule
// asks for them through its probe inputs ({"identify": true}).
//
// A closed or filtered port is an observation, not a failure: rules such as
// net.port_closed judge exactly that. The probe reports status error only
// when it could not observe the port at all (a bad address, no sockets left).
#include "checks/net/tcp_probe.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

#include <fmt/format.h>

#include "checks/net/service_identify.hpp"
#include "checks/net/socket.hpp"
#include "checks/net/sweep_probe.hpp"
#include "checks/net/tftp_probe.hpp"
#include "checks/net/tcp_facts.hpp"
#include "scanner/core/byte_reader.hpp"

namespace conformscan::checks::net {

namespace {

using std::chrono::milliseconds;

// Servers that talk first (SSH, SMTP, FTP, POP3, IMAP) do so at once; a longer
// wait would only slow every scan of a port that waits for the client.
constexpr milliseconds kBannerWait{800};
// Once the first bytes are in, this much silence ends the banner.
constexpr milliseconds kBannerIdleGap{150};

double elapsed_ms(SteadyClock::time_point since) {
    return std::chrono::duration<double, std::milli>(SteadyClock::now() - since).count();
}

core::ProbeRecord run_tcp_probe(const core::Target& target, const core::ProbeOptions& options) {
    const auto started = SteadyClock::now();
    TcpFacts facts;

    auto sock = connect_target_raw(target, options);  // the port itself, never a STARTTLS dialog
    facts.connect_ms = elapsed_ms(started);
    if (!sock) {
        const std::string_view state = port_state(sock.error());
        if (state.empty()) {
            auto record = core::ProbeRecord::failure("tcp", sock.error().message);
            record.duration_ms = elapsed_ms(started);
            return record;
        }
        facts.state = std::string(state);
        facts.reason = sock.error().message;
    } else {
        facts.state = "open";
        facts.reason = "connected";
        const milliseconds wait = std::min(options.timeout, kBannerWait);
        auto banner = sock->read_bounded(options.max_banner_bytes, deadline_after(wait), kBannerIdleGap);
        // A reset before any byte is still an open port with no banner.
        std::vector<std::uint8_t> greeting;
        if (banner && !banner->empty()) {
            facts.banner = core::escape_bytes(*banner);
            facts.banner_hex = core::to_hex(*banner);
            facts.banner_bytes = banner->size();
            greeting = std::move(banner).value();
        }
        identify_service(*sock, greeting, target, options, identify_request(options.inputs), facts);
    }

    core::ProbeRecord record;
    record.probe = "tcp";
    record.status = core::ProbeStatus::ok;
    record.data = facts;
    record.duration_ms = elapsed_ms(started);
    return record;
}

}  // namespace

void register_tcp_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = "tcp";
    d.title = "TCP port state and banner";
    d.description =
        "Connects to the target port within the timeout and reports it open, closed (refused) or "
        "filtered (no answer, unreachable); on an open port, records the bytes the server volunteers "
        "within 800 ms, up to the banner size limit, and identifies the service from that greeting "
        "(telnet option negotiation, FTP/SMTP 220, POP3 +OK, IMAP * OK, SSH-). When a rule asks "
        "(net.cleartext_management, net.ftp_auth_tls, service: auto) it also queries capabilities "
        "(FTP FEAT/AUTH TLS, SMTP EHLO, POP3 CAPA, IMAP CAPABILITY: whether TLS is offered) and nudges a "
        "silent port (the rlogin/rsh handshake on 513/514, a TLS ClientHello, an HTTP HEAD), at most three "
        "connections per port.";
    d.facts = {"tcp.state",         "tcp.reason",        "tcp.connect_ms", "tcp.banner",
               "tcp.banner_hex",    "tcp.banner_bytes",  "tcp.service",    "tcp.identified_by",
               "tcp.evidence",      "tcp.tls_offered",   "tcp.capabilities[*]", "tcp.ftp_user_reply"};
    d.run = [](const core::Target& target, const core::ProbeOptions& options, const core::FactSet&) {
        try {
            return run_tcp_probe(target, options);
        } catch (const std::exception& e) {
            // Only allocation can throw here; the engine guards too, but a
            // probe should not count on it.
            return core::ProbeRecord::failure("tcp", fmt::format("internal error: {}", e.what()));
        }
    };
    core::must_add(registry, std::move(d));
    // The family's other probes, per host: the port sweep (net.exposed_services)
    // and TFTP over UDP (net.cleartext_management).
    register_sweep_probe(registry);
    register_tftp_probe(registry);
}

}  // namespace conformscan::checks::net
