#include "checks/http/wire/response_head.hpp"

#include <fmt/format.h>

#include "checks/http/wire/text.hpp"
#include "scanner/core/byte_reader.hpp"

namespace conformscan::wire::http {

namespace {

using core::ByteReader;
using core::make_error;

struct Line {
    std::string text;    // without the line terminator
    std::size_t offset;  // of its first byte
};

// The next line, through the bounded cursor: CRLF or a bare LF ends it.
core::Result<Line> read_line(ByteReader& r, std::size_t max_line, const std::string& where) {
    Line line{{}, r.absolute_offset()};
    for (;;) {
        auto b = r.u8();
        if (!b)
            return make_error("truncated", "the head ends before its empty line", where, r.absolute_offset());
        if (*b == '\n') break;
        if (line.text.size() >= max_line)
            return make_error("line_too_long", fmt::format("a line longer than {} bytes", max_line), where,
                              line.offset);
        line.text.push_back(static_cast<char>(*b));
    }
    if (!line.text.empty() && line.text.back() == '\r') line.text.pop_back();
    return line;
}

// RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
// HTTP-version = "HTTP/" DIGIT "." DIGIT; status-code = 3DIGIT.
core::Result<void> parse_status_line(const Line& line, ResponseHead& head) {
    const std::string_view s = line.text;
    auto bad = [&](const char* why) {
        return make_error("bad_status_line", why, "status-line", line.offset);
    };
    if (s.size() < 12 || s.substr(0, 5) != "HTTP/") return bad("expected \"HTTP/d.d NNN\"");
    if (!is_digit(s[5]) || s[6] != '.' || !is_digit(s[7])) return bad("the version is not DIGIT \".\" DIGIT");
    if (s[8] != ' ') return bad("expected a space after the version");
    if (!is_digit(s[9]) || !is_digit(s[10]) || !is_digit(s[11]))
        return bad("the status code is not 3 digits");
    // The reason phrase is optional, but the space before it is not; servers
    // that drop it are common enough that RFC 9112 §4 asks clients to cope.
    if (s.size() > 12 && s[12] != ' ') return bad("expected a space after the status code");
    head.version_major = s[5] - '0';
    head.version_minor = s[7] - '0';
    head.status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    if (s.size() > 13) head.reason = std::string(s.substr(13));
    return {};
}

}  // namespace

core::Result<ResponseHead> parse_response_head(std::span<const std::uint8_t> bytes, HeadLimits limits) {
    ByteReader r(bytes, "response-head");
    ResponseHead head;
    auto status = read_line(r, limits.max_line, "status-line");
    if (!status) return status.error();
    if (auto ok = parse_status_line(*status, head); !ok) return ok.error();

    for (std::size_t n = 0;; ++n) {
        const std::string where = fmt::format("field-line[{}]", n);
        auto line = read_line(r, limits.max_line, where);
        if (!line) return line.error();
        const std::string_view s = line->text;
        if (s.empty()) break;
        // RFC 9112 §5.2: obs-fold continues the previous field; a user agent
        // replaces it with SP. A fold before any field is malformed.
        if (is_ows(s.front())) {
            if (head.fields.empty())
                return make_error("bad_field", "a continuation line before any field", where, line->offset);
            auto& prev = head.fields.back().value;
            const auto more = trim_ows(s);
            if (!more.empty()) prev += (prev.empty() ? "" : " ") + std::string(more);
            continue;
        }
        if (head.fields.size() >= limits.max_fields)
            return make_error("too_many_fields", fmt::format("more than {} fields", limits.max_fields), where,
                              line->offset);
        const auto colon = s.find(':');
        if (colon == std::string_view::npos)
            return make_error("bad_field", "a field line without a colon", where, line->offset);
        const auto name = s.substr(0, colon);
        if (!name.empty() && is_ows(name.back()))
            return make_error("bad_field", "whitespace between the field name and the colon (RFC 9112 §5.1)",
                              where, line->offset);
        if (!is_token(name))
            return make_error("bad_field", "the field name is not a token (RFC 9110 §5.1)", where,
                              line->offset);
        head.fields.push_back({to_lower(name), std::string(trim_ows(s.substr(colon + 1)))});
    }
    if (!r.done())
        return make_error("trailing_data", fmt::format("{} bytes after the empty line", r.remaining()),
                          "response-head", r.absolute_offset());
    return head;
}

std::vector<std::string> field_values(const ResponseHead& head, const std::string& name) {
    std::vector<std::string> out;
    for (const auto& f : head.fields)
        if (f.name == name) out.push_back(f.value);
    return out;
}

}  // namespace conformscan::wire::http
