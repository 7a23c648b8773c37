#include "checks/http/wire/hsts.hpp"

#include <limits>

#include <fmt/format.h>

#include "checks/http/wire/text.hpp"

namespace conformscan::wire::http {

namespace {

using core::make_error;

constexpr const char* kWhere = "Strict-Transport-Security";

class Cursor {
public:
    explicit Cursor(std::string_view s) : m_s(s) {}
    void skip_ows() {
        while (m_pos < m_s.size() && is_ows(m_s[m_pos])) ++m_pos;
    }
    [[nodiscard]] bool done() const { return m_pos >= m_s.size(); }
    [[nodiscard]] char peek() const { return m_s[m_pos]; }
    [[nodiscard]] std::size_t pos() const { return m_pos; }
    void advance() { ++m_pos; }
    std::string_view token() {
        const std::size_t start = m_pos;
        while (m_pos < m_s.size() && is_tchar(m_s[m_pos])) ++m_pos;
        return m_s.substr(start, m_pos - start);
    }
    // RFC 9110 §5.6.4 quoted-string (the cursor is on the DQUOTE).
    core::Result<std::string> quoted_string() {
        std::string out;
        const std::size_t start = m_pos++;
        while (m_pos < m_s.size()) {
            const char c = m_s[m_pos++];
            if (c == '"') return out;
            if (c == '\\') {
                if (m_pos >= m_s.size()) break;
                out.push_back(m_s[m_pos++]);
                continue;
            }
            // qdtext excludes controls other than HTAB, and DEL.
            if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
                return make_error("syntax", "a control character inside a quoted string", kWhere, m_pos - 1);
            out.push_back(c);
        }
        return make_error("syntax", "an unterminated quoted string", kWhere, start);
    }

private:
    std::string_view m_s;
    std::size_t m_pos = 0;
};

core::Result<std::uint64_t> delta_seconds(const std::string& text) {
    if (text.empty()) return make_error("bad_max_age", "max-age has no value", kWhere);
    std::uint64_t v = 0;
    constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
    for (char c : text) {
        if (!is_digit(c))
            return make_error("bad_max_age", fmt::format("max-age \"{}\" is not 1*DIGIT (§6.1.1)", text),
                              kWhere);
        const auto d = static_cast<std::uint64_t>(c - '0');
        v = v > (kMax - d) / 10 ? kMax : v * 10 + d;
    }
    return v;
}

core::Result<StsDirective> directive(Cursor& c) {
    const std::size_t at = c.pos();
    const auto name = c.token();
    if (name.empty()) return make_error("syntax", "expected a directive name (a token)", kWhere, at);
    StsDirective d{to_lower(name), std::nullopt};
    c.skip_ows();
    if (c.done() || c.peek() != '=') return d;
    c.advance();
    c.skip_ows();
    if (!c.done() && c.peek() == '"') {
        auto q = c.quoted_string();
        if (!q) return q.error();
        d.value = std::move(*q);
    } else {
        const std::size_t vat = c.pos();
        const auto v = c.token();
        if (v.empty())
            return make_error("syntax", "expected a directive value (token or quoted-string)", kWhere, vat);
        d.value = std::string(v);
    }
    return d;
}

}  // namespace

core::Result<StsPolicy> parse_sts(std::string_view value) {
    StsPolicy policy;
    Cursor c(value);
    for (;;) {
        c.skip_ows();
        if (!c.done() && c.peek() != ';') {
            auto d = directive(c);
            if (!d) return d.error();
            for (const auto& seen : policy.directives)
                if (seen.name == d->name)
                    return make_error("duplicate_directive",
                                      fmt::format("directive \"{}\" appears more than once (§6.1)", d->name),
                                      kWhere);
            policy.directives.push_back(std::move(*d));
            c.skip_ows();
        }
        if (c.done()) break;
        if (c.peek() != ';')
            return make_error("syntax", fmt::format("unexpected '{}' after a directive", c.peek()), kWhere,
                              c.pos());
        c.advance();
    }

    bool have_max_age = false;
    for (const auto& d : policy.directives) {
        if (d.name == "max-age") {
            if (!d.value) return make_error("bad_max_age", "max-age has no value", kWhere);
            auto v = delta_seconds(*d.value);
            if (!v) return v.error();
            policy.max_age = *v;
            have_max_age = true;
        } else if (d.name == "includesubdomains" || d.name == "preload") {
            if (d.value)
                return make_error("unexpected_value", fmt::format("\"{}\" takes no value (§6.1.2)", d.name),
                                  kWhere);
            (d.name == "preload" ? policy.preload : policy.include_subdomains) = true;
        }
    }
    if (!have_max_age)
        return make_error("missing_max_age", "the REQUIRED max-age directive is missing (§6.1.1)", kWhere);
    return policy;
}

}  // namespace conformscan::wire::http
