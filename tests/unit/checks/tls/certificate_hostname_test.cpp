#include <gtest/gtest.h>

#include "checks/tls/tls_checks.hpp"
#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

constexpr const char* kCheck = "tls.certificate.hostname";

class CertificateHostname : public ::testing::Test {
protected:
    // The leaf carries `san_dns`; the name matched is `sni`.
    core::Outcome match(const std::string& sni, std::vector<std::string> san_dns,
                        const Json& with = Json::object()) {
        auto leaf = fixtures::leaf_cert("cn.example.net");
        leaf.san_dns = std::move(san_dns);
        h.set_tls(fixtures::tls_facts({leaf}, sni));
        return h.run(kCheck, with);
    }
    fixtures::CheckHarness h{register_tls_checks};
};

TEST_F(CertificateHostname, ExactDnsNameMatches) {
    auto o = match("www.example.net", {"example.net", "www.example.net"});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["name"], "www.example.net");
    EXPECT_EQ(o.observed["name_source"], "sni");
    EXPECT_EQ(o.observed["matched"], "www.example.net");
    EXPECT_EQ(o.observed["matched_by"], "san_dns");
    EXPECT_EQ(o.observed["san_dns"], Json::array({"example.net", "www.example.net"}));
    EXPECT_EQ(o.observed["common_name"], "cn.example.net");
    EXPECT_TRUE(o.observed.contains("san_ip"));
}

TEST_F(CertificateHostname, ComparisonIgnoresCaseAndTrailingDot) {
    // RFC 6125 §6.4.1
    EXPECT_TRUE(has_status(match("WWW.Example.NET", {"www.example.net"}), Status::pass));
    EXPECT_TRUE(has_status(match("www.example.net.", {"www.example.net"}), Status::pass));
    EXPECT_TRUE(has_status(match("www.example.net", {"WWW.EXAMPLE.NET."}), Status::pass));
    EXPECT_TRUE(has_status(match("www.example.net", {"example.net", "ww.example.net"}), Status::fail));
}

TEST_F(CertificateHostname, WildcardCoversExactlyOneLeftMostLabel) {
    // RFC 6125 §6.4.3
    EXPECT_TRUE(has_status(match("www.example.net", {"*.example.net"}), Status::pass));
    EXPECT_TRUE(has_status(match("WWW.example.net.", {"*.Example.net"}), Status::pass));
    EXPECT_TRUE(has_status(match("example.net", {"*.example.net"}), Status::fail));
    EXPECT_TRUE(has_status(match("a.b.example.net", {"*.example.net"}), Status::fail));
    EXPECT_TRUE(has_status(match(".example.net", {"*.example.net"}), Status::fail));
}

TEST_F(CertificateHostname, PartialOrNonLeftMostWildcardsNeverMatch) {
    EXPECT_TRUE(has_status(match("www.example.net", {"w*.example.net"}), Status::fail));
    EXPECT_TRUE(has_status(match("www.example.net", {"*w.example.net"}), Status::fail));
    EXPECT_TRUE(has_status(match("www.example.net", {"www.*.net"}), Status::fail));
    EXPECT_TRUE(has_status(match("www.example.net", {"*.*.net"}), Status::fail));
    EXPECT_TRUE(has_status(match("www.example.net", {"**.example.net"}), Status::fail));
}

TEST_F(CertificateHostname, WildcardNeedsAtLeastThreeLabels) {
    EXPECT_TRUE(has_status(match("example.com", {"*.com"}), Status::fail));
    EXPECT_TRUE(has_status(match("example.com.", {"*.com."}), Status::fail));
    EXPECT_TRUE(has_status(match("anything", {"*"}), Status::fail));
    EXPECT_TRUE(has_status(match("a.example.com", {"*.example.com"}), Status::pass));
}

TEST_F(CertificateHostname, ReferenceNameIsNeverAPattern) {
    EXPECT_TRUE(has_status(match("*.example.net", {"*.example.net"}), Status::fail));
}

TEST_F(CertificateHostname, WildcardsCanBeRefused) {
    auto o = match("www.example.net", {"*.example.net"}, {{"allow_wildcards", false}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("allow_wildcards is false"), std::string::npos) << o.message;
    EXPECT_EQ(o.expected["allow_wildcards"], false);
    EXPECT_TRUE(has_status(
        match("www.example.net", {"*.example.net", "www.example.net"}, {{"allow_wildcards", false}}),
        Status::pass));
}

TEST_F(CertificateHostname, FailureMessageNamesTheCandidates) {
    auto o = match("mail.example.net", {"www.example.net", "example.net"});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.message,
              "mail.example.net matches none of the certificate's DNS names [www.example.net, example.net]");
    EXPECT_EQ(o.expected["name"], "mail.example.net");
}

TEST_F(CertificateHostname, CommonNameOnlyWithFallbackAndNoDnsSan) {
    // RFC 6125 §6.4.4
    auto o = match("cn.example.net", {});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("allow_cn_fallback"), std::string::npos) << o.message;
    o = match("cn.example.net", {}, {{"allow_cn_fallback", true}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["matched_by"], "common_name");
    EXPECT_TRUE(has_status(match("other.example.net", {}, {{"allow_cn_fallback", true}}), Status::fail));
    // A DNS SAN present: the CN is ignored even with the fallback allowed.
    EXPECT_TRUE(has_status(match("cn.example.net", {"www.example.net"}, {{"allow_cn_fallback", true}}),
                           Status::fail));
}

TEST_F(CertificateHostname, IpLiteralMatchesIpSanOnly) {
    auto leaf = fixtures::leaf_cert("192.0.2.10");
    leaf.san_dns = {"192.0.2.10"};
    leaf.san_ip = {"192.0.2.10", "2001:DB8:0:0:0:0:0:10"};
    h.target().host = "192.0.2.10";
    h.set_tls(fixtures::tls_facts({leaf}));
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["matched_by"], "san_ip");
    EXPECT_EQ(o.observed["name_source"], "target");

    // IPv6 compared as an address, not as text.
    h.target().host = "2001:db8::10";
    EXPECT_TRUE(has_status(h.run(kCheck), Status::pass));
    h.target().host = "[2001:db8:0::10]";
    EXPECT_TRUE(has_status(h.run(kCheck), Status::pass));

    // A DNS SAN spelling the address does not count, nor does the CN.
    leaf.san_ip = {};
    h.set_tls(fixtures::tls_facts({leaf}));
    h.target().host = "192.0.2.10";
    o = h.run(kCheck, {{"allow_cn_fallback", true}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("no IP address SAN"), std::string::npos) << o.message;

    leaf.san_ip = {"192.0.2.11"};
    h.set_tls(fixtures::tls_facts({leaf}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::fail));
}

TEST_F(CertificateHostname, NameComesFromSniThenTarget) {
    auto leaf = fixtures::leaf_cert("www.example.net");
    h.target().host = "192.0.2.1";
    h.target().sni = "www.example.net";
    h.set_tls(fixtures::tls_facts({leaf}));  // no SNI recorded in the facts
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["name"], "www.example.net");
    EXPECT_EQ(o.observed["name_source"], "target");

    h.set_tls(fixtures::tls_facts({leaf}, "other.example.net"));  // the SNI sent wins
    o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["name"], "other.example.net");
}

TEST_F(CertificateHostname, NoNameOrNoCertificateIsAnError) {
    h.target().host = "";
    h.set_tls(fixtures::tls_facts({fixtures::leaf_cert()}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
    h.set_tls(fixtures::tls_facts({}, "www.example.net"));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
}

}  // namespace
}  // namespace conformscan::checks::tls
