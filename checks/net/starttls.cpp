// The STARTTLS dialogs, one function per protocol, over one bounded reader.
//
// Each dialog follows its RFC and stops after the server's "go ahead" reply;
// the same steps `openssl s_client -starttls` and testssl.sh take, so their
// view of an endpoint and ours match.
#include "checks/net/starttls.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "scanner/core/byte_reader.hpp"

namespace conformscan::checks::net {

namespace {

constexpr std::size_t kMaxReplyLines = 256;
constexpr std::size_t kMaxQuoted = 200;  // server text quoted in an error message
constexpr std::size_t kMaxBinaryMessage = 16 * 1024;

// Server text made safe to print in a message: control bytes escaped, long text cut.
std::string printable(std::string_view text) {
    std::string out;
    for (const char ch : text) {
        if (out.size() >= kMaxQuoted) {
            out += "...";
            break;
        }
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7f)
            out += ch;
        else
            out += fmt::format("\\x{:02x}", c);
    }
    return out;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && upper(s.substr(0, prefix.size())) == upper(prefix);
}

std::string first_word(std::string_view s) {
    const auto begin = s.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return {};
    const auto end = s.find_first_of(" \t", begin);
    return upper(s.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
}

std::string join_printable(const std::vector<std::string>& items) {
    if (items.empty()) return "none";
    std::string all;
    for (const auto& i : items) all += (all.empty() ? "" : ", ") + i;
    return printable(all);
}

// The connection during the dialog: a byte budget, a deadline, and a buffer
// of what the server sent but no reply has consumed yet.
class Dialog {
public:
    Dialog(TcpSocket& socket, std::string_view proto, Deadline deadline)
        : m_socket(socket), m_proto(proto), m_deadline(deadline),
          m_budget_ms(std::max<long long>(
              0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count())) {}

    [[nodiscard]] core::Error fail(std::string_view message) const {
        return core::make_error(std::string(kErrStarttls), fmt::format("{}: {}", m_proto, message), "starttls");
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
            return fail(fmt::format("more than {} bytes before the upgrade while waiting for {}", kStarttlsMaxBytes,
                                    waiting_for));
        std::array<std::uint8_t, 4096> chunk{};
        const std::size_t want = std::min(chunk.size(), kStarttlsMaxBytes - m_received);
        auto n = m_socket.recv_some(std::span(chunk.data(), want), m_deadline);
        if (!n) {
            if (n.error().code == kErrTimeout)
                return fail(fmt::format("timed out after {} ms waiting for {}{}", m_budget_ms, waiting_for, so_far()));
            return fail(fmt::format("connection failed while waiting for {}: {}", waiting_for, n.error().message));
        }
        if (*n == 0) return fail(fmt::format("connection closed while waiting for {}{}", waiting_for, so_far()));
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

// ---- numeric-reply protocols: SMTP, LMTP, FTP, NNTP ------------------------

struct Reply {
    int code = 0;
    std::vector<std::string> lines;  // the text after each "ddd-" / "ddd "
    [[nodiscard]] std::string text() const {
        std::string all = std::to_string(code);
        for (const auto& l : lines) all += " " + l;
        return printable(all);
    }
};

int reply_code(std::string_view l) {
    if (l.size() < 3 || !std::all_of(l.begin(), l.begin() + 3, [](char c) { return c >= '0' && c <= '9'; }))
        return -1;
    if (l.size() > 3 && l[3] != ' ' && l[3] != '-') return -1;
    return (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
}

// RFC 5321 §4.2.1: "ddd-text" lines continue a reply, "ddd text" ends it, all
// with the same code. Also NNTP's single-line replies (RFC 3977 §3.2).
core::Result<Reply> smtp_reply(Dialog& d, std::string_view waiting_for) {
    Reply r;
    for (;;) {
        auto l = d.line(waiting_for);
        if (!l) return l.error();
        const int code = reply_code(*l);
        if (code < 0) return d.fail(fmt::format("not a reply line while waiting for {}: {}", waiting_for, printable(*l)));
        if (r.lines.empty()) r.code = code;
        if (code != r.code)
            return d.fail(fmt::format("reply code changed from {} to {} within {}", r.code, code, waiting_for));
        r.lines.push_back(l->size() > 4 ? l->substr(4) : std::string());
        if (l->size() == 3 || (*l)[3] == ' ') return r;
        if (r.lines.size() >= kMaxReplyLines)
            return d.fail(fmt::format("more than {} lines in {}", kMaxReplyLines, waiting_for));
    }
}

// RFC 959 §4.2: a multi-line reply starts "ddd-" and ends at a line starting
// "ddd "; the lines between may hold anything.
core::Result<Reply> ftp_reply(Dialog& d, std::string_view waiting_for) {
    auto first = d.line(waiting_for);
    if (!first) return first.error();
    Reply r;
    r.code = reply_code(*first);
    if (r.code < 0) return d.fail(fmt::format("not a reply line while waiting for {}: {}", waiting_for, printable(*first)));
    r.lines.push_back(first->size() > 4 ? first->substr(4) : std::string());
    if (first->size() == 3 || (*first)[3] == ' ') return r;
    const std::string end = fmt::format("{} ", r.code);
    for (;;) {
        auto l = d.line(waiting_for);
        if (!l) return l.error();
        if (*l == std::to_string(r.code) || l->starts_with(end)) {
            r.lines.push_back(l->size() > 4 ? l->substr(4) : std::string());
            return r;
        }
        r.lines.push_back(*l);
        if (r.lines.size() >= kMaxReplyLines)
            return d.fail(fmt::format("more than {} lines in {}", kMaxReplyLines, waiting_for));
    }
}

// RFC 3207 (SMTP, submission) and RFC 2033 (LMTP: LHLO instead of EHLO).
core::Result<void> smtp(Dialog& d, bool lmtp) {
    auto greeting = smtp_reply(d, "the greeting");
    if (!greeting) return greeting.error();
    if (greeting->code != 220) return d.fail(fmt::format("server not ready: greeting {}", greeting->text()));
    const std::string_view hello = lmtp ? "LHLO" : "EHLO";
    if (auto r = d.send_line(fmt::format("{} {}", hello, kStarttlsClientName)); !r) return r;
    auto ehlo = smtp_reply(d, fmt::format("the {} reply", hello));
    if (!ehlo) return ehlo.error();
    if (ehlo->code != 250) return d.fail(fmt::format("{} refused: {}", hello, ehlo->text()));
    const std::vector<std::string> caps(ehlo->lines.begin() + 1, ehlo->lines.end());
    if (std::none_of(caps.begin(), caps.end(), [](const std::string& c) { return first_word(c) == "STARTTLS"; }))
        return d.fail(fmt::format("server does not offer STARTTLS ({} capabilities: {})", hello, join_printable(caps)));
    if (auto r = d.send_line("STARTTLS"); !r) return r;
    auto go = smtp_reply(d, "the STARTTLS reply");
    if (!go) return go.error();
    if (go->code != 220) return d.fail(fmt::format("STARTTLS refused: {}", go->text()));
    return {};
}

// RFC 4217 §4: AUTH TLS, answered 234. FEAT (RFC 2389) tells whether it is
// offered; a server too old for FEAT is asked anyway.
core::Result<void> ftp(Dialog& d) {
    auto greeting = ftp_reply(d, "the greeting");
    if (!greeting) return greeting.error();
    if (greeting->code != 220) return d.fail(fmt::format("server not ready: greeting {}", greeting->text()));
    if (auto r = d.send_line("FEAT"); !r) return r;
    auto feat = ftp_reply(d, "the FEAT reply");
    if (!feat) return feat.error();
    if (feat->code == 211) {
        std::vector<std::string> features;
        for (std::size_t i = 1; i + 1 < feat->lines.size(); ++i) {
            const auto& f = feat->lines[i];
            const auto b = f.find_first_not_of(' ');
            if (b != std::string::npos) features.push_back(f.substr(b));  // RFC 2389 §3.2: one space first
        }
        const bool auth_tls = std::any_of(features.begin(), features.end(), [](const std::string& f) {
            return first_word(f) == "AUTH" && upper(f).find("TLS") != std::string::npos;
        });
        if (!auth_tls)
            return d.fail(fmt::format("server does not offer AUTH TLS (FEAT: {})", join_printable(features)));
    }
    if (auto r = d.send_line("AUTH TLS"); !r) return r;
    auto go = ftp_reply(d, "the AUTH TLS reply");
    if (!go) return go.error();
    if (go->code != 234) return d.fail(fmt::format("AUTH TLS refused: {}", go->text()));
    return {};
}

// RFC 4642 / RFC 3977 §5.2: CAPABILITIES (101, list ending in "."), STARTTLS, 382.
core::Result<void> nntp(Dialog& d) {
    auto greeting = smtp_reply(d, "the greeting");
    if (!greeting) return greeting.error();
    if (greeting->code != 200 && greeting->code != 201)
        return d.fail(fmt::format("server not ready: greeting {}", greeting->text()));
    if (auto r = d.send_line("CAPABILITIES"); !r) return r;
    auto caps_reply = smtp_reply(d, "the CAPABILITIES reply");
    if (!caps_reply) return caps_reply.error();
    if (caps_reply->code == 101) {
        std::vector<std::string> caps;
        for (;;) {
            auto l = d.line("the end of the capability list");
            if (!l) return l.error();
            if (*l == ".") break;
            caps.push_back(*l);
            if (caps.size() >= kMaxReplyLines) return d.fail("capability list too long");
        }
        if (std::none_of(caps.begin(), caps.end(), [](const std::string& c) { return first_word(c) == "STARTTLS"; }))
            return d.fail(fmt::format("server does not offer STARTTLS (CAPABILITIES: {})", join_printable(caps)));
    }
    if (auto r = d.send_line("STARTTLS"); !r) return r;
    auto go = smtp_reply(d, "the STARTTLS reply");
    if (!go) return go.error();
    if (go->code != 382) return d.fail(fmt::format("STARTTLS refused: {}", go->text()));
    return {};
}

// ---- keyword-reply protocols: IMAP, POP3, ManageSieve ----------------------

std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = s.find_first_not_of(' ', i);
        if (b == std::string_view::npos) break;
        const auto e = s.find(' ', b);
        out.emplace_back(s.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b));
        i = e == std::string_view::npos ? s.size() : e;
    }
    return out;
}

// RFC 2595 §3.1 / RFC 3501 §6.2.1: CAPABILITY lists STARTTLS; "a001 STARTTLS"
// is answered by a tagged OK.
core::Result<void> imap(Dialog& d) {
    auto greeting = d.line("the greeting");
    if (!greeting) return greeting.error();
    if (starts_with_nocase(*greeting, "* PREAUTH"))
        return d.fail("server greeted with PREAUTH; STARTTLS is not allowed once authenticated (RFC 3501 §6.2.1)");
    if (!starts_with_nocase(*greeting, "* OK")) return d.fail(fmt::format("server not ready: greeting {}", printable(*greeting)));
    std::string caps;
    if (const auto at = upper(*greeting).find("[CAPABILITY "); at != std::string::npos) {
        const auto end = greeting->find(']', at);
        caps = greeting->substr(at + 12, end == std::string::npos ? std::string::npos : end - at - 12);
    } else {
        if (auto r = d.send_line("a000 CAPABILITY"); !r) return r;
        for (std::size_t n = 0;; ++n) {
            auto l = d.line("the CAPABILITY reply");
            if (!l) return l.error();
            if (starts_with_nocase(*l, "* CAPABILITY ")) caps += " " + l->substr(13);
            if (starts_with_nocase(*l, "a000 ")) {
                if (!starts_with_nocase(*l, "a000 OK")) return d.fail(fmt::format("CAPABILITY refused: {}", printable(*l)));
                break;
            }
            if (n >= kMaxReplyLines) return d.fail("CAPABILITY reply too long");
        }
    }
    const auto list = words(caps);
    if (std::none_of(list.begin(), list.end(), [](const std::string& w) { return upper(w) == "STARTTLS"; }))
        return d.fail(fmt::format("server does not offer STARTTLS (CAPABILITY: {})", printable(caps)));
    if (auto r = d.send_line("a001 STARTTLS"); !r) return r;
    for (std::size_t n = 0;; ++n) {
        auto l = d.line("the STARTTLS reply");
        if (!l) return l.error();
        if (starts_with_nocase(*l, "a001 ")) {
            if (!starts_with_nocase(*l, "a001 OK")) return d.fail(fmt::format("STARTTLS refused: {}", printable(*l)));
            return {};
        }
        if (n >= kMaxReplyLines) return d.fail("STARTTLS reply too long");
    }
}

// RFC 2595 §4: CAPA lists STLS (RFC 2449); STLS is answered +OK.
core::Result<void> pop3(Dialog& d) {
    auto greeting = d.line("the greeting");
    if (!greeting) return greeting.error();
    if (!greeting->starts_with("+OK")) return d.fail(fmt::format("server not ready: greeting {}", printable(*greeting)));
    if (auto r = d.send_line("CAPA"); !r) return r;
    auto capa = d.line("the CAPA reply");
    if (!capa) return capa.error();
    if (capa->starts_with("+OK")) {
        std::vector<std::string> caps;
        for (;;) {
            auto l = d.line("the end of the CAPA list");
            if (!l) return l.error();
            if (*l == ".") break;
            caps.push_back(l->starts_with("..") ? l->substr(1) : *l);  // RFC 1939 §3 byte-stuffing
            if (caps.size() >= kMaxReplyLines) return d.fail("CAPA list too long");
        }
        if (std::none_of(caps.begin(), caps.end(), [](const std::string& c) { return first_word(c) == "STLS"; }))
            return d.fail(fmt::format("server does not offer STARTTLS (no STLS in CAPA: {})", join_printable(caps)));
    }  // -ERR: a server without CAPA; ask for STLS all the same
    if (auto r = d.send_line("STLS"); !r) return r;
    auto go = d.line("the STLS reply");
    if (!go) return go.error();
    if (!go->starts_with("+OK")) return d.fail(fmt::format("STLS refused: {}", printable(*go)));
    return {};
}

// RFC 5804 §1.7 and §2.2: the server volunteers its capabilities ending with
// OK; "STARTTLS" among them; STARTTLS is answered OK.
core::Result<std::vector<std::string>> sieve_response(Dialog& d, std::string_view waiting_for, std::string& status) {
    std::vector<std::string> lines;
    for (;;) {
        auto l = d.line(waiting_for);
        if (!l) return l.error();
        const std::string w = first_word(*l);
        if (w == "OK" || w == "NO" || w == "BYE" || w.starts_with("OK") || w.starts_with("NO") || w.starts_with("BYE")) {
            status = *l;
            return lines;
        }
        lines.push_back(*l);
        if (lines.size() >= kMaxReplyLines) return d.fail(fmt::format("more than {} lines in {}", kMaxReplyLines, waiting_for));
    }
}

core::Result<void> sieve(Dialog& d) {
    std::string status;
    auto caps = sieve_response(d, "the capability greeting", status);
    if (!caps) return caps.error();
    if (first_word(status) != "OK" && !first_word(status).starts_with("OK"))
        return d.fail(fmt::format("server not ready: {}", printable(status)));
    if (std::none_of(caps->begin(), caps->end(), [](const std::string& c) { return first_word(c) == "\"STARTTLS\""; }))
        return d.fail(fmt::format("server does not offer STARTTLS (capabilities: {})", join_printable(*caps)));
    if (auto r = d.send_line("STARTTLS"); !r) return r;
    auto go = sieve_response(d, "the STARTTLS reply", status);
    if (!go) return go.error();
    if (!starts_with_nocase(status, "OK")) return d.fail(fmt::format("STARTTLS refused: {}", printable(status)));
    return {};
}

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
        if (n == 0 || n > 4) return r.error("ber_length", fmt::format("unsupported BER length form 0x{:02x}", *first));
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
        case 1: return "operationsError";
        case 2: return "protocolError";
        case 51: return "busy";
        case 52: return "unavailable";
        case 53: return "unwillingToPerform";
        case 80: return "other";
        default: return "resultCode " + std::to_string(code);
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
    if (len > kMaxBinaryMessage) return d.fail(fmt::format("an LDAP message of {} bytes (at most {})", len, kMaxBinaryMessage));
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
        if (op->tag != 0x78) return r.error("ldap", fmt::format("protocolOp 0x{:02x} is not an ExtendedResponse", op->tag));
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
    if (c == 'E') return d.fail("server answered SSLRequest with an ErrorResponse (a server older than 7.0?)");
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
        if (auto s = r.skip(rest); !s) return s;  // version string and its NUL
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
        return d.fail(fmt::format("server does not offer SSL (capability flags 0x{:08x} lack CLIENT_SSL)", caps));
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
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '\'': out += "&apos;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
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
        server ? "jabber:server" : "jabber:client", server ? " xmlns:db='jabber:server:dialback'" : "", domain);
    if (auto r = d.send(header, "the stream header"); !r) return r;
    auto features = d.take_until(ends_at_any({"</stream:features>", "<stream:features/>", "</features>",
                                              "</stream:error>", "</stream:stream>"}),
                                 "the stream features", kStarttlsMaxBytes);
    if (!features) return features.error();
    if (features->find("stream:error>") != std::string::npos || features->find("</stream:stream>") != std::string::npos)
        return d.fail(fmt::format("server ended the stream: {}", printable(features->substr(features->find('<', 1)))));
    const auto open = features->find("features");
    const std::string_view offered = open == std::string::npos ? std::string_view(*features)
                                                               : std::string_view(*features).substr(open - 1);
    if (offered.find("<starttls") == std::string_view::npos ||
        offered.find("urn:ietf:params:xml:ns:xmpp-tls") == std::string_view::npos)
        return d.fail(fmt::format("server does not offer STARTTLS (stream features: {})", printable(offered)));
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

}  // namespace

core::Result<void> starttls_upgrade(TcpSocket& socket, std::string_view proto, const core::Target& target,
                                    Deadline deadline) {
    Dialog d(socket, proto, deadline);
    core::Result<void> done;
    if (proto == "smtp" || proto == "submission")
        done = smtp(d, false);
    else if (proto == "lmtp")
        done = smtp(d, true);
    else if (proto == "imap")
        done = imap(d);
    else if (proto == "pop3")
        done = pop3(d);
    else if (proto == "ftp")
        done = ftp(d);
    else if (proto == "ldap")
        done = ldap(d);
    else if (proto == "xmpp" || proto == "xmpp-server")
        done = xmpp(d, target, proto == "xmpp-server");
    else if (proto == "postgres")
        done = postgres(d);
    else if (proto == "mysql")
        done = mysql(d);
    else if (proto == "nntp")
        done = nntp(d);
    else if (proto == "sieve")
        done = sieve(d);
    else
        return core::make_error(std::string(kErrStarttls), fmt::format("unknown STARTTLS protocol '{}'", proto),
                                "starttls");
    if (!done) return done;
    return d.expect_drained();
}

}  // namespace conformscan::checks::net
