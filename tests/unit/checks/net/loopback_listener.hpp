// Test helper: a TCP listener on 127.0.0.1 that accepts one connection,
// optionally writes a fixed reply, then holds the connection open (silent)
// until it is destroyed, or closes it at once when asked. Stands in for banners, blackholes and
// wrong-protocol servers in probe tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

namespace conformscan::test_support {

class LoopbackListener {
public:
    enum class After { hold, close };

    explicit LoopbackListener(std::string reply, After after = After::hold)
        : m_reply(std::move(reply)), m_after(after) {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(m_fd, 4) != 0 || ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            return;
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~LoopbackListener() {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
        if (m_fd >= 0) ::close(m_fd);
    }
    LoopbackListener(const LoopbackListener&) = delete;
    LoopbackListener& operator=(const LoopbackListener&) = delete;

    // 0 when the listener could not be set up.
    [[nodiscard]] std::uint16_t port() const { return m_port; }

private:
    void serve() {
        using namespace std::chrono_literals;
        pollfd pfd{m_fd, POLLIN, 0};
        while (!m_stop && ::poll(&pfd, 1, 50) == 0) {
        }
        if (m_stop) return;
        const int conn = ::accept(m_fd, nullptr, nullptr);
        if (conn < 0) return;
        if (!m_reply.empty()) (void)::send(conn, m_reply.data(), m_reply.size(), MSG_NOSIGNAL);
        while (m_after == After::hold && !m_stop) std::this_thread::sleep_for(10ms);
        ::close(conn);
    }

    std::string m_reply;
    After m_after = After::hold;
    int m_fd = -1;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

// A loopback port with nothing listening on it (bound, then released).
inline std::uint16_t unused_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    std::uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

}  // namespace conformscan::test_support
