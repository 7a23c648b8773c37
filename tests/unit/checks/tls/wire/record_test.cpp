#include "checks/tls/wire/record.hpp"

#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace conformscan::wire::tls {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes text_bytes(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

TEST(RecordHeader, ParsesAHandshakeHeader) {
    const Bytes data{0x16, 0x03, 0x03, 0x00, 0x7a, 0x02};
    auto h = parse_record_header(data);
    ASSERT_TRUE(h.ok()) << h.error().describe();
    EXPECT_EQ(h->content_type, 22);
    EXPECT_EQ(h->version, 0x0303);
    EXPECT_EQ(h->length, 0x7a);
    EXPECT_EQ(content_type_name(h->content_type), "handshake");
}

TEST(RecordHeader, AcceptsTheLargestCiphertextLength) {
    // RFC 5246 §6.2.3: 2^14 + 2048 = 0x4800.
    const Bytes data{0x17, 0x03, 0x03, 0x48, 0x00};
    auto h = parse_record_header(data);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->length, kMaxRecordLength);
}

TEST(RecordHeader, RefusesAnOversizedRecordAtTheLengthField) {
    const Bytes data{0x16, 0x03, 0x03, 0x48, 0x01};
    auto h = parse_record_header(data);
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.error().code, "record_overflow");
    EXPECT_EQ(h.error().offset, 3u);
    EXPECT_EQ(h.error().where, "TLSPlaintext");
}

TEST(RecordHeader, RefusesATruncatedHeaderWithItsOffset) {
    const Bytes data{0x16, 0x03, 0x03, 0x00};
    auto h = parse_record_header(data);
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.error().code, "truncated");
    EXPECT_EQ(h.error().offset, 3u);
}

TEST(RecordHeader, RefusesUnknownContentTypeAndVersion) {
    auto type = parse_record_header(text_bytes("HTTP/1.1 400"));
    ASSERT_FALSE(type.ok());
    EXPECT_EQ(type.error().code, "bad_content_type");
    EXPECT_EQ(type.error().offset, 0u);

    const Bytes v2{0x16, 0x02, 0x00, 0x00, 0x01};
    auto version = parse_record_header(v2);
    ASSERT_FALSE(version.ok());
    EXPECT_EQ(version.error().code, "bad_version");
    EXPECT_EQ(version.error().offset, 1u);
}

TEST(RecordHeader, ReportsOffsetsWithinALargerBuffer) {
    const Bytes data{0xff, 0xff, 0x15, 0x03, 0x01, 0xff, 0xff};
    core::ByteReader outer(data, "stream");
    ASSERT_TRUE(outer.skip(2).ok());
    auto inner = outer.sub(5, "TLSPlaintext");
    ASSERT_TRUE(inner.ok());
    auto h = parse_record_header(*inner);
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.error().code, "record_overflow");
    EXPECT_EQ(h.error().offset, 5u);
}

TEST(Alert, ParsesAFatalHandshakeFailure) {
    const Bytes body{0x02, 0x28};
    core::ByteReader reader(body, "Alert");
    auto a = parse_alert(reader);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->level, 2);
    EXPECT_EQ(a->description, 40);
    EXPECT_EQ(alert_level_name(a->level), "fatal");
    EXPECT_EQ(alert_description_name(a->description), "handshake_failure");
    EXPECT_EQ(describe_alert(*a), "TLS alert: fatal handshake_failure (40)");
}

TEST(Alert, RefusesBadLevelTruncationAndTrailingBytes) {
    const Bytes bad_level{0x03, 0x28};
    core::ByteReader r1(bad_level, "Alert");
    auto a1 = parse_alert(r1);
    ASSERT_FALSE(a1.ok());
    EXPECT_EQ(a1.error().code, "bad_alert_level");
    EXPECT_EQ(a1.error().offset, 0u);

    const Bytes short_body{0x02};
    core::ByteReader r2(short_body, "Alert");
    auto a2 = parse_alert(r2);
    ASSERT_FALSE(a2.ok());
    EXPECT_EQ(a2.error().code, "truncated");
    EXPECT_EQ(a2.error().offset, 1u);

    const Bytes long_body{0x01, 0x00, 0x00};
    core::ByteReader r3(long_body, "Alert");
    auto a3 = parse_alert(r3);
    ASSERT_FALSE(a3.ok());
    EXPECT_EQ(a3.error().code, "trailing_data");
    EXPECT_EQ(a3.error().offset, 2u);
}

TEST(Alert, NamesCurrentAndWithdrawnDescriptions) {
    EXPECT_EQ(alert_description_name(0), "close_notify");
    EXPECT_EQ(alert_description_name(21), "decryption_failed");
    EXPECT_EQ(alert_description_name(41), "no_certificate");
    EXPECT_EQ(alert_description_name(70), "protocol_version");
    EXPECT_EQ(alert_description_name(86), "inappropriate_fallback");
    EXPECT_EQ(alert_description_name(112), "unrecognized_name");
    EXPECT_EQ(alert_description_name(116), "certificate_required");
    EXPECT_EQ(alert_description_name(120), "no_application_protocol");
    EXPECT_EQ(alert_description_name(200), "");
}

TEST(Sslv2, ParsesATwoByteHeader) {
    // An SSLv2 SERVER-HELLO header: length 0x0123, message type 4.
    const Bytes data{0x81, 0x23, 0x04, 0x00};
    auto h = parse_sslv2_header(data);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->length, 0x0123);
    EXPECT_EQ(h->message_type, 4);
}

TEST(Sslv2, RefusesWhatIsNotSslv2) {
    const Bytes clear_bit{0x16, 0x03, 0x01};
    EXPECT_EQ(parse_sslv2_header(clear_bit).error().code, "not_sslv2");
    const Bytes bad_type{0x80, 0x10, 0x09};
    auto h = parse_sslv2_header(bad_type);
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(h.error().code, "not_sslv2");
    EXPECT_EQ(h.error().offset, 2u);
    const Bytes truncated{0x80};
    EXPECT_EQ(parse_sslv2_header(truncated).error().code, "truncated");
}

TEST(DescribeServerBytes, DescribesAnAlertRecord) {
    const Bytes alert{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
    EXPECT_EQ(describe_server_bytes(alert), "TLS alert: fatal handshake_failure (40)");
    EXPECT_EQ(classify_server_bytes(alert).kind, ServerBytesKind::tls_alert);
    const Bytes warning{0x15, 0x03, 0x01, 0x00, 0x02, 0x01, 0x70};
    EXPECT_EQ(describe_server_bytes(warning), "TLS alert: warning unrecognized_name (112)");
    const Bytes truncated{0x15, 0x03, 0x03, 0x00, 0x02, 0x02};
    EXPECT_EQ(describe_server_bytes(truncated), "TLS alert record, truncated");
}

TEST(DescribeServerBytes, DescribesAHandshakeRecord) {
    const Bytes hello{0x16, 0x03, 0x03, 0x00, 0x5a, 0x02, 0x00, 0x00, 0x56, 0x03, 0x03};
    EXPECT_EQ(describe_server_bytes(hello), "TLS handshake record (22), version 0x0303");
    EXPECT_EQ(classify_server_bytes(hello).kind, ServerBytesKind::tls_record);
}

TEST(DescribeServerBytes, QuotesTheFirstLineOfPlaintext) {
    const auto http = text_bytes("HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n");
    EXPECT_EQ(describe_server_bytes(http), "non-TLS data: 'HTTP/1.1 400 Bad Request'");
    EXPECT_EQ(classify_server_bytes(http).kind, ServerBytesKind::non_tls);
    const auto ssh = text_bytes("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    EXPECT_EQ(describe_server_bytes(ssh), "non-TLS data: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3'");
}

TEST(DescribeServerBytes, BoundsAndEscapesTheQuote) {
    const auto long_line = text_bytes(std::string(100, 'A'));
    EXPECT_EQ(describe_server_bytes(long_line), "non-TLS data: '" + std::string(48, 'A') + "...'");
    const Bytes binary{0x00, 0x01, 'o', 'k'};
    EXPECT_EQ(describe_server_bytes(binary), "non-TLS data: '\\x00\\x01ok'");
}

TEST(DescribeServerBytes, DescribesSslv2EmptyAndMalformed) {
    const Bytes v2{0x80, 0x03, 0x00, 0x00, 0x01};  // SSLv2 ERROR: no cipher
    EXPECT_EQ(describe_server_bytes(v2), "SSLv2 record: ERROR (0), length 3");
    EXPECT_EQ(classify_server_bytes(v2).kind, ServerBytesKind::sslv2);
    EXPECT_EQ(describe_server_bytes({}), "no data");
    const Bytes oversized{0x16, 0x03, 0x03, 0xff, 0xff};
    EXPECT_EQ(describe_server_bytes(oversized), "malformed TLS record: length 65535 exceeds 18432");
    const Bytes short_header{0x16, 0x03};
    EXPECT_EQ(describe_server_bytes(short_header), "truncated TLS record header (2 of 5 bytes)");
}

}  // namespace
}  // namespace conformscan::wire::tls
