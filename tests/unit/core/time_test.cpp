#include "scanner/core/time.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace conformscan::core {
namespace {

using ::testing::HasSubstr;

std::string roundtrip(std::string_view text, bool require_offset = false) {
    auto t = parse_time(text, require_offset);
    return t.ok() ? format_time(*t) : "error: " + t.error().message;
}

TEST(ParseTime, UtcAndOffsets) {
    EXPECT_EQ(roundtrip("2026-11-27T23:14:00Z"), "2026-11-27T23:14:00Z");
    EXPECT_EQ(roundtrip("2026-11-27t23:14:00z"), "2026-11-27T23:14:00Z");
    EXPECT_EQ(roundtrip("2026-11-27 23:14:00Z"), "2026-11-27T23:14:00Z");
    EXPECT_EQ(roundtrip("2027-03-31T23:59:59+01:00"), "2027-03-31T22:59:59Z");
    EXPECT_EQ(roundtrip("2026-12-31T20:00:00-05:30"), "2027-01-01T01:30:00Z");
    EXPECT_EQ(roundtrip("2026-11-27T23:14:00.123456Z"), "2026-11-27T23:14:00Z");
    EXPECT_EQ(roundtrip("2024-02-29T00:00:00Z"), "2024-02-29T00:00:00Z");
    EXPECT_EQ(roundtrip("1970-01-01T00:00:00Z"), "1970-01-01T00:00:00Z");
}

TEST(ParseTime, DatesAndLocalTimesAreUtcUnlessAnOffsetIsRequired) {
    EXPECT_EQ(roundtrip("2026-11-27"), "2026-11-27T00:00:00Z");
    EXPECT_EQ(roundtrip("2026-11-27T08:00:00"), "2026-11-27T08:00:00Z");
    EXPECT_THAT(roundtrip("2026-11-27", true), HasSubstr("explicit offset"));
    EXPECT_THAT(roundtrip("2026-11-27T08:00:00", true), HasSubstr("explicit offset"));
    EXPECT_EQ(roundtrip("2026-11-27T08:00:00Z", true), "2026-11-27T08:00:00Z");
    EXPECT_EQ(roundtrip("2026-11-27T08:00:00+02:00", true), "2026-11-27T06:00:00Z");
}

TEST(ParseTime, RefusesMalformedText) {
    for (const char* bad : {"",
                            "2026",
                            "2026-11",
                            "2026/11/27",
                            "26-11-27",
                            "2026-1-27",
                            "2026-11-27X08:00:00Z",
                            "2026-11-27T08:00Z",
                            "2026-11-27T8:00:00Z",
                            "2026-11-27T08:00:00+1",
                            "2026-11-27T08:00:00+01",
                            "2026-11-27T08:00:00+0100",
                            "2026-11-27T08:00:00+24:00",
                            "2026-11-27T08:00:00+01:60",
                            "2026-11-27T08:00:00Zjunk",
                            "2026-11-27T08:00:00 UTC",
                            "2026-13-01",
                            "2026-00-10",
                            "2026-11-00",
                            "2026-11-32",
                            "2026-11-27T24:00:00Z",
                            "2026-11-27T23:60:00Z",
                            "2026-11-27T"}) {
        auto t = parse_time(bad);
        EXPECT_FALSE(t.ok()) << bad << " -> " << (t.ok() ? format_time(*t) : "");
        if (!t.ok()) {
            EXPECT_EQ(t.error().code, "bad_time");
            EXPECT_THAT(t.error().message, HasSubstr("is not an ISO 8601 time"));
        }
    }
}

// timegm() normalises out-of-range days (2026-02-30 would become 2026-03-02),
// so parse_time must check the day against the month itself.
TEST(ParseTime, RefusesDaysPastTheEndOfTheMonth) {
    EXPECT_FALSE(parse_time("2026-02-30").ok());
    EXPECT_FALSE(parse_time("2025-02-29").ok());
    EXPECT_FALSE(parse_time("2026-04-31T00:00:00Z").ok());
    EXPECT_TRUE(parse_time("2024-02-29").ok());
}

TEST(FormatTime, IsSecondsAndZ) {
    EXPECT_EQ(format_time(TimePoint{std::chrono::seconds{0}}), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_time(TimePoint{std::chrono::seconds{1795821240}}), "2026-11-27T23:14:00Z");
    const auto n = now();
    EXPECT_EQ(parse_time(format_time(n)).value(), n);
}

}  // namespace
}  // namespace conformscan::core
