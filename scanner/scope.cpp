// Cidr, Scope and IP-literal handling from scanner/inventory.hpp: the checks
// that decide where a scan may go.
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "scanner/host_names.hpp"
#include "scanner/inventory.hpp"

namespace conformscan::scanner {

namespace {

struct Address {
    bool v6 = false;
    std::uint8_t bytes[16] = {};
};

bool parse_address(const std::string& text, Address& out) {
    if (inet_pton(AF_INET, text.c_str(), out.bytes) == 1) {
        out.v6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, text.c_str(), out.bytes) == 1) {
        out.v6 = true;
        return true;
    }
    return false;
}

bool prefix_matches(const std::uint8_t* a, const std::uint8_t* b, int prefix) {
    const int full = prefix / 8;
    if (!std::equal(a, a + full, b)) return false;
    const int rest = prefix % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    return (a[full] & mask) == (b[full] & mask);
}

bool is_host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

}  // namespace

bool is_valid_host_name(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.empty() || name.size() > 253) return false;
    std::string_view last;
    while (true) {
        const auto dot = name.find('.');
        const auto label = name.substr(0, dot);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        if (!std::all_of(label.begin(), label.end(), is_host_char)) return false;
        last = label;
        if (dot == std::string_view::npos) break;
        name.remove_prefix(dot + 1);
    }
    return std::isdigit(static_cast<unsigned char>(last.front())) == 0;
}

std::string normalize_host_name(std::string_view name) {
    std::string out(name);
    if (!out.empty() && out.back() == '.') out.pop_back();
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string canonical_ip(const std::string& literal) {
    Address a;
    if (!parse_address(literal, a)) return {};
    char buf[INET6_ADDRSTRLEN] = {};
    if (inet_ntop(a.v6 ? AF_INET6 : AF_INET, a.bytes, buf, sizeof buf) == nullptr) return {};
    return buf;
}

bool is_ip_literal(const std::string& host) {
    Address a;
    return parse_address(host, a);
}

core::Result<Cidr> Cidr::parse(const std::string& text) {
    auto bad = [&](std::string_view why) {
        return core::make_error("bad_cidr", fmt::format("'{}' is not a CIDR block: {}", text, why));
    };
    const auto slash = text.find('/');
    Address a;
    if (!parse_address(text.substr(0, slash), a)) return bad("expected an IPv4 or IPv6 address");
    Cidr c;
    c.v6 = a.v6;
    std::copy(std::begin(a.bytes), std::end(a.bytes), std::begin(c.bytes));
    const int max_prefix = c.v6 ? 128 : 32;
    c.prefix = max_prefix;
    if (slash != std::string::npos) {
        const auto digits = text.substr(slash + 1);
        if (digits.empty() || digits.size() > 3 ||
            !std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
            return bad(fmt::format("the prefix length must be 0..{}", max_prefix));
        c.prefix = std::stoi(digits);
        if (c.prefix > max_prefix) return bad(fmt::format("the prefix length must be 0..{}", max_prefix));
    }
    // Clear the host bits so that "192.0.2.7/24" denotes 192.0.2.0/24.
    for (int bit = c.prefix; bit < max_prefix; ++bit)
        c.bytes[bit / 8] = static_cast<std::uint8_t>(c.bytes[bit / 8] & ~(0x80 >> (bit % 8)));
    c.text = text;
    return c;
}

bool Cidr::contains(const std::string& ip_literal) const {
    Address a;
    if (!parse_address(ip_literal, a) || a.v6 != v6) return false;
    return prefix_matches(a.bytes, bytes, prefix);
}

core::Result<Scope> Scope::parse(const std::vector<std::string>& entries) {
    Scope s;
    for (const auto& entry : entries) {
        auto bad = [&](std::string_view why) {
            return core::make_error("bad_scope", fmt::format("scope entry '{}': {}", entry, why));
        };
        if (entry.empty()) return bad("must not be empty");
        if (entry.find('/') != std::string::npos || is_ip_literal(entry)) {
            auto cidr = Cidr::parse(entry);
            if (!cidr) return bad(cidr.error().message);
            s.m_cidrs.push_back(std::move(*cidr));
        } else {
            auto pattern = normalize_host_name(entry);
            const bool wildcard = pattern.rfind("*.", 0) == 0;
            const auto name = wildcard ? std::string_view(pattern).substr(2) : std::string_view(pattern);
            if (name.find('*') != std::string_view::npos ||
                (!wildcard && pattern.find('*') != std::string::npos))
                return bad("'*' may only start a pattern, as in '*.example.net'");
            if (!is_valid_host_name(name))
                return bad("expected an IP address, a CIDR block, a host name or '*.domain'");
            s.m_patterns.push_back(std::move(pattern));
        }
        s.m_entries.push_back(entry);
    }
    return s;
}

bool Scope::allows_host(const std::string& host) const {
    if (is_ip_literal(host))
        return std::any_of(m_cidrs.begin(), m_cidrs.end(), [&](const Cidr& c) { return c.contains(host); });
    if (!is_valid_host_name(host)) return false;
    const auto name = normalize_host_name(host);
    return std::any_of(m_patterns.begin(), m_patterns.end(), [&](const std::string& p) {
        if (p.rfind("*.", 0) != 0) return name == p;
        // "*.example.net" needs one or more labels under example.net.
        const std::string_view suffix = std::string_view(p).substr(1);
        return name.size() > suffix.size() &&
               name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    });
}

}  // namespace conformscan::scanner
