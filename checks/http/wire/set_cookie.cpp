#include "checks/http/wire/set_cookie.hpp"

#include <array>
#include <limits>

#include <fmt/format.h>

#include "checks/http/wire/text.hpp"

namespace conformscan::wire::http {

namespace {

using core::make_error;

// §5.2 uses WSP (SP / HTAB) for trimming.
constexpr std::string_view trim_wsp(std::string_view s) {
    return trim_ows(s);
}

// §5.1.1 delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
constexpr bool is_date_delimiter(unsigned char c) {
    return c == 0x09 || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40) || (c >= 0x5b && c <= 0x60) ||
           (c >= 0x7b && c <= 0x7e);
}

// 1*max DIGIT at the start of `s`, then the end or a non-digit: the value, or
// nullopt. Used for the time, day-of-month and year productions.
std::optional<int> leading_digits(std::string_view& s, std::size_t min, std::size_t max) {
    std::size_t n = 0;
    int v = 0;
    while (n < s.size() && is_digit(s[n])) {
        if (n == max) return std::nullopt;  // more digits than the production allows
        v = v * 10 + (s[n] - '0');
        ++n;
    }
    if (n < min) return std::nullopt;
    s.remove_prefix(n);
    return v;
}

// hms-time = time-field ":" time-field ":" time-field; time-field = 1*2DIGIT,
// then ( non-digit *OCTET ).
bool parse_time(std::string_view t, int& h, int& m, int& s) {
    auto a = leading_digits(t, 1, 2);
    if (!a || t.empty() || t.front() != ':') return false;
    t.remove_prefix(1);
    auto b = leading_digits(t, 1, 2);
    if (!b || t.empty() || t.front() != ':') return false;
    t.remove_prefix(1);
    auto c = leading_digits(t, 1, 2);
    if (!c) return false;
    h = *a, m = *b, s = *c;
    return true;
}

int month_of(std::string_view t) {
    static constexpr std::array<std::string_view, 12> kMonths{"jan", "feb", "mar", "apr", "may", "jun",
                                                              "jul", "aug", "sep", "oct", "nov", "dec"};
    if (t.size() < 3) return 0;
    for (std::size_t i = 0; i < kMonths.size(); ++i)
        if (iequals(t.substr(0, 3), kMonths[i])) return static_cast<int>(i) + 1;
    return 0;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool is_leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
    static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

std::optional<std::int64_t> max_age_of(std::string_view v) {
    // §5.2.2: the first character is a DIGIT or "-"; the rest are DIGITs.
    if (v.empty() || !(is_digit(v.front()) || v.front() == '-')) return std::nullopt;
    const bool negative = v.front() == '-';
    if (negative) v.remove_prefix(1);
    if (v.empty()) return std::nullopt;
    std::int64_t n = 0;
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    for (char c : v) {
        if (!is_digit(c)) return std::nullopt;
        const int d = c - '0';
        n = n > (kMax - d) / 10 ? kMax : n * 10 + d;
    }
    return negative ? -n : n;
}

}  // namespace

std::optional<std::int64_t> parse_cookie_date(std::string_view text) {
    bool found_time = false, found_day = false, found_month = false, found_year = false;
    int hour = 0, minute = 0, second = 0, day = 0, month = 0, year = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_date_delimiter(static_cast<unsigned char>(text[i]))) ++i;
        const std::size_t start = i;
        while (i < text.size() && !is_date_delimiter(static_cast<unsigned char>(text[i]))) ++i;
        std::string_view token = text.substr(start, i - start);
        if (token.empty()) continue;
        // §5.1.1 step 2: each production is tried once, in this order.
        if (!found_time && parse_time(token, hour, minute, second)) {
            found_time = true;
            continue;
        }
        if (!found_day) {
            std::string_view t = token;
            if (auto d = leading_digits(t, 1, 2)) {
                day = *d;
                found_day = true;
                continue;
            }
        }
        if (!found_month) {
            if (int m = month_of(token)) {
                month = m;
                found_month = true;
                continue;
            }
        }
        if (!found_year) {
            std::string_view t = token;
            if (auto y = leading_digits(t, 2, 4)) {
                year = *y;
                found_year = true;
            }
        }
    }
    // Steps 3-5: two-digit years, then the bounds that abort the algorithm.
    if (year >= 70 && year <= 99) year += 1900;
    if (year >= 0 && year <= 69) year += 2000;
    if (!found_time || !found_day || !found_month || !found_year) return std::nullopt;
    if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
    // Step 6: a date that does not exist (Feb 30) fails.
    if (day > days_in_month(year, month)) return std::nullopt;
    return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
           hour * 3600 + minute * 60 + second;
}

std::string format_epoch(std::int64_t seconds) {
    std::int64_t days = seconds / 86400;
    std::int64_t rem = seconds % 86400;
    if (rem < 0) rem += 86400, --days;
    // civil_from_days (H. Hinnant).
    const std::int64_t z = days + 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, rem / 3600, rem % 3600 / 60,
                       rem % 60);
}

core::Result<SetCookie> parse_set_cookie(std::string_view header_value) {
    // §5.2 step 1: the name-value pair runs to the first ';'.
    const auto semi = header_value.find(';');
    const std::string_view pair = header_value.substr(0, semi);
    std::string_view rest = semi == std::string_view::npos ? std::string_view{} : header_value.substr(semi);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos)
        return make_error("no_equals", "the name-value pair has no '=' (RFC 6265 §5.2 step 2: ignored)",
                          "Set-Cookie");
    SetCookie c;
    c.name = std::string(trim_wsp(pair.substr(0, eq)));
    c.value = std::string(trim_wsp(pair.substr(eq + 1)));
    if (c.name.empty())
        return make_error("empty_name", "the cookie name is empty (RFC 6265 §5.2 step 5: ignored)",
                          "Set-Cookie");

    // §5.2 attributes: each "; av"; §5.3 step 11 lets the last of a name win.
    while (!rest.empty()) {
        rest.remove_prefix(1);  // the ';'
        const auto next = rest.find(';');
        const std::string_view av = rest.substr(0, next);
        rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next);
        const auto aeq = av.find('=');
        const std::string_view name = trim_wsp(av.substr(0, aeq));
        const std::string_view value =
            aeq == std::string_view::npos ? std::string_view{} : trim_wsp(av.substr(aeq + 1));
        if (name.empty() && value.empty()) continue;
        if (iequals(name, "expires")) {
            c.expires_raw = std::string(value);
            if (auto t = parse_cookie_date(value))
                c.expires = *t;
            else
                c.ignored.push_back(std::string(trim_wsp(av)));
        } else if (iequals(name, "max-age")) {
            if (auto m = max_age_of(value))
                c.max_age = *m;
            else
                c.ignored.push_back(std::string(trim_wsp(av)));
        } else if (iequals(name, "domain")) {
            // §5.2.3: an empty value is ignored (SHOULD); a leading dot is dropped.
            if (value.empty()) {
                c.ignored.push_back(std::string(trim_wsp(av)));
                continue;
            }
            c.domain = to_lower(value.front() == '.' ? value.substr(1) : value);
        } else if (iequals(name, "path")) {
            // §5.2.4: anything but an absolute path means the default path.
            if (!value.empty() && value.front() == '/')
                c.path = std::string(value);
            else
                c.path.reset();
        } else if (iequals(name, "secure")) {
            c.secure = true;
        } else if (iequals(name, "httponly")) {
            c.http_only = true;
        } else if (iequals(name, "samesite")) {
            c.same_site_raw = std::string(value);
            if (iequals(value, "strict"))
                c.same_site = "Strict";
            else if (iequals(value, "lax"))
                c.same_site = "Lax";
            else if (iequals(value, "none"))
                c.same_site = "None";
            else
                c.same_site.clear();  // unrecognised: the UA's default applies
        } else {
            c.ignored.push_back(std::string(trim_wsp(av)));
        }
    }
    return c;
}

}  // namespace conformscan::wire::http
