#include "checks/http/wire/csp.hpp"

#include "checks/http/wire/text.hpp"

namespace conformscan::wire::http {

namespace {

bool is_ascii(std::string_view s) {
    for (char c : s)
        if (static_cast<unsigned char>(c) > 0x7f) return false;
    return true;
}

// §2.2.1 "parse a serialized CSP".
CspPolicy parse_policy(std::string_view text) {
    CspPolicy policy;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto semi = text.find(';', start);
        std::string_view token =
            text.substr(start, semi == std::string_view::npos ? text.size() - start : semi - start);
        start = semi == std::string_view::npos ? text.size() + 1 : semi + 1;
        token = trim_ascii_ws(token);
        // Step 2.2: empty or non-ASCII tokens are skipped.
        if (token.empty() || !is_ascii(token)) continue;
        std::size_t n = 0;
        while (n < token.size() && !is_ascii_ws(token[n])) ++n;
        CspDirective d{to_lower(token.substr(0, n)), {}};
        // Step 2.5: a repeated directive is ignored (the first wins).
        bool seen = false;
        for (const auto& e : policy.directives) seen = seen || e.name == d.name;
        if (seen) {
            policy.duplicates.push_back(d.name);
            continue;
        }
        std::string_view rest = token.substr(n);
        while (!rest.empty()) {
            while (!rest.empty() && is_ascii_ws(rest.front())) rest.remove_prefix(1);
            std::size_t m = 0;
            while (m < rest.size() && !is_ascii_ws(rest[m])) ++m;
            if (m > 0) d.values.emplace_back(rest.substr(0, m));
            rest.remove_prefix(m);
        }
        policy.directives.push_back(std::move(d));
    }
    return policy;
}

}  // namespace

std::vector<CspPolicy> parse_csp(std::string_view header_value) {
    std::vector<CspPolicy> out;
    std::size_t start = 0;
    while (start <= header_value.size()) {
        const auto comma = header_value.find(',', start);
        const auto end = comma == std::string_view::npos ? header_value.size() : comma;
        auto policy = parse_policy(header_value.substr(start, end - start));
        if (!policy.directives.empty()) out.push_back(std::move(policy));
        start = end + 1;
    }
    return out;
}

std::optional<std::vector<std::string>> frame_ancestors(const CspPolicy& policy) {
    for (const auto& d : policy.directives) {
        if (d.name != "frame-ancestors") continue;
        std::vector<std::string> out;
        for (const auto& v : d.values) out.push_back(to_lower(v));
        return out;
    }
    return std::nullopt;
}

bool frame_ancestors_allow_any(const std::vector<std::string>& sources) {
    for (const auto& s : sources) {
        if (s == "*") return true;
        // scheme-source = scheme-part ":" (CSP3 §2.3.1), e.g. "https:".
        if (s.size() >= 2 && s.back() == ':' && s.find('/') == std::string::npos && s.front() != '\'')
            return true;
    }
    return false;
}

}  // namespace conformscan::wire::http
