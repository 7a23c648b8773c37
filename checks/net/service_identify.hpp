// Service identification by handshake, the I/O half: reads greetings, sends
// the nudges and short dialogs (FEAT, EHLO, CAPA, CAPABILITY, HEAD, a
// ClientHello) and hands every byte it gets to the pure classifier in
// checks/net/wire/service_id.hpp. Used by the `tcp` probe and the
// `port_sweep` probe.
//
// Everything sent is harmless: capability queries, a HEAD, a ClientHello that
// is never completed, the rlogin/rsh client handshake with users that exist
// nowhere, and, only when a rule asks, FTP "USER <name>" (never a password).
// Each dialog ends with QUIT/LOGOUT where the protocol has one. Every read is
// bounded in bytes (kMaxDialogBytes) and time (min(options.timeout, 2 s)); at
// most three connections are opened per port.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checks/net/socket.hpp"
#include "checks/net/tcp_facts.hpp"
#include "scanner/core/registry.hpp"

namespace conformscan::checks::net {

inline constexpr std::size_t kMaxDialogBytes = 16 * 1024;

struct IdentifyRequest {
    bool dialogs = false;  // send nudges and capability queries (else: the greeting only)
    std::string ftp_user;  // FTP: send USER <ftp_user> before TLS and record the reply ("" : never)
};

// The request a probe's merged inputs make: {"identify": true, "ftp_user": "anonymous"}.
IdentifyRequest identify_request(const core::Json& inputs);

// Identifies the service behind `first`, a fresh connection to `target` whose
// volunteered greeting is `greeting`, filling facts.service, identified_by,
// evidence, tls_offered, capabilities and ftp_user_reply. Never throws on
// transport outcomes: what could not be observed stays unset.
void identify_service(TcpSocket& first, const std::vector<std::uint8_t>& greeting, const core::Target& target,
                      const core::ProbeOptions& options, const IdentifyRequest& request, TcpFacts& facts);

}  // namespace conformscan::checks::net
