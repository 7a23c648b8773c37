// STARTTLS for the line-oriented protocols: SMTP and LMTP (RFC 3207, RFC 2033),
// FTP (RFC 4217), NNTP (RFC 4642), IMAP (RFC 3501 §6.2.1), POP3 (RFC 2595) and
// ManageSieve (RFC 5804). Each stops after the server's go-ahead reply.
#include "checks/net/starttls_dialog.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace conformscan::checks::net::starttls_detail {

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
        if (code < 0)
            return d.fail(
                fmt::format("not a reply line while waiting for {}: {}", waiting_for, printable(*l)));
        if (r.lines.empty()) r.code = code;
        if (code != r.code)
            return d.fail(
                fmt::format("reply code changed from {} to {} within {}", r.code, code, waiting_for));
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
    if (r.code < 0)
        return d.fail(
            fmt::format("not a reply line while waiting for {}: {}", waiting_for, printable(*first)));
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
    if (std::none_of(caps.begin(), caps.end(),
                     [](const std::string& c) { return first_word(c) == "STARTTLS"; }))
        return d.fail(
            fmt::format("server does not offer STARTTLS ({} capabilities: {})", hello, join_printable(caps)));
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
        if (std::none_of(caps.begin(), caps.end(),
                         [](const std::string& c) { return first_word(c) == "STARTTLS"; }))
            return d.fail(
                fmt::format("server does not offer STARTTLS (CAPABILITIES: {})", join_printable(caps)));
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
        return d.fail(
            "server greeted with PREAUTH; STARTTLS is not allowed once authenticated (RFC 3501 §6.2.1)");
    if (!starts_with_nocase(*greeting, "* OK"))
        return d.fail(fmt::format("server not ready: greeting {}", printable(*greeting)));
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
                if (!starts_with_nocase(*l, "a000 OK"))
                    return d.fail(fmt::format("CAPABILITY refused: {}", printable(*l)));
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
            if (!starts_with_nocase(*l, "a001 OK"))
                return d.fail(fmt::format("STARTTLS refused: {}", printable(*l)));
            return {};
        }
        if (n >= kMaxReplyLines) return d.fail("STARTTLS reply too long");
    }
}

// RFC 2595 §4: CAPA lists STLS (RFC 2449); STLS is answered +OK.
core::Result<void> pop3(Dialog& d) {
    auto greeting = d.line("the greeting");
    if (!greeting) return greeting.error();
    if (!greeting->starts_with("+OK"))
        return d.fail(fmt::format("server not ready: greeting {}", printable(*greeting)));
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
        if (std::none_of(caps.begin(), caps.end(),
                         [](const std::string& c) { return first_word(c) == "STLS"; }))
            return d.fail(
                fmt::format("server does not offer STARTTLS (no STLS in CAPA: {})", join_printable(caps)));
    }  // -ERR: a server without CAPA; ask for STLS all the same
    if (auto r = d.send_line("STLS"); !r) return r;
    auto go = d.line("the STLS reply");
    if (!go) return go.error();
    if (!go->starts_with("+OK")) return d.fail(fmt::format("STLS refused: {}", printable(*go)));
    return {};
}

// RFC 5804 §1.7 and §2.2: the server volunteers its capabilities ending with
// OK; "STARTTLS" among them; STARTTLS is answered OK.
core::Result<std::vector<std::string>> sieve_response(Dialog& d, std::string_view waiting_for,
                                                      std::string& status) {
    std::vector<std::string> lines;
    for (;;) {
        auto l = d.line(waiting_for);
        if (!l) return l.error();
        const std::string w = first_word(*l);
        if (w == "OK" || w == "NO" || w == "BYE" || w.starts_with("OK") || w.starts_with("NO") ||
            w.starts_with("BYE")) {
            status = *l;
            return lines;
        }
        lines.push_back(*l);
        if (lines.size() >= kMaxReplyLines)
            return d.fail(fmt::format("more than {} lines in {}", kMaxReplyLines, waiting_for));
    }
}

core::Result<void> sieve(Dialog& d) {
    std::string status;
    auto caps = sieve_response(d, "the capability greeting", status);
    if (!caps) return caps.error();
    if (first_word(status) != "OK" && !first_word(status).starts_with("OK"))
        return d.fail(fmt::format("server not ready: {}", printable(status)));
    if (std::none_of(caps->begin(), caps->end(),
                     [](const std::string& c) { return first_word(c) == "\"STARTTLS\""; }))
        return d.fail(
            fmt::format("server does not offer STARTTLS (capabilities: {})", join_printable(*caps)));
    if (auto r = d.send_line("STARTTLS"); !r) return r;
    auto go = sieve_response(d, "the STARTTLS reply", status);
    if (!go) return go.error();
    if (!starts_with_nocase(status, "OK"))
        return d.fail(fmt::format("STARTTLS refused: {}", printable(status)));
    return {};
}

}  // namespace conformscan::checks::net::starttls_detail
