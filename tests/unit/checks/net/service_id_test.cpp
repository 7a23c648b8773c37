// The service classifier on captured bytes. Greetings marked "lab" were
// captured from the Debian 12 servers of tests/lab/parts/cleartext.sh and
// starttls.sh (inetutils-telnetd under inetutils-inetd, vsftpd 3.0.3, postfix,
// dovecot, OpenSSH 9.2p1, nginx); rlogin/rsh bytes follow RFC 1282 and rshd(8).
#include "checks/net/wire/service_id.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace conformscan::wire::net {
namespace {

std::vector<std::uint8_t> b(std::string_view s) {
    return {s.begin(), s.end()};
}

// lab: inetutils-telnetd 2.4 first bytes.
const std::string kTelnetd{
    "\xff\xfb\x25\xff\xfb\x26\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27\xff\xfd\x24", 21};

TEST(ServiceId, TelnetNegotiationIsTelnet) {
    const auto g = classify_greeting(b(kTelnetd), 18630);
    EXPECT_EQ(g.service, Service::telnet);
    EXPECT_EQ(
        g.detail,
        "IAC WILL AUTHENTICATION, WILL ENCRYPT, DO TERMINAL-TYPE, DO TERMINAL-SPEED, DO X-DISPLAY-LOCATION, "
        "DO NEW-ENVIRON, DO OLD-ENVIRON");
    const auto neg = telnet_negotiation(b(kTelnetd), 2);
    EXPECT_EQ(neg, (std::vector<std::string>{"WILL AUTHENTICATION", "WILL ENCRYPT"}));
}

TEST(ServiceId, TelnetSubnegotiationIsSkippedAndTruncationStops) {
    const std::string bytes{"\xff\xfa\x18\x01\xff\xf0\xff\xfb\x01", 9};
    EXPECT_EQ(telnet_negotiation(b(bytes)), (std::vector<std::string>{"WILL ECHO"}));
    EXPECT_TRUE(telnet_negotiation(b(std::string("\xff\xfb", 2))).empty());
    EXPECT_TRUE(telnet_negotiation(b(std::string("\xff\xfa\x18\x01", 4))).empty());
    EXPECT_TRUE(telnet_negotiation(b("login: ")).empty());
}

TEST(ServiceId, LoginPromptWithoutNegotiationIsTelnet) {
    const auto g = classify_greeting(b("\r\nUser Access Verification\r\n\r\nUsername: "), 23);
    EXPECT_EQ(g.service, Service::telnet);
}

TEST(ServiceId, FtpAndSmtpGreetings) {
    EXPECT_EQ(classify_greeting(b("220 (vsFTPd 3.0.3)\r\n"), 18631).service, Service::ftp);
    EXPECT_EQ(classify_greeting(b("220 demo.test ESMTP Postfix (Debian/GNU)\r\n"), 18510).service,
              Service::smtp);
    EXPECT_EQ(classify_greeting(b("554 5.7.1 no service\r\n"), 2000).service, Service::smtp);
    // A bare 220 is decided by the port, or left to EHLO.
    EXPECT_EQ(classify_greeting(b("220 ready\r\n"), 21).service, Service::ftp);
    EXPECT_EQ(classify_greeting(b("220 ready\r\n"), 25).service, Service::smtp);
    const auto g = classify_greeting(b("220 ready\r\n"), 3000);
    EXPECT_EQ(g.service, Service::unknown);
    EXPECT_TRUE(g.ambiguous_220);
    EXPECT_EQ(g.detail, "220 ready");
}

TEST(ServiceId, MailboxGreetingsAndSsh) {
    EXPECT_EQ(classify_greeting(b("+OK Dovecot (Debian) ready.\r\n"), 18513).service, Service::pop3);
    EXPECT_EQ(
        classify_greeting(b("* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS] Dovecot ready.\r\n"), 1).service,
        Service::imap);
    const auto ssh = classify_greeting(b("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"), 22);
    EXPECT_EQ(ssh.service, Service::ssh);
    EXPECT_EQ(ssh.detail, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
}

TEST(ServiceId, SilenceAndGarbage) {
    EXPECT_EQ(classify_greeting({}, 80).service, Service::silent);
    const auto g = classify_greeting(b(std::string("\x00\x01\x02zz", 5)), 9999);
    EXPECT_EQ(g.service, Service::unknown);
    EXPECT_FALSE(g.ambiguous_220);
    EXPECT_EQ(g.detail, "\\x00\\x01\\x02zz");
}

TEST(ServiceId, NudgeRepliesTlsAndHttp) {
    // lab nginx: ServerHello record header; a TLS server's alert to a HEAD.
    const std::string hello{"\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03", 11};
    const std::string alert{"\x15\x03\x01\x00\x02\x02\x46", 7};
    EXPECT_EQ(classify_reply(Nudge::tls_client_hello, b(hello)), Service::tls);
    EXPECT_EQ(classify_reply(Nudge::tls_client_hello, b(alert)), Service::tls);
    EXPECT_EQ(classify_reply(Nudge::tls_client_hello, b("HTTP/1.1 400 Bad Request\r\n")), Service::http);
    EXPECT_EQ(classify_reply(Nudge::tls_client_hello, b("\x16\x05")), Service::unknown);
    EXPECT_EQ(classify_reply(Nudge::http_head, b("HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6\r\n")),
              Service::http);
    EXPECT_EQ(classify_reply(Nudge::http_head, b(alert)), Service::tls);
    EXPECT_EQ(classify_reply(Nudge::http_head, b("SSH-2.0-x\r\n")), Service::unknown);
    EXPECT_EQ(classify_reply(Nudge::http_head, {}), Service::unknown);
}

TEST(ServiceId, RloginAndRshHandshakeReplies) {
    // RFC 1282: one NUL acknowledges; rshd(8): \x01 and a message refuses.
    EXPECT_EQ(classify_reply(Nudge::rlogin, b(std::string("\x00", 1))), Service::rlogin);
    EXPECT_EQ(classify_reply(Nudge::rlogin, b(std::string("\x00Password: ", 11))), Service::rlogin);
    EXPECT_EQ(classify_reply(Nudge::rsh, b("\x01"
                                           "Permission denied.\n")),
              Service::rsh);
    EXPECT_EQ(classify_reply(Nudge::rsh, b("\x01")), Service::unknown);
    EXPECT_EQ(classify_reply(Nudge::rsh, b("\x01\x02")), Service::unknown);
    EXPECT_EQ(classify_reply(Nudge::rlogin, b("HTTP/1.1 400\r\n")), Service::unknown);
    const auto rl = rlogin_handshake();
    EXPECT_EQ(rl.size(), 36u);
    EXPECT_EQ(rl.front(), 0);
    EXPECT_EQ(rl.back(), 0);
    const auto rs = rsh_handshake();
    EXPECT_EQ(rs.front(), '0');
    EXPECT_EQ(rs[1], 0);
    EXPECT_EQ(rs.back(), 0);
}

TEST(ServiceId, CodedRepliesSingleAndMultiLine) {
    auto r = parse_coded_reply(b("250-demo.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n"));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->code, 250);
    EXPECT_EQ(ehlo_keywords(*r), (std::vector<std::string>{"PIPELINING", "STARTTLS", "SMTPUTF8"}));
    // lab vsftpd FEAT with ssl_enable=YES.
    auto feat =
        parse_coded_reply(b("211-Features:\r\n AUTH TLS\r\n EPRT\r\n PBSZ\r\n PROT\r\n UTF8\r\n211 End\r\n"));
    ASSERT_TRUE(feat.has_value());
    EXPECT_EQ(feat->code, 211);
    const auto features = ftp_features(*feat);
    EXPECT_EQ(features, (std::vector<std::string>{"AUTH TLS", "EPRT", "PBSZ", "PROT", "UTF8"}));
    EXPECT_TRUE(ftp_features_offer_tls(features));
    EXPECT_FALSE(ftp_features_offer_tls({"EPRT", "PASV", "UTF8"}));
    EXPECT_TRUE(ftp_features_offer_tls({"AUTH SSL"}));
    EXPECT_FALSE(coded_reply_complete(b("211-Features:\r\n AUTH TLS\r\n")));
    EXPECT_FALSE(coded_reply_complete(b("211 End")));  // no line end yet
    EXPECT_FALSE(parse_coded_reply(b("hello\r\n")).has_value());
    auto one = parse_coded_reply(b("530 Non-anonymous sessions must use encryption.\r\n"));
    ASSERT_TRUE(one.has_value());
    EXPECT_EQ(one->code, 530);
    EXPECT_EQ(one->lines.back(), "Non-anonymous sessions must use encryption.");
}

TEST(ServiceId, Pop3AndImapCapabilities) {
    EXPECT_FALSE(pop3_capabilities(b("+OK\r\nCAPA\r\nSTLS\r\n")).has_value());
    auto caps = pop3_capabilities(b("+OK\r\nCAPA\r\nTOP\r\nSTLS\r\nUIDL\r\n.\r\n"));
    ASSERT_TRUE(caps.has_value());
    EXPECT_EQ(*caps, (std::vector<std::string>{"CAPA", "TOP", "STLS", "UIDL"}));
    EXPECT_TRUE(pop3_capabilities(b("-ERR unknown\r\n"))->empty());
    EXPECT_EQ(imap_capabilities(b("* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\na1 OK done\r\n")),
              (std::vector<std::string>{"IMAP4REV1", "STARTTLS", "LOGINDISABLED"}));
    EXPECT_EQ(imap_capabilities(b("* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n")),
              (std::vector<std::string>{"IMAP4REV1", "STARTTLS"}));
    EXPECT_TRUE(imap_capabilities(b("* OK ready\r\n")).empty());
    EXPECT_TRUE(imap_tagged_done(b("* CAPABILITY X\r\na1 OK done\r\n"), "a1"));
    EXPECT_FALSE(imap_tagged_done(b("* CAPABILITY X\r\na1 OK"), "a1"));
}

TEST(ServiceId, TftpRequestAndReplies) {
    const auto rrq = tftp_read_request("x");
    EXPECT_EQ(rrq, (std::vector<std::uint8_t>{0, 1, 'x', 0, 'o', 'c', 't', 'e', 't', 0}));
    // tftpd-hpa's answer to a missing file.
    auto err =
        parse_tftp_reply(b(std::string("\x00\x05\x00\x01"
                                       "File not found\x00",
                                       19)));
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(err->opcode, 5);
    EXPECT_EQ(err->detail, "ERROR 1: File not found");
    auto data =
        parse_tftp_reply(b(std::string("\x00\x03\x00\x01"
                                       "abc",
                                       7)));
    ASSERT_TRUE(data.has_value());
    EXPECT_EQ(data->detail, "DATA block 1 (3 bytes)");
    EXPECT_FALSE(parse_tftp_reply(b(std::string("\x00\x04\x00\x01", 4))).has_value());  // ACK
    EXPECT_FALSE(parse_tftp_reply(b(std::string("\x00\x05\x00", 3))).has_value());
    EXPECT_FALSE(parse_tftp_reply({}).has_value());
}

TEST(ServiceId, FirstLineEscapesAndBounds) {
    EXPECT_EQ(first_line(b("abc\r\ndef")), "abc");
    EXPECT_EQ(first_line(b("a\\b\x7f")), "a\\x5cb\\x7f");
    EXPECT_EQ(first_line(b(std::string(500, 'x')), 10).size(), 10u);
}

}  // namespace
}  // namespace conformscan::wire::net
