// Character classes and small string helpers shared by the HTTP header
// parsers. ASCII only: header grammars (RFC 9110 §5.6) are defined over
// octets, and nothing here depends on the locale.
#pragma once

#include <string>
#include <string_view>

namespace conformscan::wire::http {

// RFC 9110 §5.6.2 tchar.
[[nodiscard]] constexpr bool is_tchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return c != '\0' && std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

[[nodiscard]] constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
// RFC 9110 §5.6.3 OWS: SP / HTAB.
[[nodiscard]] constexpr bool is_ows(char c) {
    return c == ' ' || c == '\t';
}
// WHATWG "ASCII whitespace" (CSP3 splits on it): TAB, LF, FF, CR, SP.
[[nodiscard]] constexpr bool is_ascii_ws(char c) {
    return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

[[nodiscard]] inline std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

[[nodiscard]] inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

// Strips OWS (SP / HTAB) from both ends.
[[nodiscard]] constexpr std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

[[nodiscard]] constexpr std::string_view trim_ascii_ws(std::string_view s) {
    while (!s.empty() && is_ascii_ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ascii_ws(s.back())) s.remove_suffix(1);
    return s;
}

[[nodiscard]] constexpr bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!is_tchar(c)) return false;
    return true;
}

}  // namespace conformscan::wire::http
