// Timestamps in reports and facts are RFC 3339 / ISO 8601 strings.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "scanner/core/result.hpp"

namespace conformscan::core {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::seconds>;

// "2026-11-27T23:14:00Z"
std::string format_time(TimePoint t);
// Accepts "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM"/"-HH:MM"
// (fractional seconds are ignored). With `require_offset`, a bare local time is
// refused; otherwise it is read as UTC. A plain date "YYYY-MM-DD" is midnight UTC.
Result<TimePoint> parse_time(std::string_view text, bool require_offset = false);
TimePoint now();

}  // namespace conformscan::core
