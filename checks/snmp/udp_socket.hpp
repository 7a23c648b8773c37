// A connected UDP socket with deadlines, for the snmp probe.
//
// Connected, so that the kernel delivers only the target's datagrams and
// reports an ICMP port unreachable as ECONNREFUSED on the next receive
// (kErrRefused): "nothing listens" is then told apart from silence
// (kErrTimeout), which is what a filtered port or an agent that drops a
// wrong community gives. Nothing is resolved: the address is an IP literal
// (AI_NUMERICHOST), as for checks/net/socket.hpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "scanner/core/result.hpp"

namespace conformscan::checks::snmp {

using SteadyClock = std::chrono::steady_clock;
using Deadline = SteadyClock::time_point;

inline constexpr std::string_view kErrTimeout = "timeout";
inline constexpr std::string_view kErrRefused = "refused";
inline constexpr std::string_view kErrBadAddress = "bad_address";
inline constexpr std::string_view kErrIo = "io";

class UdpSocket {
public:
    UdpSocket() = default;
    ~UdpSocket();
    UdpSocket(UdpSocket&& other) noexcept;
    UdpSocket& operator=(UdpSocket&& other) noexcept;
    UdpSocket(const UdpSocket&) = delete;
    UdpSocket& operator=(const UdpSocket&) = delete;

    // An IPv4 or IPv6 literal ("192.0.2.1", "::1", "[::1]").
    static core::Result<UdpSocket> connect(const std::string& address, std::uint16_t port);

    core::Result<void> send(std::span<const std::uint8_t> datagram);
    // One datagram (truncated to buffer.size()), or kErrTimeout at the deadline.
    core::Result<std::size_t> receive(std::span<std::uint8_t> buffer, Deadline deadline);

private:
    explicit UdpSocket(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

}  // namespace conformscan::checks::snmp
