// The pieces the STARTTLS dialogs share: the bounded reader over the
// connection (Dialog), the helpers that quote server text safely, and one
// function per protocol. Internal to checks/net: starttls.cpp dispatches,
// starttls_text.cpp holds the line-oriented protocols (SMTP, LMTP, FTP, NNTP,
// IMAP, POP3, ManageSieve), starttls_binary.cpp the others (LDAP, PostgreSQL,
// MySQL, XMPP).
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "checks/net/starttls.hpp"

namespace conformscan::checks::net::starttls_detail {

inline constexpr std::size_t kMaxReplyLines = 256;
inline constexpr std::size_t kMaxQuoted = 200;  // server text quoted in an error message
inline constexpr std::size_t kMaxBinaryMessage = 16 * 1024;

// Server text made safe to print in a message: control bytes escaped, long text cut.
std::string printable(std::string_view text);
std::string upper(std::string_view s);
bool starts_with_nocase(std::string_view s, std::string_view prefix);
std::string first_word(std::string_view s);
std::string join_printable(const std::vector<std::string>& items);

// The connection during the dialog: a byte budget, a deadline, and a buffer
// of what the server sent but no reply has consumed yet.
class Dialog {
public:
    Dialog(TcpSocket& socket, std::string_view proto, Deadline deadline)
        : m_socket(socket),
          m_proto(proto),
          m_deadline(deadline),
          m_budget_ms(std::max<long long>(
              0,
              std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count())) {
    }

    [[nodiscard]] core::Error fail(std::string_view message) const {
        return core::make_error(std::string(kErrStarttls), fmt::format("{}: {}", m_proto, message),
                                "starttls");
    }

    core::Result<void> send(std::string_view text, std::string_view what) {
        const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
        if (auto r = m_socket.send_all(std::span(p, text.size()), m_deadline); !r)
            return fail(fmt::format("cannot send {}: {}", what, r.error().message));
        return {};
    }
    core::Result<void> send_line(std::string_view command) {
        return send(std::string(command) + "\r\n", command);
    }

    // Bytes up to the index `end_of` returns for the buffer (npos: need more).
    core::Result<std::string> take_until(const std::function<std::size_t(std::string_view)>& end_of,
                                         std::string_view waiting_for, std::size_t max_size) {
        for (;;) {
            if (const auto end = end_of(m_buffer); end != std::string_view::npos) {
                std::string out = m_buffer.substr(0, end);
                m_buffer.erase(0, end);
                return out;
            }
            if (m_buffer.size() > max_size)
                return fail(fmt::format("more than {} bytes without the end of {}", max_size, waiting_for));
            if (auto r = fill(waiting_for); !r) return r.error();
        }
    }

    // One line without its CR LF (a bare LF is tolerated).
    core::Result<std::string> line(std::string_view waiting_for) {
        auto l = take_until(
            [](std::string_view b) {
                const auto nl = b.find('\n');
                return nl == std::string_view::npos ? nl : nl + 1;
            },
            waiting_for, kStarttlsMaxLine);
        if (!l) return l.error();
        l->pop_back();
        if (!l->empty() && l->back() == '\r') l->pop_back();
        return l;
    }

    core::Result<std::string> exact(std::size_t n, std::string_view waiting_for) {
        return take_until([n](std::string_view b) { return b.size() >= n ? n : std::string_view::npos; },
                          waiting_for, n);
    }

    // After the go-ahead the server must wait for our ClientHello; bytes it
    // sent already would be taken for TLS (the STARTTLS command-injection
    // class of bugs, CVE-2011-0411, seen from the client side).
    core::Result<void> expect_drained() const {
        if (m_buffer.empty()) return {};
        return fail(fmt::format("{} unexpected bytes after the go-ahead reply: {}", m_buffer.size(),
                                printable(m_buffer)));
    }

private:
    core::Result<void> fill(std::string_view waiting_for) {
        if (m_received >= kStarttlsMaxBytes)
            return fail(fmt::format("more than {} bytes before the upgrade while waiting for {}",
                                    kStarttlsMaxBytes, waiting_for));
        std::array<std::uint8_t, 4096> chunk{};
        const std::size_t want = std::min(chunk.size(), kStarttlsMaxBytes - m_received);
        auto n = m_socket.recv_some(std::span(chunk.data(), want), m_deadline);
        if (!n) {
            if (n.error().code == kErrTimeout)
                return fail(fmt::format("timed out after {} ms waiting for {}{}", m_budget_ms, waiting_for,
                                        so_far()));
            return fail(
                fmt::format("connection failed while waiting for {}: {}", waiting_for, n.error().message));
        }
        if (*n == 0)
            return fail(fmt::format("connection closed while waiting for {}{}", waiting_for, so_far()));
        m_received += *n;
        m_buffer.append(reinterpret_cast<const char*>(chunk.data()), *n);
        return {};
    }
    [[nodiscard]] std::string so_far() const {
        return m_buffer.empty() ? std::string() : fmt::format(" (received: {})", printable(m_buffer));
    }

    TcpSocket& m_socket;
    std::string m_proto;
    Deadline m_deadline;
    long long m_budget_ms;
    std::string m_buffer;
    std::size_t m_received = 0;
};

core::Result<void> smtp(Dialog& d, bool lmtp);
core::Result<void> ftp(Dialog& d);
core::Result<void> nntp(Dialog& d);
core::Result<void> imap(Dialog& d);
core::Result<void> pop3(Dialog& d);
core::Result<void> sieve(Dialog& d);
core::Result<void> ldap(Dialog& d);
core::Result<void> postgres(Dialog& d);
core::Result<void> mysql(Dialog& d);
core::Result<void> xmpp(Dialog& d, const core::Target& target, bool server);

}  // namespace conformscan::checks::net::starttls_detail
