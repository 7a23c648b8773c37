#include "scanner/core/byte_reader.hpp"

#include <array>
#include <vector>

#include <gtest/gtest.h>

namespace conformscan::core {
namespace {

std::vector<std::uint8_t> bytes(std::initializer_list<int> v) {
    std::vector<std::uint8_t> out;
    for (int b : v) out.push_back(static_cast<std::uint8_t>(b));
    return out;
}

TEST(ByteReader, ReadsBigEndianIntegers) {
    const auto data = bytes({0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A});
    ByteReader r(data, "test");
    EXPECT_EQ(r.u8().value(), 0x01);
    EXPECT_EQ(r.u16().value(), 0x0203);
    EXPECT_EQ(r.u24().value(), 0x040506u);
    EXPECT_EQ(r.u32().value(), 0x0708090Au);
    EXPECT_TRUE(r.done());
    EXPECT_EQ(r.position(), 10u);
    EXPECT_TRUE(r.expect_done().ok());
}

TEST(ByteReader, TruncationNamesContextAndOffset) {
    const auto data = bytes({0xAA, 0xBB, 0xCC});
    ByteReader r(data, "ServerHello", 100);
    ASSERT_TRUE(r.u8().ok());
    auto v = r.u32();
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().code, "truncated");
    EXPECT_EQ(v.error().where, "ServerHello");
    EXPECT_EQ(v.error().offset, 101u);
    EXPECT_EQ(v.error().message, "expected 4 bytes, 2 left");
    EXPECT_EQ(r.position(), 1u);  // a failed read consumes nothing
    EXPECT_EQ(r.u24().error().code, "truncated");
    EXPECT_EQ(r.u16().value(), 0xBBCC);
    EXPECT_EQ(r.u8().error().message, "expected 1 byte, 0 left");
    EXPECT_EQ(r.bytes(1).error().code, "truncated");
    EXPECT_EQ(r.skip(1).error().code, "truncated");
}

TEST(ByteReader, VectorChecksPrefixAndBounds) {
    const auto data = bytes({0x02, 0xAA, 0xBB, 0x00, 0x01, 0xCC, 0x00, 0x00, 0x01, 0xDD});
    ByteReader r(data, "v");
    auto one = r.vector(1);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(one->size(), 2u);
    EXPECT_EQ((*one)[1], 0xBB);
    auto two = r.vector(2, 1, 1);
    ASSERT_TRUE(two.ok());
    EXPECT_EQ((*two)[0], 0xCC);
    auto three = r.vector(3);
    ASSERT_TRUE(three.ok());
    EXPECT_EQ((*three)[0], 0xDD);
    EXPECT_TRUE(r.done());

    ByteReader small(data, "v");
    auto too_short = small.vector(1, 3);
    ASSERT_FALSE(too_short.ok());
    EXPECT_EQ(too_short.error().code, "bad_length");
    EXPECT_EQ(too_short.error().message, "length 2 outside [3, 18446744073709551615]");
    ByteReader big(data, "v");
    EXPECT_EQ(big.vector(1, 0, 1).error().code, "bad_length");
    ByteReader bad_prefix(data, "v");
    EXPECT_EQ(bad_prefix.vector(4).error().code, "internal");

    // A length that claims more than is left.
    const auto lying = bytes({0x00, 0x05, 0x01});
    ByteReader l(lying, "v");
    auto v = l.vector(2);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().code, "truncated");
    EXPECT_EQ(v.error().offset, 2u);
}

TEST(ByteReader, SubConfinesReadsAndKeepsAbsoluteOffsets) {
    const auto data = bytes({0x01, 0x02, 0x03, 0x04, 0x05});
    ByteReader r(data, "outer", 10);
    ASSERT_TRUE(r.u8().ok());
    auto inner = r.sub(2, "inner");
    ASSERT_TRUE(inner.ok());
    EXPECT_EQ(r.position(), 3u);  // the parent moved past the sub-range
    EXPECT_EQ(inner->remaining(), 2u);
    EXPECT_EQ(inner->absolute_offset(), 11u);
    EXPECT_EQ(inner->context(), "inner");
    EXPECT_EQ(inner->u8().value(), 0x02);
    EXPECT_FALSE(inner->expect_done().ok());
    EXPECT_EQ(inner->u8().value(), 0x03);
    auto past = inner->u8();  // 0x04 is outside the sub-range
    ASSERT_FALSE(past.ok());
    EXPECT_EQ(past.error().where, "inner");
    EXPECT_EQ(past.error().offset, 13u);
    EXPECT_TRUE(inner->expect_done().ok());
    EXPECT_EQ(r.u8().value(), 0x04);

    auto too_long = r.sub(2, "x");
    ASSERT_FALSE(too_long.ok());
    EXPECT_EQ(too_long.error().code, "truncated");
    EXPECT_EQ(r.position(), 4u);
}

TEST(ByteReader, ExpectDoneReportsTrailingBytes) {
    const auto data = bytes({0x01, 0x02, 0x03});
    ByteReader r(data, "msg");
    ASSERT_TRUE(r.skip(1).ok());
    auto done = r.expect_done();
    ASSERT_FALSE(done.ok());
    EXPECT_EQ(done.error().code, "trailing_data");
    EXPECT_EQ(done.error().message, "2 unexpected trailing bytes");
    EXPECT_EQ(done.error().offset, 1u);
}

TEST(ByteReader, EmptyInput) {
    ByteReader r(std::span<const std::uint8_t>(), "empty");
    EXPECT_TRUE(r.done());
    EXPECT_TRUE(r.expect_done().ok());
    EXPECT_FALSE(r.u8().ok());
    EXPECT_TRUE(r.bytes(0).ok());
    EXPECT_TRUE(r.sub(0, "none").ok());
}

TEST(Hex, ToHexAndEscapeBytes) {
    EXPECT_EQ(to_hex(bytes({0x00, 0x0F, 0xA0, 0xFF})), "000fa0ff");
    EXPECT_EQ(to_hex({}), "");
    EXPECT_EQ(escape_bytes(bytes({'S', 'S', 'H', '\r', '\n', 0x00, '\\', '\t', 0x7F, 0xC3})),
              "SSH\\r\\n\\x00\\\\\\t\\x7f\\xc3");
}

}  // namespace
}  // namespace conformscan::core
