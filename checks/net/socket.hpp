// A tiny POSIX TCP client with deadlines, for probes that own their I/O.
//
// Why not Asio here: a probe makes one connection and reads a bounded number
// of bytes before a deadline; a non-blocking socket and poll() say exactly
// that, with no event loop to share. Nothing is resolved: Target::address is
// already an IP literal (the engine resolves and scope-checks before probing),
// and getaddrinfo is called with AI_NUMERICHOST so a name can never slip
// through to DNS.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/core/registry.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::checks::net {

using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;

inline Deadline deadline_after(std::chrono::milliseconds ms) {
    return SteadyClock::now() + ms;
}

// Error codes of TcpSocket operations (core::Error::code).
inline constexpr std::string_view kErrRefused = "refused";          // RST to our SYN
inline constexpr std::string_view kErrTimeout = "timeout";          // deadline passed
inline constexpr std::string_view kErrUnreachable = "unreachable";  // ICMP host/network unreachable
inline constexpr std::string_view kErrBadAddress = "bad_address";   // not an IP literal
inline constexpr std::string_view kErrIo = "io";                    // anything else (errno text in message)

// The port state a connect() error means: "closed" for a refusal, "filtered"
// for silence or an ICMP unreachable, "" when the error says nothing about the
// port (bad address, local resource failure).
std::string_view port_state(const core::Error& connect_error);

class TcpSocket {
public:
    TcpSocket() = default;
    ~TcpSocket();
    TcpSocket(TcpSocket&& other) noexcept;
    TcpSocket& operator=(TcpSocket&& other) noexcept;
    TcpSocket(const TcpSocket&) = delete;
    TcpSocket& operator=(const TcpSocket&) = delete;

    // Non-blocking connect to an IPv4 or IPv6 literal ("192.0.2.1", "::1",
    // "[::1]", "fe80::1%eth0"), waiting at most `timeout`.
    static core::Result<TcpSocket> connect(const std::string& address, std::uint16_t port,
                                           std::chrono::milliseconds timeout);

    // Sends every byte before the deadline (MSG_NOSIGNAL: a reset peer is an
    // error, not a SIGPIPE).
    core::Result<void> send_all(std::span<const std::uint8_t> data, Deadline deadline);
    // Waits until some bytes arrive or the deadline passes, then reads at most
    // buffer.size() bytes. 0 means the peer closed its side.
    core::Result<std::size_t> recv_some(std::span<std::uint8_t> buffer, Deadline deadline);
    // Reads until `max_bytes`, end of stream or the deadline, whichever comes
    // first; once data has arrived, `idle_gap` of silence also ends the read
    // (a banner comes in one burst; waiting out the full deadline after it
    // only slows the scan). A timeout is not an error here: it returns what
    // arrived.
    core::Result<std::vector<std::uint8_t>> read_bounded(std::size_t max_bytes, Deadline deadline,
                                                         std::chrono::milliseconds idle_gap);

    [[nodiscard]] bool is_open() const { return m_fd >= 0; }
    [[nodiscard]] int fd() const { return m_fd; }
    void close();

private:
    friend core::Result<TcpSocket> connect_target_raw(const core::Target& target, const core::ProbeOptions& options);
    explicit TcpSocket(int fd) : m_fd(fd) {}
    // poll() for `events` until the deadline; retries on EINTR.
    core::Result<void> wait_for(short events, Deadline deadline);

    int m_fd = -1;
    core::ConnectionLimiter::Permit m_permit;  // held while connected (politeness limits)
};

// Connects to the target's address within the politeness limits of `options`
// (per-host cap, rate), counting the connection against the target. Every
// probe connects through this. When the target names a STARTTLS protocol the
// upgrade dialog runs too (within options.timeout), so the next byte the
// server expects is a ClientHello; a failed dialog is an error with code
// kErrStarttls (checks/net/starttls.hpp) and the server's words.
core::Result<TcpSocket> connect_target(const core::Target& target, const core::ProbeOptions& options);
// The same connection without the upgrade, for probes that look at the port
// itself (`tcp`: state and banner).
core::Result<TcpSocket> connect_target_raw(const core::Target& target, const core::ProbeOptions& options);

}  // namespace conformscan::checks::net
