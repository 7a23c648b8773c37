#include "checks/net/wire/service_id.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "scanner/core/byte_reader.hpp"

namespace conformscan::wire::net {

namespace {

// RFC 854: IAC and the four negotiation verbs; SB opens a subnegotiation.
constexpr std::uint8_t kIac = 255;
constexpr std::uint8_t kDont = 254;
constexpr std::uint8_t kWill = 251;
constexpr std::uint8_t kSb = 250;
constexpr std::uint8_t kSe = 240;

std::string_view as_text(std::span<const std::uint8_t> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool starts_with(std::span<const std::uint8_t> bytes, std::string_view prefix) {
    return as_text(bytes).substr(0, prefix.size()) == prefix;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

bool contains_word(std::string_view haystack, std::string_view word) {
    return upper(haystack).find(word) != std::string::npos;
}

// Splits on LF, dropping a CR before it; the last piece is kept only when
// `keep_partial` (it has no line end yet).
std::vector<std::string> split_lines(std::string_view text, bool keep_partial) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto nl = text.find('\n', start);
        if (nl == std::string_view::npos) {
            if (keep_partial) out.emplace_back(text.substr(start));
            break;
        }
        auto line = text.substr(start, nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.emplace_back(line);
        start = nl + 1;
    }
    return out;
}

std::string telnet_option_name(std::uint8_t option) {
    switch (option) {
        case 0:
            return "BINARY";
        case 1:
            return "ECHO";
        case 3:
            return "SUPPRESS-GO-AHEAD";
        case 5:
            return "STATUS";
        case 6:
            return "TIMING-MARK";
        case 24:
            return "TERMINAL-TYPE";
        case 31:
            return "NAWS";
        case 32:
            return "TERMINAL-SPEED";
        case 33:
            return "TOGGLE-FLOW-CONTROL";
        case 34:
            return "LINEMODE";
        case 35:
            return "X-DISPLAY-LOCATION";
        case 36:
            return "OLD-ENVIRON";
        case 37:
            return "AUTHENTICATION";
        case 38:
            return "ENCRYPT";
        case 39:
            return "NEW-ENVIRON";
        default:
            return fmt::format("OPTION-{}", option);
    }
}

bool is_three_digits(std::string_view s) {
    return s.size() >= 3 &&
           std::all_of(s.begin(), s.begin() + 3, [](char c) { return c >= '0' && c <= '9'; });
}

Greeting coded_greeting(std::span<const std::uint8_t> bytes, std::uint16_t port, std::string line) {
    Greeting g;
    g.detail = std::move(line);
    const std::string_view text = as_text(bytes);
    const auto code = text.substr(0, 3);
    // Words in the banner decide first: vsftpd says "FTP", Postfix "ESMTP".
    if (contains_word(text, "FTP")) {
        g.service = Service::ftp;
    } else if (contains_word(text, "SMTP") || contains_word(text, "MAIL")) {
        g.service = Service::smtp;
    } else if (code == "554") {
        g.service = Service::smtp;  // RFC 5321 §3.1: a 554 greeting refuses mail, still SMTP
    } else if (code == "120") {
        g.service = Service::ftp;  // RFC 959 §4.2: "Service ready in nnn minutes"
    } else if (port == 21 || port == 990 || port == 2121) {
        g.service = Service::ftp;
    } else if (port == 25 || port == 465 || port == 587 || port == 2525) {
        g.service = Service::smtp;
    } else if (code == "220" || code == "421") {
        g.ambiguous_220 = true;
    }
    return g;
}

}  // namespace

std::string_view service_name(Service s) {
    switch (s) {
        case Service::silent:
            return "silent";
        case Service::telnet:
            return "telnet";
        case Service::ftp:
            return "ftp";
        case Service::smtp:
            return "smtp";
        case Service::pop3:
            return "pop3";
        case Service::imap:
            return "imap";
        case Service::ssh:
            return "ssh";
        case Service::http:
            return "http";
        case Service::tls:
            return "tls";
        case Service::rlogin:
            return "rlogin";
        case Service::rsh:
            return "rsh";
        case Service::unknown:
            break;
    }
    return "unknown";
}

std::string_view nudge_name(Nudge n) {
    switch (n) {
        case Nudge::tls_client_hello:
            return "tls-client-hello";
        case Nudge::http_head:
            return "http-head";
        case Nudge::rlogin:
            return "rlogin-handshake";
        case Nudge::rsh:
            return "rsh-handshake";
    }
    return "unknown";
}

std::string first_line(std::span<const std::uint8_t> bytes, std::size_t max) {
    std::string out;
    for (std::size_t i = 0; i < bytes.size() && out.size() < max; ++i) {
        const auto b = bytes[i];
        if (b == '\n' || (b == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n')) break;
        if (b >= 0x20 && b < 0x7F && b != '\\')
            out.push_back(static_cast<char>(b));
        else
            out += fmt::format("\\x{:02x}", b);
    }
    return out;
}

std::vector<std::string> telnet_negotiation(std::span<const std::uint8_t> bytes, std::size_t max) {
    std::vector<std::string> out;
    core::ByteReader r(bytes, "telnet");
    // Negotiation comes first (telnetd sends it before any prompt); a byte
    // that is not IAC ends it.
    while (!r.done() && out.size() < max) {
        auto iac = r.u8();
        if (!iac || *iac != kIac) break;
        auto verb = r.u8();
        if (!verb) break;
        if (*verb == kSb) {
            // Skip a subnegotiation up to IAC SE (bounded by the bytes we hold).
            std::uint8_t prev = 0;
            bool closed = false;
            while (!r.done()) {
                auto b = r.u8();
                if (!b) break;
                if (prev == kIac && *b == kSe) {
                    closed = true;
                    break;
                }
                prev = *b;
            }
            if (!closed) break;
            continue;
        }
        if (*verb < kWill || *verb > kDont) break;
        auto option = r.u8();
        if (!option) break;
        static constexpr std::string_view kVerbs[] = {"WILL", "WONT", "DO", "DONT"};
        out.push_back(fmt::format("{} {}", kVerbs[*verb - kWill], telnet_option_name(*option)));
    }
    return out;
}

Greeting classify_greeting(std::span<const std::uint8_t> bytes, std::uint16_t port) {
    Greeting g;
    if (bytes.empty()) {
        g.service = Service::silent;
        return g;
    }
    if (auto neg = telnet_negotiation(bytes); !neg.empty()) {
        g.service = Service::telnet;
        g.detail = fmt::format("IAC {}", fmt::join(neg, ", "));
        return g;
    }
    std::string line = first_line(bytes);
    g.detail = line;
    // RFC 4253 §4.2: "SSH-protoversion-softwareversion"; SSH-1.99 and SSH-1.5 too.
    if (starts_with(bytes, "SSH-")) {
        g.service = Service::ssh;
        return g;
    }
    if (starts_with(bytes, "+OK") || starts_with(bytes, "-ERR")) {
        g.service = Service::pop3;
        return g;
    }
    if (starts_with(bytes, "* OK") || starts_with(bytes, "* PREAUTH") || starts_with(bytes, "* BYE")) {
        g.service = Service::imap;
        return g;
    }
    if (starts_with(bytes, "HTTP/1.") || starts_with(bytes, "HTTP/2")) {
        g.service = Service::http;
        return g;
    }
    if (is_three_digits(as_text(bytes)) && bytes.size() > 3 && (bytes[3] == ' ' || bytes[3] == '-'))
        return coded_greeting(bytes, port, std::move(line));
    // A login prompt with no negotiation at all: some network gear's telnet.
    const std::string text = upper(as_text(bytes.first(std::min<std::size_t>(bytes.size(), 512))));
    if (text.find("LOGIN:") != std::string::npos || text.find("USERNAME:") != std::string::npos ||
        text.find("PASSWORD:") != std::string::npos) {
        g.service = Service::telnet;
        g.detail = "login prompt without option negotiation: " + line;
    }
    return g;
}

Service classify_reply(Nudge nudge, std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return Service::unknown;
    // RFC 8446 §5.1: content type 22 (handshake) or 21 (alert), then a legacy
    // record version 0x03 0x0X.
    const bool tls_record =
        bytes.size() >= 3 && (bytes[0] == 0x16 || bytes[0] == 0x15) && bytes[1] == 0x03 && bytes[2] <= 0x04;
    switch (nudge) {
        case Nudge::tls_client_hello:
            if (tls_record) return Service::tls;
            // A plain HTTP server answers the hello's bytes with 400.
            if (starts_with(bytes, "HTTP/1.")) return Service::http;
            return Service::unknown;
        case Nudge::http_head:
            if (starts_with(bytes, "HTTP/1.") || starts_with(bytes, "HTTP/2")) return Service::http;
            if (tls_record) return Service::tls;
            return Service::unknown;
        case Nudge::rlogin:
        case Nudge::rsh: {
            // RFC 1282 §"Connection establishment", rshd(8): one NUL accepts
            // the handshake; \x01 and a text message refuses it.
            const Service s = nudge == Nudge::rlogin ? Service::rlogin : Service::rsh;
            if (bytes[0] == 0x00) return s;
            if (bytes[0] == 0x01 && bytes.size() > 1 && bytes[1] >= 0x20 && bytes[1] < 0x7F) return s;
            return Service::unknown;
        }
    }
    return Service::unknown;
}

std::vector<std::uint8_t> rlogin_handshake() {
    // "\0" locuser "\0" remuser "\0" terminal/speed "\0"
    static constexpr std::string_view kBytes{"\0conformscan\0conformscan\0dumb/9600\0", 36};
    return {kBytes.begin(), kBytes.end()};
}

std::vector<std::uint8_t> rsh_handshake() {
    // stderr port ("0": none) "\0" locuser "\0" remuser "\0" command "\0" (empty)
    static constexpr std::string_view kBytes{"0\0conformscan\0conformscan\0\0", 27};
    return {kBytes.begin(), kBytes.end()};
}

std::optional<CodedReply> parse_coded_reply(std::span<const std::uint8_t> bytes) {
    CodedReply reply;
    for (const auto& line : split_lines(as_text(bytes), false)) {
        if (reply.code == 0) {
            if (!is_three_digits(line) || line.size() < 4 || (line[3] != ' ' && line[3] != '-'))
                return std::nullopt;
            reply.code = std::stoi(line.substr(0, 3));
        }
        // RFC 959 §4.2: inner lines of a multi-line reply need not start with
        // the code (FEAT's feature lines start with a space).
        const bool coded =
            is_three_digits(line) && line.size() >= 3 && std::stoi(line.substr(0, 3)) == reply.code;
        if (coded && (line.size() == 3 || line[3] == ' ')) {
            reply.lines.push_back(line.size() > 4 ? line.substr(4) : std::string());
            return reply;
        }
        reply.lines.push_back(coded && line.size() > 4 ? line.substr(4) : line);
    }
    return std::nullopt;
}

bool coded_reply_complete(std::span<const std::uint8_t> bytes) {
    return parse_coded_reply(bytes).has_value();
}

std::vector<std::string> ehlo_keywords(const CodedReply& reply) {
    std::vector<std::string> out;
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        const auto& line = reply.lines[i];
        out.push_back(upper(line.substr(0, line.find(' '))));
    }
    return out;
}

std::vector<std::string> ftp_features(const CodedReply& reply) {
    std::vector<std::string> out;
    // The first and last lines are the reply's own text ("Features:", "End").
    for (std::size_t i = 1; i + 1 < reply.lines.size(); ++i) {
        std::string_view line = reply.lines[i];
        while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
        while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
        if (!line.empty()) out.emplace_back(line);
    }
    return out;
}

bool ftp_features_offer_tls(const std::vector<std::string>& features) {
    return std::any_of(features.begin(), features.end(), [](const std::string& f) {
        const auto u = upper(f);
        return u.rfind("AUTH", 0) == 0 &&
               (u.find("TLS") != std::string::npos || u.find("SSL") != std::string::npos);
    });
}

std::optional<std::vector<std::string>> pop3_capabilities(std::span<const std::uint8_t> bytes) {
    const auto lines = split_lines(as_text(bytes), false);
    if (lines.empty()) return std::nullopt;
    if (lines.front().rfind("-ERR", 0) == 0) return std::vector<std::string>{};
    if (lines.front().rfind("+OK", 0) != 0) return std::vector<std::string>{};
    std::vector<std::string> caps;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        if (lines[i] == ".") return caps;
        caps.push_back(upper(lines[i]));
    }
    return std::nullopt;
}

std::vector<std::string> imap_capabilities(std::span<const std::uint8_t> bytes) {
    std::vector<std::string> out;
    for (const auto& line : split_lines(as_text(bytes), true)) {
        const auto u = upper(line);
        std::string list;
        if (u.rfind("* CAPABILITY ", 0) == 0) {
            list = u.substr(13);
        } else if (const auto at = u.find("[CAPABILITY ");
                   at != std::string::npos && u.rfind("* OK", 0) == 0) {
            const auto end = u.find(']', at);
            list = u.substr(at + 12, end == std::string::npos ? std::string::npos : end - at - 12);
        } else {
            continue;
        }
        std::size_t start = 0;
        while (start < list.size()) {
            const auto sp = list.find(' ', start);
            auto word = list.substr(start, sp == std::string::npos ? std::string::npos : sp - start);
            if (!word.empty()) out.push_back(std::move(word));
            if (sp == std::string::npos) break;
            start = sp + 1;
        }
        if (!out.empty()) break;
    }
    return out;
}

bool imap_tagged_done(std::span<const std::uint8_t> bytes, std::string_view tag) {
    for (const auto& line : split_lines(as_text(bytes), false))
        if (line.size() > tag.size() && line.compare(0, tag.size(), tag) == 0 && line[tag.size()] == ' ')
            return true;
    return false;
}

std::vector<std::uint8_t> tftp_read_request(std::string_view filename) {
    // Opcode 1 (RRQ), filename, NUL, mode, NUL. Byte by byte: GCC 12 at -O3
    // reports a false -Warray-bounds for insert() into a two-byte vector.
    std::vector<std::uint8_t> out;
    out.reserve(filename.size() + 9);
    out.push_back(0x00);
    out.push_back(0x01);
    for (char c : filename) out.push_back(static_cast<std::uint8_t>(c));
    out.push_back(0);
    for (char c : std::string_view("octet")) out.push_back(static_cast<std::uint8_t>(c));
    out.push_back(0);
    return out;
}

std::optional<TftpReply> parse_tftp_reply(std::span<const std::uint8_t> bytes) {
    core::ByteReader r(bytes, "tftp");
    auto opcode = r.u16();
    auto second = r.u16();  // DATA: block number; ERROR: error code
    if (!opcode || !second) return std::nullopt;
    TftpReply reply;
    reply.opcode = *opcode;
    if (*opcode == 3) {
        reply.detail = fmt::format("DATA block {} ({} bytes)", *second, r.remaining());
        return reply;
    }
    if (*opcode != 5) return std::nullopt;
    // ErrMsg is a NUL-terminated string; a missing NUL is tolerated (it is evidence, not parsed further).
    auto rest = r.bytes(r.remaining());
    if (!rest) return std::nullopt;
    const auto nul = std::find(rest->begin(), rest->end(), std::uint8_t{0});
    reply.detail = fmt::format("ERROR {}: {}", *second,
                               first_line(rest->first(static_cast<std::size_t>(nul - rest->begin()))));
    return reply;
}

}  // namespace conformscan::wire::net
