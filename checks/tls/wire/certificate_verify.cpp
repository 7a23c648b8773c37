#include "checks/tls/wire/certificate_verify.hpp"

#include <fmt/format.h>

#include "checks/tls/wire/reader_util.hpp"
#include "scanner/core/byte_reader.hpp"

namespace conformscan::wire::tls {

namespace {

// RFC 8446 §4.4.3 (the same layout as TLS 1.2's digitally-signed, RFC 5246 §4.7).
core::Result<CertificateVerify> parse_body(core::ByteReader& reader) {
    auto scheme = in_field(reader.u16(), "CertificateVerify.algorithm");
    if (!scheme) return scheme.error();
    auto signature = in_field(reader.vector(2), "CertificateVerify.signature");
    if (!signature) return signature.error();
    if (auto done = in_field(reader.expect_done(), "CertificateVerify"); !done) return done.error();
    CertificateVerify out;
    out.scheme = *scheme;
    out.signature.assign(signature->begin(), signature->end());
    return out;
}

}  // namespace

core::Result<CertificateVerify> parse_certificate_verify(std::span<const std::uint8_t> body) {
    core::ByteReader reader(body, "CertificateVerify");
    return parse_body(reader);
}

core::Result<CertificateVerify> parse_certificate_verify_message(std::span<const std::uint8_t> message) {
    core::ByteReader reader(message, "Handshake");
    auto type = in_field(reader.u8(), "Handshake.msg_type");
    if (!type) return type.error();
    if (*type != kCertificateVerifyType)
        return core::make_error("unexpected_message",
                                fmt::format("handshake type {} is not certificate_verify (15)", *type),
                                "Handshake.msg_type", 0);
    auto length = in_field(reader.u24(), "Handshake.length");
    if (!length) return length.error();
    auto body = in_field(reader.sub(*length, "CertificateVerify"), "Handshake.length");
    if (!body) return body.error();
    if (auto done = in_field(reader.expect_done(), "Handshake"); !done) return done.error();
    return parse_body(*body);
}

}  // namespace conformscan::wire::tls
