// Set-Cookie header values, parsed the way a user agent does (RFC 6265 §5.2,
// with the date algorithm of §5.1.1) plus the SameSite attribute of RFC
// 6265bis (draft-ietf-httpbis-rfc6265bis §5.6.7). The UA algorithm is
// lenient by design: an attribute it cannot read is ignored, not an error;
// only a cookie the UA ignores entirely is an error here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/core/result.hpp"

namespace conformscan::wire::http {

struct SetCookie {
    std::string name;
    std::string value;
    bool secure = false;     // §5.2.5
    bool http_only = false;  // §5.2.6
    // The SameSite value as sent (when present), and its enforcement mode:
    // "Strict", "Lax", "None", or "" when absent or unrecognised (the UA
    // then applies its default, 6265bis §5.6.7).
    std::optional<std::string> same_site_raw;
    std::string same_site;
    std::optional<std::string> domain;       // §5.2.3: leading dot removed, lower-cased
    std::optional<std::string> path;         // §5.2.4: only a value starting with '/'
    std::optional<std::int64_t> max_age;     // §5.2.2 delta-seconds, saturated
    std::optional<std::string> expires_raw;  // the attribute value as sent
    std::optional<std::int64_t> expires;     // §5.1.1, seconds since 1970-01-01T00:00:00Z
    std::vector<std::string> ignored;        // attributes the UA ignores, as sent
};

// Errors ("ignored" by the UA, §5.2 steps 2 and 5): "no_equals" (the
// name-value pair has no '='), "empty_name".
core::Result<SetCookie> parse_set_cookie(std::string_view header_value);

// RFC 6265 §5.1.1 cookie-date; nullopt when the algorithm fails.
std::optional<std::int64_t> parse_cookie_date(std::string_view text);

// "2026-11-28T04:46:06Z" for seconds since the epoch.
std::string format_epoch(std::int64_t seconds);

}  // namespace conformscan::wire::http
