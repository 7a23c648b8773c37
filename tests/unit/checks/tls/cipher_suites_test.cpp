#include <gtest/gtest.h>

#include "checks/tls/tls_checks.hpp"
#include "tests/unit/checks/tls/scan_fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::has_status;
using fixtures::suites_facts;
using fixtures::version_suites;
using Json = nlohmann::json;

constexpr const char* kCheck = "tls.cipher_suites";
constexpr std::uint16_t kGood12 = 0xC02F;   // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
constexpr std::uint16_t kGood13 = 0x1301;   // TLS_AES_128_GCM_SHA256
constexpr std::uint16_t kUnknown = 0x5A5A;  // a GREASE-like value, in no registry row

class CipherSuites : public ::testing::Test {
protected:
    core::Outcome run_suites(const std::string& version, const std::vector<std::uint16_t>& codes,
                             const Json& with) {
        fixtures::set_suites(h, suites_facts({version_suites(version, codes)}));
        return h.run(kCheck, with);
    }
    fixtures::CheckHarness h{register_tls_checks};
};

struct PropertyCase {
    std::uint16_t code;
    const char* property;
};

// Each property against a real code point that has it.
const PropertyCase kCases[] = {
    {0x0001, "null"},
    {0x0018, "anonymous"},
    {0x0003, "export"},
    {0x0005, "rc4"},
    {0x0003, "rc4"},
    {0x0009, "des"},
    {0x000A, "3des"},
    {0x0007, "idea"},
    {0x0096, "seed"},
    {0x002F, "cbc"},
    {0x000A, "cbc"},
    {0x002F, "no_forward_secrecy"},
    {0x002F, "static_rsa"},
    {0x0005, "static_rsa"},
    {0x000A, "not_recommended"},
    {0x001E, "discouraged"},
    {0x002F, "sha1_mac"},
    {0x0003, "md5_mac"},
    {0x002F, "no_aead"},
    {0xC0A0, "ccm_8"},
    {0xCCA8, "chacha20"},
    {0x0041, "camellia"},
    {0xC03C, "aria"},
    {0x00A8, "psk"},
    {0xC01A, "srp"},
    {0x00A8, "no_forward_secrecy"},
};

TEST_F(CipherSuites, EachPropertyCondemnsTheSuitesThatHaveIt) {
    for (const auto& c : kCases) {
        const Json with{{"forbid_properties", {c.property}}};
        auto o = run_suites("TLSv1.2", {kGood12, c.code}, with);
        EXPECT_TRUE(has_status(o, Status::fail)) << c.property << " 0x" << std::hex << c.code;
        ASSERT_EQ(o.observed["offending"].size(), 1u) << c.property;
        const auto& e = o.observed["offending"][0];
        EXPECT_EQ(e["version"], "TLSv1.2");
        EXPECT_EQ(e["code"], fmt::format("0x{:04x}", c.code));
        EXPECT_EQ(e["name"], std::string(wire::tls::find_cipher_suite(c.code)->name));
        EXPECT_EQ(e["properties"], Json::array({c.property})) << c.property;
        EXPECT_NE(
            o.message.find(fmt::format("TLSv1.2 accepts {} ({})", e["name"].get<std::string>(), c.property)),
            std::string::npos)
            << o.message;
    }
}

TEST_F(CipherSuites, GoodSuitesHaveNoneOfTheBadProperties) {
    const Json strict{{"forbid_properties",
                       {"null", "anonymous", "export", "rc4", "des", "3des", "idea", "seed", "cbc",
                        "no_forward_secrecy", "static_rsa", "not_recommended", "discouraged", "sha1_mac",
                        "md5_mac", "no_aead", "ccm_8", "psk", "srp"}},
                      {"min_bits", 128}};
    EXPECT_TRUE(has_status(run_suites("TLSv1.2", {kGood12, 0xC030}, strict), Status::pass));
    auto o = run_suites("TLSv1.3", {kGood13, 0x1302}, strict);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_NE(o.message.find("all 2 accepted suites (TLSv1.3)"), std::string::npos) << o.message;
    EXPECT_TRUE(
        has_status(run_suites("TLSv1.3", {0x1303}, {{"forbid_properties", {"chacha20"}}}), Status::fail));
}

TEST_F(CipherSuites, EveryCondemningPropertyIsListed) {
    // RFC 9325 §4.1 / RFC 7465: export RC4 with MD5 and static RSA.
    auto o = run_suites("TLSv1", {0x0003},
                        {{"forbid_properties", {"export", "rc4", "static_rsa", "md5_mac", "cbc"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["offending"][0]["properties"],
              Json::array({"export", "rc4", "static_rsa", "md5_mac"}));
    EXPECT_EQ(o.observed["offending"][0]["bits"], 40);
}

TEST_F(CipherSuites, MinBits) {
    // 3DES counts 112 bits: RFC 9325 §4.1's floor, not its 128-bit SHOULD.
    EXPECT_TRUE(has_status(run_suites("TLSv1.2", {0x000A}, {{"min_bits", 112}}), Status::pass));
    auto o = run_suites("TLSv1.2", {kGood12, 0x000A}, {{"min_bits", 128}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["offending"][0]["properties"], Json::array({"bits 112 < 128"}));
    EXPECT_TRUE(has_status(run_suites("TLSv1", {0x0003}, {{"min_bits", 112}}), Status::fail));
    EXPECT_TRUE(has_status(run_suites("TLSv1.2", {0x0001}, {{"min_bits", 1}}), Status::fail));
    EXPECT_TRUE(has_status(run_suites("TLSv1.2", {0x0001}, {{"min_bits", 0}}), Status::pass));
    EXPECT_FALSE(h.params(kCheck, {{"min_bits", -1}}).ok());
}

TEST_F(CipherSuites, AllowListByIanaOrOpensslNameOrCode) {
    const Json allowed{{"allowed", {"TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"}}};
    fixtures::set_suites(
        h, suites_facts({version_suites("TLSv1.2", {kGood12}), version_suites("TLSv1.3", {kGood13})}));
    EXPECT_TRUE(has_status(h.run(kCheck, allowed), Status::pass));
    auto o = run_suites("TLSv1.2", {kGood12, 0x002F}, allowed);
    EXPECT_TRUE(has_status(o, Status::fail));
    ASSERT_EQ(o.observed["offending"].size(), 1u);
    EXPECT_EQ(o.observed["offending"][0]["name"], "TLS_RSA_WITH_AES_128_CBC_SHA");
    EXPECT_EQ(o.observed["offending"][0]["properties"], Json::array({"not_allowed"}));
    // Code points and names compare without case.
    EXPECT_TRUE(has_status(run_suites("TLSv1.2", {kGood12, 0x002F}, {{"allowed", {"0xC02F", "aes128-sha"}}}),
                           Status::pass));
}

TEST_F(CipherSuites, ForbiddenListByIanaOrOpensslNameOrCode) {
    for (const char* name : {"TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA", "0x000a", "0x0A"}) {
        auto o = run_suites("TLSv1.2", {kGood12, 0x000A}, {{"forbidden", {name}}});
        EXPECT_TRUE(has_status(o, Status::fail)) << name;
        EXPECT_EQ(o.observed["offending"][0]["properties"], Json::array({"forbidden"})) << name;
    }
    EXPECT_TRUE(
        has_status(run_suites("TLSv1.2", {kGood12}, {{"forbidden", {"DES-CBC3-SHA"}}}), Status::pass));
}

TEST_F(CipherSuites, VersionsFilter) {
    fixtures::set_suites(h, suites_facts({version_suites("TLSv1", {0x000A, 0x002F}),
                                          version_suites("TLSv1.2", {kGood12, 0xC030}),
                                          version_suites("TLSv1.3", {kGood13})}));
    const Json no3des{{"forbid_properties", {"3des"}}};
    auto o = h.run(kCheck, no3des);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["offending"][0]["version"], "TLSv1");
    EXPECT_EQ(o.observed["per_version"].size(), 3u);
    Json with = no3des;
    with["versions"] = {"TLSv1.2", "TLSv1.3"};
    o = h.run(kCheck, with);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["per_version"].size(), 2u);
    with["versions"] = {"TLSv1.1"};
    EXPECT_TRUE(has_status(h.run(kCheck, with), Status::not_applicable));
    EXPECT_FALSE(h.params(kCheck, {{"versions", {"TLS1.2"}}}).ok());
}

TEST_F(CipherSuites, UnknownSuitesFailOnlyTheAllowList) {
    ASSERT_EQ(wire::tls::find_cipher_suite(kUnknown), nullptr);
    const Json all_properties{
        {"forbid_properties", {"null", "no_forward_secrecy", "no_aead", "not_recommended"}},
        {"min_bits", 256}};
    auto o = run_suites("TLSv1.3", {kUnknown}, all_properties);
    EXPECT_TRUE(has_status(o, Status::pass));
    ASSERT_EQ(o.observed["unknown"].size(), 1u);
    EXPECT_EQ(o.observed["unknown"][0]["name"], "0x5a5a");
    EXPECT_NE(o.message.find("1 suite unknown to the IANA table"), std::string::npos) << o.message;
    o = run_suites("TLSv1.3", {kGood13, kUnknown}, {{"allowed", {"TLS_AES_128_GCM_SHA256"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["offending"][0]["code"], "0x5a5a");
    EXPECT_EQ(o.observed["offending"][0]["properties"], Json::array({"not_allowed"}));
    EXPECT_FALSE(o.observed["offending"][0].contains("bits"));
    EXPECT_TRUE(has_status(
        run_suites("TLSv1.3", {kGood13, kUnknown}, {{"allowed", {"TLS_AES_128_GCM_SHA256", "0x5a5a"}}}),
        Status::pass));
}

TEST_F(CipherSuites, SuitesRecordedByNameOnlyAreStillJudged) {
    auto v = version_suites("TLSv1.2", {kGood12});
    v.suites.push_back({"TLS_RSA_WITH_RC4_128_SHA", ""});
    fixtures::set_suites(h, suites_facts({v}));
    auto o = h.run(kCheck, {{"forbid_properties", {"rc4"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["offending"][0]["name"], "TLS_RSA_WITH_RC4_128_SHA");
}

TEST_F(CipherSuites, Sslv2CipherKindsAreJudged) {
    checks::tls::VersionSuites v;
    v.version = "SSLv2";
    v.suites = {{"SSL_CK_DES_192_EDE3_CBC_WITH_MD5", "0x0700c0"},
                {"SSL_CK_RC4_128_EXPORT40_WITH_MD5", "0x020080"}};
    v.preference = "client";
    fixtures::set_suites(h, suites_facts({v}));
    auto o = h.run(kCheck, {{"forbid_properties", {"3des", "export", "md5_mac", "no_forward_secrecy"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    ASSERT_EQ(o.observed["offending"].size(), 2u);
    EXPECT_EQ(o.observed["offending"][0]["properties"],
              Json::array({"3des", "md5_mac", "no_forward_secrecy"}));
    EXPECT_EQ(o.observed["offending"][1]["properties"],
              Json::array({"export", "md5_mac", "no_forward_secrecy"}));
    EXPECT_EQ(o.observed["offending"][1]["bits"], 40);
    EXPECT_TRUE(o.observed["unknown"].empty());
    // Listed in the parameter's order.
    EXPECT_NE(o.message.find("and 1 more offending suites"), std::string::npos) << o.message;
}

TEST_F(CipherSuites, IncompleteEnumerationIsAnErrorUnlessSomethingOffends) {
    auto v = version_suites("TLSv1.2", {kGood12, 0xC030});
    v.complete = false;
    v.note = "connection budget reached";
    fixtures::set_suites(h, suites_facts({v}));
    auto o = h.run(kCheck, {{"forbid_properties", {"cbc"}}});
    EXPECT_TRUE(has_status(o, Status::error));
    EXPECT_NE(o.message.find("TLSv1.2: connection budget reached"), std::string::npos) << o.message;
    EXPECT_EQ(o.observed["incomplete"][0]["version"], "TLSv1.2");
    EXPECT_TRUE(
        has_status(h.run(kCheck, {{"forbid_properties", {"no_aead"}}, {"min_bits", 256}}), Status::fail));
}

TEST_F(CipherSuites, ParametersAreCheckedWhenTheProfileLoads) {
    auto p = h.params(kCheck, Json::object());
    ASSERT_TRUE(p.ok());
    EXPECT_EQ((*p)["forbid_properties"], Json::array());
    EXPECT_EQ((*p)["min_bits"], 0);
    EXPECT_EQ((*p)["allowed"], Json::array());
    EXPECT_EQ((*p)["forbidden"], Json::array());
    EXPECT_EQ((*p)["versions"], Json::array());
    EXPECT_FALSE(h.params(kCheck, {{"forbid_properties", {"weak"}}}).ok());
    auto typo = h.params(kCheck, {{"forbidden", {"DES-CBC3-SHA1"}}});
    ASSERT_FALSE(typo.ok());
    EXPECT_NE(typo.error().message.find("unknown cipher suite 'DES-CBC3-SHA1'"), std::string::npos);
    EXPECT_FALSE(h.params(kCheck, {{"allowed", {"0xZZ"}}}).ok());
    EXPECT_TRUE(h.params(kCheck, {{"allowed", {"SSL_CK_RC4_128_WITH_MD5", "tls_aes_128_gcm_sha256"}}}).ok());
}

TEST_F(CipherSuites, DefaultsPassAnythingAndMissingFactsAreErrors) {
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
    EXPECT_TRUE(has_status(run_suites("TLSv1", {0x0001, 0x0003}, Json::object()), Status::pass));
    h.set("tls_suites", Json{{"per_version", "TLSv1.2"}});
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
    fixtures::set_suites(h, suites_facts({}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
    fixtures::set_suites(h, suites_facts({version_suites("TLSv1.2", {})}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
}

}  // namespace
}  // namespace conformscan::checks::tls
