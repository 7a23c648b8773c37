// The connections of the `tls_session` probe: OpenSSL client connections
// over memory BIOs, so that the probe owns every socket read (a size cap and
// a deadline per operation), with what their callbacks observe — the
// server's last alert, the ServerHello's session ID as sent, the TLS 1.3
// sessions NewSessionTicket messages create.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <openssl/ssl.h>

#include "checks/net/socket.hpp"
#include "checks/tls/openssl_ptr.hpp"
#include "checks/tls/wire/record.hpp"
#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

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

// A client context seeing everything (every suite, security level 0, legacy
// renegotiation allowed), up to `max_version` (TLS 1.3: exactly TLS 1.3),
// with the callbacks Conn relies on.
core::Result<SslCtxPtr> make_session_context(int max_version);

class SessionConnector {
public:
    SessionConnector(const core::Target& target, const core::ProbeOptions& options, const std::string& sni)
        : m_target(target), m_options(options), m_sni(sni) {}

    // A connected SSL in connect state, with SNI and `session`, before its handshake.
    core::Result<ConnPtr> open(const SslCtxPtr& ctx, SSL_SESSION* session, bool no_ticket);
    // open() and the handshake.
    core::Result<ConnPtr> connect(const SslCtxPtr& ctx, SSL_SESSION* session, bool no_ticket);
    // Runs `op` (an SSL call, > 0 on success) until it succeeds, fails, the
    // server closes, or the deadline passes, moving bytes between the socket
    // and the BIOs. Error codes: alert, tls, closed, timeout, reset, size.
    core::Result<int> drive(Conn& c, net::Deadline deadline, const std::function<int()>& op);
    // close_notify (waiting briefly) and release.
    void close(ConnPtr& c);
    [[nodiscard]] net::Deadline op_deadline() const { return net::deadline_after(m_options.timeout); }
    [[nodiscard]] int connections() const { return m_connections; }

private:
    const core::Target& m_target;
    const core::ProbeOptions& m_options;
    const std::string& m_sni;
    int m_connections = 0;
};

}  // namespace conformscan::checks::tls
