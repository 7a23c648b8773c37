#include "checks/tls/wire/handshake.hpp"

#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "checks/tls/wire/hello.hpp"
#include "tests/unit/checks/tls/wire/wire_test_util.hpp"

namespace conformscan::wire::tls {
namespace {

using testing::Bytes;
using testing::load_tls_fixture;

Bytes record(std::uint8_t type, const Bytes& fragment, std::uint16_t version = kTls12) {
    Bytes r{type, static_cast<std::uint8_t>(version >> 8), static_cast<std::uint8_t>(version),
            static_cast<std::uint8_t>(fragment.size() >> 8), static_cast<std::uint8_t>(fragment.size())};
    r.insert(r.end(), fragment.begin(), fragment.end());
    return r;
}

Bytes message(std::uint8_t type, const Bytes& body) {
    Bytes m{type, static_cast<std::uint8_t>(body.size() >> 16), static_cast<std::uint8_t>(body.size() >> 8),
            static_cast<std::uint8_t>(body.size())};
    m.insert(m.end(), body.begin(), body.end());
    return m;
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

std::vector<std::uint8_t> types_of(const ServerFlight& flight) {
    std::vector<std::uint8_t> out;
    for (const auto& m : flight.messages) out.push_back(m.type);
    return out;
}

const HandshakeMessage* find_message(const ServerFlight& flight, std::uint8_t type) {
    for (const auto& m : flight.messages)
        if (m.type == type) return &m;
    return nullptr;
}

// ---- FlightReader over captured flights -------------------------------------

TEST(FlightReaderCaptured, SplitsATls12DheFlight) {
    const auto data = load_tls_fixture("s_server_tls12_dhe_flight.bin");
    ASSERT_FALSE(data.empty());
    FlightReader reader;
    ASSERT_TRUE(reader.feed(data).ok());
    EXPECT_EQ(
        types_of(reader.flight()),
        (std::vector<std::uint8_t>{handshake_type::kServerHello, handshake_type::kCertificate,
                                   handshake_type::kServerKeyExchange, handshake_type::kServerHelloDone}));
    EXPECT_TRUE(reader.has(handshake_type::kServerHelloDone));
    EXPECT_FALSE(reader.has(handshake_type::kCertificateRequest));
    EXPECT_FALSE(reader.has_alert());
    EXPECT_FALSE(reader.flight().change_cipher_spec);
    EXPECT_EQ(reader.bytes_seen(), data.size());
}

TEST(FlightReaderCaptured, ByteByByteEqualsAllAtOnce) {
    const auto data = load_tls_fixture("s_server_tls12_dhe_flight.bin");
    FlightReader whole;
    ASSERT_TRUE(whole.feed(data).ok());
    FlightReader bytewise;
    for (auto b : data) ASSERT_TRUE(bytewise.feed(Bytes{b}).ok());
    ASSERT_EQ(bytewise.flight().messages.size(), whole.flight().messages.size());
    for (std::size_t i = 0; i < whole.flight().messages.size(); ++i)
        EXPECT_EQ(bytewise.flight().messages[i].body, whole.flight().messages[i].body);
}

TEST(FlightReaderCaptured, Tls12DheCertificateAndKeyExchange) {
    FlightReader reader;
    ASSERT_TRUE(reader.feed(load_tls_fixture("s_server_tls12_dhe_flight.bin")).ok());
    const auto* cert = find_message(reader.flight(), handshake_type::kCertificate);
    ASSERT_NE(cert, nullptr);
    auto chain = parse_certificate_list(cert->body);
    ASSERT_TRUE(chain.ok()) << chain.error().describe();
    ASSERT_EQ(chain->size(), 1u);     // the self-signed throwaway certificate
    EXPECT_EQ((*chain)[0][0], 0x30);  // DER SEQUENCE

    const auto* ske = find_message(reader.flight(), handshake_type::kServerKeyExchange);
    ASSERT_NE(ske, nullptr);
    auto kx = parse_server_key_exchange(ske->body, KeyExchangeKind::dhe, kTls12);
    ASSERT_TRUE(kx.ok()) << kx.error().describe();
    EXPECT_EQ(kx->kind, KeyExchangeKind::dhe);
    EXPECT_EQ(kx->dh_bits, 2048);
    EXPECT_EQ(kx->dh_p.size(), 256u);
    EXPECT_EQ(kx->dh_g, Bytes{2});
    EXPECT_EQ(kx->signature_scheme,
              std::optional<std::uint16_t>(0x0804));  // rsa_pss_rsae_sha256, first offered
    EXPECT_FALSE(kx->named_group.has_value());

    const auto* done = find_message(reader.flight(), handshake_type::kServerHelloDone);
    ASSERT_NE(done, nullptr);
    EXPECT_TRUE(done->body.empty());
}

TEST(FlightReaderCaptured, Tls12EcdheKeyExchange) {
    FlightReader reader;
    ASSERT_TRUE(reader.feed(load_tls_fixture("s_server_tls12_ecdhe_flight.bin")).ok());
    const auto* sh = find_message(reader.flight(), handshake_type::kServerHello);
    ASSERT_NE(sh, nullptr);
    auto hello = parse_server_hello(sh->body);
    ASSERT_TRUE(hello.ok()) << hello.error().describe();
    EXPECT_EQ(hello->cipher_suite, 0xc02f);  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256

    const auto* ske = find_message(reader.flight(), handshake_type::kServerKeyExchange);
    ASSERT_NE(ske, nullptr);
    auto kx = parse_server_key_exchange(ske->body, KeyExchangeKind::ecdhe, kTls12);
    ASSERT_TRUE(kx.ok()) << kx.error().describe();
    EXPECT_EQ(kx->named_group, std::optional<std::uint16_t>(24));  // s_server -named_curve secp384r1
    ASSERT_EQ(kx->ec_point.size(), 97u);
    EXPECT_EQ(kx->ec_point[0], 0x04);
    EXPECT_TRUE(kx->signature_scheme.has_value());
    EXPECT_EQ(kx->dh_bits, 0);
}

TEST(FlightReaderCaptured, Tls13FlightIsServerHelloThenEncryptedRecords) {
    FlightReader reader;
    ASSERT_TRUE(reader.feed(load_tls_fixture("s_server_tls13_server_hello.bin")).ok());
    EXPECT_EQ(types_of(reader.flight()), std::vector<std::uint8_t>{handshake_type::kServerHello});
    EXPECT_TRUE(reader.flight().change_cipher_spec);
    EXPECT_TRUE(reader.flight().encrypted_records);
    EXPECT_FALSE(reader.has(handshake_type::kCertificate));
}

TEST(FlightReaderCaptured, HrrIsFollowedByCompatibilityCcs) {
    FlightReader reader;
    ASSERT_TRUE(reader.feed(load_tls_fixture("s_server_hrr.bin")).ok());
    EXPECT_EQ(types_of(reader.flight()), std::vector<std::uint8_t>{handshake_type::kServerHello});
    EXPECT_TRUE(reader.flight().change_cipher_spec);
    EXPECT_FALSE(reader.flight().encrypted_records);
}

// ---- FlightReader, hand-built ----------------------------------------------

TEST(FlightReader, ReassemblesMessagesAcrossAndWithinRecords) {
    const Bytes big(300, 0x5a);
    const Bytes stream =
        concat({message(handshake_type::kServerHello, {1, 2, 3}), message(handshake_type::kCertificate, big),
                message(handshake_type::kServerHelloDone, {})});
    // Records split the stream at arbitrary points: 2 messages and a bit, then the rest in 3 pieces.
    const std::size_t cuts[] = {0, 50, 200, 250, stream.size()};
    Bytes records;
    for (std::size_t i = 0; i + 1 < std::size(cuts); ++i)
        records =
            concat({records, record(22, Bytes(stream.begin() + cuts[i], stream.begin() + cuts[i + 1]))});
    FlightReader reader;
    // Fed in uneven chunks too.
    for (std::size_t at = 0; at < records.size(); at += 7) {
        const std::size_t n = std::min<std::size_t>(7, records.size() - at);
        ASSERT_TRUE(reader.feed(std::span(records).subspan(at, n)).ok());
    }
    ASSERT_EQ(types_of(reader.flight()),
              (std::vector<std::uint8_t>{handshake_type::kServerHello, handshake_type::kCertificate,
                                         handshake_type::kServerHelloDone}));
    EXPECT_EQ(reader.flight().messages[0].body, (Bytes{1, 2, 3}));
    EXPECT_EQ(reader.flight().messages[1].body, big);
}

TEST(FlightReader, RecordsAlertsCcsHeartbeatAndApplicationData) {
    FlightReader reader;
    ASSERT_TRUE(reader
                    .feed(concat({record(21, {1, 112}), record(24, {1, 0, 0}), record(20, {1}),
                                  record(23, {9, 9, 9}), record(21, {2, 40})}))
                    .ok());
    ASSERT_TRUE(reader.has_alert());
    EXPECT_EQ(reader.flight().alert->level, 1);
    EXPECT_EQ(reader.flight().alert->description, 112);     // the first alert is kept
    EXPECT_TRUE(reader.has(handshake_type::kServerHello));  // documented: an alert answers has()
    EXPECT_TRUE(reader.flight().heartbeat);
    EXPECT_TRUE(reader.flight().change_cipher_spec);
    EXPECT_TRUE(reader.flight().encrypted_records);
}

TEST(FlightReader, TreatsRecordsAfterCcsAsEncrypted) {
    FlightReader reader;
    ASSERT_TRUE(reader
                    .feed(concat({record(22, message(handshake_type::kServerHello, {1})), record(20, {1}),
                                  record(22, Bytes(40, 0xa7)), record(21, Bytes(26, 0x3c))}))
                    .ok());
    EXPECT_EQ(reader.flight().messages.size(), 1u);
    EXPECT_TRUE(reader.flight().encrypted_records);
    EXPECT_FALSE(reader.has_alert());
}

TEST(FlightReader, WaitsForPartialRecords) {
    const auto rec = record(22, message(handshake_type::kServerHelloDone, {}));
    FlightReader reader;
    ASSERT_TRUE(reader.feed(std::span(rec).first(rec.size() - 1)).ok());
    EXPECT_TRUE(reader.flight().messages.empty());
    ASSERT_TRUE(reader.feed(std::span(rec).last(1)).ok());
    EXPECT_TRUE(reader.has(handshake_type::kServerHelloDone));
}

TEST(FlightReader, RefusesAnOversizedRecord) {
    FlightReader reader;
    auto r = reader.feed(Bytes{0x16, 0x03, 0x03, 0x48, 0x01});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "record_overflow");
    EXPECT_EQ(r.error().offset, 3u);
    // The reader stays failed.
    auto again = reader.feed(record(21, {2, 40}));
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, "record_overflow");
    EXPECT_FALSE(reader.has_alert());
}

TEST(FlightReader, ReportsErrorsAtTheirStreamOffset) {
    FlightReader reader;
    ASSERT_TRUE(reader.feed(record(20, {1})).ok());
    auto r = reader.feed(Bytes{0x16, 0x04, 0x00, 0x00, 0x01});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "bad_version");
    EXPECT_EQ(r.error().offset, 6u + 1);
}

TEST(FlightReader, RefusesAMessageOverMaxMessageBeforeItArrives) {
    FlightReader reader(256 * 1024, 1000);
    // Only the header of a 1001-byte Certificate: refused at once.
    auto r = reader.feed(record(22, Bytes{handshake_type::kCertificate, 0x00, 0x03, 0xe9}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "message_too_large");
    EXPECT_EQ(r.error().where, "Handshake");

    FlightReader exact(256 * 1024, 1000);
    EXPECT_TRUE(exact.feed(record(22, message(handshake_type::kCertificate, Bytes(1000, 1)))).ok());
    EXPECT_TRUE(exact.has(handshake_type::kCertificate));
}

TEST(FlightReader, RefusesMoreThanMaxTotal) {
    FlightReader reader(100);
    ASSERT_TRUE(reader.feed(record(23, Bytes(55, 0))).ok());
    auto r = reader.feed(record(23, Bytes(40, 0)));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "flight_too_large");
}

TEST(FlightReader, RefusesInterleavedAndEmptyHandshakeRecords) {
    FlightReader interleaved;
    const auto partial = Bytes{handshake_type::kCertificate, 0, 0, 10, 1, 2};
    auto r = interleaved.feed(concat({record(22, partial), record(21, {2, 40})}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "interleaved_record");
    EXPECT_EQ(r.error().offset, 11u);

    FlightReader empty;
    auto e = empty.feed(record(22, {}));
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().code, "empty_fragment");
}

TEST(FlightReader, StopsReadingAtAFatalAlert) {
    // vsftpd behind AUTH TLS refuses a ClientHello with a fatal alert and then
    // writes "500 OOPS: ..." in clear on the same connection: not a record.
    FlightReader reader;
    const std::string oops = "500 OOPS: SSL_accept failed\r\n";
    auto r = reader.feed(concat({record(21, {2, 40}), Bytes(oops.begin(), oops.end())}));
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_TRUE(reader.has_alert());
    EXPECT_EQ(reader.flight().alert->description, 40);
    EXPECT_TRUE(reader.feed(Bytes{0x35, 0x30, 0x30}).ok()) << "later bytes are ignored too";
    // A warning alert does not end the stream: what follows is still parsed.
    FlightReader warned;
    EXPECT_FALSE(warned.feed(concat({record(21, {1, 112}), Bytes(oops.begin(), oops.end())})).ok());
}

TEST(FlightReader, RefusesAMalformedAlert) {
    FlightReader reader;
    auto r = reader.feed(record(21, {2, 40, 0}));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "trailing_data");
}

// ---- Certificate ------------------------------------------------------------

TEST(CertificateList, ParsesEmptyAndSeveralCertificates) {
    auto empty = parse_certificate_list(Bytes{0, 0, 0});
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->empty());

    const Bytes two{0, 0, 9, 0, 0, 2, 0x30, 0x00, 0, 0, 1, 0x30};
    auto chain = parse_certificate_list(two);
    ASSERT_TRUE(chain.ok()) << chain.error().describe();
    ASSERT_EQ(chain->size(), 2u);
    EXPECT_EQ((*chain)[0], (Bytes{0x30, 0x00}));
    EXPECT_EQ((*chain)[1], Bytes{0x30});
}

TEST(CertificateList, RefusesBadLengths) {
    auto zero = parse_certificate_list(Bytes{0, 0, 3, 0, 0, 0});
    ASSERT_FALSE(zero.ok());
    EXPECT_EQ(zero.error().code, "bad_length");
    EXPECT_EQ(zero.error().where, "Certificate.certificate_list");
    EXPECT_EQ(zero.error().offset, 6u);

    auto overrun = parse_certificate_list(Bytes{0, 0, 5, 0, 0, 3, 0x30});
    ASSERT_FALSE(overrun.ok());
    EXPECT_EQ(overrun.error().code, "truncated");

    auto trailing = parse_certificate_list(Bytes{0, 0, 0, 0});
    ASSERT_FALSE(trailing.ok());
    EXPECT_EQ(trailing.error().code, "trailing_data");

    const auto data = load_tls_fixture("s_server_tls12_dhe_flight.bin");
    FlightReader reader;
    ASSERT_TRUE(reader.feed(data).ok());
    const auto& body = find_message(reader.flight(), handshake_type::kCertificate)->body;
    for (std::size_t n = 0; n < body.size(); ++n)
        EXPECT_FALSE(parse_certificate_list(std::span(body).first(n)).ok()) << n;
}

// ---- ServerKeyExchange ------------------------------------------------------

TEST(ServerKeyExchange, RefusesExplicitCurves) {
    for (std::uint8_t curve_type : {1, 2, 0, 4}) {
        const Bytes body{curve_type, 0x00, 0x17, 0x01, 0x04};
        auto kx = parse_server_key_exchange(body, KeyExchangeKind::ecdhe, kTls12);
        ASSERT_FALSE(kx.ok());
        EXPECT_EQ(kx.error().code, "explicit_curve");
        EXPECT_EQ(kx.error().where, "ServerKeyExchange.curve_type");
        EXPECT_EQ(kx.error().offset, 0u);
    }
}

TEST(ServerKeyExchange, ReadsTls10SignaturesWithoutAnAlgorithm) {
    const Bytes body{3, 0x00, 0x1d, 0x02, 0xaa, 0xbb, 0x00, 0x02, 0x01, 0x02};
    auto kx = parse_server_key_exchange(body, KeyExchangeKind::ecdhe, kTls10);
    ASSERT_TRUE(kx.ok()) << kx.error().describe();
    EXPECT_EQ(kx->named_group, std::optional<std::uint16_t>(29));
    EXPECT_EQ(kx->ec_point, (Bytes{0xaa, 0xbb}));
    EXPECT_FALSE(kx->signature_scheme.has_value());
    // The same bytes read as TLS 1.2 take 0x0002 as the algorithm and overrun.
    EXPECT_FALSE(parse_server_key_exchange(body, KeyExchangeKind::ecdhe, kTls12).ok());
}

TEST(ServerKeyExchange, DhBitsIgnoreLeadingZeroBytes) {
    // p = 00 00 01 ff (9 bits), g = 2, Ys = 5, anonymous (no signature).
    const Bytes body{0, 4, 0, 0, 1, 0xff, 0, 1, 2, 0, 1, 5};
    auto kx = parse_server_key_exchange(body, KeyExchangeKind::dhe, kTls12);
    ASSERT_TRUE(kx.ok()) << kx.error().describe();
    EXPECT_EQ(kx->dh_bits, 9);
    EXPECT_FALSE(kx->signature_scheme.has_value());

    auto empty_p = parse_server_key_exchange(Bytes{0, 0, 0, 1, 2, 0, 1, 5}, KeyExchangeKind::dhe, kTls12);
    ASSERT_FALSE(empty_p.ok());
    EXPECT_EQ(empty_p.error().code, "bad_length");
    EXPECT_EQ(empty_p.error().where, "ServerKeyExchange.dh_p");
}

TEST(ServerKeyExchange, RefusesTrailingBytesAndOtherKinds) {
    const Bytes body{3, 0x00, 0x17, 0x01, 0x04, 0x08, 0x04, 0x00, 0x01, 0xee, 0xff};
    auto kx = parse_server_key_exchange(body, KeyExchangeKind::ecdhe, kTls12);
    ASSERT_FALSE(kx.ok());
    EXPECT_EQ(kx.error().code, "trailing_data");

    auto other = parse_server_key_exchange(body, KeyExchangeKind::other, kTls12);
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().code, "unsupported_key_exchange");
}

TEST(ServerKeyExchange, EveryTruncationOfACapturedMessageIsAnError) {
    FlightReader reader;
    ASSERT_TRUE(reader.feed(load_tls_fixture("s_server_tls12_dhe_flight.bin")).ok());
    const auto& body = find_message(reader.flight(), handshake_type::kServerKeyExchange)->body;
    // The prefix ending after dh_Ys reads as an anonymous key exchange.
    core::ByteReader r(body, "ske");
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(r.vector(2).ok());
    const std::size_t params_end = r.position();
    for (std::size_t n = 0; n < body.size(); ++n) {
        auto kx = parse_server_key_exchange(std::span(body).first(n), KeyExchangeKind::dhe, kTls12);
        EXPECT_EQ(kx.ok(), n == params_end) << n;
    }
}

}  // namespace
}  // namespace conformscan::wire::tls
