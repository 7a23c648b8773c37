// The head of an HTTP/1.x response: status line and field lines (RFC 9112
// §4, §5), as a server sent it. The probe hands the bytes libcurl delivers to
// its header callback to this parser, so that repeated fields stay repeated
// and in order, names lower-cased (RFC 9110 §5.1: names are case-insensitive).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "scanner/core/result.hpp"

namespace conformscan::wire::http {

struct HeaderField {
    std::string name;   // lower-case
    std::string value;  // OWS trimmed; obs-fold replaced by SP (RFC 9112 §5.2)
};

struct ResponseHead {
    int version_major = 1;
    int version_minor = 1;
    int status = 0;
    std::string reason;
    std::vector<HeaderField> fields;
};

struct HeadLimits {
    std::size_t max_fields = 256;
    std::size_t max_line = 16 * 1024;
};

// Parses one response head: the status line, field lines, and the empty line
// that ends it (nothing may follow). Lines end in CRLF; a bare LF is accepted
// (RFC 9112 §2.2). Errors: "truncated" (no empty line), "bad_status_line",
// "bad_field" (no colon, a name that is not a token, whitespace before the
// colon — RFC 9112 §5.1), "too_many_fields", "line_too_long", "trailing_data".
// `where` is "status-line" or "field-line[N]", `offset` the byte offset.
core::Result<ResponseHead> parse_response_head(std::span<const std::uint8_t> bytes, HeadLimits limits = {});

// All values of the field `name` (lower-case), in order.
std::vector<std::string> field_values(const ResponseHead& head, const std::string& name);

}  // namespace conformscan::wire::http
