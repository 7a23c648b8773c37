#include "checks/tls/suite_common.hpp"

#include <gtest/gtest.h>

namespace conformscan::checks::tls {
namespace {

ProtocolSupport sslv2_record(std::vector<std::string> kinds) {
    ProtocolSupport p;
    p.version = "SSLv2";
    p.accepted = !kinds.empty();
    p.evidence = "SSLv2 SERVER-HELLO";
    p.sslv2_cipher_kinds = std::move(kinds);
    return p;
}

TEST(SuiteCommon, Sslv2KindsBecomeSuitesNamedFromTheTable) {
    const auto v = sslv2_version_suites(sslv2_record({"0x010080", "0x020080", "0x0700c0", "0x7f0000"}));
    EXPECT_EQ(v.version, "SSLv2");
    EXPECT_EQ(v.preference, "client");
    EXPECT_TRUE(v.complete);
    ASSERT_EQ(v.suites.size(), 4u);
    EXPECT_EQ(v.suites[0].name, "SSL_CK_RC4_128_WITH_MD5");
    EXPECT_EQ(v.suites[1].name, "SSL_CK_RC4_128_EXPORT40_WITH_MD5");
    EXPECT_EQ(v.suites[2].name, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5");
    EXPECT_EQ(v.suites[2].code, "0x0700c0");
    EXPECT_EQ(v.suites[3].name, "0x7f0000");  // not in the table: the code stands in
}

TEST(SuiteCommon, Sslv2KindsAreJudgedByProperty) {
    const auto v = sslv2_version_suites(sslv2_record({"0x020080", "0x060040", "0x0700c0", "0x010080"}));
    const auto export40 = judge_suite(v.version, v.suites[0]);
    EXPECT_TRUE(export40.sslv2);
    EXPECT_TRUE(export40.known);
    EXPECT_TRUE(has_property(export40, "export"));
    EXPECT_TRUE(has_property(export40, "rc4"));
    EXPECT_TRUE(has_property(judge_suite(v.version, v.suites[1]), "des"));
    EXPECT_TRUE(has_property(judge_suite(v.version, v.suites[2]), "3des"));
    const auto rc4 = judge_suite(v.version, v.suites[3]);
    EXPECT_TRUE(has_property(rc4, "rc4"));
    EXPECT_FALSE(has_property(rc4, "export"));
    EXPECT_EQ(rc4.bits, 128);
}

TEST(SuiteCommon, Sslv2WithoutKindsGivesNoSuites) {
    EXPECT_TRUE(sslv2_version_suites(sslv2_record({})).suites.empty());
}

}  // namespace
}  // namespace conformscan::checks::tls
