// STARTTLS for LDAP (RFC 4511 §4.14), PostgreSQL (SSLRequest), MySQL/MariaDB
// (SSLRequest after HandshakeV10) and XMPP (RFC 6120 §5.4). Each stops after
// the server's go-ahead.
#include "checks/net/starttls_dialog.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "scanner/core/byte_reader.hpp"

namespace conformscan::checks::net::starttls_detail {

// ---- LDAP (RFC 4511 §4.14, RFC 4513 §3) ------------------------------------

// ExtendedRequest { requestName 1.3.6.1.4.1.1466.20037 } as message 1, in BER:
// LDAPMessage SEQUENCE { messageID INTEGER 1, [APPLICATION 23] { [0] OID } }.
constexpr std::string_view kStartTlsOid = "1.3.6.1.4.1.1466.20037";

std::string ldap_start_tls_request() {
    std::string req;
    req += '\x30';
    req += static_cast<char>(3 + 2 + 2 + kStartTlsOid.size());
    req += "\x02\x01\x01";  // messageID 1
    req += '\x77';          // [APPLICATION 23] constructed: ExtendedRequest
    req += static_cast<char>(2 + kStartTlsOid.size());
    req += '\x80';  // [0] requestName
    req += static_cast<char>(kStartTlsOid.size());
    req += kStartTlsOid;
    return req;
}

struct Tlv {
    std::uint8_t tag = 0;
    std::span<const std::uint8_t> value;
};

// One BER element with a definite length (RFC 4511 §5.1 forbids the indefinite form).
core::Result<Tlv> ber_element(core::ByteReader& r) {
    Tlv t;
    auto tag = r.u8();
    if (!tag) return tag.error();
    t.tag = *tag;
    auto first = r.u8();
    if (!first) return first.error();
    std::size_t len = *first;
    if ((*first & 0x80) != 0) {
        const int n = *first & 0x7f;
        if (n == 0 || n > 4)
            return r.error("ber_length", fmt::format("unsupported BER length form 0x{:02x}", *first));
        len = 0;
        for (int i = 0; i < n; ++i) {
            auto b = r.u8();
            if (!b) return b.error();
            len = (len << 8) | *b;
        }
    }
    auto value = r.bytes(len);
    if (!value) return value.error();
    t.value = *value;
    return t;
}

std::string ldap_result_name(unsigned code) {
    switch (code) {
        case 1:
            return "operationsError";
        case 2:
            return "protocolError";
        case 51:
            return "busy";
        case 52:
            return "unavailable";
        case 53:
            return "unwillingToPerform";
        case 80:
            return "other";
        default:
            return "resultCode " + std::to_string(code);
    }
}

// Reads one LDAPMessage: its header to learn the length, then the rest.
core::Result<std::string> ldap_message(Dialog& d) {
    auto head = d.exact(2, "the ExtendedResponse");
    if (!head) return head.error();
    if (static_cast<std::uint8_t>((*head)[0]) != 0x30)
        return d.fail(fmt::format("not an LDAP message: {}", printable(*head)));
    const auto first = static_cast<std::uint8_t>((*head)[1]);
    std::string msg = *head;
    std::size_t len = first;
    if ((first & 0x80) != 0) {
        const std::size_t n = first & 0x7f;
        if (n == 0 || n > 4) return d.fail(fmt::format("unsupported BER length form 0x{:02x}", first));
        auto more = d.exact(n, "the ExtendedResponse length");
        if (!more) return more.error();
        msg += *more;
        len = 0;
        for (const char c : *more) len = (len << 8) | static_cast<std::uint8_t>(c);
    }
    if (len > kMaxBinaryMessage)
        return d.fail(fmt::format("an LDAP message of {} bytes (at most {})", len, kMaxBinaryMessage));
    auto body = d.exact(len, "the ExtendedResponse");
    if (!body) return body.error();
    return msg + *body;
}

core::Result<void> ldap(Dialog& d) {
    if (auto r = d.send(ldap_start_tls_request(), "the StartTLS ExtendedRequest"); !r) return r;
    auto msg = ldap_message(d);
    if (!msg) return msg.error();
    const auto* p = reinterpret_cast<const std::uint8_t*>(msg->data());
    core::ByteReader outer(std::span(p, msg->size()), "LDAPMessage");
    std::uint64_t message_id = 0;
    unsigned result = 0;
    std::string diagnostic;
    auto parsed = [&]() -> core::Result<void> {
        auto top = ber_element(outer);
        if (!top) return top.error();
        core::ByteReader r(top->value, "LDAPMessage");
        auto id = ber_element(r);
        if (!id) return id.error();
        if (id->tag != 0x02 || id->value.empty() || id->value.size() > 4)
            return r.error("ldap", "messageID is not a small INTEGER");
        for (auto b : id->value) message_id = (message_id << 8) | b;
        auto op = ber_element(r);
        if (!op) return op.error();
        if (op->tag != 0x78)
            return r.error("ldap", fmt::format("protocolOp 0x{:02x} is not an ExtendedResponse", op->tag));
        core::ByteReader resp(op->value, "ExtendedResponse");
        auto code = ber_element(resp);  // LDAPResult.resultCode ENUMERATED
        if (!code) return code.error();
        if (code->tag != 0x0a || code->value.empty() || code->value.size() > 2)
            return resp.error("ldap", "resultCode is not an ENUMERATED");
        for (auto b : code->value) result = (result << 8) | b;
        auto matched = ber_element(resp);
        if (!matched) return matched.error();
        auto diag = ber_element(resp);
        if (!diag) return diag.error();
        diagnostic.assign(diag->value.begin(), diag->value.end());
        return {};
    }();
    if (!parsed) return d.fail(fmt::format("malformed ExtendedResponse: {}", parsed.error().describe()));
    const std::string why = diagnostic.empty() ? "" : ": " + printable(diagnostic);
    // RFC 4511 §4.4.1: message 0 is an unsolicited notification (Notice of Disconnection).
    if (message_id == 0)
        return d.fail(fmt::format("server disconnected ({}{})", ldap_result_name(result), why));
    if (message_id != 1) return d.fail(fmt::format("response to message {} instead of 1", message_id));
    // RFC 4511 §4.12: an unrecognised extended operation is protocolError;
    // RFC 4513 §3.1.3 (and slapd without TLS): unavailable.
    if (result == 2 || result == 52)
        return d.fail(fmt::format("server does not offer StartTLS ({}{})", ldap_result_name(result), why));
    if (result != 0) return d.fail(fmt::format("StartTLS refused ({}{})", ldap_result_name(result), why));
    return {};
}

// ---- PostgreSQL (protocol 3 §54.2.10 "SSL Session Encryption") -------------

core::Result<void> postgres(Dialog& d) {
    // SSLRequest: length 8, code 80877103 (1234 << 16 | 5679).
    static constexpr char kSslRequest[] = {0, 0, 0, 8, 0x04, static_cast<char>(0xd2), 0x16, 0x2f};
    if (auto r = d.send(std::string_view(kSslRequest, sizeof kSslRequest), "the SSLRequest"); !r) return r;
    auto answer = d.exact(1, "the answer to SSLRequest");
    if (!answer) return answer.error();
    const char c = (*answer)[0];
    if (c == 'S') return {};
    if (c == 'N') return d.fail("server does not offer SSL (answered 'N' to SSLRequest)");
    if (c == 'E')
        return d.fail("server answered SSLRequest with an ErrorResponse (a server older than 7.0?)");
    return d.fail(fmt::format("unexpected answer to SSLRequest: {}", printable(*answer)));
}

// ---- MySQL / MariaDB (client/server protocol: HandshakeV10, SSLRequest) ----

constexpr std::uint32_t kClientLongPassword = 0x1;
constexpr std::uint32_t kClientLongFlag = 0x4;
constexpr std::uint32_t kClientProtocol41 = 0x200;
constexpr std::uint32_t kClientSsl = 0x800;
constexpr std::uint32_t kClientTransactions = 0x2000;
constexpr std::uint32_t kClientSecureConnection = 0x8000;

std::uint32_t le(std::span<const std::uint8_t> b) {
    std::uint32_t v = 0;
    for (std::size_t i = b.size(); i-- > 0;) v = (v << 8) | b[i];
    return v;
}

core::Result<void> mysql(Dialog& d) {
    auto head = d.exact(4, "the server handshake");
    if (!head) return head.error();
    const auto* h = reinterpret_cast<const std::uint8_t*>(head->data());
    const std::uint32_t len = le(std::span(h, 3));
    const std::uint8_t seq = h[3];
    if (len == 0 || len > kMaxBinaryMessage)
        return d.fail(fmt::format("a handshake packet of {} bytes (1..{} expected)", len, kMaxBinaryMessage));
    auto body = d.exact(len, "the server handshake");
    if (!body) return body.error();
    const auto* p = reinterpret_cast<const std::uint8_t*>(body->data());
    core::ByteReader r(std::span(p, body->size()), "Handshake");
    const std::uint8_t version = p[0];
    if (version == 0xff) {  // ERR_Packet: the server refuses the connection (e.g. host not allowed)
        const std::string text = body->size() > 3 ? body->substr(3) : std::string();
        return d.fail(fmt::format("server refused the connection: error {}: {}",
                                  body->size() >= 3 ? le(std::span(p + 1, 2)) : 0, printable(text)));
    }
    if (version != 10) return d.fail(fmt::format("handshake protocol version {} (10 expected)", version));
    std::uint32_t caps = 0;
    std::uint8_t charset = 0x21;  // utf8_general_ci, if the server names none
    auto parsed = [&]() -> core::Result<void> {
        if (auto s = r.skip(1); !s) return s;
        const auto rest = body->find('\0', 1);
        if (rest == std::string::npos) return r.error("mysql", "server version string is not terminated");
        if (auto s = r.skip(rest); !s) return s;       // version string and its NUL
        if (auto s = r.skip(4 + 8 + 1); !s) return s;  // connection id, auth-plugin-data-part-1, filler
        auto low = r.bytes(2);
        if (!low) return low.error();
        caps = le(*low);
        if (r.remaining() >= 5) {
            auto cs = r.u8();
            if (cs && *cs != 0) charset = *cs;
            (void)r.skip(2);  // status flags
            auto high = r.bytes(2);
            if (high) caps |= le(*high) << 16;
        }
        return {};
    }();
    if (!parsed) return d.fail(fmt::format("malformed server handshake: {}", parsed.error().describe()));
    if ((caps & kClientSsl) == 0)
        return d.fail(
            fmt::format("server does not offer SSL (capability flags 0x{:08x} lack CLIENT_SSL)", caps));
    // SSLRequest: capability flags, max packet size, character set, 23 zero bytes.
    const std::uint32_t ours = kClientLongPassword | kClientLongFlag | kClientProtocol41 | kClientSsl |
                               kClientTransactions | kClientSecureConnection;
    std::string pkt = {32, 0, 0, static_cast<char>(seq + 1)};
    for (int i = 0; i < 4; ++i) pkt += static_cast<char>((ours >> (8 * i)) & 0xff);
    pkt += std::string("\x00\x00\x00\x01", 4);  // 16 MiB
    pkt += static_cast<char>(charset);
    pkt += std::string(23, '\0');
    return d.send(pkt, "the SSLRequest");
}

// ---- XMPP (RFC 6120 §5.4) ---------------------------------------------------

std::string xml_attr(std::string_view s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '\'':
                out += "&apos;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// The end of the first of `closers` in the buffer, if any; stream errors end
// the wait too, so that their text reaches the message.
std::function<std::size_t(std::string_view)> ends_at_any(std::vector<std::string> closers) {
    return [closers = std::move(closers)](std::string_view b) {
        std::size_t best = std::string_view::npos;
        for (const auto& c : closers) {
            const auto at = b.find(c);
            if (at != std::string_view::npos) best = std::min(best, at + c.size());
        }
        return best;
    };
}

core::Result<void> xmpp(Dialog& d, const core::Target& target, bool server) {
    const std::string domain = xml_attr(target.expected_name());
    const std::string header = fmt::format(
        "<?xml version='1.0'?><stream:stream xmlns='{}' xmlns:stream='http://etherx.jabber.org/streams'{} "
        "to='{}' version='1.0'>",
        server ? "jabber:server" : "jabber:client", server ? " xmlns:db='jabber:server:dialback'" : "",
        domain);
    if (auto r = d.send(header, "the stream header"); !r) return r;
    auto features = d.take_until(ends_at_any({"</stream:features>", "<stream:features/>", "</features>",
                                              "</stream:error>", "</stream:stream>"}),
                                 "the stream features", kStarttlsMaxBytes);
    if (!features) return features.error();
    if (features->find("stream:error>") != std::string::npos ||
        features->find("</stream:stream>") != std::string::npos)
        return d.fail(
            fmt::format("server ended the stream: {}", printable(features->substr(features->find('<', 1)))));
    const auto open = features->find("features");
    const std::string_view offered = open == std::string::npos ? std::string_view(*features)
                                                               : std::string_view(*features).substr(open - 1);
    if (offered.find("<starttls") == std::string_view::npos ||
        offered.find("urn:ietf:params:xml:ns:xmpp-tls") == std::string_view::npos)
        return d.fail(
            fmt::format("server does not offer STARTTLS (stream features: {})", printable(offered)));
    if (auto r = d.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "<starttls/>"); !r) return r;
    // <proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/> or <failure .../> (§5.4.2.2-3).
    auto answer = d.take_until(
        [](std::string_view b) {
            for (const std::string_view tag : {"<proceed", "<failure"}) {
                const auto at = b.find(tag);
                if (at == std::string_view::npos) continue;
                const auto gt = b.find('>', at);
                if (gt == std::string_view::npos) return std::string_view::npos;
                if (b[gt - 1] == '/') return gt + 1;
                const std::string close = fmt::format("</{}>", tag.substr(1));
                const auto end = b.find(close, gt);
                return end == std::string_view::npos ? std::string_view::npos : end + close.size();
            }
            const auto err = b.find("</stream:stream>");
            return err == std::string_view::npos ? err : err + 16;
        },
        "<proceed/>", kStarttlsMaxBytes);
    if (!answer) return answer.error();
    if (answer->find("<proceed") == std::string::npos)
        return d.fail(fmt::format("STARTTLS refused: {}", printable(*answer)));
    return {};
}

}  // namespace conformscan::checks::net::starttls_detail
