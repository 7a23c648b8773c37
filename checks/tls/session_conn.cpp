#include "checks/tls/session_conn.hpp"

#include <algorithm>
#include <array>

#include <openssl/err.h>

#include <fmt/format.h>

#include "checks/tls/handshake_driver.hpp"
#include "checks/tls/wire/hello.hpp"

namespace conformscan::checks::tls {

namespace {

using std::chrono::milliseconds;

// What a server may send on one connection, handshake included.
constexpr std::size_t kMaxBytes = 256 * 1024;
// close_notify is a courtesy; it must not hold the scan up.
constexpr milliseconds kCloseNotifyWait{200};

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

// Why an SSL call did not complete: the server's alert, else OpenSSL's reason.
core::Error tls_failure(const Conn& c) {
    const std::string reason = openssl_errors();
    if (c.alert) return core::make_error("alert", wire::tls::describe_alert(*c.alert));
    return core::make_error("tls", reason);
}

core::Result<void> flush(Conn& c, net::Deadline deadline) {
    std::array<std::uint8_t, 16 * 1024> buf;
    BIO* wbio = SSL_get_wbio(c.ssl.get());
    while (BIO_ctrl_pending(wbio) > 0) {
        const int n = BIO_read(wbio, buf.data(), static_cast<int>(buf.size()));
        if (n <= 0) break;
        if (auto sent = c.socket.send_all(std::span(buf.data(), static_cast<std::size_t>(n)), deadline);
            !sent)
            return sent.error();
    }
    return {};
}

}  // namespace

core::Result<SslCtxPtr> make_session_context(int max_version) {
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

core::Result<int> SessionConnector::drive(Conn& c, net::Deadline deadline, const std::function<int()>& op) {
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
            return core::make_error("size",
                                    fmt::format("the server sent more than {} KiB", kMaxBytes / 1024));
        if (BIO_write(SSL_get_rbio(c.ssl.get()), buf.data(), static_cast<int>(*n)) != static_cast<int>(*n))
            return core::make_error("tls", "cannot buffer the server's data");
    }
}

core::Result<ConnPtr> SessionConnector::open(const SslCtxPtr& ctx, SSL_SESSION* session, bool no_ticket) {
    auto socket = net::connect_target(m_target, m_options);
    if (!socket) return socket.error();
    ++m_connections;
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
    if (!m_sni.empty() && SSL_set_tlsext_host_name(c->ssl.get(), m_sni.c_str()) != 1)
        return core::make_error("openssl", "cannot set SNI: " + openssl_errors());
    if (session != nullptr && SSL_set_session(c->ssl.get(), session) != 1)
        return core::make_error("openssl", "cannot set the session: " + openssl_errors());
    return c;
}

core::Result<ConnPtr> SessionConnector::connect(const SslCtxPtr& ctx, SSL_SESSION* session, bool no_ticket) {
    auto c = open(ctx, session, no_ticket);
    if (!c) return c;
    SSL* ssl = (*c)->ssl.get();
    if (auto done = drive(**c, op_deadline(), [ssl] { return SSL_do_handshake(ssl); }); !done)
        return done.error();
    return c;
}

void SessionConnector::close(ConnPtr& c) {
    if (!c) return;
    ERR_clear_error();
    (void)SSL_shutdown(c->ssl.get());
    (void)flush(*c, net::deadline_after(std::min(m_options.timeout, kCloseNotifyWait)));
    SSL_set_app_data(c->ssl.get(), nullptr);
    c.reset();
    ERR_clear_error();
}

}  // namespace conformscan::checks::tls
