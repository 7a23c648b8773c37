// The helpers every STARTTLS dialog uses to quote and compare server text.
#include "checks/net/starttls_dialog.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace conformscan::checks::net::starttls_detail {

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

}  // namespace conformscan::checks::net::starttls_detail
