// Content-Security-Policy header values (CSP Level 3, W3C Working Draft,
// §2.2.1 "parse a serialized CSP" and §2.2.2 "parse a response's Content
// Security Policies"), enough to extract frame-ancestors (§7.7.3). Parsing a
// CSP never fails: a UA skips what it cannot read, and so does this.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conformscan::wire::http {

struct CspDirective {
    std::string name;                 // lower-case
    std::vector<std::string> values;  // as sent, split on ASCII whitespace
};

struct CspPolicy {
    std::vector<CspDirective> directives;
    std::vector<std::string> duplicates;  // names repeated in this policy: the UA keeps the first
};

// One header value may serialise several policies separated by ',' (§2.2.2).
// Empty policies are dropped.
std::vector<CspPolicy> parse_csp(std::string_view header_value);

// The frame-ancestors source list of a policy, lower-cased, or nullopt when
// the policy has no such directive.
std::optional<std::vector<std::string>> frame_ancestors(const CspPolicy& policy);

// Whether a frame-ancestors source list lets any origin frame the page: a
// "*" or a bare scheme ("https:", "http:", "data:", ...) source expression.
bool frame_ancestors_allow_any(const std::vector<std::string>& sources);

}  // namespace conformscan::wire::http
