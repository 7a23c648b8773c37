#include "reports/report_chain.hpp"

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

core::ScanReport report_with(const std::string& id, const std::string& digest) {
    core::ScanReport r;
    r.tool_version = "0.1.0";
    r.scan_id = id;
    r.started_at = *core::parse_time("2026-11-27T10:00:00Z");
    r.finished_at = r.started_at;
    r.as_of = r.started_at;
    r.config_digest = digest;
    return r;
}

class ChainTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / fmt::format("conformscan-chain-test-{}", ::getpid());
        fs::remove_all(dir);
        fs::create_directories(dir);
        ASSERT_TRUE(generate_key_pair(dir / "k").ok());
        key = std::make_unique<Ed25519Key>(*Ed25519Key::load_private(dir / "k.key"));
        pub = std::make_unique<Ed25519Key>(*Ed25519Key::load_public(dir / "k.pub"));
        out = dir / "out";
    }
    void TearDown() override { fs::remove_all(dir); }

    // What finish_report does: archive, link, write, sign.
    nlohmann::json write(const std::string& id, const std::string& digest, bool sign = true) {
        auto r = report_with(id, digest);
        auto prev = archive_previous_report(out, digest);
        EXPECT_TRUE(prev.ok()) << prev.error().describe();
        r.previous_report = *prev;
        fs::create_directories(out);
        const auto bytes = render_json(r);
        spit(out / "report.json", bytes);
        if (sign) {
            EXPECT_TRUE(write_signature(out / "report.json", bytes, r, *key).ok());
        }
        return r.previous_report;
    }

    fs::path dir, out;
    std::unique_ptr<Ed25519Key> key, pub;
};

TEST(ConfigDigest, IsStableAndSensitiveToEveryInput) {
    const nlohmann::json a = {{"targets", "x"}, {"profiles", {{{"id", "p"}, {"sha256", "1"}}}}};
    EXPECT_EQ(config_digest(a), config_digest(nlohmann::json::parse(a.dump())));
    auto b = a;
    b["profiles"][0]["sha256"] = "2";
    EXPECT_NE(config_digest(a), config_digest(b));
    EXPECT_EQ(config_digest(a).size(), 64u);
}

TEST(ConfigDigest, JudgedWithIgnoresProfileOrder) {
    core::ScanReport r1, r2;
    const nlohmann::json p = {{"id", "p"}, {"version", "1"}, {"sha256", "aa"}};
    const nlohmann::json q = {{"id", "q"}, {"version", "1"}, {"sha256", "bb"}};
    r1.profiles = {p, q};
    r2.profiles = {q, p};
    EXPECT_EQ(judged_with(r1), judged_with(r2));
    r2.waivers = {{"sha256", "cc"}};
    EXPECT_NE(judged_with(r1), judged_with(r2));
}

TEST_F(ChainTest, FirstReportHasNoPredecessor) {
    EXPECT_TRUE(write("aaaa-1", "D").is_null());
    EXPECT_FALSE(fs::exists(out / "history"));
}

TEST_F(ChainTest, SameConfigurationChainsAndKeepsTheOldReportAndSignature) {
    write("aaaa-1", "D");
    const auto first = slurp(out / "report.json");
    const auto link = write("aaaa-2", "D");
    ASSERT_FALSE(link.is_null());
    EXPECT_EQ(link["scan_id"], "aaaa-1");
    EXPECT_EQ(link["path"], "history/aaaa-1.json");
    EXPECT_EQ(link["sha256"], sha256_hex_of(first));
    EXPECT_EQ(slurp(out / "history" / "aaaa-1.json"), first);
    EXPECT_TRUE(fs::exists(out / "history" / "aaaa-1.json.sig"));
    // The moved report still verifies with its moved signature.
    EXPECT_TRUE(verify_report(out / "history" / "aaaa-1.json", *pub).ok());
}

TEST_F(ChainTest, OtherConfigurationIsArchivedButNotChained) {
    write("aaaa-1", "D");
    EXPECT_TRUE(write("aaaa-2", "E").is_null());
    EXPECT_TRUE(fs::exists(out / "history" / "aaaa-1.json"));
}

TEST_F(ChainTest, UnreadableOldReportIsKeptAndNotChained) {
    fs::create_directories(out);
    spit(out / "report.json", "{truncated");
    EXPECT_TRUE(write("aaaa-2", "D").is_null());
    EXPECT_EQ(slurp(out / "history" / ("unreadable-" + sha256_hex_of("{truncated").substr(0, 16) + ".json")),
              "{truncated");
}

TEST_F(ChainTest, VerifiesAChainOfThree) {
    write("aaaa-1", "D");
    write("aaaa-2", "D", false);  // an unsigned link is allowed, and said
    write("aaaa-3", "D");
    const auto c = verify_chain(out / "report.json", *pub);
    ASSERT_TRUE(c.ok) << c.message;
    ASSERT_EQ(c.links.size(), 3u);
    EXPECT_EQ(c.links[0].scan_id, "aaaa-3");
    EXPECT_EQ(c.links[1].detail, "sha256 OK, unsigned");
    EXPECT_EQ(c.links[2].detail, "sha256 OK, signature OK");
    EXPECT_EQ(c.message, "chain OK: 3 reports, each SHA-256 as recorded by its successor");
}

TEST_F(ChainTest, EditedHistoryReportBreaksTheChain) {
    write("aaaa-1", "D");
    write("aaaa-2", "D");
    write("aaaa-3", "D");
    auto old = slurp(out / "history" / "aaaa-1.json");
    old[old.size() / 2] ^= 0x01;
    spit(out / "history" / "aaaa-1.json", old);
    const auto c = verify_chain(out / "report.json", *pub);
    EXPECT_FALSE(c.ok);
    ASSERT_EQ(c.links.size(), 3u);
    EXPECT_NE(c.message.find("chain broken at"), std::string::npos);
    EXPECT_NE(c.message.find("aaaa-1.json: its SHA-256 is"), std::string::npos) << c.message;
}

TEST_F(ChainTest, MissingHistoryReportBreaksTheChain) {
    write("aaaa-1", "D");
    write("aaaa-2", "D");
    fs::remove(out / "history" / "aaaa-1.json");
    const auto c = verify_chain(out / "report.json", *pub);
    EXPECT_FALSE(c.ok);
    EXPECT_NE(c.message.find("cannot read"), std::string::npos) << c.message;
}

TEST_F(ChainTest, PathLeavingTheDirectoryIsRefused) {
    auto r = report_with("aaaa-9", "D");
    r.previous_report = {{"scan_id", "x"}, {"sha256", std::string(64, '0')}, {"path", "../elsewhere.json"}};
    fs::create_directories(out);
    spit(out / "report.json", render_json(r));
    const auto c = verify_chain(out / "report.json", *pub);
    EXPECT_FALSE(c.ok);
    EXPECT_NE(c.message.find("leaves the report's directory"), std::string::npos) << c.message;
}

TEST_F(ChainTest, ASiblingScanDirectoryIsFollowedButNothingHigher) {
    // scan --config writes OUT/reports/<scan>/report.json and links "../<scan>/report.json".
    auto first = report_with("aaaa-1", "D");
    fs::create_directories(out / "s1");
    spit(out / "s1" / "report.json", render_json(first));
    auto second = report_with("aaaa-2", "D");
    second.previous_report = {{"scan_id", "aaaa-1"},
                              {"sha256", sha256_hex_of(render_json(first))},
                              {"path", "../s1/report.json"}};
    fs::create_directories(out / "s2");
    spit(out / "s2" / "report.json", render_json(second));
    const auto ok = verify_chain(out / "s2" / "report.json", *pub);
    EXPECT_TRUE(ok.ok) << ok.message;
    EXPECT_EQ(ok.links.size(), 2U);

    for (const char* path : {"../../s1/report.json", "../s1/../s1/report.json", "../report.json", "./report.json"}) {
        second.previous_report["path"] = path;
        spit(out / "s2" / "report.json", render_json(second));
        const auto bad = verify_chain(out / "s2" / "report.json", *pub);
        EXPECT_FALSE(bad.ok) << path;
        EXPECT_NE(bad.message.find("leaves the report's directory"), std::string::npos) << path << ": " << bad.message;
    }
}

TEST_F(ChainTest, JsonRoundTripsTheChainFields) {
    write("aaaa-1", "D");
    write("aaaa-2", "D");
    auto parsed = read_report(out / "report.json");
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(parsed->config_digest, "D");
    EXPECT_EQ(parsed->previous_report["scan_id"], "aaaa-1");
    EXPECT_EQ(render_json(*parsed), slurp(out / "report.json"));
}

}  // namespace
}  // namespace conformscan::reports
