// Chain verification and certificate facts on chains built in memory: trust is
// judged apart from dates and key/hash strength.
#include "checks/tls/chain_verify.hpp"

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "checks/tls/certificate_facts.hpp"
#include "checks/tls/openssl_ptr.hpp"

namespace conformscan::checks::tls {
namespace {

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<&EVP_PKEY_free>>;

constexpr long kDay = 86400;

struct Issued {
    EvpPkeyPtr key;
    X509Ptr cert;
};

struct CertSpec {
    std::string cn;
    bool ca = false;
    int rsa_bits = 0;         // 0: an EC P-256 key (fast to generate)
    long not_before = -kDay;  // seconds from now
    long not_after = 30 * kDay;
    const EVP_MD* md = EVP_sha256();
};

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    ASSERT_NE(ext, nullptr);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

// A certificate for `spec`, signed by `issuer` (self-signed when null).
Issued issue(const CertSpec& spec, const Issued* issuer) {
    static long serial = 1;
    Issued out;
    out.key.reset(spec.rsa_bits > 0 ? EVP_RSA_gen(static_cast<unsigned>(spec.rsa_bits))
                                    : EVP_EC_gen("prime256v1"));
    out.cert.reset(X509_new());
    X509* c = out.cert.get();
    X509_set_version(c, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c), serial++);
    X509_NAME* name = X509_get_subject_name(c);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(spec.cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(c, issuer != nullptr ? X509_get_subject_name(issuer->cert.get()) : name);
    X509_gmtime_adj(X509_getm_notBefore(c), spec.not_before);
    X509_gmtime_adj(X509_getm_notAfter(c), spec.not_after);
    X509_set_pubkey(c, out.key.get());
    X509* issuer_cert = issuer != nullptr ? issuer->cert.get() : c;
    add_extension(c, issuer_cert, NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "CA:FALSE");
    add_extension(c, issuer_cert, NID_subject_key_identifier, "hash");
    if (!spec.ca) add_extension(c, issuer_cert, NID_subject_alt_name, ("DNS:" + spec.cn).c_str());
    EVP_PKEY* signing_key = issuer != nullptr ? issuer->key.get() : out.key.get();
    EXPECT_GT(X509_sign(c, signing_key, spec.md), 0);
    return out;
}

class ChainVerify : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = std::filesystem::temp_directory_path() / ("conformscan-chain-" + std::to_string(::getpid()));
        std::filesystem::create_directories(m_dir);
        m_root = issue({.cn = "Test Root", .ca = true, .not_after = 3650 * kDay}, nullptr);
        m_intermediate = issue({.cn = "Test Intermediate", .ca = true}, &m_root);
        m_root_file = write_pem("root.pem", m_root.cert.get());
    }
    void TearDown() override {
        std::error_code ignored;
        std::filesystem::remove_all(m_dir, ignored);
    }

    std::string write_pem(const std::string& name, X509* cert) {
        const std::string path = (m_dir / name).string();
        BioPtr bio(BIO_new_file(path.c_str(), "w"));
        EXPECT_TRUE(bio && PEM_write_bio_X509(bio.get(), cert) == 1);
        return path;
    }

    // verify_chain over the certificates as a server would present them.
    TlsFacts::Verification verify(std::vector<X509*> presented, const std::string& ca_file) {
        X509StackPtr stack(sk_X509_new_null());
        for (X509* c : presented) sk_X509_push(stack.get(), c);
        auto v = verify_chain(stack.get(), ca_file);
        EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().describe());
        return v.ok() ? *v : TlsFacts::Verification{};
    }

    static bool has_issue(const TlsFacts::Verification& v, int code, int depth) {
        for (const auto& i : v.issues)
            if (i.code == code && i.depth == depth && !i.reason.empty()) return true;
        return false;
    }

    std::filesystem::path m_dir;
    Issued m_root;
    Issued m_intermediate;
    std::string m_root_file;
};

TEST_F(ChainVerify, TrustsAChainThroughAnIntermediate) {
    const auto leaf = issue({.cn = "www.example.net"}, &m_intermediate);
    const auto v = verify({leaf.cert.get(), m_intermediate.cert.get()}, m_root_file);
    EXPECT_TRUE(v.trusted);
    EXPECT_TRUE(v.issues.empty());
    EXPECT_EQ(v.trust_store, m_root_file);
    EXPECT_EQ(v.verified_chain,
              (std::vector<std::string>{"CN=www.example.net", "CN=Test Intermediate", "CN=Test Root"}));
}

TEST_F(ChainVerify, KeepsDatesOutOfTrust) {
    const auto expired =
        issue({.cn = "old.example.net", .not_before = -30 * kDay, .not_after = -kDay}, &m_root);
    const auto future =
        issue({.cn = "new.example.net", .not_before = 10 * kDay, .not_after = 40 * kDay}, &m_root);
    for (X509* cert : {expired.cert.get(), future.cert.get()}) {
        const auto v = verify({cert}, m_root_file);
        EXPECT_TRUE(v.trusted);
        EXPECT_TRUE(v.issues.empty());
    }
}

TEST_F(ChainVerify, KeepsKeyAndHashStrengthOutOfTrust) {
    // RSA-1024 and SHA-1 all the way up, the anchor included.
    const auto weak_root =
        issue({.cn = "Weak Root", .ca = true, .rsa_bits = 1024, .md = EVP_sha1()}, nullptr);
    const auto weak = issue({.cn = "weak.example.net", .rsa_bits = 1024, .md = EVP_sha1()}, &weak_root);
    const auto v = verify({weak.cert.get()}, write_pem("weak-root.pem", weak_root.cert.get()));
    EXPECT_TRUE(v.trusted);
    EXPECT_TRUE(v.issues.empty());

    const auto facts = certificate_facts(weak.cert.get());
    EXPECT_EQ(facts.key.type, "RSA");
    EXPECT_EQ(facts.key.bits, 1024);
    EXPECT_EQ(facts.signature.algorithm, "sha1WithRSAEncryption");
    EXPECT_EQ(facts.signature.hash, "sha1");
    EXPECT_EQ(facts.signature.key_type, "RSA");
    EXPECT_FALSE(facts.self_signed);
    EXPECT_FALSE(facts.is_ca);
    EXPECT_EQ(facts.san_dns, std::vector<std::string>{"weak.example.net"});
}

TEST_F(ChainVerify, RefusesAMissingIntermediate) {
    const auto leaf = issue({.cn = "www.example.net"}, &m_intermediate);
    const auto v = verify({leaf.cert.get()}, m_root_file);
    EXPECT_FALSE(v.trusted);
    EXPECT_TRUE(has_issue(v, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 0)) << v.issues.size();
    EXPECT_TRUE(v.verified_chain.empty());
}

TEST_F(ChainVerify, RefusesAnUnknownRoot) {
    const auto other_root = issue({.cn = "Other Root", .ca = true}, nullptr);
    const auto leaf = issue({.cn = "www.example.net"}, &other_root);
    const auto v = verify({leaf.cert.get()}, m_root_file);
    EXPECT_FALSE(v.trusted);
    EXPECT_TRUE(has_issue(v, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 0));

    // The root sent along does not help: it is not an anchor.
    const auto with_root = verify({leaf.cert.get(), other_root.cert.get()}, m_root_file);
    EXPECT_FALSE(with_root.trusted);
    EXPECT_TRUE(has_issue(with_root, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, 1));
}

TEST_F(ChainVerify, RefusesASelfSignedLeaf) {
    const auto self = issue({.cn = "self.example.net"}, nullptr);
    const auto v = verify({self.cert.get()}, m_root_file);
    EXPECT_FALSE(v.trusted);
    EXPECT_TRUE(has_issue(v, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, 0));
    const auto facts = certificate_facts(self.cert.get());
    EXPECT_TRUE(facts.self_signed);
    EXPECT_EQ(facts.key.type, "EC");
    EXPECT_EQ(facts.key.curve, "prime256v1");
    EXPECT_EQ(facts.signature.algorithm, "ecdsa-with-SHA256");
    EXPECT_EQ(facts.signature.hash, "sha256");
}

TEST_F(ChainVerify, FailsOnAnUnreadableTrustStore) {
    X509StackPtr stack(sk_X509_new_null());
    auto v = verify_chain(stack.get(), (m_dir / "missing.pem").string());
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().code, "trust_store");
}

TEST(CertificateFacts, EscapesWhatIsNotCleanUtf8) {
    EXPECT_EQ(safe_text("www.example.net"), "www.example.net");
    EXPECT_EQ(safe_text("b\xc3\xa9ta"), "b\xc3\xa9ta");
    EXPECT_EQ(safe_text(std::string("evil\0.com", 9)), "evil\\x00.com");
    EXPECT_EQ(safe_text("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
    EXPECT_EQ(safe_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
    EXPECT_EQ(safe_text("trunc\xe2\x82"), "trunc\\xe2\\x82");
}

}  // namespace
}  // namespace conformscan::checks::tls
