#include "checks/tls/wire/hello.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "checks/tls/wire/handshake.hpp"
#include "tests/unit/checks/tls/wire/wire_test_util.hpp"

namespace conformscan::wire::tls {
namespace {

using testing::Bytes;
using testing::load_tls_fixture;
using testing::parse_client_hello_for_test;

constexpr std::array<std::uint8_t, 32> kHrrRandom{
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

const std::vector<std::uint16_t> kSigAlgs{0x0804, 0x0805, 0x0806, 0x0401, 0x0501,
                                          0x0601, 0x0403, 0x0503, 0x0603, 0x0201};

std::array<std::uint8_t, 32> counting_random(std::uint8_t start = 0) {
    std::array<std::uint8_t, 32> r{};
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = static_cast<std::uint8_t>(start + i);
    return r;
}

void put16(Bytes& b, std::size_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}

Bytes ext(std::uint16_t type, const Bytes& data) {
    Bytes out;
    put16(out, type);
    put16(out, data.size());
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

// A ServerHello body: version, random, session id, suite, null compression,
// and an extensions block when `extensions` is set.
Bytes server_hello_body(const std::optional<Bytes>& extensions,
                        std::array<std::uint8_t, 32> random = counting_random(), Bytes session_id = {},
                        std::uint16_t version = kTls12) {
    Bytes b;
    put16(b, version);
    b.insert(b.end(), random.begin(), random.end());
    b.push_back(static_cast<std::uint8_t>(session_id.size()));
    b.insert(b.end(), session_id.begin(), session_id.end());
    put16(b, 0xc02f);
    b.push_back(0);
    if (extensions) {
        put16(b, extensions->size());
        b.insert(b.end(), extensions->begin(), extensions->end());
    }
    return b;
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

ServerFlight read_flight(const Bytes& data) {
    FlightReader reader;
    auto r = reader.feed(data);
    EXPECT_TRUE(r.ok()) << r.error().describe();
    return reader.flight();
}

// ---- version names ----------------------------------------------------------

TEST(VersionName, RoundTripsOpenSslSpellings) {
    for (std::uint16_t v : {kSsl2, kSsl3, kTls10, kTls11, kTls12, kTls13}) {
        const auto name = version_name(v);
        ASSERT_EQ(version_from_name(name), v) << name;
    }
    EXPECT_EQ(version_name(kTls10), "TLSv1");
    EXPECT_EQ(version_name(kTls13), "TLSv1.3");
    EXPECT_EQ(version_name(0x7f1c), "0x7f1c");
    EXPECT_FALSE(version_from_name("TLSv1.0").has_value());
    EXPECT_FALSE(version_from_name("").has_value());
}

// ---- ClientHello encoding ---------------------------------------------------

ClientHelloSpec captured_tls12_spec(std::uint16_t suite) {
    ClientHelloSpec spec;
    spec.record_version = kTls10;
    spec.version = kTls12;
    spec.random = counting_random();
    spec.cipher_suites = {suite};
    spec.server_name = "localhost";
    spec.groups = {29, 23, 24};
    spec.session_ticket = true;
    spec.extended_master_secret = true;
    spec.signature_algorithms = kSigAlgs;
    spec.alpn = {"http/1.1"};
    spec.renegotiation_info = true;
    return spec;
}

ClientHelloSpec captured_tls13_spec() {
    ClientHelloSpec spec;
    spec.random = counting_random();
    spec.session_id = Bytes(32);
    for (std::size_t i = 0; i < 32; ++i) spec.session_id[i] = static_cast<std::uint8_t>(0x20 + i);
    spec.cipher_suites = {0x1301, 0x1302, 0x1303};
    spec.server_name = "localhost";
    spec.groups = {29, 23};
    spec.signature_algorithms = kSigAlgs;
    spec.supported_versions = {kTls13};
    spec.psk_key_exchange_modes = true;
    spec.key_share_groups = {29};
    return spec;
}

// The capture script builds its hellos independently; s_server answered them.
TEST(ClientHelloEncoding, MatchesTheHellosSentToOpenSslServers) {
    EXPECT_EQ(encode_client_hello_records(captured_tls12_spec(0x009e)),
              load_tls_fixture("s_server_tls12_dhe_flight_client_hello.bin"));
    EXPECT_EQ(encode_client_hello_records(captured_tls12_spec(0xc02f)),
              load_tls_fixture("s_server_tls12_ecdhe_flight_client_hello.bin"));
    EXPECT_EQ(encode_client_hello_records(captured_tls13_spec()),
              load_tls_fixture("s_server_tls13_server_hello_client_hello.bin"));
    EXPECT_EQ(encode_client_hello_records(captured_tls13_spec()),
              load_tls_fixture("s_server_hrr_client_hello.bin"));
}

ClientHelloSpec everything_spec() {
    ClientHelloSpec spec;
    spec.record_version = kTls10;
    spec.version = kTls12;
    spec.supported_versions = {kTls13, kTls12};
    spec.random = counting_random(0x40);
    spec.session_id = Bytes(32, 0xab);
    spec.cipher_suites = {0x1301, 0xc02f, 0x009e};
    spec.server_name = "example.test";
    spec.groups = {29, 23};
    spec.key_share_groups = {29, 23};
    spec.signature_algorithms = {0x0804, 0x0403};
    spec.alpn = {"h2", "http/1.1"};
    spec.status_request = true;
    spec.signed_certificate_timestamp = true;
    spec.renegotiation_info = true;
    spec.extended_master_secret = true;
    spec.encrypt_then_mac = true;
    spec.session_ticket = true;
    spec.heartbeat = true;
    spec.psk_key_exchange_modes = true;
    spec.early_data = true;
    spec.cookie = {1, 2, 3};
    spec.fallback_scsv = true;
    spec.empty_renegotiation_info_scsv = true;
    spec.pad_to = 1024;
    return spec;
}

TEST(ClientHelloEncoding, EncodesEveryOptionInTheDocumentedOrder) {
    const auto message = encode_client_hello(everything_spec());
    auto hello = parse_client_hello_for_test(message);
    ASSERT_TRUE(hello.ok()) << hello.error().describe();
    EXPECT_EQ(hello->version, kTls12);
    EXPECT_EQ(hello->random[0], 0x40);
    EXPECT_EQ(hello->session_id, Bytes(32, 0xab));
    // SCSVs appended after the requested suites.
    EXPECT_EQ(hello->suites, (std::vector<std::uint16_t>{0x1301, 0xc02f, 0x009e, 0x00ff, 0x5600}));
    EXPECT_EQ(hello->compression, Bytes{0});

    std::vector<std::uint16_t> order;
    for (const auto& e : hello->extensions) order.push_back(e.type);
    const std::vector<std::uint16_t> expected{ext::kServerName,
                                              ext::kEcPointFormats,
                                              ext::kSupportedGroups,
                                              ext::kSessionTicket,
                                              ext::kEncryptThenMac,
                                              ext::kExtendedMasterSecret,
                                              ext::kSignatureAlgorithms,
                                              ext::kStatusRequest,
                                              ext::kSct,
                                              ext::kAlpn,
                                              ext::kHeartbeat,
                                              ext::kRenegotiationInfo,
                                              ext::kSupportedVersions,
                                              ext::kPskKeyExchangeModes,
                                              ext::kKeyShare,
                                              ext::kCookie,
                                              ext::kEarlyData,
                                              ext::kPadding};
    EXPECT_EQ(order, expected);

    const Bytes sni{0x00, 0x0f, 0x00, 0x00, 0x0c, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 't', 'e', 's', 't'};
    EXPECT_EQ(hello->find(ext::kServerName)->data, sni);
    EXPECT_EQ(hello->find(ext::kEcPointFormats)->data, (Bytes{3, 0, 1, 2}));
    EXPECT_EQ(hello->find(ext::kSupportedGroups)->data, (Bytes{0, 4, 0, 29, 0, 23}));
    EXPECT_EQ(hello->find(ext::kSignatureAlgorithms)->data, (Bytes{0, 4, 0x08, 0x04, 0x04, 0x03}));
    EXPECT_EQ(hello->find(ext::kStatusRequest)->data, (Bytes{1, 0, 0, 0, 0}));
    EXPECT_EQ(hello->find(ext::kAlpn)->data,
              (Bytes{0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'}));
    EXPECT_EQ(hello->find(ext::kHeartbeat)->data, Bytes{1});
    EXPECT_EQ(hello->find(ext::kRenegotiationInfo)->data, Bytes{0});
    EXPECT_EQ(hello->find(ext::kSupportedVersions)->data, (Bytes{4, 3, 4, 3, 3}));
    EXPECT_EQ(hello->find(ext::kPskKeyExchangeModes)->data, (Bytes{1, 1}));
    EXPECT_EQ(hello->find(ext::kCookie)->data, (Bytes{0, 3, 1, 2, 3}));
    for (auto empty :
         {ext::kSessionTicket, ext::kEncryptThenMac, ext::kExtendedMasterSecret, ext::kSct, ext::kEarlyData})
        EXPECT_TRUE(hello->find(empty)->data.empty()) << empty;

    // key_share: x25519 (32 bytes) then secp256r1 (65 bytes, the point G).
    const auto& ks = hello->find(ext::kKeyShare)->data;
    ASSERT_EQ(ks.size(), 2u + 4 + 32 + 4 + 65);
    EXPECT_EQ(ks[0] << 8 | ks[1], 4 + 32 + 4 + 65);
    EXPECT_EQ(ks[2] << 8 | ks[3], 29);
    EXPECT_EQ(ks[4] << 8 | ks[5], 32);
    EXPECT_EQ(ks[6], 9);  // the X25519 base point, never all zero
    EXPECT_EQ(ks[38] << 8 | ks[39], 23);
    EXPECT_EQ(ks[40] << 8 | ks[41], 65);
    EXPECT_EQ((Bytes{ks[42], ks[43], ks[44], ks[45], ks[46]}), (Bytes{0x04, 0x6b, 0x17, 0xd1, 0xf2}));
}

TEST(ClientHelloEncoding, PaddingReachesPadToExactly) {
    auto unpadded_spec = everything_spec();
    unpadded_spec.pad_to = 0;
    const std::size_t unpadded = encode_client_hello(unpadded_spec).size();
    ASSERT_EQ(unpadded, 328u);
    // unpadded + 4: an empty padding extension; the others carry zero bytes.
    for (std::size_t pad_to :
         {unpadded + 4, unpadded + 5, std::size_t{512}, std::size_t{777}, std::size_t{4096}}) {
        auto spec = everything_spec();
        spec.pad_to = pad_to;
        const auto message = encode_client_hello(spec);
        EXPECT_EQ(message.size(), pad_to);
        auto hello = parse_client_hello_for_test(message);
        ASSERT_TRUE(hello.ok()) << hello.error().describe();
        ASSERT_EQ(hello->extensions.back().type, ext::kPadding);
        const auto& pad = hello->extensions.back().data;
        EXPECT_TRUE(std::all_of(pad.begin(), pad.end(), [](std::uint8_t b) { return b == 0; }));
    }
}

TEST(ClientHelloEncoding, PaddingIsLeftOutWhenTheHelloIsLongEnough) {
    auto spec = everything_spec();
    spec.pad_to = 0;
    const auto unpadded = encode_client_hello(spec);
    spec.pad_to = unpadded.size();
    EXPECT_EQ(encode_client_hello(spec), unpadded);
    // A shortfall smaller than the extension header overshoots by the header.
    spec.pad_to = unpadded.size() + 2;
    EXPECT_EQ(encode_client_hello(spec).size(), unpadded.size() + 4);
}

TEST(ClientHelloEncoding, Sslv3HelloHasNoExtensionBlock) {
    ClientHelloSpec spec;
    spec.record_version = kSsl3;
    spec.version = kSsl3;
    spec.cipher_suites = {0x000a, 0x002f};
    spec.empty_renegotiation_info_scsv = true;
    const auto message = encode_client_hello(spec);
    auto hello = parse_client_hello_for_test(message);
    ASSERT_TRUE(hello.ok()) << hello.error().describe();
    EXPECT_FALSE(hello->has_extension_block);
    EXPECT_EQ(message.size(), 4u + 2 + 32 + 1 + 2 + 6 + 2);
    EXPECT_EQ(hello->suites.back(), kEmptyRenegotiationInfoScsv);

    const auto records = encode_client_hello_records(spec);
    ASSERT_EQ(records.size(), message.size() + 5);
    EXPECT_EQ((Bytes(records.begin(), records.begin() + 5)),
              (Bytes{0x16, 0x03, 0x00, 0x00, static_cast<std::uint8_t>(message.size())}));
}

TEST(ClientHelloEncoding, Tls10HelloKeepsRequestedExtensions) {
    ClientHelloSpec spec;
    spec.version = kTls10;
    spec.cipher_suites = {0xc013};
    spec.groups = {23};
    auto hello = parse_client_hello_for_test(encode_client_hello(spec));
    ASSERT_TRUE(hello.ok()) << hello.error().describe();
    ASSERT_EQ(hello->extensions.size(), 2u);
    EXPECT_EQ(hello->extensions[0].type, ext::kEcPointFormats);
    EXPECT_EQ(hello->extensions[1].type, ext::kSupportedGroups);
}

TEST(ClientHelloEncoding, KeyShareValuesHaveEachGroupsSize) {
    struct Case {
        std::uint16_t group;
        std::size_t size;
    };
    const std::vector<Case> cases{{23, 65},       {24, 97},       {25, 133},     {29, 32},     {30, 56},
                                  {0x100, 256},   {0x101, 384},   {0x102, 512},  {0x103, 768}, {0x104, 1024},
                                  {0x11ec, 1216}, {0x11eb, 1249}, {0x11ed, 1665}};
    for (const auto& c : cases) {
        ClientHelloSpec spec;
        spec.cipher_suites = {0x1301};
        spec.key_share_groups = {c.group, 0x9999};  // the unknown group is skipped
        auto hello = parse_client_hello_for_test(encode_client_hello(spec));
        ASSERT_TRUE(hello.ok()) << hello.error().describe();
        core::ByteReader r(hello->find(ext::kKeyShare)->data, "key_share");
        auto list = r.vector(2);
        ASSERT_TRUE(list.ok());
        core::ByteReader entries(*list, "entries");
        EXPECT_EQ(entries.u16().value_or(0), c.group);
        auto key = entries.vector(2, 1);
        ASSERT_TRUE(key.ok()) << c.group;
        EXPECT_EQ(key->size(), c.size) << c.group;
        EXPECT_TRUE(entries.done()) << c.group;
        if (c.group >= 0x100 && c.group <= 0x104) {
            EXPECT_EQ(key->back(), 2);  // Y = 2, left-padded
            EXPECT_EQ((*key)[0], 0);
        }
    }
}

TEST(ClientHelloEncoding, FragmentsRecordsAt16KiB) {
    auto spec = everything_spec();
    spec.pad_to = 40000;
    const auto message = encode_client_hello(spec);
    ASSERT_EQ(message.size(), 40000u);
    const auto records = encode_client_hello_records(spec);
    ASSERT_EQ(records.size(), 40000u + 3 * 5);
    EXPECT_EQ((Bytes(records.begin(), records.begin() + 5)), (Bytes{0x16, 0x03, 0x01, 0x40, 0x00}));
    // Reassembled, the records give the message back.
    FlightReader reader;
    ASSERT_TRUE(reader.feed(records).ok());
    ASSERT_EQ(reader.flight().messages.size(), 1u);
    EXPECT_EQ(reader.flight().messages[0].type, handshake_type::kClientHello);
    EXPECT_EQ(reader.flight().messages[0].body, Bytes(message.begin() + 4, message.end()));
}

TEST(ClientHelloEncoding, RefusesSpecsItCannotEncode) {
    auto spec = everything_spec();
    spec.session_id = Bytes(33, 1);
    EXPECT_TRUE(encode_client_hello(spec).empty());
    EXPECT_TRUE(encode_client_hello_records(spec).empty());

    spec = everything_spec();
    spec.alpn = {"h2", ""};
    EXPECT_TRUE(encode_client_hello(spec).empty());

    spec = everything_spec();
    spec.alpn = {std::string(256, 'a')};
    EXPECT_TRUE(encode_client_hello(spec).empty());

    spec = everything_spec();
    spec.compression_methods.clear();
    EXPECT_TRUE(encode_client_hello(spec).empty());

    spec = everything_spec();
    spec.pad_to = 70000;  // the extensions block cannot hold that much
    EXPECT_TRUE(encode_client_hello(spec).empty());
}

// ---- SSLv2 ------------------------------------------------------------------

TEST(Sslv2ClientHello, HasTheDraftLayout) {
    const std::vector<std::uint32_t> kinds{0x010080, 0x0700c0};
    const Bytes challenge(16, 0xcc);
    const auto hello = encode_sslv2_client_hello(kinds, challenge);
    Bytes expected{0x80, 0x1f,  // 2-byte header, length 9 + 6 + 16 = 31
                   0x01,        // CLIENT-HELLO
                   0x00, 0x02,  // version
                   0x00, 0x06,  // cipher specs length
                   0x00, 0x00,  // session id length
                   0x00, 0x10,  // challenge length
                   0x01, 0x00, 0x80, 0x07, 0x00, 0xc0};
    expected.insert(expected.end(), challenge.begin(), challenge.end());
    EXPECT_EQ(hello, expected);
}

TEST(Sslv2ClientHello, RefusesABadChallengeOrKind) {
    const std::vector<std::uint32_t> kinds{0x010080};
    EXPECT_TRUE(encode_sslv2_client_hello(kinds, Bytes(15, 1)).empty());
    EXPECT_TRUE(encode_sslv2_client_hello(kinds, Bytes(33, 1)).empty());
    EXPECT_EQ(encode_sslv2_client_hello(kinds, Bytes(32, 1)).size(), 2u + 9 + 3 + 32);
    const std::vector<std::uint32_t> bad{0x01000080};
    EXPECT_TRUE(encode_sslv2_client_hello(bad, Bytes(16, 1)).empty());
}

Bytes sslv2_server_hello(std::uint16_t cert_len, std::uint16_t specs_len, std::uint16_t conn_len) {
    Bytes m{0x04, 0x00, 0x01, 0x00, 0x02};
    put16(m, cert_len);
    put16(m, specs_len);
    put16(m, conn_len);
    for (std::size_t i = 0; i < cert_len; ++i) m.push_back(0x30);
    for (std::size_t i = 0; i < specs_len; ++i) m.push_back(static_cast<std::uint8_t>(i));
    for (std::size_t i = 0; i < conn_len; ++i) m.push_back(0xee);
    return m;
}

TEST(Sslv2ServerHello, ParsesTheFields) {
    const auto message = sslv2_server_hello(5, 6, 16);
    auto hello = parse_sslv2_server_hello(message);
    ASSERT_TRUE(hello.ok()) << hello.error().describe();
    EXPECT_FALSE(hello->session_id_hit);
    EXPECT_EQ(hello->certificate_type, 1);
    EXPECT_EQ(hello->version, kSsl2);
    EXPECT_EQ(hello->certificate, Bytes(5, 0x30));
    EXPECT_EQ(hello->cipher_kinds, (std::vector<std::uint32_t>{0x000102, 0x030405}));
    EXPECT_EQ(hello->connection_id, Bytes(16, 0xee));
}

TEST(Sslv2ServerHello, RefusesMalformedMessages) {
    auto specs = parse_sslv2_server_hello(sslv2_server_hello(5, 4, 16));
    ASSERT_FALSE(specs.ok());
    EXPECT_EQ(specs.error().code, "bad_length");
    EXPECT_EQ(specs.error().where, "SSLv2ServerHello.cipher_specs_length");
    EXPECT_EQ(specs.error().offset, 7u);

    auto message = sslv2_server_hello(5, 6, 16);
    message[0] = 0x00;
    auto type = parse_sslv2_server_hello(message);
    ASSERT_FALSE(type.ok());
    EXPECT_EQ(type.error().code, "unexpected_message");

    message = sslv2_server_hello(5, 6, 16);
    for (std::size_t n = 0; n < message.size(); ++n) {
        auto r = parse_sslv2_server_hello(std::span(message).first(n));
        ASSERT_FALSE(r.ok()) << n;
        EXPECT_EQ(r.error().code, "truncated") << n;
    }
    message.push_back(0);
    auto trailing = parse_sslv2_server_hello(message);
    ASSERT_FALSE(trailing.ok());
    EXPECT_EQ(trailing.error().code, "trailing_data");
}

// ---- ServerHello from real servers -----------------------------------------

TEST(ServerHelloCaptured, Tls12DheServerHello) {
    const auto flight = read_flight(load_tls_fixture("s_server_tls12_dhe_flight.bin"));
    ASSERT_FALSE(flight.messages.empty());
    ASSERT_EQ(flight.messages[0].type, handshake_type::kServerHello);
    auto hello = parse_server_hello(flight.messages[0].body);
    ASSERT_TRUE(hello.ok()) << hello.error().describe();
    EXPECT_EQ(hello->legacy_version, kTls12);
    EXPECT_EQ(hello->selected_version, kTls12);
    EXPECT_EQ(hello->cipher_suite, 0x009e);  // TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
    EXPECT_EQ(hello->compression_method, 0);
    EXPECT_FALSE(hello->hello_retry_request);
    EXPECT_EQ(hello->downgrade_sentinel, "");  // a TLS 1.2-only server sets none
    EXPECT_TRUE(hello->secure_renegotiation);
    EXPECT_TRUE(hello->extended_master_secret);
    EXPECT_TRUE(hello->session_ticket);
    EXPECT_FALSE(hello->encrypt_then_mac);  // not offered
    EXPECT_EQ(hello->alpn, "http/1.1");
    EXPECT_FALSE(hello->key_share_group.has_value());
}

TEST(ServerHelloCaptured, Tls13ServerHello) {
    const auto flight = read_flight(load_tls_fixture("s_server_tls13_server_hello.bin"));
    ASSERT_EQ(flight.messages.size(), 1u);  // the rest is encrypted
    EXPECT_TRUE(flight.change_cipher_spec);
    EXPECT_TRUE(flight.encrypted_records);
    auto hello = parse_server_hello(flight.messages[0].body);
    ASSERT_TRUE(hello.ok()) << hello.error().describe();
    EXPECT_EQ(hello->legacy_version, kTls12);
    EXPECT_EQ(hello->selected_version, kTls13);
    EXPECT_EQ(hello->cipher_suite, 0x1301);
    EXPECT_FALSE(hello->hello_retry_request);
    EXPECT_EQ(hello->key_share_group, std::optional<std::uint16_t>(29));
    EXPECT_EQ(hello->session_id.size(), 32u);  // echoed (RFC 8446 §4.1.3)
    EXPECT_EQ(hello->session_id[0], 0x20);
    EXPECT_EQ(hello->downgrade_sentinel, "");
}

TEST(ServerHelloCaptured, HelloRetryRequest) {
    const auto flight = read_flight(load_tls_fixture("s_server_hrr.bin"));
    ASSERT_EQ(flight.messages.size(), 1u);
    auto hello = parse_server_hello(flight.messages[0].body);
    ASSERT_TRUE(hello.ok()) << hello.error().describe();
    EXPECT_TRUE(hello->hello_retry_request);
    EXPECT_EQ(hello->selected_version, kTls13);
    EXPECT_EQ(hello->key_share_group, std::optional<std::uint16_t>(23));  // the server wants secp256r1
    EXPECT_TRUE(hello->cookie.empty());
    EXPECT_EQ(hello->downgrade_sentinel, "");
}

// ---- ServerHello, hand-built ------------------------------------------------

TEST(ServerHello, ParsesAnSslv3HelloWithoutExtensions) {
    auto hello = parse_server_hello(server_hello_body(std::nullopt, counting_random(), Bytes(32, 7), kSsl3));
    ASSERT_TRUE(hello.ok()) << hello.error().describe();
    EXPECT_EQ(hello->selected_version, kSsl3);
    EXPECT_EQ(hello->session_id, Bytes(32, 7));
    EXPECT_TRUE(hello->extensions.empty());
    EXPECT_EQ(hello->find(ext::kAlpn), nullptr);
}

TEST(ServerHello, DerivesFeaturesFromExtensions) {
    const Bytes exts =
        concat({ext(ext::kExtendedMasterSecret, {}), ext(ext::kEncryptThenMac, {}),
                ext(ext::kStatusRequest, {}), ext(ext::kHeartbeat, {2}), ext(ext::kRenegotiationInfo, {0}),
                ext(ext::kAlpn, {0, 3, 2, 'h', '2'}), ext(ext::kSct, {})});
    auto hello = parse_server_hello(server_hello_body(exts));
    ASSERT_TRUE(hello.ok()) << hello.error().describe();
    EXPECT_TRUE(hello->extended_master_secret);
    EXPECT_TRUE(hello->encrypt_then_mac);
    EXPECT_TRUE(hello->status_request);
    EXPECT_TRUE(hello->heartbeat);
    EXPECT_EQ(hello->heartbeat_mode, std::optional<std::uint8_t>(2));
    EXPECT_TRUE(hello->secure_renegotiation);
    EXPECT_FALSE(hello->session_ticket);
    EXPECT_EQ(hello->alpn, "h2");
    ASSERT_EQ(hello->extensions.size(), 7u);
    EXPECT_EQ(hello->extensions[6].type, ext::kSct);
    ASSERT_NE(hello->find(ext::kHeartbeat), nullptr);
}

TEST(ServerHello, RecognisesDowngradeSentinels) {
    auto random = counting_random();
    const std::array<std::uint8_t, 8> tls12{'D', 'O', 'W', 'N', 'G', 'R', 'D', 1};
    std::copy(tls12.begin(), tls12.end(), random.end() - 8);
    auto hello = parse_server_hello(server_hello_body(std::nullopt, random));
    ASSERT_TRUE(hello.ok());
    EXPECT_EQ(hello->downgrade_sentinel, "TLS12");
    random[31] = 0;
    hello = parse_server_hello(server_hello_body(std::nullopt, random));
    ASSERT_TRUE(hello.ok());
    EXPECT_EQ(hello->downgrade_sentinel, "TLS11");
    random[31] = 2;
    hello = parse_server_hello(server_hello_body(std::nullopt, random));
    ASSERT_TRUE(hello.ok());
    EXPECT_EQ(hello->downgrade_sentinel, "");
}

TEST(ServerHello, ReadsTheHrrSelectedGroupAndCookie) {
    const Bytes exts = concat({ext(ext::kSupportedVersions, {3, 4}), ext(ext::kKeyShare, {0, 0x1d}),
                               ext(ext::kCookie, {0, 2, 0xaa, 0xbb})});
    auto hello = parse_server_hello(server_hello_body(exts, kHrrRandom));
    ASSERT_TRUE(hello.ok()) << hello.error().describe();
    EXPECT_TRUE(hello->hello_retry_request);
    EXPECT_EQ(hello->key_share_group, std::optional<std::uint16_t>(29));
    EXPECT_EQ(hello->cookie, (Bytes{0xaa, 0xbb}));
    // The same two bytes in a ServerHello are a truncated KeyShareEntry.
    auto sh = parse_server_hello(server_hello_body(exts));
    ASSERT_FALSE(sh.ok());
    EXPECT_EQ(sh.error().code, "truncated");
    EXPECT_EQ(sh.error().where, "ServerHello.key_share");
}

TEST(ServerHello, RefusesADuplicateExtension) {
    const Bytes exts = concat({ext(ext::kExtendedMasterSecret, {}), ext(ext::kRenegotiationInfo, {0}),
                               ext(ext::kExtendedMasterSecret, {})});
    auto hello = parse_server_hello(server_hello_body(exts));
    ASSERT_FALSE(hello.ok());
    EXPECT_EQ(hello.error().code, "duplicate_extension");
    EXPECT_EQ(hello.error().where, "ServerHello.extensions");
    EXPECT_EQ(hello.error().offset, 2u + 32 + 1 + 2 + 1 + 2 + 4 + 5);
}

TEST(ServerHello, RefusesAnOverlongSessionId) {
    auto body = server_hello_body(std::nullopt, counting_random(), Bytes(32, 1));
    body[34] = 33;
    body.push_back(0);
    auto hello = parse_server_hello(body);
    ASSERT_FALSE(hello.ok());
    EXPECT_EQ(hello.error().code, "bad_length");
    EXPECT_EQ(hello.error().where, "ServerHello.session_id");
    EXPECT_EQ(hello.error().offset, 35u);
}

TEST(ServerHello, RefusesMalformedExtensionData) {
    struct Case {
        Bytes extension;
        std::string code;
        std::string where;
    };
    const std::vector<Case> cases{
        {ext(ext::kSupportedVersions, {3, 4, 3, 3}), "trailing_data", "ServerHello.supported_versions"},
        {ext(ext::kSupportedVersions, {3}), "truncated", "ServerHello.supported_versions"},
        {ext(ext::kAlpn, {0, 6, 2, 'h', '2', 2, 'h', '3'}), "bad_alpn", "ServerHello.alpn"},
        {ext(ext::kAlpn, {0, 1, 0}), "bad_length", "ServerHello.alpn"},
        {ext(ext::kExtendedMasterSecret, {0}), "trailing_data", "ServerHello.extended_master_secret"},
        {ext(ext::kRenegotiationInfo, {}), "truncated", "ServerHello.renegotiation_info"},
        {ext(ext::kRenegotiationInfo, {2, 1}), "truncated", "ServerHello.renegotiation_info"},
        {ext(ext::kHeartbeat, {1, 1}), "trailing_data", "ServerHello.heartbeat"},
        {ext(ext::kCookie, {0, 0}), "bad_length", "ServerHello.cookie"},
        {ext(ext::kKeyShare, {0, 29, 0, 0}), "bad_length", "ServerHello.key_share"},
    };
    for (const auto& c : cases) {
        auto hello = parse_server_hello(server_hello_body(c.extension));
        ASSERT_FALSE(hello.ok()) << c.where;
        EXPECT_EQ(hello.error().code, c.code) << c.where;
        EXPECT_EQ(hello.error().where, c.where);
        // Offsets point inside the ServerHello body, past the extension header.
        EXPECT_GE(hello.error().offset, 2u + 32 + 1 + 2 + 1 + 2 + 4) << c.where;
    }
}

TEST(ServerHello, RefusesAnExtensionOverrunningTheBlock) {
    auto body = server_hello_body(ext(ext::kExtendedMasterSecret, {}));
    body[body.size() - 1] = 1;  // extension data length 1, no byte left in the block
    auto hello = parse_server_hello(body);
    ASSERT_FALSE(hello.ok());
    EXPECT_EQ(hello.error().code, "truncated");

    body = server_hello_body(ext(ext::kExtendedMasterSecret, {}));
    body.push_back(0);  // a byte after the extensions block
    hello = parse_server_hello(body);
    ASSERT_FALSE(hello.ok());
    EXPECT_EQ(hello.error().code, "trailing_data");
}

// Every prefix of a real ServerHello is an error, except the full message and
// the prefix that ends where the (optional) extensions block begins.
TEST(ServerHello, EveryTruncationIsAnError) {
    for (const char* fixture :
         {"s_server_tls12_dhe_flight.bin", "s_server_tls13_server_hello.bin", "s_server_hrr.bin"}) {
        const auto flight = read_flight(load_tls_fixture(fixture));
        ASSERT_FALSE(flight.messages.empty()) << fixture;
        const auto& body = flight.messages[0].body;
        const std::size_t no_extensions = 2 + 32 + 1 + body[34] + 2 + 1;
        for (std::size_t n = 0; n < body.size(); ++n) {
            auto hello = parse_server_hello(std::span(body).first(n));
            EXPECT_EQ(hello.ok(), n == no_extensions) << fixture << " prefix " << n;
            if (!hello.ok()) {
                EXPECT_FALSE(hello.error().where.empty());
            }
        }
    }
}

}  // namespace
}  // namespace conformscan::wire::tls
