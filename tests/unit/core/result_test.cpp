#include "scanner/core/result.hpp"

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace conformscan::core {
namespace {

Result<int> half(int v) {
    if (v % 2 != 0) return make_error("odd", "not even", "half", 3);
    return v / 2;
}

TEST(Result, CarriesAValueOrAnError) {
    auto ok = half(8);
    ASSERT_TRUE(ok.ok());
    EXPECT_TRUE(static_cast<bool>(ok));
    EXPECT_EQ(*ok, 4);
    EXPECT_EQ(ok.value(), 4);
    EXPECT_EQ(ok.value_or(-1), 4);

    auto bad = half(3);
    ASSERT_FALSE(bad.ok());
    EXPECT_FALSE(static_cast<bool>(bad));
    EXPECT_EQ(bad.error().code, "odd");
    EXPECT_EQ(bad.error().message, "not even");
    EXPECT_EQ(bad.error().where, "half");
    EXPECT_EQ(bad.error().offset, 3u);
    EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(Result, MovesItsValueOut) {
    Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
    ASSERT_TRUE(r.ok());
    auto p = std::move(r).value();
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(*p, 7);

    Result<std::string> s(std::string("text"));
    EXPECT_EQ(s->size(), 4u);
}

TEST(Result, VoidResult) {
    Result<void> ok;
    EXPECT_TRUE(ok.ok());
    Result<void> bad = make_error("x", "failed");
    EXPECT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, "x");
    EXPECT_EQ(bad.error().offset, Error::kNoOffset);
}

TEST(Error, DescribeIncludesWhereAndOffset) {
    EXPECT_EQ(make_error("c", "bad thing").describe(), "bad thing");
    EXPECT_EQ(make_error("c", "bad thing", "file.yaml:3:5").describe(), "file.yaml:3:5: bad thing");
    EXPECT_EQ(make_error("c", "truncated", "ServerHello", 42).describe(),
              "ServerHello: truncated (at byte 42)");
    EXPECT_EQ(make_error("c", "m", "", 0).describe(), "m (at byte 0)");
}

}  // namespace
}  // namespace conformscan::core
