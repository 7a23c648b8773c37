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

constexpr const char* kCheck = "tls.forward_secrecy";

class ForwardSecrecy : public ::testing::Test {
protected:
    fixtures::CheckHarness h{register_tls_checks};
};

TEST_F(ForwardSecrecy, EphemeralKeyExchangePasses) {
    fixtures::set_suites(h, suites_facts({version_suites("TLSv1.2", {0xC02F, 0xCCA8, 0x009E}),
                                          version_suites("TLSv1.3", {0x1301, 0x1302, 0x1303})}));
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_NE(o.message.find("all 6 accepted suites (TLSv1.2, TLSv1.3) have forward secrecy"),
              std::string::npos)
        << o.message;
    EXPECT_EQ(o.expected["forward_secrecy"], true);
}

TEST_F(ForwardSecrecy, StaticKeyExchangeFailsInEveryVersion) {
    // RFC 9325 §4.1: static RSA, PSK and static ECDH have no forward secrecy.
    fixtures::set_suites(h, suites_facts({version_suites("TLSv1", {0xC013, 0x002F}),
                                          version_suites("TLSv1.2", {0xC02F, 0x009C, 0x00A8, 0xC00E}),
                                          version_suites("TLSv1.3", {0x1301})}));
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::fail));
    ASSERT_EQ(o.observed["offending"].size(), 4u);
    EXPECT_EQ(o.observed["offending"][0]["version"], "TLSv1");
    EXPECT_EQ(o.observed["offending"][0]["name"], "TLS_RSA_WITH_AES_128_CBC_SHA");
    EXPECT_EQ(o.observed["offending"][0]["properties"], Json::array({"no_forward_secrecy"}));
    EXPECT_EQ(o.observed["offending"][1]["code"], "0x009c");
    EXPECT_EQ(o.observed["offending"][2]["code"], "0x00a8");
    EXPECT_EQ(o.observed["offending"][3]["code"], "0xc00e");
    EXPECT_NE(o.message.find("and 3 more offending suites"), std::string::npos) << o.message;
}

TEST_F(ForwardSecrecy, VersionsFilter) {
    fixtures::set_suites(
        h, suites_facts({version_suites("TLSv1.2", {0xC02F, 0x002F}), version_suites("TLSv1.3", {0x1301})}));
    EXPECT_TRUE(has_status(h.run(kCheck, {{"versions", {"TLSv1.3"}}}), Status::pass));
    EXPECT_TRUE(has_status(h.run(kCheck, {{"versions", {"TLSv1.2"}}}), Status::fail));
    EXPECT_TRUE(has_status(h.run(kCheck, {{"versions", {"SSLv3"}}}), Status::not_applicable));
}

TEST_F(ForwardSecrecy, AnonymousDheIsEphemeralAndUnknownSuitesAreOnlyListed) {
    // DH_anon's server key is ephemeral (anonymity is tls.cipher_suites' business).
    fixtures::set_suites(h, suites_facts({version_suites("TLSv1.2", {0x0034, 0x5A5A})}));
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::pass));
    ASSERT_EQ(o.observed["unknown"].size(), 1u);
    EXPECT_EQ(o.observed["unknown"][0]["code"], "0x5a5a");
}

TEST_F(ForwardSecrecy, Sslv2HasNoForwardSecrecy) {
    checks::tls::VersionSuites v;
    v.version = "SSLv2";
    v.suites = {{"SSL_CK_RC4_128_WITH_MD5", "0x010080"}};
    fixtures::set_suites(h, suites_facts({v}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::fail));
}

TEST_F(ForwardSecrecy, IncompleteEnumerationAndMissingFacts) {
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
    auto v = version_suites("TLSv1.2", {0xC02F, 0xC030});
    v.complete = false;
    fixtures::set_suites(h, suites_facts({v}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
    v.suites.push_back(fixtures::suite(0x002F));
    fixtures::set_suites(h, suites_facts({v}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::fail));
}

}  // namespace
}  // namespace conformscan::checks::tls
