#include "checks/tls/wire/client_flight.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checks/tls/wire/byte_writer.hpp"
#include "checks/tls/wire/handshake.hpp"
#include "checks/tls/wire/hello.hpp"
#include "checks/tls/wire/reader_util.hpp"
#include "checks/tls/wire/record.hpp"
#include "scanner/core/byte_reader.hpp"

namespace conformscan::wire::tls {

namespace {
constexpr std::size_t kMaxFragment = 1u << 14;  // RFC 5246 §6.2.1
constexpr std::size_t kMinPadding = 8;          // RFC 8017 §7.2.1: PS is at least 8 octets
constexpr std::size_t kMinModulusBytes = 64;

// Non-zero filler: the tests need no secrecy, only bytes a PKCS #1 parser
// reads as padding (RFC 8017 §7.2.1: PS octets are non-zero).
std::uint8_t filler(std::size_t i) {
    return static_cast<std::uint8_t>(0x11 + (i * 37) % 0xEE);
}
}  // namespace

std::vector<std::uint8_t> encode_record(std::uint8_t content_type, std::uint16_t version,
                                        std::span<const std::uint8_t> fragment) {
    if (fragment.size() > kMaxFragment) return {};
    ByteWriter w;
    w.u8(content_type);
    w.u16(version);
    w.u16(static_cast<std::uint16_t>(fragment.size()));
    w.bytes(fragment);
    return std::move(w).take();
}

std::vector<std::uint8_t> encode_change_cipher_spec(std::uint16_t version) {
    const std::uint8_t one[] = {1};
    return encode_record(static_cast<std::uint8_t>(ContentType::change_cipher_spec), version, one);
}

std::vector<std::uint8_t> encode_handshake_message(std::uint8_t type, std::span<const std::uint8_t> body) {
    ByteWriter w;
    w.u8(type);
    auto len = w.open(3);
    w.bytes(body);
    w.close(len);
    return std::move(w).take();
}

std::vector<std::uint8_t> encode_rsa_client_key_exchange(std::span<const std::uint8_t> encrypted,
                                                         std::uint16_t version) {
    if (version == kSsl3) return encode_handshake_message(kHandshakeClientKeyExchange, encrypted);
    ByteWriter body;
    auto len = body.open(2);
    body.bytes(encrypted);
    body.close(len);
    const auto b = std::move(body).take();
    if (b.empty()) return {};
    return encode_handshake_message(kHandshakeClientKeyExchange, b);
}

std::vector<std::uint8_t> encode_opaque_finished(std::uint16_t version, std::size_t size) {
    std::vector<std::uint8_t> fragment(size);
    for (std::size_t i = 0; i < size; ++i) fragment[i] = filler(i + 101);
    return encode_record(static_cast<std::uint8_t>(ContentType::handshake), version, fragment);
}

std::string_view robot_variant_name(RobotVariant v) {
    switch (v) {
        case RobotVariant::correct:
            return "correct padding";
        case RobotVariant::wrong_prefix:
            return "wrong 0x00 0x02 prefix";
        case RobotVariant::zero_in_padding:
            return "0x00 in the padding";
        case RobotVariant::no_separator:
            return "no 0x00 separator";
        case RobotVariant::wrong_version:
            return "wrong premaster version";
    }
    return "unknown";
}

std::vector<std::uint8_t> robot_plaintext(RobotVariant variant, std::size_t k, std::uint16_t client_version) {
    if (k < kMinModulusBytes) return {};
    std::vector<std::uint8_t> block(k);
    for (std::size_t i = 0; i < k; ++i) block[i] = filler(i);
    block[0] = 0x00;
    block[1] = 0x02;
    const std::size_t separator = k - kPremasterSecretSize - 1;
    block[separator] = 0x00;
    block[separator + 1] = static_cast<std::uint8_t>(client_version >> 8);
    block[separator + 2] = static_cast<std::uint8_t>(client_version);
    switch (variant) {
        case RobotVariant::correct:
            break;
        case RobotVariant::wrong_prefix:
            block[0] = 0x41;
            block[1] = 0x17;
            break;
        case RobotVariant::zero_in_padding:
            // Right after the minimum padding: the unpadded message is then
            // longer than 48 bytes.
            block[2 + kMinPadding] = 0x00;
            block[separator] = filler(separator);
            break;
        case RobotVariant::no_separator:
            block[separator] = filler(separator);
            break;
        case RobotVariant::wrong_version:
            block[separator + 1] = 0x02;
            block[separator + 2] = 0x02;
            break;
    }
    return block;
}

core::Result<std::vector<std::uint8_t>> append_client_hello_extension(std::span<const std::uint8_t> message,
                                                                      std::uint16_t type,
                                                                      std::span<const std::uint8_t> data) {
    core::ByteReader reader(message, "ClientHello");
    auto msg_type = in_field(reader.u8(), "ClientHello.msg_type");
    if (!msg_type) return msg_type.error();
    if (*msg_type != handshake_type::kClientHello)
        return core::make_error("not_client_hello", fmt::format("handshake type {}", *msg_type),
                                "ClientHello.msg_type", 0);
    auto length = in_field(reader.u24(), "ClientHello.length");
    if (!length) return length.error();
    auto body = in_field(reader.sub(*length, "ClientHello"), "ClientHello.body");
    if (!body) return body.error();
    if (auto done = reader.expect_done(); !done) return done.error();

    // RFC 5246 §7.4.1.2: version, random, session_id, cipher_suites,
    // compression_methods, then the optional extensions block.
    const std::size_t fixed_start = body->position();
    if (auto r = in_field(body->bytes(2 + 32), "ClientHello.random"); !r) return r.error();
    if (auto r = in_field(body->vector(1), "ClientHello.session_id"); !r) return r.error();
    if (auto r = in_field(body->vector(2), "ClientHello.cipher_suites"); !r) return r.error();
    if (auto r = in_field(body->vector(1), "ClientHello.compression_methods"); !r) return r.error();
    const std::size_t fixed_len = body->position() - fixed_start;
    std::span<const std::uint8_t> extensions;
    if (!body->done()) {
        auto block = in_field(body->vector(2), "ClientHello.extensions");
        if (!block) return block.error();
        extensions = *block;
        if (auto done = body->expect_done(); !done) return done.error();
    }

    ByteWriter w;
    w.u8(handshake_type::kClientHello);
    auto out_len = w.open(3);
    w.bytes(message.subspan(4, fixed_len));
    auto block = w.open(2);
    w.bytes(extensions);
    w.u16(type);
    auto ext_len = w.open(2);
    w.bytes(data);
    w.close(ext_len);
    w.close(block);
    w.close(out_len);
    auto out = std::move(w).take();
    if (out.empty())
        return core::make_error("too_large", "the extension does not fit the ClientHello",
                                "ClientHello.extensions", message.size());
    return out;
}

}  // namespace conformscan::wire::tls
