#include "checks/tls/signature_algorithms.hpp"

#include <gtest/gtest.h>

#include "checks/tls/sigalg_facts.hpp"
#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

constexpr const char* kCheck = "tls.signature_algorithms";

void register_only_this(core::CheckRegistry& r) { core::must_add(r, signature_algorithms_check()); }

VersionSigalgs version(std::string name, std::vector<std::string> schemes, std::string sha1 = "refused") {
    VersionSigalgs v;
    v.version = std::move(name);
    v.schemes = std::move(schemes);
    v.sha1 = std::move(sha1);
    v.connections = static_cast<int>(v.schemes.size()) + 2;
    return v;
}

TlsSigalgsFacts facts(std::vector<VersionSigalgs> per_version) {
    TlsSigalgsFacts f;
    f.per_version = std::move(per_version);
    for (const auto& pv : f.per_version) {
        if (pv.sha1 == "accepted") f.sha1_accepted = true;
        for (const auto& s : pv.schemes)
            if (std::find(f.accepted.begin(), f.accepted.end(), s) == f.accepted.end()) f.accepted.push_back(s);
    }
    return f;
}

class SignatureAlgorithms : public ::testing::Test {
protected:
    core::Outcome run(const TlsSigalgsFacts& f, const Json& with = Json::object()) {
        h.set("tls_sigalgs", Json(f));
        return h.run(kCheck, with);
    }
    static std::vector<std::string> offending(const core::Outcome& o) {
        std::vector<std::string> out;
        for (const auto& e : o.observed["offending"])
            out.push_back(e["version"].get<std::string>() + " " + e["scheme"].get<std::string>());
        return out;
    }
    fixtures::CheckHarness h{register_only_this};
};

// The lab's nginx with an RSA key at OpenSSL's default security level.
const TlsSigalgsFacts kModernRsa = facts(
    {version("TLSv1.2", {"rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512", "rsa_pkcs1_sha256",
                         "rsa_pkcs1_sha384", "rsa_pkcs1_sha512", "rsa_pkcs1_sha224"}),
     version("TLSv1.3", {"rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha512"})});

TEST_F(SignatureAlgorithms, ModernServerPassesTheDefaults) {
    auto o = run(kModernRsa);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["offending"], Json::array());
    EXPECT_EQ(o.expected["forbid_properties"], Json::array({"md5", "sha1", "rsa_pkcs1_tls13"}));
}

TEST_F(SignatureAlgorithms, Sha1InTls12FailsByDefault) {
    auto f = facts({version("TLSv1.2", {"rsa_pkcs1_sha256", "rsa_pkcs1_sha1"}, "accepted")});
    auto o = run(f);
    ASSERT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(offending(o), std::vector<std::string>{"TLSv1.2 rsa_pkcs1_sha1"});
    EXPECT_EQ(o.observed["offending"][0]["reasons"], Json::array({"sha1"}));
    EXPECT_NE(o.message.find("rsa_pkcs1_sha1"), std::string::npos);
    // Allowed when the profile does not forbid it.
    EXPECT_TRUE(has_status(run(f, {{"forbid_properties", Json::array()}}), Status::pass));
}

TEST_F(SignatureAlgorithms, RsaPkcs1IsForbiddenOnlyInTls13) {
    auto f = facts({version("TLSv1.2", {"rsa_pkcs1_sha256"}), version("TLSv1.3", {"rsa_pkcs1_sha256"})});
    auto o = run(f);
    ASSERT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(offending(o), std::vector<std::string>{"TLSv1.3 rsa_pkcs1_sha256"});
    EXPECT_EQ(o.observed["offending"][0]["reasons"], Json::array({"rsa_pkcs1_tls13"}));
}

TEST_F(SignatureAlgorithms, MinHashBitsJudgesTheHashButNotEdDsa) {
    auto f = facts({version("TLSv1.2", {"ed25519", "ecdsa_secp256r1_sha256", "rsa_pkcs1_sha224"})});
    EXPECT_TRUE(has_status(run(f, {{"min_hash_bits", 224}}), Status::pass));
    auto o = run(f, {{"min_hash_bits", 256}});
    ASSERT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(offending(o), std::vector<std::string>{"TLSv1.2 rsa_pkcs1_sha224"});
    EXPECT_EQ(o.observed["offending"][0]["reasons"], Json::array({"hash bits 224 < 256"}));
}

TEST_F(SignatureAlgorithms, PropertiesComeFromTheIanaTable) {
    auto f = facts({version("TLSv1.2", {"rsa_pss_rsae_sha256", "dsa_sha256", "ecdsa_sha224", "0x0a0a"})});
    auto o = run(f, {{"forbid_properties", {"dsa", "not_recommended", "discouraged", "unknown"}}});
    ASSERT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(offending(o), (std::vector<std::string>{"TLSv1.2 dsa_sha256", "TLSv1.2 ecdsa_sha224", "TLSv1.2 0x0a0a"}));
    EXPECT_EQ(o.observed["offending"][0]["reasons"], Json::array({"dsa", "not_recommended"}));
    EXPECT_EQ(o.observed["offending"][1]["reasons"], Json::array({"not_recommended", "discouraged"}));
    EXPECT_EQ(o.observed["offending"][2]["reasons"], Json::array({"unknown", "not_recommended"}));
}

TEST_F(SignatureAlgorithms, AllowListAndForbiddenNames) {
    auto allowed = run(kModernRsa, {{"versions", {"TLSv1.3"}},
                                    {"allowed", {"rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "0x0806"}}});
    EXPECT_TRUE(has_status(allowed, Status::pass));
    auto narrow = run(kModernRsa, {{"allowed", {"rsa_pss_rsae_sha256"}}});
    ASSERT_TRUE(has_status(narrow, Status::fail));
    EXPECT_EQ(offending(narrow).size(), 8u);  // 6 in TLS 1.2, 2 in TLS 1.3
    auto forbidden = run(kModernRsa, {{"forbidden", {"rsa_pkcs1_sha224", "0x0805"}}});
    ASSERT_TRUE(has_status(forbidden, Status::fail));
    EXPECT_EQ(offending(forbidden), (std::vector<std::string>{"TLSv1.2 rsa_pss_rsae_sha384",
                                                              "TLSv1.2 rsa_pkcs1_sha224",
                                                              "TLSv1.3 rsa_pss_rsae_sha384"}));
}

TEST_F(SignatureAlgorithms, VersionsLimitWhatIsJudged) {
    auto f = facts({version("TLSv1.2", {"rsa_pkcs1_sha1"}, "accepted"), version("TLSv1.3", {"ed25519"})});
    EXPECT_TRUE(has_status(run(f), Status::fail));
    EXPECT_TRUE(has_status(run(f, {{"versions", {"TLSv1.3"}}}), Status::pass));
    EXPECT_TRUE(has_status(run(f, {{"versions", {"TLSv1.1"}}}), Status::not_applicable));
}

TEST_F(SignatureAlgorithms, UnofferedSchemeFailsUnlessAllowed) {
    auto v = version("TLSv1.2", {"rsa_pss_rsae_sha256"});
    v.unoffered = "rsa_pkcs1_sha256";
    auto f = facts({v});
    auto o = run(f);
    ASSERT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["offending"][0]["reasons"], Json::array({"unoffered"}));
    EXPECT_NE(o.message.find("unasked"), std::string::npos);
    EXPECT_TRUE(has_status(run(f, {{"forbid_unoffered", false}}), Status::pass));
    // The unoffered scheme is judged by the policy too.
    v.unoffered = "rsa_pkcs1_sha1";
    auto sha1 = run(facts({v}), {{"forbid_unoffered", false}});
    ASSERT_TRUE(has_status(sha1, Status::fail));
    EXPECT_EQ(sha1.observed["offending"][0]["reasons"], Json::array({"sha1"}));
}

TEST_F(SignatureAlgorithms, StaticRsaOnlyIsNotApplicable) {
    auto v = version("TLSv1.2", {}, "not_observable");
    v.observable = false;
    v.note = "not observable: no ECDHE or DHE suite is accepted with TLS 1.2";
    EXPECT_TRUE(has_status(run(facts({v})), Status::not_applicable));
    EXPECT_TRUE(has_status(run(facts({})), Status::not_applicable));
    // ... but TLS 1.3 is still judged.
    auto o = run(facts({v, version("TLSv1.3", {"rsa_pss_rsae_sha256"})}));
    EXPECT_TRUE(has_status(o, Status::pass));
}

TEST_F(SignatureAlgorithms, IncompleteEnumerationIsAnErrorUnlessSomethingFails) {
    auto v = version("TLSv1.2", {"rsa_pss_rsae_sha256"}, "unknown");
    v.complete = false;
    v.note = "no answer within 5000 ms";
    auto o = run(facts({v}));
    ASSERT_TRUE(has_status(o, Status::error));
    EXPECT_NE(o.message.find("no answer within 5000 ms"), std::string::npos);
    v.schemes.push_back("rsa_pkcs1_md5");
    EXPECT_TRUE(has_status(run(facts({v})), Status::fail));
}

TEST_F(SignatureAlgorithms, UnknownSha1IsAnErrorOnlyWhenSha1IsForbidden) {
    auto f = facts({version("TLSv1.3", {"rsa_pss_rsae_sha256"}, "unknown")});
    EXPECT_TRUE(has_status(run(f), Status::error));
    EXPECT_TRUE(has_status(run(f, {{"forbid_properties", {"md5"}}}), Status::pass));
}

TEST_F(SignatureAlgorithms, MisspeltNamesAreRefusedWhenTheProfileLoads) {
    auto p = h.params(kCheck, {{"forbidden", {"rsa_pkcs1_sha1", "rsa_pkcs_sha1"}}});
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.error().describe().find("rsa_pkcs_sha1"), std::string::npos);
    EXPECT_FALSE(h.params(kCheck, {{"forbid_properties", {"sha3"}}}).ok());
    EXPECT_FALSE(h.params(kCheck, {{"min_hash_bits", -1}}).ok());
    EXPECT_TRUE(h.params(kCheck, {{"allowed", {"0x0804", "ed25519"}}}).ok());
}

TEST_F(SignatureAlgorithms, MalformedFactsAreAnError) {
    h.set("tls_sigalgs", Json{{"per_version", "TLSv1.2"}});
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
}

}  // namespace
}  // namespace conformscan::checks::tls
