// The wire pieces of the active vulnerability tests: heartbeat messages
// (RFC 6520), ChangeCipherSpec / ClientKeyExchange / Finished records, the
// ROBOT plaintexts, and appending an extension to an encoded ClientHello.
#include <gtest/gtest.h>

#include <vector>

#include "checks/tls/wire/client_flight.hpp"
#include "checks/tls/wire/heartbeat.hpp"
#include "checks/tls/wire/hello.hpp"

namespace conformscan::wire::tls {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(HeartbeatWire, OversizedRequestDeclaresMoreThanItCarries) {
    const Bytes payload{'a', 'b', 'c'};
    auto record = encode_heartbeat_request(kTls12, payload, 0x4000);
    // RFC 6520 §3: content type 24; type 1, payload_length 0x4000, 3 bytes, no padding.
    EXPECT_EQ(record, (Bytes{24, 3, 3, 0, 6, 1, 0x40, 0x00, 'a', 'b', 'c'}));
}

TEST(HeartbeatWire, WellFormedRequestHasMinimumPadding) {
    const Bytes payload{1, 2};
    auto record = encode_heartbeat_request(kTls10, payload, 2);
    ASSERT_EQ(record.size(), 5u + 3 + 2 + kHeartbeatMinPadding);
    EXPECT_EQ(record[4], 3 + 2 + 16);
    auto msg = parse_heartbeat_message(std::span(record).subspan(5));
    ASSERT_TRUE(msg.ok()) << msg.error().describe();
    EXPECT_EQ(msg->type, heartbeat_type::kRequest);
    EXPECT_EQ(msg->payload, payload);
    EXPECT_EQ(msg->padding, 16u);
}

TEST(HeartbeatWire, RequestTooLargeForARecordIsRefused) {
    const Bytes payload(1u << 14, 0x41);
    EXPECT_TRUE(encode_heartbeat_request(kTls12, payload, 5).empty());
}

TEST(HeartbeatWire, ParsesAResponseWithLeakedBytes) {
    // What a vulnerable server sends for payload_length 40 after 3 bytes: 40 bytes back.
    Bytes fragment{2, 0, 40};
    for (int i = 0; i < 40; ++i) fragment.push_back(static_cast<std::uint8_t>(i));
    fragment.insert(fragment.end(), 16, 0xEE);
    auto msg = parse_heartbeat_message(fragment);
    ASSERT_TRUE(msg.ok());
    EXPECT_EQ(msg->type, heartbeat_type::kResponse);
    EXPECT_EQ(msg->payload.size(), 40u);
    EXPECT_EQ(msg->padding, 16u);
}

TEST(HeartbeatWire, MalformedMessages) {
    auto empty = parse_heartbeat_message(Bytes{});
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().code, "truncated");
    EXPECT_EQ(empty.error().where, "HeartbeatMessage.type");

    auto bad_type = parse_heartbeat_message(Bytes{7, 0, 0});
    ASSERT_FALSE(bad_type.ok());
    EXPECT_EQ(bad_type.error().code, "bad_heartbeat_type");

    auto short_length = parse_heartbeat_message(Bytes{2, 0});
    ASSERT_FALSE(short_length.ok());
    EXPECT_EQ(short_length.error().where, "HeartbeatMessage.payload_length");

    // Declares 100 payload bytes, carries 4: a response must not be read past its end.
    auto short_payload = parse_heartbeat_message(Bytes{2, 0, 100, 1, 2, 3, 4});
    ASSERT_FALSE(short_payload.ok());
    EXPECT_EQ(short_payload.error().code, "truncated");
    EXPECT_EQ(short_payload.error().where, "HeartbeatMessage.payload");
}

TEST(ClientFlightWire, ChangeCipherSpecAndRecords) {
    EXPECT_EQ(encode_change_cipher_spec(kTls12), (Bytes{20, 3, 3, 0, 1, 1}));
    EXPECT_EQ(encode_record(23, kTls11, Bytes{9}), (Bytes{23, 3, 2, 0, 1, 9}));
    EXPECT_TRUE(encode_record(22, kTls12, Bytes((1u << 14) + 1, 0)).empty());
    auto finished = encode_opaque_finished(kTls12, 40);
    ASSERT_EQ(finished.size(), 45u);
    EXPECT_EQ(finished[0], 22);
    EXPECT_EQ(finished[4], 40);
}

TEST(ClientFlightWire, RsaClientKeyExchangeLengthPrefixByVersion) {
    const Bytes encrypted{0xAA, 0xBB, 0xCC};
    // RFC 5246 §7.4.7.1: EncryptedPreMasterSecret is opaque <0..2^16-1> from TLS 1.0 on.
    EXPECT_EQ(encode_rsa_client_key_exchange(encrypted, kTls12),
              (Bytes{16, 0, 0, 5, 0, 3, 0xAA, 0xBB, 0xCC}));
    // RFC 6101 §5.6.7.1: SSL 3.0 sends it bare.
    EXPECT_EQ(encode_rsa_client_key_exchange(encrypted, kSsl3), (Bytes{16, 0, 0, 3, 0xAA, 0xBB, 0xCC}));
}

// RFC 8017 §7.2.2 decoding, as a server does it: the index of the message or -1.
long pkcs1_message_start(const Bytes& block) {
    if (block.size() < 11 || block[0] != 0 || block[1] != 2) return -1;
    for (std::size_t i = 2; i < block.size(); ++i)
        if (block[i] == 0) return i < 10 ? -1 : static_cast<long>(i + 1);
    return -1;
}

TEST(ClientFlightWire, RobotPlaintextsDifferOnlyInTheirDefect) {
    constexpr std::size_t k = 256;  // RSA-2048
    auto correct = robot_plaintext(RobotVariant::correct, k, kTls12);
    ASSERT_EQ(correct.size(), k);
    ASSERT_EQ(pkcs1_message_start(correct), static_cast<long>(k - 48));
    EXPECT_EQ(correct[k - 48], 3);
    EXPECT_EQ(correct[k - 47], 3);

    auto prefix = robot_plaintext(RobotVariant::wrong_prefix, k, kTls12);
    EXPECT_EQ(prefix[0], 0x41);
    EXPECT_EQ(prefix[1], 0x17);
    EXPECT_EQ(pkcs1_message_start(prefix), -1);

    auto early_zero = robot_plaintext(RobotVariant::zero_in_padding, k, kTls12);
    const auto start = pkcs1_message_start(early_zero);
    ASSERT_GT(start, 0);
    EXPECT_NE(k - static_cast<std::size_t>(start), 48u);  // conformant padding, wrong premaster length

    auto no_sep = robot_plaintext(RobotVariant::no_separator, k, kTls12);
    EXPECT_EQ(pkcs1_message_start(no_sep), -1);
    EXPECT_EQ(std::count(no_sep.begin() + 1, no_sep.end(), 0), 0);

    auto version = robot_plaintext(RobotVariant::wrong_version, k, kTls12);
    EXPECT_EQ(pkcs1_message_start(version), static_cast<long>(k - 48));
    EXPECT_EQ(version[k - 48], 2);
    EXPECT_EQ(version[k - 47], 2);

    EXPECT_TRUE(robot_plaintext(RobotVariant::correct, 63, kTls12).empty());
    EXPECT_EQ(robot_variant_name(RobotVariant::no_separator), "no 0x00 separator");
}

TEST(ClientFlightWire, AppendsAnExtensionAndFixesLengths) {
    ClientHelloSpec spec;
    spec.cipher_suites = {0x002f};
    spec.session_id.assign(16, 0xA0);
    spec.renegotiation_info = true;
    const auto hello = encode_client_hello(spec);
    ASSERT_FALSE(hello.empty());
    const Bytes ticket{1, 2, 3, 4, 5};
    auto out = append_client_hello_extension(hello, ext::kSessionTicket, ticket);
    ASSERT_TRUE(out.ok()) << out.error().describe();
    EXPECT_EQ(out->size(), hello.size() + 4 + ticket.size());
    const std::size_t body = (std::size_t{(*out)[1]} << 16) | (std::size_t{(*out)[2]} << 8) | (*out)[3];
    EXPECT_EQ(body, out->size() - 4);
    // The new extension is last: type 35, length 5, the ticket.
    EXPECT_EQ(Bytes(out->end() - 9, out->end()), (Bytes{0, 35, 0, 5, 1, 2, 3, 4, 5}));

    // A hello without an extensions block gets one.
    ClientHelloSpec bare;
    bare.version = kSsl3;
    bare.cipher_suites = {0x000a};
    bare.ec_point_formats = false;
    const auto plain = encode_client_hello(bare);
    auto grown = append_client_hello_extension(plain, ext::kSessionTicket, ticket);
    ASSERT_TRUE(grown.ok());
    EXPECT_EQ(grown->size(), plain.size() + 2 + 4 + ticket.size());
}

TEST(ClientFlightWire, AppendRefusesWhatIsNotAClientHello) {
    auto not_hello = append_client_hello_extension(Bytes{2, 0, 0, 0}, 35, Bytes{});
    ASSERT_FALSE(not_hello.ok());
    EXPECT_EQ(not_hello.error().code, "not_client_hello");
    auto truncated = append_client_hello_extension(Bytes{1, 0, 0, 40, 3, 3}, 35, Bytes{});
    ASSERT_FALSE(truncated.ok());
    auto trailing = append_client_hello_extension(Bytes{1, 0, 0, 0, 9}, 35, Bytes{});
    ASSERT_FALSE(trailing.ok());
    ClientHelloSpec spec;
    spec.cipher_suites = {0x002f};
    const auto hello = encode_client_hello(spec);
    auto huge = append_client_hello_extension(hello, 35, Bytes(70000, 0));
    ASSERT_FALSE(huge.ok());
    EXPECT_EQ(huge.error().code, "too_large");
}

}  // namespace
}  // namespace conformscan::wire::tls
