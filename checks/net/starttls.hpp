// STARTTLS: the plaintext dialog that turns a connection to a mail, directory,
// chat or database server into one whose next byte is our ClientHello.
//
// connect_target() runs it when Target::starttls names a protocol, so every
// TLS probe (raw hellos and the OpenSSL handshake alike) sees the upgraded
// connection without knowing about it. The server is not trusted: every read
// is bounded in bytes (kStarttlsMaxLine per line, kStarttlsMaxBytes for the
// whole dialog) and by the deadline, and a server that does not offer the
// upgrade, refuses it, stalls or talks nonsense yields an error whose message
// says which and quotes what the server said.
#pragma once

#include <cstddef>
#include <string_view>

#include "checks/net/socket.hpp"
#include "scanner/core/result.hpp"
#include "scanner/core/target.hpp"

namespace conformscan::checks::net {

// core::Error::code of every STARTTLS failure; the message starts with the
// protocol: "smtp: server does not offer STARTTLS (EHLO capabilities: ...)".
inline constexpr std::string_view kErrStarttls = "starttls";

// Longest line a text protocol may send before the upgrade. RFC 5321 §4.5.3.1.5
// allows 512 octets per reply line; IMAP CAPABILITY and XMPP features run
// longer, so allow some room, but not an unbounded buffer.
inline constexpr std::size_t kStarttlsMaxLine = 4096;
// Everything a server may send before the upgrade, all replies together.
inline constexpr std::size_t kStarttlsMaxBytes = 64 * 1024;

// The domain sent in EHLO/LHLO: our own name, as RFC 5321 §4.1.1.1 asks;
// a reserved name (RFC 2606) since the scanner has no mail domain.
inline constexpr std::string_view kStarttlsClientName = "conformscan.invalid";

// Speaks `proto` (one of core::starttls_protocols()) on a fresh connection up
// to the point where the server waits for a ClientHello. On success nothing
// the server sent is left unread. `target` gives the XMPP stream's domain
// (its SNI name, else its host).
core::Result<void> starttls_upgrade(TcpSocket& socket, std::string_view proto, const core::Target& target,
                                    Deadline deadline);

}  // namespace conformscan::checks::net
