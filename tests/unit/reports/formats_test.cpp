// The machine formats rendered from a hand-built report: what each holds per
// result status, and that rendering twice gives the same bytes.
#include <gtest/gtest.h>

#include "reports/csv_report.hpp"
#include "reports/junit_report.hpp"
#include "reports/oscal_report.hpp"
#include "reports/render.hpp"
#include "reports/sarif_report.hpp"

namespace conformscan::reports {
namespace {

core::RuleResult result(std::string rule, core::Status status, core::Severity severity = core::Severity::high) {
    core::RuleResult r;
    r.target_id = "127.0.0.1:443";
    r.profile_id = "p";
    r.rule_id = std::move(rule);
    r.title = "=A title that starts like a formula";
    r.status = status;
    r.severity = severity;
    r.message = "because, \"quoted\"";
    r.references = {{"RFC 5280", "4.1.2.5", "", true, ""}, {"ITU-T X.509", "7.2", "", false, ""}};
    r.guideline.summary = "renew";
    r.i18n = {{"fr", {{"title", "Un titre"}, {"summary", "renouveler"}}}};
    return r;
}

core::ScanReport sample() {
    core::ScanReport r;
    r.tool_version = "0.1.0";
    r.openssl_version = "OpenSSL 3.0";
    r.scan_id = "id-1";
    r.started_at = *core::parse_time("2026-11-27T10:00:00Z");
    r.finished_at = *core::parse_time("2026-11-27T10:00:05Z");
    r.as_of = r.started_at;
    r.profiles = nlohmann::json::array({{{"id", "p"}, {"version", "1.0.0"}, {"sha256", "ab"}}});
    core::TargetRecord t;
    t.target.id = "127.0.0.1:443";
    t.target.name = "web";
    t.target.host = "127.0.0.1";
    t.target.port = 443;
    t.target.service = "https";
    t.facts.put(core::ProbeRecord::failure("tcp", "refused\x01"));
    r.targets.push_back(t);
    auto waived = result("R-4", core::Status::waived, core::Severity::medium);
    waived.waiver = {{"id", "W-1"}, {"kind", "risk-accepted"}, {"justification", "accepted <for now>"},
                     {"approved_by", "CISO"}, {"expires_on", "2099-01-01"}, {"real_status", "fail"}};
    r.results = {result("R-1", core::Status::pass), result("R-2", core::Status::fail),
                 result("R-3", core::Status::error), waived, result("R-5", core::Status::not_applicable),
                 result("1-DIGIT", core::Status::fail, core::Severity::low)};
    return r;
}

TEST(CsvReport, OneRowPerResultWithNeutralisedCells) {
    const auto csv = render_csv(sample());
    EXPECT_EQ(csv.rfind("target,target_name,host,port,service,profile,profile_version,rule,title,severity,status,"
                        "waived,waiver_id,real_status,references,reason,evidence,guideline\r\n",
                        0),
              0u);
    std::size_t rows = 0;
    for (std::size_t i = csv.find("\r\n"); i != std::string::npos; i = csv.find("\r\n", i + 2)) ++rows;
    EXPECT_EQ(rows, 1 + sample().results.size());
    EXPECT_NE(csv.find(",'=A title that starts like a formula,"), std::string::npos);
    EXPECT_EQ(csv.find(",=A title"), std::string::npos);
    EXPECT_NE(csv.find(",\"because, \"\"quoted\"\"\","), std::string::npos);
    EXPECT_NE(csv.find(",waived,yes,W-1,fail,"), std::string::npos);
    EXPECT_NE(csv.find("RFC 5280 §4.1.2.5; ITU-T X.509 §7.2 (clause unverified)"), std::string::npos);
    EXPECT_EQ(csv.rfind("\xEF\xBB\xBF", 0), std::string::npos);
    EXPECT_EQ(render_csv(sample(), {"en", true}).rfind("\xEF\xBB\xBF" "target,", 0), 0u);
}

TEST(CsvReport, UsesTheProfileTranslationWhenAsked) {
    const auto csv = render_csv(sample(), {"fr", false});
    EXPECT_NE(csv.find(",Un titre,"), std::string::npos);
    EXPECT_NE(csv.find(",renouveler\r\n"), std::string::npos);
    EXPECT_EQ(render_csv(sample(), {"zh", false}), render_csv(sample(), {"en", false}));  // no zh: English
}

TEST(JunitReport, CountsAndElementsPerStatus) {
    const auto xml = render_junit(sample());
    EXPECT_NE(xml.find("<testsuites name=\"conformscan scan id-1\" tests=\"6\" failures=\"2\" errors=\"1\" "
                       "skipped=\"2\""),
              std::string::npos);
    EXPECT_NE(xml.find("<testsuite name=\"127.0.0.1:443 (web)\" id=\"0\" package=\"https://127.0.0.1:443\""),
              std::string::npos);
    EXPECT_NE(xml.find("<failure message=\"because, &quot;quoted&quot;\" type=\"high\">"), std::string::npos);
    EXPECT_NE(xml.find("<error message="), std::string::npos);
    EXPECT_NE(xml.find("<skipped message=\"not applicable: "), std::string::npos);
    EXPECT_NE(xml.find("<skipped message=\"waived: W-1 (risk-accepted, approved by CISO, expires 2099-01-01): "
                       "accepted &lt;for now&gt;\">"),
              std::string::npos);
    EXPECT_NE(xml.find("name=\"R-1: =A title that starts like a formula\" time=\"0\">\n    </testcase>"),
              std::string::npos);
}

TEST(SarifReport, ResultsSuppressionsAndLevels) {
    const auto s = to_sarif(sample());
    EXPECT_EQ(s["version"], "2.1.0");
    ASSERT_EQ(s["runs"].size(), 1u);
    const auto& run = s["runs"][0];
    EXPECT_EQ(run["tool"]["driver"]["name"], "conformscan");
    EXPECT_EQ(run["tool"]["driver"]["rules"].size(), 6u);  // every rule judged, results only for the findings
    const auto& results = run["results"];
    ASSERT_EQ(results.size(), 4u);  // R-2 fail, R-3 error, R-4 waived, 1-DIGIT fail
    EXPECT_EQ(results[0]["ruleId"], "R-2");
    EXPECT_EQ(results[0]["level"], "error");
    EXPECT_EQ(results[0]["kind"], "fail");
    EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "https://127.0.0.1:443");
    EXPECT_EQ(results[1]["kind"], "open");
    EXPECT_EQ(results[1]["level"], "none");
    EXPECT_EQ(results[2]["level"], "warning");
    EXPECT_EQ(results[2]["suppressions"][0]["kind"], "external");
    EXPECT_EQ(results[2]["suppressions"][0]["status"], "accepted");
    EXPECT_EQ(results[2]["suppressions"][0]["justification"], "accepted <for now>");
    EXPECT_FALSE(results[0].contains("suppressions"));
    EXPECT_EQ(results[3]["level"], "note");
    EXPECT_EQ(run["invocations"][0]["startTimeUtc"], "2026-11-27T10:00:00Z");
    EXPECT_EQ(run["tool"]["driver"]["rules"][0]["properties"]["references"][0], "RFC 5280 §4.1.2.5");
}

TEST(OscalReport, NameUuidIsUuid5InTheConformscanNamespace) {
    // python3: uuid.uuid5(uuid.UUID("bc501237-c02d-5413-8f55-784567b63ca4"), "hello")
    EXPECT_EQ(name_uuid("hello"), "5f4db0e4-e275-5932-a0c8-d79d27580b28");
}

TEST(OscalReport, FindingsForFailedAndWaivedResultsOnly) {
    const auto o = to_oscal(sample());
    const auto& ar = o["assessment-results"];
    EXPECT_EQ(ar["metadata"]["oscal-version"], "1.1.2");
    EXPECT_EQ(ar["import-ap"]["href"], "report.json");
    const auto& res = ar["results"][0];
    EXPECT_EQ(res["uuid"], "6e860f26-cd54-5a66-acc7-bd4fda68c9bc");  // uuid5(ns, "id-1/result/")
    ASSERT_EQ(res["observations"].size(), 1u);
    EXPECT_EQ(res["observations"][0]["methods"], nlohmann::json::array({"TEST"}));
    const auto& findings = res["findings"];
    ASSERT_EQ(findings.size(), 3u);  // R-2, R-4 (waived), 1-DIGIT
    EXPECT_EQ(findings[0]["target"]["target-id"], "R-2");
    EXPECT_EQ(findings[0]["target"]["status"]["state"], "not-satisfied");
    EXPECT_EQ(findings[0]["related-observations"][0]["observation-uuid"], res["observations"][0]["uuid"]);
    EXPECT_EQ(findings[2]["target"]["target-id"], "_1-DIGIT");  // an OSCAL token starts with a letter or _
    EXPECT_EQ(render_oscal(sample()), render_oscal(sample()));
}

TEST(Render, KnowsEveryFormatAndRefusesOthers) {
    for (auto f : render_formats()) {
        auto r = render(sample(), f);
        ASSERT_TRUE(r.ok()) << f;
        EXPECT_FALSE(r->empty()) << f;
        EXPECT_FALSE(report_file_name(f).empty()) << f;
    }
    auto bad = render(sample(), "pdf");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("text, json, csv, junit, sarif, oscal"), std::string::npos);
}

}  // namespace
}  // namespace conformscan::reports
