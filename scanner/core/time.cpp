#include "scanner/core/time.hpp"

#include <cctype>
#include <ctime>

#include <fmt/format.h>

namespace conformscan::core {

std::string format_time(TimePoint t) {
    const std::time_t tt = Clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

TimePoint now() { return std::chrono::time_point_cast<std::chrono::seconds>(Clock::now()); }

namespace {

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

}  // namespace

Result<TimePoint> parse_time(std::string_view s, bool require_offset) {
    auto bad = [&](std::string why) {
        return make_error("bad_time", fmt::format("'{}' is not an ISO 8601 time: {}", s, why));
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (!read_int(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !read_int(s, 5, 2, mo) ||
        s[7] != '-' || !read_int(s, 8, 2, d))
        return bad("expected YYYY-MM-DD");
    std::size_t pos = 10;
    long offset_seconds = 0;
    if (s.size() == 10) {
        if (require_offset) return bad("a time with an explicit offset (Z or +HH:MM) is required");
    } else {
        if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return bad("expected 'T' after the date");
        if (!read_int(s, 11, 2, h) || s.size() < 19 || s[13] != ':' || !read_int(s, 14, 2, mi) ||
            s[16] != ':' || !read_int(s, 17, 2, se))
            return bad("expected HH:MM:SS");
        pos = 19;
        if (pos < s.size() && s[pos] == '.') {
            ++pos;
            while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
        }
        if (pos == s.size()) {
            if (require_offset) return bad("an explicit offset (Z or +HH:MM) is required");
        } else if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
            pos = s.size();
        } else if (s[pos] == '+' || s[pos] == '-') {
            int oh = 0, om = 0;
            if (s.size() != pos + 6 || !read_int(s, pos + 1, 2, oh) || s[pos + 3] != ':' ||
                !read_int(s, pos + 4, 2, om) || oh > 23 || om > 59)
                return bad("expected the offset as +HH:MM or -HH:MM");
            offset_seconds = (oh * 3600L + om * 60L) * (s[pos] == '-' ? -1 : 1);
        } else {
            return bad("unexpected text after the time");
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 60) return bad("a field is out of range");
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return bad("no such day in that month");
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    const std::time_t t = timegm(&tm);
    return TimePoint{std::chrono::seconds{t - offset_seconds}};
}

}  // namespace conformscan::core
