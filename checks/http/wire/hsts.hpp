// The Strict-Transport-Security header field value (RFC 6797 §6.1).
//
//   Strict-Transport-Security = "Strict-Transport-Security" ":"
//                               [ directive ]  *( ";" [ directive ] )
//   directive       = directive-name [ "=" directive-value ]
//   directive-name  = token
//   directive-value = token | quoted-string
//
// with implied linear whitespace around tokens and separators (RFC 2616
// §2.1, which RFC 6797 §6.1 cites). A UA ignores a header that does not
// conform (§6.1), that repeats a directive (§6.1: "All directives MUST appear
// only once"), or that lacks max-age (§6.1.1: REQUIRED); the parser returns
// an error for each, so that "invalid" means exactly "a UA ignores it".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/core/result.hpp"

namespace conformscan::wire::http {

struct StsDirective {
    std::string name;                  // lower-case
    std::optional<std::string> value;  // unquoted; absent for a valueless directive
};

struct StsPolicy {
    std::uint64_t max_age = 0;        // §6.1.1 delta-seconds; saturates at UINT64_MAX
    bool include_subdomains = false;  // §6.1.2
    // Not in RFC 6797: the hstspreload.org list's opt-in. Valueless like includeSubDomains.
    bool preload = false;
    std::vector<StsDirective> directives;  // every directive, unknown ones too (§6.1: UAs ignore them)
};

// Errors: "syntax" (not the grammar above; offset into the value),
// "duplicate_directive", "missing_max_age", "bad_max_age" (not 1*DIGIT),
// "unexpected_value" (includeSubDomains or preload with a value).
core::Result<StsPolicy> parse_sts(std::string_view value);

}  // namespace conformscan::wire::http
