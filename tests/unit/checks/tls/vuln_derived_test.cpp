// The verdicts tls_vulns derives from earlier facts, on hand-built facts, and
// the JSON form of its facts.
#include <gtest/gtest.h>

#include "checks/tls/vuln_derived.hpp"
#include "tests/unit/checks/tls/feature_fact_builders.hpp"
#include "tests/unit/checks/tls/scan_fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using fixtures::suites_facts;
using fixtures::version_suites;
using fixtures::versions_facts;

class DerivedVulns : public ::testing::Test {
protected:
    EarlierFacts modern() {
        EarlierFacts f;
        f.versions = versions_facts({"TLSv1.2", "TLSv1.3"});
        f.suites = suites_facts({version_suites("TLSv1.2", {0xc02f, 0xc030, 0xcca8}),
                                 version_suites("TLSv1.3", {0x1301, 0x1302})});
        f.features = fixtures::modern_features();
        f.groups = TlsGroupsFacts{};
        f.groups->tls12_version = "TLSv1.2";
        return f;
    }
    std::map<std::string, VulnerabilityFact> run(const EarlierFacts& f) { return derive_vulnerabilities(f); }
};

TEST_F(DerivedVulns, ModernServerIsVulnerableToNothing) {
    auto v = run(modern());
    for (const char* name : {"poodle", "sweet32", "freak", "logjam", "drown", "crime", "beast", "rc4",
                             "insecure_renegotiation"}) {
        ASSERT_TRUE(v.count(name)) << name;
        EXPECT_EQ(v[name].status, kNotVulnerable) << name << ": " << v[name].evidence;
        EXPECT_FALSE(v[name].evidence.empty()) << name;
        EXPECT_FALSE(v[name].cve.empty()) << name;
        EXPECT_EQ(v[name].connections, 0) << name;
    }
}

TEST_F(DerivedVulns, PoodleNeedsSslv3WithCbc) {
    auto f = modern();
    f.versions = versions_facts({"SSLv3", "TLSv1.2"});
    f.suites->per_version.insert(f.suites->per_version.begin(), version_suites("SSLv3", {0x0005}));
    auto v = run(f);
    EXPECT_EQ(v["poodle"].status, kNotVulnerable) << v["poodle"].evidence;  // RC4 only
    EXPECT_EQ(v["rc4"].status, kVulnerable);
    f.suites->per_version[0] = version_suites("SSLv3", {0x0005, 0x002f});
    v = run(f);
    EXPECT_EQ(v["poodle"].status, kVulnerable);
    EXPECT_NE(v["poodle"].evidence.find("TLS_RSA_WITH_AES_128_CBC_SHA"), std::string::npos);
    EXPECT_EQ(v["poodle"].cve, std::vector<std::string>{"CVE-2014-3566"});
    EXPECT_EQ(v["beast"].status, kVulnerable);
}

TEST_F(DerivedVulns, AnIncompleteEnumerationCannotProveAbsence) {
    auto f = modern();
    f.versions = versions_facts({"SSLv3", "TLSv1.2"});
    f.suites->per_version.insert(f.suites->per_version.begin(), version_suites("SSLv3", {0x0005}));
    f.suites->per_version[0].complete = false;
    auto v = run(f);
    EXPECT_EQ(v["poodle"].status, kInconclusive);
    EXPECT_EQ(v["sweet32"].status, kInconclusive);
    EXPECT_EQ(v["rc4"].status, kVulnerable);  // what was found still counts
}

TEST_F(DerivedVulns, Sweet32FreakAndRc4BySuiteProperties) {
    auto f = modern();
    f.suites->per_version[0] = version_suites("TLSv1.2", {0xc02f, 0x000a});
    auto v = run(f);
    EXPECT_EQ(v["sweet32"].status, kVulnerable);
    EXPECT_NE(v["sweet32"].evidence.find("TLS_RSA_WITH_3DES_EDE_CBC_SHA"), std::string::npos);
    EXPECT_EQ(v["freak"].status, kNotVulnerable);
    f.suites->per_version[0] = version_suites("TLSv1.2", {0x0003, 0x0008});  // RSA_EXPORT RC4_40, DES40
    v = run(f);
    EXPECT_EQ(v["freak"].status, kVulnerable);
    EXPECT_EQ(v["rc4"].status, kVulnerable);
    EXPECT_EQ(v["sweet32"].status, kVulnerable);  // DES40 has 64-bit blocks
    EXPECT_EQ(v["logjam"].status, kNotVulnerable);
}

TEST_F(DerivedVulns, LogjamIsDheExportAndMentionsASmallPrime) {
    auto f = modern();
    f.suites->per_version[0] = version_suites("TLSv1.2", {0x0033, 0xc02f});  // DHE-RSA-AES128-SHA
    f.groups->dh_bits = 1024;
    auto v = run(f);
    EXPECT_EQ(v["logjam"].status, kNotVulnerable);
    EXPECT_NE(v["logjam"].evidence.find("1024-bit prime"), std::string::npos) << v["logjam"].evidence;
    f.suites->per_version[0] = version_suites("TLSv1.2", {0x0014});  // DHE_RSA_EXPORT_WITH_DES40_CBC_SHA
    v = run(f);
    EXPECT_EQ(v["logjam"].status, kVulnerable);
    EXPECT_EQ(v["freak"].status, kNotVulnerable);
}

TEST_F(DerivedVulns, DrownIsSslv2OnThisEndpoint) {
    auto f = modern();
    f.versions = versions_facts({"SSLv2", "TLSv1.2"});
    auto v = run(f);
    EXPECT_EQ(v["drown"].status, kVulnerable);
    EXPECT_NE(v["drown"].evidence.find("SSLv2 is accepted"), std::string::npos);
}

TEST_F(DerivedVulns, BeastIsCbcInTls10) {
    auto f = modern();
    f.versions = versions_facts({"TLSv1", "TLSv1.2"});
    f.suites->per_version.insert(f.suites->per_version.begin(), version_suites("TLSv1", {0xc013}));
    EXPECT_EQ(run(f)["beast"].status, kVulnerable);
    f.suites->per_version[0] = version_suites("TLSv1", {0x0005});
    EXPECT_EQ(run(f)["beast"].status, kNotVulnerable);
    f.suites->per_version.erase(f.suites->per_version.begin());  // TLSv1 accepted, suites unknown
    EXPECT_EQ(run(f)["beast"].status, kInconclusive);
}

TEST_F(DerivedVulns, CrimeAndRenegotiationFromFeatures) {
    auto f = modern();
    f.features->compression = {"deflate"};
    f.features->secure_renegotiation = false;
    auto v = run(f);
    EXPECT_EQ(v["crime"].status, kVulnerable);
    EXPECT_NE(v["crime"].evidence.find("deflate"), std::string::npos);
    EXPECT_EQ(v["insecure_renegotiation"].status, kVulnerable);
    EXPECT_NE(v["insecure_renegotiation"].evidence.find("RFC 5746"), std::string::npos);

    f.features->compression.clear();
    f.features->compression_observed = false;
    EXPECT_EQ(run(f)["crime"].status, kInconclusive);

    f.features = fixtures::tls13_only_features();
    v = run(f);
    EXPECT_EQ(v["crime"].status, kVulnNotApplicable);
    EXPECT_EQ(v["insecure_renegotiation"].status, kVulnNotApplicable);

    f.features = fixtures::modern_features();
    f.features->probed_version = "SSLv3";
    f.features->not_applicable = extension_feature_names();
    v = run(f);
    EXPECT_EQ(v["insecure_renegotiation"].status, kInconclusive);
    EXPECT_EQ(v["crime"].status, kInconclusive);
}

TEST_F(DerivedVulns, MissingFactsAreInconclusive) {
    EarlierFacts f;
    f.versions_error = "tls_versions could not observe: refused";
    f.suites_error = "tls_suites facts are missing";
    f.features_error = "tls_features facts are missing";
    auto v = run(f);
    for (const auto& [name, fact] : v) {
        EXPECT_EQ(fact.status, kInconclusive) << name;
        EXPECT_FALSE(fact.evidence.empty()) << name;
    }
}

TEST_F(DerivedVulns, LoadsEarlierRecordsAndTheirErrors) {
    core::FactSet set;
    set.put(fixtures::record("tls_versions", nlohmann::json(versions_facts({"TLSv1.2"}))));
    set.put(core::ProbeRecord::failure("tls_suites", "timeout"));
    set.put(fixtures::record("tls_features", nlohmann::json{{"heartbeat", "yes"}}));  // wrong type
    auto f = load_earlier_facts(set);
    EXPECT_TRUE(f.versions.has_value());
    EXPECT_FALSE(f.suites.has_value());
    EXPECT_NE(f.suites_error.find("timeout"), std::string::npos);
    EXPECT_FALSE(f.features.has_value());
    EXPECT_FALSE(f.features_error.empty());
    EXPECT_NE(f.groups_error.find("missing"), std::string::npos);
}

TEST(VulnFacts, RoundTripAndTolerantParse) {
    TlsVulnsFacts facts;
    facts.vulnerabilities["robot"] = make_vuln("robot", kVulnerable, "oracle", 10);
    facts.vulnerabilities["robot"].details = {"correct padding: alert fatal bad_record_mac (20)"};
    facts.connections = 10;
    const nlohmann::json j = facts;
    EXPECT_EQ(j["vulnerabilities"]["robot"]["status"], "vulnerable");
    EXPECT_EQ(j["vulnerabilities"]["robot"]["cve"][0], "CVE-2017-6168");
    auto back = parse_tls_vulns_facts(j);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->vulnerabilities.at("robot").details.size(), 1u);
    EXPECT_EQ(back->connections, 10);
    EXPECT_FALSE(parse_tls_vulns_facts(nlohmann::json{{"vulnerabilities", {{"robot", 3}}}}).ok());
    EXPECT_FALSE(parse_tls_vulns_facts(nlohmann::json::array()).ok());
    EXPECT_TRUE(parse_tls_vulns_facts(nlohmann::json::object()).ok());
    EXPECT_EQ(vulnerability_names().size(), vulnerability_catalogue().size());
    EXPECT_NE(find_vulnerability("heartbleed"), nullptr);
    EXPECT_EQ(find_vulnerability("nope"), nullptr);
}

}  // namespace
}  // namespace conformscan::checks::tls
