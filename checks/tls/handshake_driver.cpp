#include "checks/tls/handshake_driver.hpp"

#include <algorithm>
#include <array>

#include <openssl/err.h>

#include <fmt/format.h>

namespace conformscan::checks::tls {

namespace {

using wire::tls::ServerBytesKind;

// SSL_set_info_callback has no user pointer; the HandshakeIo rides in the
// SSL's app data for the duration of run_handshake.
void on_ssl_info(const SSL* ssl, int where, int ret) {
    // SSL_CB_READ_ALERT and SSL_CB_WRITE_ALERT share the SSL_CB_ALERT bit:
    // test both bits, or our own alert would be blamed on the server.
    if ((where & SSL_CB_ALERT) == 0 || (where & SSL_CB_READ) == 0) return;
    auto* io = static_cast<HandshakeIo*>(SSL_get_app_data(ssl));
    if (io == nullptr) return;
    // For alerts, `ret` is level << 8 | description (SSL_alert_type_string).
    io->alert_received =
        wire::tls::Alert{static_cast<std::uint8_t>((ret >> 8) & 0xff), static_cast<std::uint8_t>(ret & 0xff)};
}

// Moves what OpenSSL wrote into the write BIO onto the socket.
core::Result<void> flush(BIO* wbio, net::TcpSocket& socket, net::Deadline deadline, HandshakeIo& io) {
    std::array<std::uint8_t, 16 * 1024> buf;
    while (BIO_ctrl_pending(wbio) > 0) {
        const int n = BIO_read(wbio, buf.data(), static_cast<int>(buf.size()));
        if (n <= 0) break;
        auto sent = socket.send_all(std::span(buf.data(), static_cast<std::size_t>(n)), deadline);
        if (!sent) return sent.error();
        io.bytes_written += static_cast<std::size_t>(n);
    }
    return {};
}

// "after it sent non-TLS data: '...'" when what it sent explains the failure.
std::string what_server_sent(const HandshakeIo& io) {
    if (io.first_bytes.empty()) return "";
    return " after " + wire::tls::describe_server_bytes(io.first_bytes);
}

core::Error fail(std::string message) {
    return core::make_error("handshake", std::move(message), "tls");
}

// A handshake OpenSSL gave up on: say what the server did, in wire terms
// where they explain it better than OpenSSL's reason string.
core::Error explain_failure(const HandshakeIo& io) {
    const std::string openssl = openssl_errors();
    if (io.alert_received)
        return fail("server answered with a " + wire::tls::describe_alert(*io.alert_received));
    const auto seen = wire::tls::classify_server_bytes(io.first_bytes);
    switch (seen.kind) {
        case ServerBytesKind::tls_alert:
            return fail("server answered with a " + seen.description);
        case ServerBytesKind::non_tls:
        case ServerBytesKind::sslv2:
        case ServerBytesKind::malformed_tls:
            return fail("server answered with " + seen.description);
        case ServerBytesKind::empty:
        case ServerBytesKind::tls_record:
            break;
    }
    return fail("TLS handshake failed: " + openssl);
}

}  // namespace

std::string openssl_errors() {
    std::string text;
    while (const unsigned long e = ERR_get_error()) {
        const char* reason = ERR_reason_error_string(e);
        const std::string one = reason != nullptr ? reason : fmt::format("error {:#x}", e);
        if (text.find(one) != std::string::npos) continue;
        if (!text.empty()) text += "; ";
        text += one;
    }
    return text.empty() ? "no OpenSSL error recorded" : text;
}

core::Result<void> run_handshake(SSL* ssl, net::TcpSocket& socket, net::Deadline deadline,
                                 std::chrono::milliseconds budget, HandshakeIo& io) {
    BIO* rbio = BIO_new(BIO_s_mem());
    BIO* wbio = BIO_new(BIO_s_mem());
    if (rbio == nullptr || wbio == nullptr) {
        BIO_free(rbio);
        BIO_free(wbio);
        return fail("cannot allocate memory BIOs");
    }
    // An empty read BIO means "wait for more", not end of stream.
    BIO_set_mem_eof_return(rbio, -1);
    SSL_set_bio(ssl, rbio, wbio);  // the SSL owns both now
    SSL_set_app_data(ssl, &io);
    SSL_set_info_callback(ssl, on_ssl_info);
    struct Detach {  // io must not outlive its pointer in the SSL
        SSL* ssl;
        ~Detach() {
            SSL_set_info_callback(ssl, nullptr);
            SSL_set_app_data(ssl, nullptr);
        }
    } detach{ssl};

    std::array<std::uint8_t, 16 * 1024> buf;
    for (;;) {
        if (net::SteadyClock::now() >= deadline)
            return fail(fmt::format("TLS handshake did not complete within {} ms{}", budget.count(),
                                    what_server_sent(io)));
        ERR_clear_error();
        const int rc = SSL_do_handshake(ssl);
        const int err = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, rc);
        // Send what OpenSSL produced (the ClientHello, or an alert explaining
        // a failure) before looking at the outcome.
        auto flushed = flush(wbio, socket, deadline, io);
        if (rc == 1) return {};
        if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) return explain_failure(io);
        if (!flushed) {
            if (flushed.error().code == net::kErrTimeout)
                return fail(fmt::format("server did not take the ClientHello within {} ms", budget.count()));
            return fail("connection reset by the server during the handshake" + what_server_sent(io));
        }
        if (err == SSL_ERROR_WANT_WRITE) continue;  // a memory BIO takes everything; flushed above

        auto n = socket.recv_some(buf, deadline);
        if (!n) {
            if (n.error().code == net::kErrTimeout) {
                if (io.bytes_read == 0)
                    return fail(fmt::format("no TLS answer within {} ms", budget.count()));
                return fail(fmt::format("TLS handshake did not complete within {} ms{}", budget.count(),
                                        what_server_sent(io)));
            }
            return fail("connection reset by the server during the handshake" + what_server_sent(io));
        }
        if (*n == 0)
            return fail("connection closed by the server during the handshake" + what_server_sent(io));
        const auto got = std::span<const std::uint8_t>(buf.data(), *n);
        const std::size_t keep = std::min(kKeptFirstBytes - io.first_bytes.size(), got.size());
        io.first_bytes.insert(io.first_bytes.end(), got.begin(),
                              got.begin() + static_cast<std::ptrdiff_t>(keep));
        io.bytes_read += *n;
        if (io.bytes_read > kMaxHandshakeBytes)
            return fail(fmt::format("server sent more than {} KiB without completing the handshake",
                                    kMaxHandshakeBytes / 1024));
        if (BIO_write(rbio, got.data(), static_cast<int>(got.size())) != static_cast<int>(got.size()))
            return fail("cannot buffer the server's data");
    }
}

void send_close_notify(SSL* ssl, net::TcpSocket& socket, net::Deadline deadline) {
    ERR_clear_error();
    (void)SSL_shutdown(ssl);
    HandshakeIo unused;
    (void)flush(SSL_get_wbio(ssl), socket, deadline, unused);
    ERR_clear_error();
}

}  // namespace conformscan::checks::tls
