#include "checks/snmp/udp_socket.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

namespace conformscan::checks::snmp {

namespace {

using core::make_error;

core::Error errno_error(std::string_view what, int err) {
    if (err == ECONNREFUSED)
        return make_error(std::string(kErrRefused), "ICMP port unreachable: nothing listens on the port",
                          std::string(what));
    return make_error(std::string(kErrIo), fmt::format("{}: {}", what, std::strerror(err)),
                      std::string(what));
}

int remaining_ms(Deadline deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    if (left.count() <= 0) return 0;
    return static_cast<int>(std::min<long long>(left.count() + 1, 1'000'000));
}

}  // namespace

UdpSocket::~UdpSocket() {
    if (m_fd >= 0) ::close(m_fd);
}

UdpSocket::UdpSocket(UdpSocket&& other) noexcept : m_fd(other.m_fd) {
    other.m_fd = -1;
}

UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

core::Result<UdpSocket> UdpSocket::connect(const std::string& address, std::uint16_t port) {
    std::string host = address;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;  // never DNS: the engine resolved already
    addrinfo* info = nullptr;
    const std::string service = std::to_string(port);
    if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &info); rc != 0 || info == nullptr)
        return make_error(std::string(kErrBadAddress),
                          fmt::format("'{}' is not an IP address literal", address), "connect");
    const int fd = ::socket(info->ai_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        const int err = errno;
        ::freeaddrinfo(info);
        return errno_error("socket", err);
    }
    UdpSocket s(fd);
    const int rc = ::connect(fd, info->ai_addr, info->ai_addrlen);
    const int err = errno;
    ::freeaddrinfo(info);
    if (rc != 0) return errno_error("connect", err);
    return s;
}

core::Result<void> UdpSocket::send(std::span<const std::uint8_t> datagram) {
    for (;;) {
        const auto n = ::send(m_fd, datagram.data(), datagram.size(), MSG_NOSIGNAL);
        if (n >= 0) {
            if (static_cast<std::size_t>(n) != datagram.size())
                return make_error(std::string(kErrIo), "the datagram was sent short", "send");
            return {};
        }
        if (errno != EINTR) return errno_error("send", errno);
    }
}

core::Result<std::size_t> UdpSocket::receive(std::span<std::uint8_t> buffer, Deadline deadline) {
    for (;;) {
        const auto n = ::recv(m_fd, buffer.data(), buffer.size(), MSG_TRUNC);
        if (n >= 0) return std::min(static_cast<std::size_t>(n), buffer.size());
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return errno_error("recv", errno);
        const int ms = remaining_ms(deadline);
        if (ms == 0) return make_error(std::string(kErrTimeout), "no datagram before the deadline", "recv");
        pollfd pfd{m_fd, POLLIN, 0};
        const int rc = ::poll(&pfd, 1, ms);
        if (rc < 0 && errno != EINTR) return errno_error("poll", errno);
    }
}

}  // namespace conformscan::checks::snmp
