// Facts of the `tcp` probe: whether the target's port answers, and the first
// bytes a server volunteers (a banner), bounded.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::checks::net {

struct TcpFacts {
    std::string state;          // "open" | "closed" | "filtered"
    std::string reason;         // "connected", "connection refused", "no answer within 5000 ms", ...
    double connect_ms = 0;      // time to the connect() outcome
    std::string banner;         // escaped (core::escape_bytes), empty when the server said nothing
    std::string banner_hex;     // the same bytes in hex
    std::size_t banner_bytes = 0;

    // Service identification (checks/net/wire/service_id.hpp). `service` is
    // set on every open port from the greeting; the nudges and dialogs that
    // settle the rest run only when a rule asks (probe input identify: true).
    std::string service;        // telnet, ftp, smtp, pop3, imap, ssh, http, tls, rlogin, rsh, unknown, silent
    std::string identified_by;  // "greeting", "port", "tls-client-hello", "http-head", "rlogin-handshake", ...
    std::string evidence;       // the bytes that decided it, one line, escaped
    std::optional<bool> tls_offered;        // TLS itself, STARTTLS/STLS/AUTH TLS; unset: not applicable or unknown
    std::vector<std::string> capabilities;  // EHLO keywords, FEAT lines, CAPA/CAPABILITY, telnet options
    std::string ftp_user_reply;             // FTP: the reply to USER anonymous before TLS (probe input ftp_user)
};

void to_json(nlohmann::json& j, const TcpFacts& f);
void from_json(const nlohmann::json& j, TcpFacts& f);
// from_json that never throws: a saved report may be hand-edited or old.
core::Result<TcpFacts> parse_tcp_facts(const nlohmann::json& j);

}  // namespace conformscan::checks::net
