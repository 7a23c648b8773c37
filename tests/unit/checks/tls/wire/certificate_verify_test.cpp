#include "checks/tls/wire/certificate_verify.hpp"

#include <gtest/gtest.h>

#include "tests/unit/checks/tls/wire/wire_test_util.hpp"

namespace conformscan::wire::tls {
namespace {

using testing::Bytes;
using testing::load_tls_fixture;

TEST(CertificateVerifyCaptured, NginxRsaLeafSignsWithRsaPssRsaeSha256) {
    const auto message = load_tls_fixture("nginx_tls13_certificate_verify_rsa.bin");
    ASSERT_FALSE(message.empty());
    auto cv = parse_certificate_verify_message(message);
    ASSERT_TRUE(cv.ok()) << cv.error().describe();
    EXPECT_EQ(cv->scheme, 0x0804);
    EXPECT_EQ(cv->signature.size(), 256u);  // RSA-2048
}

TEST(CertificateVerifyCaptured, NginxEcdsaLeafSignsWithEcdsaSecp256r1Sha256) {
    const auto message = load_tls_fixture("nginx_tls13_certificate_verify_ecdsa.bin");
    ASSERT_FALSE(message.empty());
    auto cv = parse_certificate_verify_message(message);
    ASSERT_TRUE(cv.ok()) << cv.error().describe();
    EXPECT_EQ(cv->scheme, 0x0403);
    ASSERT_FALSE(cv->signature.empty());
    EXPECT_EQ(cv->signature[0], 0x30);  // a DER SEQUENCE (r, s)
    // The body alone parses the same.
    auto body = parse_certificate_verify(std::span(message).subspan(4));
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(body->signature, cv->signature);
}

TEST(CertificateVerify, EmptySignatureIsSyntacticallyValid) {
    auto cv = parse_certificate_verify(Bytes{0x08, 0x07, 0x00, 0x00});
    ASSERT_TRUE(cv.ok());
    EXPECT_EQ(cv->scheme, 0x0807);
    EXPECT_TRUE(cv->signature.empty());
}

TEST(CertificateVerifyMalformed, ErrorsNameTheField) {
    struct Case {
        const char* what;
        Bytes body;
        const char* where;
    };
    const Case cases[] = {
        {"empty", {}, "CertificateVerify.algorithm"},
        {"half a scheme", {0x08}, "CertificateVerify.algorithm"},
        {"no signature length", {0x08, 0x04}, "CertificateVerify.signature"},
        {"signature length past the end", {0x08, 0x04, 0x00, 0x03, 0xaa, 0xbb}, "CertificateVerify.signature"},
        {"trailing byte", {0x08, 0x04, 0x00, 0x01, 0xaa, 0xbb}, "CertificateVerify"},
    };
    for (const auto& c : cases) {
        auto cv = parse_certificate_verify(c.body);
        ASSERT_FALSE(cv.ok()) << c.what;
        EXPECT_EQ(cv.error().where, c.where) << c.what << ": " << cv.error().describe();
    }
}

TEST(CertificateVerifyMalformed, MessageHeaderMustMatch) {
    // Not type 15.
    auto wrong_type = parse_certificate_verify_message(Bytes{0x0b, 0x00, 0x00, 0x04, 0x08, 0x04, 0x00, 0x00});
    ASSERT_FALSE(wrong_type.ok());
    EXPECT_EQ(wrong_type.error().code, "unexpected_message");
    // Length longer than the bytes given.
    auto short_body = parse_certificate_verify_message(Bytes{0x0f, 0x00, 0x00, 0x09, 0x08, 0x04, 0x00, 0x00});
    ASSERT_FALSE(short_body.ok());
    EXPECT_EQ(short_body.error().where, "Handshake.length");
    // Bytes after the message.
    auto trailing = parse_certificate_verify_message(Bytes{0x0f, 0x00, 0x00, 0x04, 0x08, 0x04, 0x00, 0x00, 0x00});
    ASSERT_FALSE(trailing.ok());
    EXPECT_EQ(trailing.error().where, "Handshake");
    // A body error reports its offset within the whole message.
    auto bad_body = parse_certificate_verify_message(Bytes{0x0f, 0x00, 0x00, 0x04, 0x08, 0x04, 0x00, 0x05});
    ASSERT_FALSE(bad_body.ok());
    EXPECT_EQ(bad_body.error().where, "CertificateVerify.signature");
    EXPECT_GE(bad_body.error().offset, 6u);
    EXPECT_FALSE(parse_certificate_verify_message(Bytes{}).ok());
}

}  // namespace
}  // namespace conformscan::wire::tls
