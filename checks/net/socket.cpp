#include "checks/net/socket.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include "checks/net/starttls.hpp"

namespace conformscan::checks::net {

namespace {

using core::make_error;

core::Error errno_error(std::string_view what, int err) {
    return make_error(std::string(kErrIo), fmt::format("{}: {}", what, std::strerror(err)),
                      std::string(what));
}

// What a connect() errno says about the port.
core::Error connect_error(int err, std::chrono::milliseconds timeout) {
    switch (err) {
        case ECONNREFUSED:
            return make_error(std::string(kErrRefused), "connection refused", "connect");
        case ETIMEDOUT:
            return make_error(std::string(kErrTimeout),
                              fmt::format("no answer within {} ms", timeout.count()), "connect");
        case EHOSTUNREACH:
            return make_error(std::string(kErrUnreachable), "host unreachable", "connect");
        case ENETUNREACH:
            return make_error(std::string(kErrUnreachable), "network unreachable", "connect");
        default:
            return errno_error("connect", err);
    }
}

int remaining_ms(Deadline deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return 0;
    // Round up so that a sub-millisecond remainder still waits rather than spins.
    return static_cast<int>(std::min<long long>(left.count() + 1, 1'000'000));
}

// "[::1]" -> "::1"; an operator may write IPv6 literals either way.
std::string strip_brackets(const std::string& address) {
    if (address.size() >= 2 && address.front() == '[' && address.back() == ']')
        return address.substr(1, address.size() - 2);
    return address;
}

}  // namespace

std::string_view port_state(const core::Error& e) {
    if (e.code == kErrRefused) return "closed";
    if (e.code == kErrTimeout || e.code == kErrUnreachable) return "filtered";
    return "";
}

TcpSocket::~TcpSocket() {
    close();
}

TcpSocket::TcpSocket(TcpSocket&& other) noexcept : m_fd(other.m_fd), m_permit(std::move(other.m_permit)) {
    other.m_fd = -1;
}

TcpSocket& TcpSocket::operator=(TcpSocket&& other) noexcept {
    if (this != &other) {
        close();
        m_fd = other.m_fd;
        other.m_fd = -1;
        m_permit = std::move(other.m_permit);
    }
    return *this;
}

void TcpSocket::close() {
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    m_permit = core::ConnectionLimiter::Permit{};  // frees the host's slot
}

core::Result<TcpSocket> connect_target(const core::Target& target, const core::ProbeOptions& options) {
    auto socket = connect_target_raw(target, options);
    if (!socket || target.starttls.empty()) return socket;
    if (auto up = starttls_upgrade(*socket, target.starttls, target, deadline_after(options.timeout)); !up)
        return up.error();
    return socket;
}

core::Result<TcpSocket> connect_target_raw(const core::Target& target, const core::ProbeOptions& options) {
    core::ConnectionLimiter::Permit permit;
    const std::string& address = target.address.empty() ? target.host : target.address;
    if (options.limiter) permit = options.limiter->acquire(address, target.id);
    auto socket = TcpSocket::connect(address, target.port, options.timeout);
    if (socket) socket->m_permit = std::move(permit);
    return socket;
}

core::Result<void> TcpSocket::wait_for(short events, Deadline deadline) {
    for (;;) {
        const int ms = remaining_ms(deadline);
        if (ms == 0) return make_error(std::string(kErrTimeout), "deadline passed", "poll");
        pollfd pfd{m_fd, events, 0};
        const int rc = ::poll(&pfd, 1, ms);
        if (rc > 0) return {};  // readable/writable, or an error/hangup the next call reports
        if (rc == 0) continue;  // re-check the deadline (poll may wake slightly early)
        if (errno != EINTR) return errno_error("poll", errno);
    }
}

core::Result<TcpSocket> TcpSocket::connect(const std::string& address, std::uint16_t port,
                                           std::chrono::milliseconds timeout) {
    const Deadline deadline = deadline_after(timeout);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;  // never DNS: the engine resolved already
    addrinfo* info = nullptr;
    const std::string host = strip_brackets(address);
    const std::string service = std::to_string(port);
    if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &info); rc != 0 || info == nullptr) {
        return make_error(std::string(kErrBadAddress),
                          fmt::format("'{}' is not an IP address literal", address), "connect");
    }
    const int family = info->ai_family;
    sockaddr_storage addr{};
    const socklen_t addr_len = info->ai_addrlen;
    std::memcpy(&addr, info->ai_addr, std::min<std::size_t>(addr_len, sizeof addr));
    ::freeaddrinfo(info);

    TcpSocket sock(::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (sock.m_fd < 0) return errno_error("socket", errno);
    const int one = 1;
    // Probes write small messages (a ClientHello) and wait for the answer;
    // Nagle would only add latency.
    (void)::setsockopt(sock.m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    if (::connect(sock.m_fd, reinterpret_cast<const sockaddr*>(&addr), addr_len) == 0) return sock;
    if (errno != EINPROGRESS && errno != EINTR) return connect_error(errno, timeout);

    if (auto w = sock.wait_for(POLLOUT, deadline); !w) {
        if (w.error().code == kErrTimeout) return connect_error(ETIMEDOUT, timeout);
        return w.error();
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    if (::getsockopt(sock.m_fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0)
        return errno_error("getsockopt", errno);
    if (so_error != 0) return connect_error(so_error, timeout);
    return sock;
}

core::Result<void> TcpSocket::send_all(std::span<const std::uint8_t> data, Deadline deadline) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(m_fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (auto w = wait_for(POLLOUT, deadline); !w) return w.error();
            continue;
        }
        return errno_error("send", errno);
    }
    return {};
}

core::Result<std::size_t> TcpSocket::recv_some(std::span<std::uint8_t> buffer, Deadline deadline) {
    if (buffer.empty()) return std::size_t{0};
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer.data(), buffer.size(), 0);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (auto w = wait_for(POLLIN, deadline); !w) return w.error();
            continue;
        }
        return errno_error("recv", errno);
    }
}

core::Result<std::vector<std::uint8_t>> TcpSocket::read_bounded(std::size_t max_bytes, Deadline deadline,
                                                                std::chrono::milliseconds idle_gap) {
    std::vector<std::uint8_t> out;
    std::uint8_t chunk[4096];
    while (out.size() < max_bytes) {
        Deadline until = deadline;
        if (!out.empty()) until = std::min(deadline, deadline_after(idle_gap));
        const std::size_t want = std::min(sizeof chunk, max_bytes - out.size());
        auto n = recv_some(std::span(chunk, want), until);
        if (!n) {
            if (n.error().code == kErrTimeout) break;
            // A reset after a banner still leaves the banner observed.
            if (!out.empty()) break;
            return n.error();
        }
        if (*n == 0) break;  // the peer closed
        out.insert(out.end(), chunk, chunk + *n);
    }
    return out;
}

}  // namespace conformscan::checks::net
