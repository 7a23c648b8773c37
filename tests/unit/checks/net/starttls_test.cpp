// The STARTTLS dialogs against a scripted in-process peer on 127.0.0.1: each
// protocol's happy path (the peer then checks that the next bytes are the
// client's, i.e. nothing of the dialog is left over), replies split across
// writes, servers that do not offer STARTTLS, refusals, oversize and
// never-ending lines, and silence until the deadline.
#include "checks/net/starttls.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "scanner/inventory.hpp"

namespace conformscan::checks::net {
namespace {

using namespace std::chrono_literals;

// The server side of one connection, driven by a test's script.
class Peer {
public:
    Peer(int fd, const std::atomic<bool>& stop) : m_fd(fd), m_stop(stop) {}
    void send(std::string_view s) {
        (void)::send(m_fd, s.data(), s.size(), MSG_NOSIGNAL);
        std::this_thread::sleep_for(5ms);  // separate writes reach the client as separate reads
    }
    // One line the client sent (without CR LF); "" on timeout or close.
    std::string line() {
        std::string out;
        char c = 0;
        while (read_byte(c)) {
            if (c == '\n') {
                if (!out.empty() && out.back() == '\r') out.pop_back();
                received.push_back(out);
                return out;
            }
            out += c;
        }
        received.push_back("<no line>");
        return {};
    }
    std::string bytes(std::size_t n) {
        std::string out;
        char c = 0;
        while (out.size() < n && read_byte(c)) out += c;
        received.push_back(out);
        return out;
    }
    // Bytes up to and including `marker`.
    std::string until(std::string_view marker) {
        std::string out;
        char c = 0;
        while (out.find(marker) == std::string::npos && out.size() < 4096 && read_byte(c)) out += c;
        received.push_back(out);
        return out;
    }
    // Waits until the test ends (a silent server).
    void hold() {
        while (!m_stop) std::this_thread::sleep_for(10ms);
    }

    std::vector<std::string> received;

private:
    bool read_byte(char& c) {
        pollfd pfd{m_fd, POLLIN, 0};
        for (int waited = 0; waited < 3000 && !m_stop; waited += 50)
            if (::poll(&pfd, 1, 50) > 0) return ::recv(m_fd, &c, 1, 0) == 1;
        return false;
    }
    int m_fd;
    const std::atomic<bool>& m_stop;
};

// A listener that accepts one connection and runs `script` on it.
class ScriptedServer {
public:
    explicit ScriptedServer(std::function<void(Peer&)> script) : m_script(std::move(script)) {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(m_fd, 1) != 0 || ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            return;
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~ScriptedServer() { finish(); }
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    [[nodiscard]] std::uint16_t port() const { return m_port; }
    // Stops the peer and returns the lines/bytes it received.
    std::vector<std::string> finish() {
        m_stop = true;
        if (m_thread.joinable()) m_thread.join();
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
        return m_received;
    }

private:
    void serve() {
        pollfd pfd{m_fd, POLLIN, 0};
        while (!m_stop && ::poll(&pfd, 1, 50) == 0) {
        }
        if (m_stop) return;
        const int conn = ::accept(m_fd, nullptr, nullptr);
        if (conn < 0) return;
        Peer peer(conn, m_stop);
        m_script(peer);
        m_received = peer.received;
        ::close(conn);
    }

    std::function<void(Peer&)> m_script;
    int m_fd = -1;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
    std::vector<std::string> m_received;
};

core::Target target_named(std::string sni = "chat.example.net") {
    core::Target t;
    t.host = "127.0.0.1";
    t.address = "127.0.0.1";
    t.sni = std::move(sni);
    return t;
}

// Runs the client side: connect, upgrade, then send "CLIENTHELLO" so the peer
// can see that the next bytes after the go-ahead are the client's.
core::Result<void> upgrade(ScriptedServer& server, std::string_view proto,
                           std::chrono::milliseconds deadline = 2000ms) {
    auto sock = TcpSocket::connect("127.0.0.1", server.port(), 1000ms);
    if (!sock) return sock.error();
    auto r = starttls_upgrade(*sock, proto, target_named(), deadline_after(deadline));
    if (r) (void)sock->send_all(std::span(reinterpret_cast<const std::uint8_t*>("CLIENTHELLO"), 11), deadline_after(500ms));
    // Keep the socket open until the peer has read what it wants.
    std::this_thread::sleep_for(30ms);
    return r;
}

std::string message_of(const core::Result<void>& r) { return r ? std::string("ok") : r.error().message; }

// ---- SMTP / submission / LMTP ----------------------------------------------

TEST(StarttlsSmtp, UpgradesAfterMultiLineRepliesSplitAcrossWrites) {
    ScriptedServer server([](Peer& p) {
        p.send("220-mail.example.net ESMTP\r\n220 ");
        p.send("ready\r\n");
        p.line();
        p.send("250-mail.example.net\r\n250-PIPE");
        p.send("LINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r");
        p.send("\n250 8BITMIME\r\n");
        p.line();
        p.send("220 2.0.0 Ready to start TLS\r\n");
        p.bytes(11);
    });
    auto r = upgrade(server, "smtp");
    ASSERT_TRUE(r.ok()) << message_of(r);
    const auto got = server.finish();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0], "EHLO conformscan.invalid");
    EXPECT_EQ(got[1], "STARTTLS");
    EXPECT_EQ(got[2], "CLIENTHELLO");
}

TEST(StarttlsSmtp, LmtpSaysLhlo) {
    ScriptedServer server([](Peer& p) {
        p.send("220 lmtp ready\r\n");
        p.line();
        p.send("250-lmtp\r\n250 STARTTLS\r\n");
        p.line();
        p.send("220 go\r\n");
    });
    auto r = upgrade(server, "lmtp");
    ASSERT_TRUE(r.ok()) << message_of(r);
    EXPECT_EQ(server.finish().at(0), "LHLO conformscan.invalid");
}

TEST(StarttlsSmtp, NotOfferedNamesTheCapabilities) {
    ScriptedServer server([](Peer& p) {
        p.send("220 ready\r\n");
        p.line();
        p.send("250-mail.example.net\r\n250-PIPELINING\r\n250 SIZE 1000\r\n");
        p.line();
    });
    auto r = upgrade(server, "submission");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, kErrStarttls);
    EXPECT_EQ(r.error().message,
              "submission: server does not offer STARTTLS (EHLO capabilities: PIPELINING, SIZE 1000)");
}

TEST(StarttlsSmtp, RefusalQuotesTheReply) {
    ScriptedServer server([](Peer& p) {
        p.send("220 ready\r\n");
        p.line();
        p.send("250-x\r\n250 STARTTLS\r\n");
        p.line();
        p.send("454 4.7.0 TLS not available due to local problem\r\n");
    });
    auto r = upgrade(server, "smtp");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "smtp: STARTTLS refused: 454 4.7.0 TLS not available due to local problem");
}

TEST(StarttlsSmtp, BusyGreetingIsAnError) {
    ScriptedServer server([](Peer& p) { p.send("554 no service\r\n"); });
    auto r = upgrade(server, "smtp");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "smtp: server not ready: greeting 554 no service");
}

TEST(StarttlsSmtp, BytesAfterTheGoAheadAreRefused) {
    ScriptedServer server([](Peer& p) {
        p.send("220 ready\r\n");
        p.line();
        p.send("250-x\r\n250 STARTTLS\r\n");
        p.line();
        p.send("220 go\r\n\x16\x03\x03");
    });
    auto r = upgrade(server, "smtp");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("3 unexpected bytes after the go-ahead reply"), std::string::npos)
        << r.error().message;
}

TEST(StarttlsSmtp, OversizeLineStopsTheRead) {
    ScriptedServer server([](Peer& p) {
        p.send("220-" + std::string(kStarttlsMaxLine + 100, 'A'));
        p.hold();
    });
    auto r = upgrade(server, "smtp");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("more than 4096 bytes without the end of the greeting"), std::string::npos)
        << r.error().message;
}

TEST(StarttlsSmtp, NeverEndingReplyHitsTheByteBudget) {
    ScriptedServer server([](Peer& p) {
        const std::string line = "220-" + std::string(3994, 'x') + "\r\n";
        for (int i = 0; i < 20; ++i) p.send(line);
        p.hold();
    });
    auto r = upgrade(server, "smtp");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("more than 65536 bytes before the upgrade"), std::string::npos)
        << r.error().message;
}

TEST(StarttlsSmtp, SilenceEndsAtTheDeadline) {
    ScriptedServer server([](Peer& p) { p.hold(); });
    const auto started = SteadyClock::now();
    auto r = upgrade(server, "smtp", 300ms);
    const auto took = SteadyClock::now() - started;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, kErrStarttls);
    EXPECT_EQ(r.error().message.rfind("smtp: timed out after ", 0), 0u) << r.error().message;
    EXPECT_LT(took, 1500ms);
}

TEST(StarttlsSmtp, CloseMidDialogQuotesWhatArrived) {
    ScriptedServer server([](Peer& p) { p.send("220-partial"); });
    auto r = upgrade(server, "smtp");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "smtp: connection closed while waiting for the greeting (received: 220-partial)");
}

// ---- IMAP / POP3 / ManageSieve ---------------------------------------------

TEST(StarttlsImap, UsesCapabilityFromTheGreeting) {
    ScriptedServer server([](Peer& p) {
        p.send("* OK [CAPABILITY IMAP4rev1 LITERAL+ STARTTLS LOGINDISABLED] Dovecot ready.\r\n");
        p.line();
        p.send("a001 OK Begin TLS negotiation now.\r\n");
        p.bytes(11);
    });
    auto r = upgrade(server, "imap");
    ASSERT_TRUE(r.ok()) << message_of(r);
    const auto got = server.finish();
    EXPECT_EQ(got.at(0), "a001 STARTTLS");
    EXPECT_EQ(got.at(1), "CLIENTHELLO");
}

TEST(StarttlsImap, AsksForCapabilityWhenTheGreetingHasNone) {
    ScriptedServer server([](Peer& p) {
        p.send("* OK ready\r\n");
        p.line();
        p.send("* CAPABILITY IMAP4rev1 ");
        p.send("STARTTLS\r\na000 OK done\r\n");
        p.line();
        p.send("a001 OK go\r\n");
    });
    auto r = upgrade(server, "imap");
    ASSERT_TRUE(r.ok()) << message_of(r);
    EXPECT_EQ(server.finish().at(0), "a000 CAPABILITY");
}

TEST(StarttlsImap, NotOfferedAndRefused) {
    {
        ScriptedServer server([](Peer& p) { p.send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n"); });
        auto r = upgrade(server, "imap");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().message, "imap: server does not offer STARTTLS (CAPABILITY: IMAP4rev1 AUTH=PLAIN)");
    }
    {
        ScriptedServer server([](Peer& p) {
            p.send("* OK [CAPABILITY STARTTLS] ready\r\n");
            p.line();
            p.send("a001 BAD not now\r\n");
        });
        auto r = upgrade(server, "imap");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().message, "imap: STARTTLS refused: a001 BAD not now");
    }
}

TEST(StarttlsPop3, CapaThenStls) {
    ScriptedServer server([](Peer& p) {
        p.send("+OK Dovecot ready.\r\n");
        p.line();
        p.send("+OK\r\nCAPA\r\nTOP\r\nST");
        p.send("LS\r\nUIDL\r\n.\r\n");
        p.line();
        p.send("+OK Begin TLS negotiation now.\r\n");
        p.bytes(11);
    });
    auto r = upgrade(server, "pop3");
    ASSERT_TRUE(r.ok()) << message_of(r);
    const auto got = server.finish();
    EXPECT_EQ(got.at(0), "CAPA");
    EXPECT_EQ(got.at(1), "STLS");
    EXPECT_EQ(got.at(2), "CLIENTHELLO");
}

TEST(StarttlsPop3, NotOfferedAndRefused) {
    {
        ScriptedServer server([](Peer& p) {
            p.send("+OK ready\r\n");
            p.line();
            p.send("+OK\r\nTOP\r\nUIDL\r\n.\r\n");
        });
        auto r = upgrade(server, "pop3");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().message, "pop3: server does not offer STARTTLS (no STLS in CAPA: TOP, UIDL)");
    }
    {
        // A server without CAPA is asked for STLS all the same.
        ScriptedServer server([](Peer& p) {
            p.send("+OK ready\r\n");
            p.line();
            p.send("-ERR unknown command\r\n");
            p.line();
            p.send("-ERR TLS not configured\r\n");
        });
        auto r = upgrade(server, "pop3");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().message, "pop3: STLS refused: -ERR TLS not configured");
    }
}

TEST(StarttlsSieve, CapabilityGreetingThenStarttls) {
    ScriptedServer server([](Peer& p) {
        p.send("\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"SIEVE\" \"fileinto reject\"\r\n");
        p.send("\"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\nOK \"Dovecot ready.\"\r\n");
        p.line();
        p.send("OK \"Begin TLS negotiation now.\"\r\n");
        p.bytes(11);
    });
    auto r = upgrade(server, "sieve");
    ASSERT_TRUE(r.ok()) << message_of(r);
    EXPECT_EQ(server.finish().at(0), "STARTTLS");
}

TEST(StarttlsSieve, NotOffered) {
    ScriptedServer server([](Peer& p) { p.send("\"IMPLEMENTATION\" \"x\"\r\nOK \"ready\"\r\n"); });
    auto r = upgrade(server, "sieve");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "sieve: server does not offer STARTTLS (capabilities: \"IMPLEMENTATION\" \"x\")");
}

// ---- FTP / NNTP -------------------------------------------------------------

TEST(StarttlsFtp, FeatThenAuthTls) {
    ScriptedServer server([](Peer& p) {
        p.send("220-Welcome\r\n  to the lab\r\n220 (vsFTPd 3.0.3)\r\n");
        p.line();
        p.send("211-Features:\r\n AUTH TLS\r\n EPSV\r\n PBSZ\r\n211 End\r\n");
        p.line();
        p.send("234 Proceed with negotiation.\r\n");
        p.bytes(11);
    });
    auto r = upgrade(server, "ftp");
    ASSERT_TRUE(r.ok()) << message_of(r);
    const auto got = server.finish();
    EXPECT_EQ(got.at(0), "FEAT");
    EXPECT_EQ(got.at(1), "AUTH TLS");
    EXPECT_EQ(got.at(2), "CLIENTHELLO");
}

TEST(StarttlsFtp, NotOfferedAndRefused) {
    {
        ScriptedServer server([](Peer& p) {
            p.send("220 ready\r\n");
            p.line();
            p.send("211-Features:\r\n EPSV\r\n MDTM\r\n211 End\r\n");
        });
        auto r = upgrade(server, "ftp");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().message, "ftp: server does not offer AUTH TLS (FEAT: EPSV, MDTM)");
    }
    {
        ScriptedServer server([](Peer& p) {
            p.send("220 ready\r\n");
            p.line();
            p.send("500 FEAT not understood\r\n");
            p.line();
            p.send("530 Please login with USER and PASS.\r\n");
        });
        auto r = upgrade(server, "ftp");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().message, "ftp: AUTH TLS refused: 530 Please login with USER and PASS.");
    }
}

TEST(StarttlsNntp, CapabilitiesThenStarttls) {
    ScriptedServer server([](Peer& p) {
        p.send("200 news ready\r\n");
        p.line();
        p.send("101 Capability list:\r\nVERSION 2\r\nREADER\r\nSTARTTLS\r\n.\r\n");
        p.line();
        p.send("382 Continue with TLS negotiation\r\n");
        p.bytes(11);
    });
    auto r = upgrade(server, "nntp");
    ASSERT_TRUE(r.ok()) << message_of(r);
    EXPECT_EQ(server.finish().at(1), "STARTTLS");
}

TEST(StarttlsNntp, NotOffered) {
    ScriptedServer server([](Peer& p) {
        p.send("201 news ready, no posting\r\n");
        p.line();
        p.send("101 Capability list:\r\nVERSION 2\r\nREADER\r\n.\r\n");
    });
    auto r = upgrade(server, "nntp");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "nntp: server does not offer STARTTLS (CAPABILITIES: VERSION 2, READER)");
}

// ---- LDAP -------------------------------------------------------------------

std::string ldap_response(std::uint8_t id, std::uint8_t code, std::string diag) {
    std::string op;
    op += "\x0a\x01";
    op += static_cast<char>(code);
    op += std::string("\x04\x00", 2);
    op += '\x04';
    op += static_cast<char>(diag.size());
    op += diag;
    std::string body = std::string("\x02\x01", 2) + static_cast<char>(id);
    body += '\x78';
    body += static_cast<char>(op.size());
    body += op;
    return std::string("\x30", 1) + static_cast<char>(body.size()) + body;
}

TEST(StarttlsLdap, ExtendedRequestAndSuccess) {
    ScriptedServer server([](Peer& p) {
        p.bytes(31);
        const std::string resp = ldap_response(1, 0, "");
        p.send(resp.substr(0, 3));
        p.send(resp.substr(3));
        p.bytes(11);
    });
    auto r = upgrade(server, "ldap");
    ASSERT_TRUE(r.ok()) << message_of(r);
    const auto got = server.finish();
    // RFC 4511 §4.14.1: LDAPMessage { 1, ExtendedRequest { [0] "1.3.6.1.4.1.1466.20037" } }.
    EXPECT_EQ(got.at(0), std::string("\x30\x1d\x02\x01\x01\x77\x18\x80\x16", 9) + "1.3.6.1.4.1.1466.20037");
    EXPECT_EQ(got.at(1), "CLIENTHELLO");
}

TEST(StarttlsLdap, UnavailableAndMalformed) {
    {
        ScriptedServer server([](Peer& p) {
            p.bytes(31);
            p.send(ldap_response(1, 52, "Could not initialize TLS"));
        });
        auto r = upgrade(server, "ldap");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().message, "ldap: server does not offer StartTLS (unavailable: Could not initialize TLS)");
    }
    {
        ScriptedServer server([](Peer& p) {
            p.bytes(31);
            p.send(std::string("\x30\x84\x7f\xff\xff\xff", 6));  // a 2 GiB message
        });
        auto r = upgrade(server, "ldap");
        ASSERT_FALSE(r.ok());
        EXPECT_NE(r.error().message.find("an LDAP message of 2147483647 bytes"), std::string::npos) << r.error().message;
    }
    {
        ScriptedServer server([](Peer& p) {
            p.bytes(31);
            p.send(std::string("\x30\x05\x02\x01\x01\x78\x09", 7));  // inner length past the end
        });
        auto r = upgrade(server, "ldap");
        ASSERT_FALSE(r.ok());
        EXPECT_NE(r.error().message.find("ldap: malformed ExtendedResponse"), std::string::npos) << r.error().message;
    }
}

// ---- XMPP -------------------------------------------------------------------

TEST(StarttlsXmpp, StreamFeaturesThenProceed) {
    ScriptedServer server([](Peer& p) {
        p.until("version='1.0'>");
        p.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' id='x' from='chat.example.net' "
               "version='1.0' xmlns:stream='http://etherx.jabber.org/streams'><stream:features><starttls ");
        p.send("xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>");
        p.until("/>");
        p.send("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        p.bytes(11);
    });
    auto r = upgrade(server, "xmpp");
    ASSERT_TRUE(r.ok()) << message_of(r);
    const auto got = server.finish();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_NE(got[0].find("xmlns='jabber:client'"), std::string::npos) << got[0];
    EXPECT_NE(got[0].find("to='chat.example.net'"), std::string::npos) << got[0];
    EXPECT_EQ(got[1], "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    EXPECT_EQ(got[2], "CLIENTHELLO");
}

TEST(StarttlsXmpp, ServerStreamAndNotOffered) {
    ScriptedServer server([](Peer& p) {
        p.until("version='1.0'>");
        p.send("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
               "<stream:features><dialback xmlns='urn:xmpp:features:dialback'/></stream:features>");
        p.hold();
    });
    auto r = upgrade(server, "xmpp-server");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("xmpp-server: server does not offer STARTTLS (stream features: "),
              std::string::npos)
        << r.error().message;
    EXPECT_NE(server.finish().back().find("xmlns='jabber:server'"), std::string::npos);
}

TEST(StarttlsXmpp, FailureAndStreamError) {
    {
        ScriptedServer server([](Peer& p) {
            p.send("<stream:stream><stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
                   "</stream:features>");
            p.send("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>");
            p.hold();
        });
        auto r = upgrade(server, "xmpp");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().message, "xmpp: STARTTLS refused: <failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    }
    {
        ScriptedServer server([](Peer& p) {
            p.send("<stream:stream><stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                   "</stream:error></stream:stream>");
            p.hold();
        });
        auto r = upgrade(server, "xmpp");
        ASSERT_FALSE(r.ok());
        EXPECT_NE(r.error().message.find("xmpp: server ended the stream: <stream:error><host-unknown"),
                  std::string::npos)
            << r.error().message;
    }
}

// ---- PostgreSQL / MySQL -----------------------------------------------------

TEST(StarttlsPostgres, SslRequestAnsweredSOrN) {
    {
        ScriptedServer server([](Peer& p) {
            p.bytes(8);
            p.send("S");
            p.bytes(11);
        });
        auto r = upgrade(server, "postgres");
        ASSERT_TRUE(r.ok()) << message_of(r);
        EXPECT_EQ(server.finish().at(0), std::string("\x00\x00\x00\x08\x04\xd2\x16\x2f", 8));
    }
    {
        ScriptedServer server([](Peer& p) {
            p.bytes(8);
            p.send("N");
        });
        auto r = upgrade(server, "postgres");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().message, "postgres: server does not offer SSL (answered 'N' to SSLRequest)");
    }
}

std::string mysql_handshake(std::uint16_t caps_low) {
    std::string body;
    body += '\x0a';
    body += "10.11.6-MariaDB";
    body += '\0';
    body += std::string("\x05\x00\x00\x00", 4);  // connection id
    body += "abcdefgh";                          // auth-plugin-data-part-1
    body += '\0';
    body += static_cast<char>(caps_low & 0xff);
    body += static_cast<char>(caps_low >> 8);
    body += '\x2d';                                // charset
    body += std::string("\x02\x00", 2);            // status
    body += std::string("\xff\x81", 2);            // capability flags, upper
    body += '\x15';
    body += std::string(10, '\0');
    body += "ijklmnopqrst";
    body += '\0';
    body += "mysql_native_password";
    body += '\0';
    std::string pkt;
    pkt += static_cast<char>(body.size());
    pkt += std::string("\x00\x00", 2);
    pkt += '\x00';  // sequence 0
    return pkt + body;
}

TEST(StarttlsMysql, HandshakeThenSslRequest) {
    ScriptedServer server([](Peer& p) {
        p.send(mysql_handshake(0xfffe));
        p.bytes(36);
        p.bytes(11);
    });
    auto r = upgrade(server, "mysql");
    ASSERT_TRUE(r.ok()) << message_of(r);
    const auto got = server.finish();
    const std::string& req = got.at(0);
    ASSERT_EQ(req.size(), 36u);
    EXPECT_EQ(req.substr(0, 4), std::string("\x20\x00\x00\x01", 4));  // 32 bytes, sequence 1
    const auto caps = static_cast<std::uint8_t>(req[4]) | (static_cast<std::uint8_t>(req[5]) << 8);
    EXPECT_NE(caps & 0x800, 0) << "CLIENT_SSL";
    EXPECT_NE(caps & 0x200, 0) << "CLIENT_PROTOCOL_41";
    EXPECT_EQ(static_cast<std::uint8_t>(req[12]), 0x2d) << "the server's character set";
    EXPECT_EQ(got.at(1), "CLIENTHELLO");
}

TEST(StarttlsMysql, NoSslErrorPacketAndGarbage) {
    {
        ScriptedServer server([](Peer& p) { p.send(mysql_handshake(0xf7fe)); });
        auto r = upgrade(server, "mysql");
        ASSERT_FALSE(r.ok());
        EXPECT_NE(r.error().message.find("mysql: server does not offer SSL (capability flags"), std::string::npos)
            << r.error().message;
    }
    {
        ScriptedServer server([](Peer& p) {
            const std::string msg = "Host '127.0.0.1' is not allowed to connect";
            std::string body = std::string("\xff\x6a\x04", 3) + msg;
            p.send(std::string(1, static_cast<char>(body.size())) + std::string("\x00\x00\x00", 3) + body);
        });
        auto r = upgrade(server, "mysql");
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().message,
                  "mysql: server refused the connection: error 1130: Host '127.0.0.1' is not allowed to connect");
    }
    {
        ScriptedServer server([](Peer& p) { p.send("SSH-2.0-OpenSSH_9.2\r\n"); });
        auto r = upgrade(server, "mysql");
        ASSERT_FALSE(r.ok());
        EXPECT_NE(r.error().message.find("mysql: "), std::string::npos);
    }
}

TEST(Starttls, UnknownProtocolIsAnError) {
    ScriptedServer server([](Peer& p) { p.hold(); });
    auto r = upgrade(server, "gopher");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "unknown STARTTLS protocol 'gopher'");
}

// connect_target runs the dialog for a STARTTLS target; connect_target_raw does not.
TEST(Starttls, ConnectTargetUpgradesOnlyWhenAsked) {
    ScriptedServer server([](Peer& p) {
        p.send("220 ready\r\n");
        p.line();
        p.send("250 x\r\n");
        p.line();
    });
    core::Target t = target_named();
    t.port = server.port();
    t.starttls = "smtp";
    core::ProbeOptions options;
    options.timeout = 1000ms;
    auto sock = connect_target(t, options);
    ASSERT_FALSE(sock.ok());
    EXPECT_EQ(sock.error().code, kErrStarttls);
    EXPECT_EQ(sock.error().message, "smtp: server does not offer STARTTLS (EHLO capabilities: none)");

    ScriptedServer raw([](Peer& p) { p.send("220 ready\r\n"); });
    t.port = raw.port();
    auto plain = connect_target_raw(t, options);
    ASSERT_TRUE(plain.ok());
    auto banner = plain->read_bounded(64, deadline_after(1000ms), 100ms);
    ASSERT_TRUE(banner.ok());
    EXPECT_EQ(std::string(banner->begin(), banner->end()), "220 ready\r\n");
}

// ---- the target's starttls field: inventory, --target specs, JSON ----------

std::filesystem::path write_inventory(const std::string& name, const std::string& text) {
    const auto dir = std::filesystem::temp_directory_path() / ("conformscan-starttls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = dir / name;
    std::ofstream(path) << text;
    return path;
}

TEST(StarttlsTarget, InventoryKeyAndServiceDefaults) {
    const auto path = write_inventory("good.yaml", R"(scope:
  allow: [127.0.0.0/8]
defaults:
  starttls: none
targets:
  - {host: 127.0.0.1, port: 25, service: smtp}
  - {host: 127.0.0.2, port: 465, service: smtps}
  - {host: 127.0.0.3, port: 10143, service: tls, starttls: imap}
  - {host: 127.0.0.4, port: 5222, service: xmpp}
  - {host: 127.0.0.5, port: 587, service: submission, starttls: none}
)");
    // `defaults: {starttls: none}` is explicit: it holds for every target
    // without its own key, the service default included.
    auto with_default = scanner::load_inventory(path);
    ASSERT_TRUE(with_default.ok()) << with_default.error().describe();
    EXPECT_EQ(with_default->targets[0].starttls, "");
    EXPECT_EQ(with_default->targets[2].starttls, "imap");

    const auto path2 = write_inventory("services.yaml", R"(scope:
  allow: [127.0.0.0/8]
targets:
  - {host: 127.0.0.1, port: 25, service: smtp}
  - {host: 127.0.0.2, port: 465, service: smtps}
  - {host: 127.0.0.3, port: 10143, service: tls, starttls: imap}
  - {host: 127.0.0.4, port: 5269, service: xmpp-server}
  - {host: 127.0.0.5, port: 587, service: submission, starttls: none}
  - {host: 127.0.0.6, port: 443}
)");
    auto r = scanner::load_inventory(path2);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    std::vector<std::string> got;
    for (const auto& t : r->targets) got.push_back(t.starttls);
    EXPECT_EQ(got, (std::vector<std::string>{"smtp", "", "imap", "xmpp-server", "", ""}));
}

TEST(StarttlsTarget, UnknownProtocolIsRefusedWithPosition) {
    const auto path = write_inventory("bad.yaml", R"(scope:
  allow: [127.0.0.0/8]
targets:
  - {host: 127.0.0.1, port: 25, starttls: gopher}
)");
    auto r = scanner::load_inventory(path);
    ASSERT_FALSE(r.ok());
    const std::string text = r.error().describe();
    EXPECT_NE(text.find(path.string() + ":4:43"), std::string::npos) << text;
    EXPECT_NE(text.find("expected none or one of smtp, submission, lmtp, imap, pop3, ftp, ldap, xmpp, "
                        "xmpp-server, postgres, mysql, nntp, sieve; got 'gopher'"),
              std::string::npos)
        << text;
}

TEST(StarttlsTarget, TargetSpecTakesTheServiceDefault) {
    EXPECT_EQ(scanner::parse_target_spec("127.0.0.1:25/smtp")->starttls, "smtp");
    EXPECT_EQ(scanner::parse_target_spec("127.0.0.1:5432/postgres")->starttls, "postgres");
    EXPECT_EQ(scanner::parse_target_spec("127.0.0.1:465/smtps")->starttls, "");
    EXPECT_EQ(scanner::parse_target_spec("127.0.0.1:443")->starttls, "");
    EXPECT_EQ(scanner::parse_target_spec("127.0.0.1:143", "imap")->starttls, "imap");
}

TEST(StarttlsTarget, JsonRoundTrip) {
    core::Target t = target_named();
    t.id = "127.0.0.1:25";
    t.port = 25;
    t.service = "tls";
    t.starttls = "smtp";
    nlohmann::json j = t;
    EXPECT_EQ(j["starttls"], "smtp");
    const auto back = j.get<core::Target>();
    EXPECT_EQ(back.starttls, "smtp");
    // A report from before STARTTLS existed: TLS from the first byte.
    j.erase("starttls");
    EXPECT_EQ(j.get<core::Target>().starttls, "");
}

}  // namespace
}  // namespace conformscan::checks::net
