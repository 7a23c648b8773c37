#include "checks/tls/wire/encrypted_extensions.hpp"

#include <gtest/gtest.h>

#include "tests/unit/checks/tls/wire/wire_test_util.hpp"

namespace conformscan::wire::tls {
namespace {

using testing::Bytes;
using testing::load_tls_fixture;

TEST(EncryptedExtensionsCaptured, NginxListsItsGroupsInItsOrder) {
    const auto message = load_tls_fixture("nginx_tls13_encrypted_extensions.bin");
    ASSERT_FALSE(message.empty());
    auto ee = parse_encrypted_extensions_message(message);
    ASSERT_TRUE(ee.ok()) << ee.error().describe();
    EXPECT_EQ(ee->extension_types, (std::vector<std::uint16_t>{0x0000, 0x000a}));  // server_name, supported_groups
    ASSERT_TRUE(ee->supported_groups.has_value());
    EXPECT_EQ(*ee->supported_groups, (std::vector<std::uint16_t>{0x001d, 0x0017, 0x001e, 0x0019, 0x0018, 0x0100,
                                                                 0x0101, 0x0102, 0x0103, 0x0104}));
}

TEST(EncryptedExtensions, EmptyListHasNoGroups) {
    auto ee = parse_encrypted_extensions_message(Bytes{0x08, 0x00, 0x00, 0x02, 0x00, 0x00});
    ASSERT_TRUE(ee.ok()) << ee.error().describe();
    EXPECT_TRUE(ee->extension_types.empty());
    EXPECT_FALSE(ee->supported_groups.has_value());
}

TEST(EncryptedExtensions, OtherExtensionsAreListedAndSkipped) {
    // ALPN "h2" (16), then supported_groups [x25519].
    auto ee = parse_encrypted_extensions_message(Bytes{0x08, 0x00, 0x00, 0x13, 0x00, 0x11, 0x00, 0x10, 0x00, 0x05, 0x00,
                                                       0x03, 0x02, 'h', '2', 0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00,
                                                       0x1d});
    ASSERT_TRUE(ee.ok()) << ee.error().describe();
    EXPECT_EQ(ee->extension_types, (std::vector<std::uint16_t>{0x0010, 0x000a}));
    EXPECT_EQ(*ee->supported_groups, (std::vector<std::uint16_t>{0x001d}));
}

TEST(EncryptedExtensions, WrongMessageTypeIsRefused) {
    auto ee = parse_encrypted_extensions_message(Bytes{0x0b, 0x00, 0x00, 0x02, 0x00, 0x00});
    ASSERT_FALSE(ee.ok());
    EXPECT_EQ(ee.error().code, "unexpected_message");
    EXPECT_EQ(ee.error().where, "Handshake.msg_type");
}

TEST(EncryptedExtensions, LengthPastTheEndIsRefused) {
    auto ee = parse_encrypted_extensions_message(Bytes{0x08, 0x00, 0x00, 0x09, 0x00, 0x00});
    ASSERT_FALSE(ee.ok());
    EXPECT_EQ(ee.error().where, "Handshake.length");
}

TEST(EncryptedExtensions, TrailingBytesAfterTheExtensionsAreRefused) {
    auto ee = parse_encrypted_extensions_message(Bytes{0x08, 0x00, 0x00, 0x03, 0x00, 0x00, 0xff});
    ASSERT_FALSE(ee.ok());
    EXPECT_EQ(ee.error().where, "EncryptedExtensions");
}

TEST(EncryptedExtensions, OddGroupListIsRefused) {
    auto ee = parse_encrypted_extensions_message(
        Bytes{0x08, 0x00, 0x00, 0x09, 0x00, 0x07, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, 0x1d});
    ASSERT_FALSE(ee.ok());
    EXPECT_EQ(ee.error().where, "EncryptedExtensions.supported_groups");
}

TEST(EncryptedExtensions, EmptyGroupListIsRefused) {
    // RFC 8446 §4.2.7: NamedGroupList<2..2^16-1>.
    auto ee = parse_encrypted_extensions_message(
        Bytes{0x08, 0x00, 0x00, 0x08, 0x00, 0x06, 0x00, 0x0a, 0x00, 0x02, 0x00, 0x00});
    ASSERT_FALSE(ee.ok());
    EXPECT_EQ(ee.error().where, "EncryptedExtensions.supported_groups");
}

TEST(EncryptedExtensions, BytesAfterTheGroupListAreRefused) {
    auto ee = parse_encrypted_extensions_message(
        Bytes{0x08, 0x00, 0x00, 0x0b, 0x00, 0x09, 0x00, 0x0a, 0x00, 0x05, 0x00, 0x02, 0x00, 0x1d, 0x00});
    ASSERT_FALSE(ee.ok());
    EXPECT_EQ(ee.error().where, "EncryptedExtensions.supported_groups");
}

TEST(EncryptedExtensions, DuplicateExtensionIsRefused) {
    auto ee = parse_encrypted_extensions_message(
        Bytes{0x08, 0x00, 0x00, 0x0a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
    ASSERT_FALSE(ee.ok());
    EXPECT_EQ(ee.error().code, "duplicate_extension");
}

TEST(EncryptedExtensions, ExtensionDataPastItsListIsRefused) {
    auto ee = parse_encrypted_extensions_message(Bytes{0x08, 0x00, 0x00, 0x06, 0x00, 0x04, 0x00, 0x10, 0x00, 0x09});
    ASSERT_FALSE(ee.ok());
    EXPECT_EQ(ee.error().where, "EncryptedExtensions.extensions.data");
}

}  // namespace
}  // namespace conformscan::wire::tls
