#include "reports/signature.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "reports/json_report.hpp"

namespace conformscan::reports {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void spit(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
}

core::ScanReport sample_report() {
    core::ScanReport r;
    r.tool_version = "0.1.0";
    r.openssl_version = "OpenSSL 3";
    r.scan_id = "11111111-2222-4333-8444-555555555555";
    r.started_at = *core::parse_time("2026-11-27T10:00:00Z");
    r.finished_at = *core::parse_time("2026-11-27T10:00:05Z");
    r.as_of = r.started_at;
    r.scope_allow = {"127.0.0.1/32"};
    r.profiles = nlohmann::json::array(
        {{{"id", "p"}, {"version", "1.0.0"}, {"sha256", std::string(64, 'a')},
          {"tailoring", {{"path", "t.yaml"}, {"sha256", std::string(64, 'b')}}}}});
    core::RuleResult pass;
    pass.target_id = "127.0.0.1:443";
    pass.profile_id = "p";
    pass.rule_id = "R-1";
    pass.status = core::Status::pass;
    r.results = {pass};
    return r;
}

// One key pair and one signed report per test, in a fresh directory.
class SignatureTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / fmt::format("conformscan-signature-test-{}", ::getpid());
        fs::remove_all(dir);
        fs::create_directories(dir);
        auto pair = generate_key_pair(dir / "operator");
        ASSERT_TRUE(pair.ok()) << pair.error().describe();
        key_id = pair->key_id;
        auto other = generate_key_pair(dir / "other");
        ASSERT_TRUE(other.ok()) << other.error().describe();
        auto key = Ed25519Key::load_private(dir / "operator.key");
        ASSERT_TRUE(key.ok()) << key.error().describe();
        report_path = dir / "report.json";
        bytes = render_json(sample_report());
        spit(report_path, bytes);
        ASSERT_TRUE(write_signature(report_path, bytes, sample_report(), *key).ok());
    }
    void TearDown() override { fs::remove_all(dir); }

    VerifyResult verify(const std::string& pub = "operator.pub") { return verify_report(report_path, dir / pub); }
    nlohmann::json sig() { return nlohmann::json::parse(slurp(dir / "report.json.sig")); }

    fs::path dir;
    fs::path report_path;
    std::string bytes;
    std::string key_id;
};

TEST_F(SignatureTest, KeygenWritesPkcs8PrivateKeyMode0600AndRefusesToOverwrite) {
    struct stat st {};
    ASSERT_EQ(::stat((dir / "operator.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(slurp(dir / "operator.key").rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
    EXPECT_EQ(slurp(dir / "operator.pub").rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
    EXPECT_EQ(key_id.size(), 64u);
    const auto before = slurp(dir / "operator.key");
    auto again = generate_key_pair(dir / "operator");
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().message.find("exists"), std::string::npos);
    EXPECT_EQ(slurp(dir / "operator.key"), before);
    // The public half alone existing also stops keygen, and leaves no private key behind.
    spit(dir / "half.pub", "x");
    EXPECT_FALSE(generate_key_pair(dir / "half").ok());
    EXPECT_FALSE(fs::exists(dir / "half.key"));
    // The public key's id is the private key's id.
    auto pub = Ed25519Key::load_public(dir / "operator.pub");
    ASSERT_TRUE(pub.ok());
    EXPECT_EQ(pub->key_id(), key_id);
}

TEST_F(SignatureTest, SignatureFileRecordsTheMetadata) {
    const auto s = sig();
    EXPECT_EQ(s["format"], "conformscan-signature/1");
    EXPECT_EQ(s["algorithm"], "Ed25519");
    EXPECT_EQ(s["key_id"], key_id);
    EXPECT_EQ(s["signed_file"], "report.json");
    EXPECT_EQ(s["signed_sha256"], sha256_hex_of(bytes));
    EXPECT_EQ(s["signed_size"], bytes.size());
    EXPECT_EQ(s["scan_id"], "11111111-2222-4333-8444-555555555555");
    EXPECT_EQ(s["profiles"], nlohmann::json::parse(R"([{"id":"p","version":"1.0.0","sha256":")" +
                                                   std::string(64, 'a') + "\"}]"));
    EXPECT_EQ(s["tailoring"][0]["sha256"], std::string(64, 'b'));
    EXPECT_TRUE(s["openssl_version"].get<std::string>().find("OpenSSL") != std::string::npos);
    // The signed message: the format line, then the metadata as compact sorted ASCII JSON.
    const auto msg = signed_message(s);
    EXPECT_EQ(msg.rfind("conformscan-signature/1\n{\"algorithm\":\"Ed25519\",\"format\":", 0), 0u) << msg;
    EXPECT_EQ(msg.find("\"signature\""), std::string::npos);
}

TEST_F(SignatureTest, VerifiesAnUntouchedReport) {
    const auto v = verify();
    EXPECT_TRUE(v.ok()) << v.message;
    EXPECT_EQ(v.key_id, key_id);
    EXPECT_EQ(v.message.rfind("signature OK: key " + key_id + ", signed ", 0), 0u) << v.message;
    EXPECT_NE(v.message.find(", tool "), std::string::npos);
}

TEST_F(SignatureTest, OneFlippedByteInTheReportFails) {
    auto edited = bytes;
    edited[edited.size() / 2] ^= 0x01;
    spit(report_path, edited);
    const auto v = verify();
    EXPECT_EQ(v.status, VerifyStatus::report_modified) << v.message;
    EXPECT_NE(v.message.find("was modified after signing"), std::string::npos) << v.message;
}

TEST_F(SignatureTest, VerifiesTheBytesGivenNotTheFileOnDisk) {
    auto pub = Ed25519Key::load_public(dir / "operator.pub");
    ASSERT_TRUE(pub.ok());
    // The caller read the signed bytes; the file changing afterwards does not change the verdict on them.
    spit(report_path, bytes + " ");
    const auto good = verify_report_bytes(bytes, report_path, *pub);
    EXPECT_TRUE(good.ok()) << good.message;
    // And bytes with one flipped byte fail, whatever the file holds; messages name the file.
    spit(report_path, bytes);
    auto edited = bytes;
    edited[10] ^= 0x20;
    const auto bad = verify_report_bytes(edited, report_path, *pub);
    EXPECT_EQ(bad.status, VerifyStatus::report_modified) << bad.message;
    EXPECT_NE(bad.message.find(report_path.string()), std::string::npos) << bad.message;
    // The default signature is REPORT.sig; another path is taken when given.
    fs::rename(dir / "report.json.sig", dir / "elsewhere.sig");
    EXPECT_EQ(verify_report_bytes(bytes, report_path, *pub).status, VerifyStatus::signature_missing);
    EXPECT_TRUE(verify_report_bytes(bytes, report_path, *pub, dir / "elsewhere.sig").ok());
}

TEST_F(SignatureTest, KeyLoadersRefuseTheOtherKindWithTheirOwnMessage) {
    auto as_public = Ed25519Key::load_public(dir / "operator.key");
    ASSERT_FALSE(as_public.ok());
    EXPECT_NE(as_public.error().describe().find("operator.key: not a PEM public key (\"BEGIN PUBLIC KEY\""),
              std::string::npos)
        << as_public.error().describe();
    auto as_private = Ed25519Key::load_private(dir / "operator.pub");
    ASSERT_FALSE(as_private.ok());
    EXPECT_NE(as_private.error().describe().find("operator.pub: not a PEM private key (PKCS#8, unencrypted"),
              std::string::npos)
        << as_private.error().describe();
    auto priv = Ed25519Key::load_private(dir / "operator.key");
    auto pub = Ed25519Key::load_public(dir / "operator.pub");
    ASSERT_TRUE(priv.ok() && pub.ok());
    EXPECT_TRUE(priv->has_private());
    EXPECT_FALSE(pub->has_private());
    EXPECT_EQ(priv->key_id(), pub->key_id());
}

TEST_F(SignatureTest, TruncatedReportFails) {
    spit(report_path, bytes.substr(0, bytes.size() - 10));
    const auto v = verify();
    EXPECT_EQ(v.status, VerifyStatus::report_truncated) << v.message;
    EXPECT_NE(v.message.find("is truncated"), std::string::npos) << v.message;
}

TEST_F(SignatureTest, EditedMetadataInTheSignatureFails) {
    auto s = sig();
    s["tool_version"] = "9.9.9";
    spit(dir / "report.json.sig", s.dump(2));
    const auto v = verify();
    EXPECT_EQ(v.status, VerifyStatus::signature_invalid) << v.message;
    EXPECT_NE(v.message.find("the signature does not verify"), std::string::npos) << v.message;
    // An added member is metadata too.
    s = sig();
    s["note"] = "harmless?";
    spit(dir / "report.json.sig", s.dump(2));
    EXPECT_EQ(verify().status, VerifyStatus::signature_invalid);
}

TEST_F(SignatureTest, ReportEditedWithMatchingHashInTheSignatureFails) {
    // Whoever edits the report and puts its new hash into the .sig still cannot sign.
    auto edited = bytes;
    edited[edited.size() / 2] ^= 0x01;
    spit(report_path, edited);
    auto s = sig();
    s["signed_sha256"] = sha256_hex_of(edited);
    spit(dir / "report.json.sig", s.dump(2));
    EXPECT_EQ(verify().status, VerifyStatus::signature_invalid);
}

TEST_F(SignatureTest, WrongKeyFails) {
    const auto v = verify("other.pub");
    EXPECT_EQ(v.status, VerifyStatus::wrong_key) << v.message;
    EXPECT_NE(v.message.find("was signed with key " + key_id), std::string::npos) << v.message;
}

TEST_F(SignatureTest, WrongKeyWithForgedKeyIdFails) {
    // The key id in the .sig replaced by the other key's: the signature itself then fails.
    auto other = Ed25519Key::load_public(dir / "other.pub");
    ASSERT_TRUE(other.ok());
    auto s = sig();
    s["key_id"] = other->key_id();
    spit(dir / "report.json.sig", s.dump(2));
    EXPECT_EQ(verify("other.pub").status, VerifyStatus::signature_invalid);
}

TEST_F(SignatureTest, MissingSignatureFails) {
    fs::remove(dir / "report.json.sig");
    const auto v = verify();
    EXPECT_EQ(v.status, VerifyStatus::signature_missing) << v.message;
    EXPECT_NE(v.message.find("is not signed: no signature file"), std::string::npos) << v.message;
}

TEST_F(SignatureTest, MalformedSignatureFilesFail) {
    const auto text = slurp(dir / "report.json.sig");
    const auto malformed = [&](const std::string& content, const std::string& expect) {
        spit(dir / "report.json.sig", content);
        const auto v = verify();
        EXPECT_EQ(v.status, VerifyStatus::signature_malformed) << content;
        EXPECT_NE(v.message.find("malformed signature file: " + expect), std::string::npos) << v.message;
    };
    malformed(text.substr(0, text.size() / 2), "not valid JSON (truncated or corrupted)");
    malformed("", "not valid JSON");
    malformed("[]", "not a JSON object");
    const auto original = nlohmann::json::parse(text);
    auto s = original;
    s["format"] = "other/1";
    malformed(s.dump(), "format is not");
    s = original;
    s["signature"] = "AAAA";
    malformed(s.dump(), "signature is not 64 bytes of base64");
    s = original;
    s["signature"] = s["signature"].get<std::string>() + "!";
    malformed(s.dump(), "signature is not 64 bytes of base64");
    s = original;
    s.erase("signed_sha256");
    malformed(s.dump(), "signed_sha256 is not 64 hex digits");
    s = original;
    s["signed_size"] = -1;
    malformed(s.dump(), "signed_size is not a byte count");
}

TEST_F(SignatureTest, UnreadableReportAndKeyAreTheirOwnStatus) {
    fs::remove(report_path);
    EXPECT_EQ(verify().status, VerifyStatus::report_unreadable);
    spit(report_path, bytes);
    EXPECT_EQ(verify("nonexistent.pub").status, VerifyStatus::key_unreadable);
    // A private key is not a public key file.
    EXPECT_EQ(verify("operator.key").status, VerifyStatus::key_unreadable);
}

TEST_F(SignatureTest, SigningRefusesAPublicKeyAndNonEd25519Keys) {
    EXPECT_FALSE(Ed25519Key::load_private(dir / "operator.pub").ok());
    EXPECT_FALSE(Ed25519Key::load_private(dir / "missing.key").ok());
    spit(dir / "garbage.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    auto g = Ed25519Key::load_private(dir / "garbage.key");
    ASSERT_FALSE(g.ok());
    EXPECT_NE(g.error().describe().find("garbage.key"), std::string::npos);
    // An EC P-256 key (PKCS#8, made by the openssl tool when it is there) is refused as not Ed25519.
    const auto ec = dir / "ec.key";
    const auto cmd = fmt::format("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out {} 2>/dev/null",
                                 ec.string());
    if (std::system(cmd.c_str()) == 0) {
        auto k = Ed25519Key::load_private(ec);
        ASSERT_FALSE(k.ok());
        EXPECT_NE(k.error().message.find("not Ed25519"), std::string::npos) << k.error().message;
    }
}

}  // namespace
}  // namespace conformscan::reports
