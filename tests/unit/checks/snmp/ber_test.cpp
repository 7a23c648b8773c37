// BER primitives: lengths (short, long, indefinite refused, beyond the
// bytes left), nesting depth, INTEGER, OCTET STRING, NULL, OID, and the
// encoder's round trip.
#include "checks/snmp/wire/ber.hpp"

#include <gtest/gtest.h>

namespace conformscan::wire::snmp {
namespace {

using B = std::vector<std::uint8_t>;

TEST(Ber, ShortAndLongLengthForms) {
    B shortform = {0x04, 0x03, 'a', 'b', 'c'};
    BerReader r1(shortform, "t");
    auto s = r1.octet_string("s");
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_EQ(*s, (B{'a', 'b', 'c'}));

    B longform = {0x04, 0x82, 0x00, 0x03, 'a', 'b', 'c'};  // non-minimal but definite: BER allows it
    BerReader r2(longform, "t");
    auto l = r2.octet_string("s");
    ASSERT_TRUE(l.ok()) << l.error().describe();
    EXPECT_EQ(l->size(), 3u);
    EXPECT_TRUE(r2.done());
}

TEST(Ber, IndefiniteLengthIsRefused) {
    B data = {0x30, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00};
    BerReader r(data, "t");
    auto t = r.next();
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code, "indefinite_length");
    EXPECT_EQ(t.error().offset, 0u);  // the TLV's first byte
}

TEST(Ber, LengthBeyondTheBytesLeftIsRefused) {
    B data = {0x04, 0x05, 'a', 'b'};
    BerReader r(data, "t");
    auto t = r.next();
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().code, "bad_length");

    B huge = {0x04, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00};
    BerReader r2(huge, "t");
    EXPECT_EQ(r2.next().error().code, "bad_length");

    B five = {0x04, 0x85, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00};
    BerReader r3(five, "t");
    EXPECT_EQ(r3.next().error().code, "bad_length");
}

TEST(Ber, NestedLengthMayNotExceedItsParent) {
    // The SEQUENCE declares 3 bytes; the OCTET STRING inside claims 4.
    B data = {0x30, 0x03, 0x04, 0x04, 'a', 'b', 'c', 'd'};
    BerReader r(data, "t");
    auto seq = r.enter(tag::kSequence, "seq");
    ASSERT_TRUE(seq.ok());
    auto s = seq->octet_string("s");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, "bad_length");
}

TEST(Ber, NestingDepthIsBounded) {
    B data;
    for (int i = 0; i < kMaxBerDepth + 2; ++i) {
        data = encode_constructed(tag::kSequence, {data});
    }
    BerReader r(data, "t");
    core::Result<BerReader> cur = r;
    int levels = 0;
    for (;;) {
        auto next = cur->enter(tag::kSequence, "s");
        if (!next) {
            EXPECT_EQ(next.error().code, "too_deep");
            break;
        }
        cur = std::move(next);
        ++levels;
    }
    EXPECT_EQ(levels, kMaxBerDepth);
}

TEST(Ber, HighTagNumberIsRefused) {
    B data = {0x1F, 0x81, 0x00, 0x00};
    BerReader r(data, "t");
    EXPECT_EQ(r.next().error().code, "bad_tag");
}

TEST(Ber, IntegersRoundTrip) {
    for (std::int64_t v : {0LL, 1LL, 127LL, 128LL, 255LL, 256LL, -1LL, -128LL, -129LL, 2147483647LL,
                           -2147483648LL, 0x64ED683FLL}) {
        auto bytes = encode_integer(v);
        BerReader r(bytes, "t");
        auto got = r.integer("i");
        ASSERT_TRUE(got.ok()) << v;
        EXPECT_EQ(*got, v);
        EXPECT_TRUE(r.done());
    }
    EXPECT_EQ(encode_integer(128), (B{0x02, 0x02, 0x00, 0x80}));
    EXPECT_EQ(encode_integer(-1), (B{0x02, 0x01, 0xFF}));
}

TEST(Ber, MalformedIntegers) {
    B empty = {0x02, 0x00};
    BerReader r(empty, "t");
    EXPECT_EQ(r.integer("i").error().code, "bad_integer");
    B nine = {0x02, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    BerReader r2(nine, "t");
    EXPECT_EQ(r2.integer("i").error().code, "bad_integer");
    B wrong_tag = {0x04, 0x01, 0x00};
    BerReader r3(wrong_tag, "t");
    EXPECT_EQ(r3.integer("i").error().code, "unexpected_tag");
}

TEST(Ber, UnsignedTypes) {
    Tlv t;
    t.tag = tag::kCounter32;
    B max32 = {0x00, 0xFF, 0xFF, 0xFF, 0xFF};
    t.content = max32;
    auto v = decode_unsigned(t, 32, "t");
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, 0xFFFFFFFFu);
    B too_big = {0x01, 0x00, 0x00, 0x00, 0x00};
    t.content = too_big;
    EXPECT_FALSE(decode_unsigned(t, 32, "t").ok());
    B negative = {0x80};
    t.content = negative;
    EXPECT_FALSE(decode_unsigned(t, 32, "t").ok());
}

TEST(Ber, NullMustBeEmpty) {
    B ok = {0x05, 0x00};
    BerReader r(ok, "t");
    EXPECT_TRUE(r.null("n").ok());
    B bad = {0x05, 0x01, 0x00};
    BerReader r2(bad, "t");
    EXPECT_EQ(r2.null("n").error().code, "bad_null");
}

TEST(Ber, OidsRoundTripAndMalformedOnesAreRefused) {
    const Oid sys_descr = {1, 3, 6, 1, 2, 1, 1, 1, 0};
    auto bytes = encode_oid(sys_descr);
    EXPECT_EQ(bytes, (B{0x06, 0x08, 0x2B, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00}));
    BerReader r(bytes, "t");
    auto got = r.oid("o");
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, sys_descr);
    EXPECT_EQ(oid_to_string(*got), "1.3.6.1.2.1.1.1.0");

    const Oid big = {1, 3, 6, 1, 4, 1, 4294967295u, 0};
    auto big_bytes = encode_oid(big);
    BerReader r2(big_bytes, "t");
    EXPECT_EQ(*r2.oid("o"), big);

    B padded = {0x06, 0x03, 0x2B, 0x80, 0x01};
    BerReader r3(padded, "t");
    EXPECT_EQ(r3.oid("o").error().code, "bad_oid");
    B cut = {0x06, 0x02, 0x2B, 0x86};
    BerReader r4(cut, "t");
    EXPECT_EQ(r4.oid("o").error().code, "bad_oid");
    B over = {0x06, 0x07, 0x2B, 0x90, 0x80, 0x80, 0x80, 0x80, 0x00};  // 2^32 * 16
    BerReader r5(over, "t");
    EXPECT_EQ(r5.oid("o").error().code, "bad_oid");
    B empty = {0x06, 0x00};
    BerReader r6(empty, "t");
    EXPECT_EQ(r6.oid("o").error().code, "bad_oid");
}

TEST(Ber, OidFromString) {
    EXPECT_EQ(*oid_from_string("1.3.6.1.2.1.1.1.0"), (Oid{1, 3, 6, 1, 2, 1, 1, 1, 0}));
    EXPECT_FALSE(oid_from_string("").ok());
    EXPECT_FALSE(oid_from_string("1").ok());
    EXPECT_FALSE(oid_from_string("1..3").ok());
    EXPECT_FALSE(oid_from_string("3.1").ok());
    EXPECT_FALSE(oid_from_string("1.40").ok());
    EXPECT_FALSE(oid_from_string("1.3.x").ok());
}

TEST(Ber, LongContentsUseTheLongLengthForm) {
    B content(300, 'x');
    auto bytes = encode_octet_string(content);
    EXPECT_EQ(bytes[1], 0x82);
    EXPECT_EQ(bytes[2], 0x01);
    EXPECT_EQ(bytes[3], 0x2C);
    BerReader r(bytes, "t");
    EXPECT_EQ(r.octet_string("s")->size(), 300u);
}

}  // namespace
}  // namespace conformscan::wire::snmp
