// Drives an OpenSSL client handshake over memory BIOs, so that the probe owns
// every socket read and write: one overall deadline, a cap on the bytes a
// server may send, and the first bytes kept for a diagnosis of what answered.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <openssl/ssl.h>

#include "checks/net/socket.hpp"
#include "checks/tls/wire/record.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::checks::tls {

// A server answering with more than this before the handshake ends is not
// negotiating; certificate chains in practice stay far below it.
inline constexpr std::size_t kMaxHandshakeBytes = 256 * 1024;
// Enough for a record header and an alert, or a line of a plaintext protocol.
inline constexpr std::size_t kKeptFirstBytes = 64;

struct HandshakeIo {
    std::vector<std::uint8_t> first_bytes;  // up to kKeptFirstBytes of what the server sent
    std::size_t bytes_read = 0;
    std::size_t bytes_written = 0;
    std::optional<wire::tls::Alert> alert_received;  // the last alert OpenSSL read, if any
};

// Sets up memory BIOs on `ssl` (which must be in connect state) and runs the
// handshake until it completes, fails or `deadline` passes. The error message
// is the probe's failure text ("no TLS answer within 1500 ms", "server
// answered with non-TLS data: 'HTTP/1.1 400 Bad Request'", ...).
core::Result<void> run_handshake(SSL* ssl, net::TcpSocket& socket, net::Deadline deadline,
                                 std::chrono::milliseconds budget, HandshakeIo& io);

// Sends close_notify, waiting at most until `deadline`; errors are ignored
// (the facts are already observed).
void send_close_notify(SSL* ssl, net::TcpSocket& socket, net::Deadline deadline);

// The OpenSSL error queue as text (reasons joined by "; "), and cleared.
std::string openssl_errors();

}  // namespace conformscan::checks::tls
