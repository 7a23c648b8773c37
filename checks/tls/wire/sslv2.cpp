// SSLv2 CLIENT-HELLO encoding and SERVER-HELLO parsing
// (draft-hickman-netscape-ssl-00, "Client Only Protocol Messages" and
// "Server Only Protocol Messages"; record header in "Record Header Format").
#include <fmt/format.h>

#include "checks/tls/wire/byte_writer.hpp"
#include "checks/tls/wire/hello.hpp"
#include "checks/tls/wire/reader_util.hpp"

namespace conformscan::wire::tls {

namespace {

constexpr std::uint8_t kClientHelloType = 1;
constexpr std::uint8_t kServerHelloType = 4;
constexpr std::size_t kCipherKindSize = 3;
constexpr std::size_t kMinChallenge = 16;
constexpr std::size_t kMaxChallenge = 32;
// A 2-byte record header holds a 15-bit length.
constexpr std::size_t kMaxTwoByteRecord = 0x7fff;

}  // namespace

std::vector<std::uint8_t> encode_sslv2_client_hello(std::span<const std::uint32_t> cipher_kinds,
                                                    std::span<const std::uint8_t> challenge) {
    // "CHALLENGE-LENGTH ... must be at least 16 and at most 32."
    if (challenge.size() < kMinChallenge || challenge.size() > kMaxChallenge) return {};
    const std::size_t length = 9 + kCipherKindSize * cipher_kinds.size() + challenge.size();
    if (length > kMaxTwoByteRecord) return {};

    ByteWriter w;
    // Record header: the high bit set selects the 2-byte form without padding.
    w.u8(static_cast<std::uint8_t>(0x80 | (length >> 8)));
    w.u8(static_cast<std::uint8_t>(length & 0xff));
    w.u8(kClientHelloType);
    w.u16(kSsl2);
    w.u16(static_cast<std::uint16_t>(kCipherKindSize * cipher_kinds.size()));  // CIPHER-SPECS-LENGTH
    w.u16(0);                                                                  // SESSION-ID-LENGTH
    w.u16(static_cast<std::uint16_t>(challenge.size()));                       // CHALLENGE-LENGTH
    for (auto kind : cipher_kinds) {
        if (kind > 0xffffff) return {};
        w.u24(kind);
    }
    w.bytes(challenge);
    return std::move(w).take();
}

core::Result<Sslv2ServerHello> parse_sslv2_server_hello(std::span<const std::uint8_t> message) {
    core::ByteReader reader(message, "SSLv2ServerHello");
    Sslv2ServerHello hello;

    auto type = in_field(reader.u8(), "SSLv2ServerHello.msg_type");
    if (!type) return type.error();
    if (*type != kServerHelloType)
        return core::make_error("unexpected_message",
                                fmt::format("message type {} is not SERVER-HELLO", *type),
                                "SSLv2ServerHello.msg_type", 0);
    auto hit = in_field(reader.u8(), "SSLv2ServerHello.session_id_hit");
    if (!hit) return hit.error();
    hello.session_id_hit = *hit != 0;
    auto cert_type = in_field(reader.u8(), "SSLv2ServerHello.certificate_type");
    if (!cert_type) return cert_type.error();
    hello.certificate_type = *cert_type;
    auto version = in_field(reader.u16(), "SSLv2ServerHello.server_version");
    if (!version) return version.error();
    hello.version = *version;

    auto cert_len = in_field(reader.u16(), "SSLv2ServerHello.certificate_length");
    if (!cert_len) return cert_len.error();
    const std::size_t specs_len_at = reader.absolute_offset();
    auto specs_len = in_field(reader.u16(), "SSLv2ServerHello.cipher_specs_length");
    if (!specs_len) return specs_len.error();
    if (*specs_len % kCipherKindSize != 0)
        return core::make_error("bad_length",
                                fmt::format("cipher specs length {} is not a multiple of 3", *specs_len),
                                "SSLv2ServerHello.cipher_specs_length", specs_len_at);
    auto conn_len = in_field(reader.u16(), "SSLv2ServerHello.connection_id_length");
    if (!conn_len) return conn_len.error();

    auto cert = in_field(reader.bytes(*cert_len), "SSLv2ServerHello.certificate");
    if (!cert) return cert.error();
    hello.certificate.assign(cert->begin(), cert->end());

    auto specs =
        in_field(reader.sub(*specs_len, "SSLv2ServerHello.cipher_specs"), "SSLv2ServerHello.cipher_specs");
    if (!specs) return specs.error();
    while (!specs->done()) {
        auto kind = specs->u24();
        if (!kind) return kind.error();
        hello.cipher_kinds.push_back(*kind);
    }

    auto conn = in_field(reader.bytes(*conn_len), "SSLv2ServerHello.connection_id");
    if (!conn) return conn.error();
    hello.connection_id.assign(conn->begin(), conn->end());

    if (auto done = reader.expect_done(); !done) return done.error();
    return hello;
}

}  // namespace conformscan::wire::tls
