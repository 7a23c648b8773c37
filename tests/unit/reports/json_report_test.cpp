#include "reports/json_report.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "reports/atomic_file.hpp"
#include "reports/text_report.hpp"

namespace conformscan::reports {
namespace {

core::ScanReport sample_report() {
    core::ScanReport r;
    r.tool_version = "0.1.0";
    r.openssl_version = "OpenSSL 3.0";
    r.scan_id = "id-1";
    r.started_at = *core::parse_time("2026-11-27T10:00:00Z");
    r.finished_at = *core::parse_time("2026-11-27T10:00:05Z");
    r.as_of = r.started_at;
    r.scope_allow = {"127.0.0.1/32"};
    r.profiles = nlohmann::json::array({{{"id", "p"}, {"version", "1.0.0"}, {"sha256", "ab"}}});
    core::TargetRecord t;
    t.target.id = "127.0.0.1:443";
    t.target.host = "127.0.0.1";
    t.target.port = 443;
    core::ProbeRecord rec;
    rec.probe = "tls";
    rec.data = {{"version", "TLSv1.3"}};
    t.facts.put(rec);
    t.facts.put(core::ProbeRecord::failure("tcp", "refused"));
    r.targets.push_back(t);
    core::RuleResult pass;
    pass.target_id = t.target.id;
    pass.profile_id = "p";
    pass.rule_id = "R-1";
    pass.status = core::Status::pass;
    pass.references = {{"RFC 5280", "4.1.2.5", "", true, ""}};
    pass.guideline.summary = "renew";
    pass.guideline.fixes["nginx"] = "ssl_certificate ...";
    auto fail = pass;
    fail.rule_id = "R-2";
    fail.status = core::Status::fail;
    fail.severity = core::Severity::critical;
    fail.message = "expired";
    fail.observed = {{"not_after", "2025-01-01T00:00:00Z"}};
    auto error = pass;
    error.rule_id = "R-3";
    error.status = core::Status::error;
    error.message = "tcp probe could not observe: refused";
    r.results = {pass, fail, error};
    return r;
}

TEST(JsonReport, RoundTripsWithoutLoss) {
    const auto report = sample_report();
    const auto j = to_json(report);
    auto back = parse_report(j);
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(to_json(*back), j);
    EXPECT_EQ(j["summary"]["results"]["fail"], 1);
    EXPECT_EQ(j["summary"]["failed_by_severity"]["critical"], 1);
    EXPECT_EQ(j["summary"]["targets"]["incomplete"], 1);
    EXPECT_EQ(j["targets"][0]["facts"]["tcp"]["status"], "error");
}

TEST(JsonReport, RefusesOtherSchemaVersionsAndNonReports) {
    auto j = to_json(sample_report());
    j["schema_version"] = 99;
    EXPECT_FALSE(parse_report(j).ok());
    EXPECT_FALSE(parse_report(nlohmann::json{{"hello", 1}}).ok());
}

TEST(JsonReport, ReadReportNamesTheFile) {
    const auto dir = std::filesystem::temp_directory_path() / "conformscan-json-report-test";
    std::filesystem::create_directories(dir);
    const auto bad = dir / "bad.json";
    std::ofstream(bad) << "{not json";
    auto r = read_report(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().describe().find("bad.json"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(AtomicFile, ReplacesContentAndLeavesNoTemporaryFile) {
    const auto dir = std::filesystem::temp_directory_path() / "conformscan-atomic-test";
    std::filesystem::remove_all(dir);
    ASSERT_TRUE(write_file_atomic(dir / "sub" / "report.json", "first").ok());
    ASSERT_TRUE(write_file_atomic(dir / "sub" / "report.json", "second").ok());
    std::ifstream in(dir / "sub" / "report.json");
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content, "second");
    int files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir / "sub")) ++files;
    EXPECT_EQ(files, 1);
    std::filesystem::remove_all(dir);
}

TEST(TextReport, PutsFailuresFirstWithCitationAndFix) {
    const auto text = render_text(sample_report());
    const auto failures = text.find("FAILURES (1)");
    const auto not_observed = text.find("NOT OBSERVED");
    ASSERT_NE(failures, std::string::npos);
    ASSERT_NE(not_observed, std::string::npos);
    EXPECT_LT(failures, not_observed);
    EXPECT_NE(text.find("RFC 5280 §4.1.2.5"), std::string::npos);
    EXPECT_NE(text.find("fix:   renew"), std::string::npos);
    EXPECT_NE(text.find("nginx: ssl_certificate"), std::string::npos);
}

}  // namespace
}  // namespace conformscan::reports
