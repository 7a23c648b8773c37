// The `port_sweep` probe: which ports of a list answer on the target's host,
// and what each open one is (service identification by handshake). A per-host
// probe: the engine runs it once per host however many targets share it.
#pragma once

#include <cstdint>
#include <vector>

#include "scanner/core/registry.hpp"

namespace conformscan::checks::net {

// Well-known management, cleartext and commonly exposed ports, swept when a
// rule gives no list: ftp, ssh, telnet, smtp, dns, http, pop3, rpcbind,
// msrpc, netbios, imap, https, smb, rexec/rlogin/rsh, rsync, socks, mssql,
// telnet-alt, mysql, rdp, postgres, vnc, winrm, redis, http-alt, winbox,
// https-alt, routeros-api, jetdirect, webmin, mongodb.
const std::vector<std::uint16_t>& default_sweep_ports();

// At most this many ports per sweep.
inline constexpr std::size_t kMaxSweepPorts = 1024;

void register_sweep_probe(core::ProbeRegistry& registry);

}  // namespace conformscan::checks::net
