#include "reports/aggregate.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "reports/json_report.hpp"

namespace conformscan::reports {
namespace {

using core::Status;
using Json = nlohmann::json;

// A report of one operator: one result per (target, rule, status) given.
core::ScanReport report(const std::string& op, const std::string& started,
                        const std::vector<std::tuple<std::string, std::string, Status>>& results) {
    core::ScanReport r;
    r.scan_id = "scan-" + op + started;
    r.operator_name = op;
    r.started_at = *core::parse_time(started);
    r.profiles = Json::array({{{"id", "p"}, {"version", "1.0.0"}}});
    std::set<std::string> hosts;
    for (const auto& [host, rule, status] : results) {
        if (hosts.insert(host).second) {
            core::TargetRecord t;
            t.target.host = host;
            t.target.port = 443;
            t.target.id = core::make_target_id(host, 443);
            r.targets.push_back(t);
        }
        core::RuleResult res;
        res.target_id = core::make_target_id(host, 443);
        res.profile_id = "p";
        res.rule_id = rule;
        res.title = "title " + rule;
        res.severity = rule == "CRIT" ? core::Severity::critical : rule == "HIGH" ? core::Severity::high : core::Severity::low;
        res.status = status;
        r.results.push_back(res);
    }
    return r;
}

std::vector<std::pair<std::filesystem::path, core::ScanReport>> sector() {
    return {
        {"a/report.json", report("A", "2026-11-01T00:00:00Z",
                                 {{"h1", "CRIT", Status::fail}, {"h2", "CRIT", Status::pass}, {"h1", "HIGH", Status::pass},
                                  {"h1", "LOW", Status::waived}})},
        {"b/report.json", report("B", "2026-11-01T00:00:00Z",
                                 {{"h1", "CRIT", Status::pass}, {"h1", "HIGH", Status::fail}, {"h1", "LOW", Status::error}})},
        {"c/report.json", report("C", "2026-11-01T00:00:00Z",
                                 {{"h1", "CRIT", Status::fail}, {"h1", "HIGH", Status::fail}, {"h1", "LOW", Status::pass}})},
        // C's older report: superseded by the newer one, not counted twice.
        {"c/old.json", report("C", "2026-08-01T00:00:00Z",
                              {{"h1", "CRIT", Status::pass}, {"h1", "HIGH", Status::pass}, {"h1", "LOW", Status::pass}})},
    };
}

const RuleRate& rule(const SectorAggregate& a, const std::string& id) {
    for (const auto& r : a.rules)
        if (r.rule_id == id) return r;
    throw std::runtime_error("no rule " + id);
}

TEST(Aggregate, PerOperatorScoresAreTheReportsOwn) {
    auto input = sector();
    const auto a = aggregate_parsed(input, {});
    ASSERT_EQ(a.operators.size(), 4u);
    EXPECT_EQ(a.included(), 3u);
    for (const auto& o : a.operators) {
        const auto& source = std::find_if(input.begin(), input.end(), [&](const auto& p) { return p.first == o.file; })->second;
        const auto summary = core::summarize(source);
        EXPECT_EQ(o.conformance_percent, summary["conformance_percent"]) << o.file;
        EXPECT_EQ(o.conformance_percent_without_waivers, summary["conformance_percent_without_waivers"]) << o.file;
        EXPECT_EQ(o.signature.state, SignatureCheck::State::not_checked);
        EXPECT_EQ(o.operator_source, "report");
    }
    // A: 4 judged, 3 pass or waived, 2 pass.
    EXPECT_DOUBLE_EQ(a.operators[0].conformance_percent.get<double>(), 75.0);
    EXPECT_DOUBLE_EQ(a.operators[0].conformance_percent_without_waivers.get<double>(), 50.0);
    // C newest first; the older one is superseded and says by what.
    EXPECT_EQ(a.operators[2].file, "c/report.json");
    EXPECT_EQ(a.operators[2].use, OperatorReport::Use::included);
    EXPECT_EQ(a.operators[3].use, OperatorReport::Use::superseded);
    EXPECT_NE(a.operators[3].note.find("c/report.json"), std::string::npos);
}

TEST(Aggregate, RuleRatesAcrossOperators) {
    const auto a = aggregate_parsed(sector(), {});
    const auto& crit = rule(a, "CRIT");
    EXPECT_EQ(crit.operators_judged, 3u);
    EXPECT_EQ(crit.operators_failing, 2u);  // A (h1 fails though h2 passes), C
    EXPECT_EQ(crit.operators_passing, 1u);  // B
    EXPECT_EQ(crit.failing_operators, (std::vector<std::string>{"A", "C"}));
    EXPECT_EQ(crit.results["fail"], 2);
    EXPECT_EQ(crit.results["pass"], 2);  // the superseded report is not counted
    EXPECT_DOUBLE_EQ(crit.conformance_percent.get<double>(), 100.0 / 3);

    const auto& low = rule(a, "LOW");
    EXPECT_EQ(low.operators_judged, 2u);  // B judged nothing (an error)
    EXPECT_EQ(low.operators_waived, 1u);  // A
    EXPECT_EQ(low.operators_passing, 1u);  // C
    EXPECT_DOUBLE_EQ(low.conformance_percent.get<double>(), 100.0);
    EXPECT_DOUBLE_EQ(low.conformance_percent_without_waivers.get<double>(), 50.0);

    // Worst: critical before high; only critical and high; only failed ones.
    ASSERT_EQ(a.worst_findings.size(), 2u);
    EXPECT_EQ(a.worst_findings[0].rule_id, "CRIT");
    EXPECT_EQ(a.worst_findings[1].rule_id, "HIGH");
    EXPECT_EQ(a.worst_findings[1].operators_failing, 2u);  // B, C
}

TEST(Aggregate, FailedSignaturesAreListedAndNotCounted) {
    const ReportVerifier verify = [](const std::filesystem::path& file, std::string_view, const std::string& op) {
        if (op == "B") return SignatureCheck{SignatureCheck::State::failed, "signature does not match " + file.string()};
        return SignatureCheck{SignatureCheck::State::verified, "key " + op};
    };
    const auto a = aggregate_parsed(sector(), {}, verify);
    EXPECT_EQ(a.signature_failures(), 1u);
    EXPECT_TRUE(a.incomplete());
    const auto& b = a.operators[1];
    EXPECT_EQ(b.operator_name, "B");
    EXPECT_EQ(b.use, OperatorReport::Use::signature_failed);
    EXPECT_EQ(b.signature.message, "signature does not match b/report.json");
    EXPECT_EQ(a.operators[0].signature.state, SignatureCheck::State::verified);
    EXPECT_EQ(rule(a, "HIGH").operators_judged, 2u);  // A and C; B's report is not trusted
    const auto j = to_json(a);
    EXPECT_EQ(j["summary"]["signature_failed"], 1);
    EXPECT_EQ(j["operators"][1]["signature"]["status"], "failed");
    const auto csv = render_aggregate_operators_csv(a);
    EXPECT_NE(csv.find("B,report,b/report.json,signature_failed,,failed,signature does not match b/report.json"),
              std::string::npos)
        << csv;
}

TEST(Aggregate, FilesThatAreNotReportsAreRejectedWithTheReason) {
    const auto dir = std::filesystem::temp_directory_path() / "conformscan-aggregate-test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "opA");
    std::filesystem::create_directories(dir / "opB");
    auto r = report("", "2026-11-01T00:00:00Z", {{"h1", "CRIT", Status::pass}});
    std::ofstream(dir / "opA" / "report.json") << render_json(r);
    std::ofstream(dir / "opB" / "report.json") << "{\"truncated\": ";
    std::ofstream(dir / "opB" / "notes.json") << "{\"hello\": 1}";
    std::ofstream(dir / "opB" / "readme.txt") << "not considered";
    std::vector<RejectedFile> rejected;
    const auto files = collect_report_files({dir.string(), (dir / "missing.json").string()}, rejected);
    EXPECT_EQ(files.size(), 3u);
    ASSERT_EQ(rejected.size(), 1u);
    EXPECT_EQ(rejected[0].reason, "no such file or directory");
    const auto a = aggregate_reports(files, rejected);
    ASSERT_EQ(a.operators.size(), 1u);
    EXPECT_EQ(a.operators[0].operator_name, "opA");  // no operator field: the directory
    EXPECT_EQ(a.operators[0].operator_source, "directory");
    ASSERT_EQ(a.rejected.size(), 3u);
    for (const auto& x : a.rejected) EXPECT_FALSE(x.reason.empty()) << x.file;
    // Sorted by path: missing.json, opB/notes.json, opB/report.json.
    EXPECT_EQ(a.rejected[0].file.filename(), "missing.json");
    EXPECT_NE(a.rejected[1].reason.find("not a conformscan report"), std::string::npos) << a.rejected[1].reason;
    EXPECT_NE(a.rejected[2].reason.find("not valid JSON"), std::string::npos) << a.rejected[2].reason;
    EXPECT_TRUE(a.incomplete());
    std::filesystem::remove_all(dir);
}

TEST(Aggregate, VerifierSeesTheBytesReadAndUncheckedSignaturesAreCountedButIncomplete) {
    const auto dir = std::filesystem::temp_directory_path() / "conformscan-aggregate-verify-test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto a_json = render_json(report("A", "2026-11-01T00:00:00Z", {{"h1", "CRIT", Status::pass}}));
    const auto b_json = render_json(report("B", "2026-11-01T00:00:00Z", {{"h1", "CRIT", Status::fail}}));
    std::ofstream(dir / "a.json") << a_json;
    std::ofstream(dir / "b.json") << b_json;
    std::map<std::string, std::string> seen;
    // A has a key and verifies; B has none: counted, not checked.
    const ReportVerifier verify = [&](const std::filesystem::path&, std::string_view bytes, const std::string& op) {
        seen[op] = std::string(bytes);
        if (op == "A") return SignatureCheck{SignatureCheck::State::verified, "signature OK", "ok"};
        return SignatureCheck{SignatureCheck::State::not_checked, "no key: keys/B.pub does not exist", "no_key"};
    };
    std::vector<RejectedFile> rejected;
    const auto a = aggregate_reports(collect_report_files({dir.string()}, rejected), rejected, verify);
    EXPECT_EQ(seen["A"], a_json);
    EXPECT_EQ(seen["B"], b_json);
    EXPECT_TRUE(a.signatures_checked);
    EXPECT_EQ(a.included(), 2u);
    EXPECT_EQ(a.signatures_unchecked(), 1u);
    EXPECT_TRUE(a.incomplete());
    const auto j = to_json(a);
    EXPECT_EQ(j["summary"]["signature_not_checked"], 1);
    EXPECT_EQ(j["operators"][1]["signature"]["code"], "no_key");
    EXPECT_NE(render_aggregate_text(a).find("signatures: 1 verified, 0 failed, 1 counted without a check (no key)"),
              std::string::npos);
    // Without a verifier nothing was asked for: not incomplete.
    const auto plain = aggregate_reports(collect_report_files({dir.string()}, rejected), {});
    EXPECT_FALSE(plain.signatures_checked);
    EXPECT_EQ(plain.signatures_unchecked(), 0u);
    EXPECT_FALSE(plain.incomplete());
    std::filesystem::remove_all(dir);
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
    return n;
}

TEST(Aggregate, HtmlPageListsEveryReportAndEveryFileNotCounted) {
    const ReportVerifier verify = [](const std::filesystem::path& file, std::string_view, const std::string& op) {
        if (op == "B") return SignatureCheck{SignatureCheck::State::failed, "<b> " + file.string() + " modified", "report_modified"};
        return SignatureCheck{SignatureCheck::State::verified, "signature OK", "ok"};
    };
    const auto a = aggregate_parsed(sector(), {{"x/broken.json", "not valid JSON"}}, verify);
    const auto page = render_aggregate_html(a, "en");
    EXPECT_EQ(page.rfind("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">", 0), 0u);
    EXPECT_NE(page.find("script-src 'none'"), std::string::npos);
    EXPECT_EQ(page.find("<script"), std::string::npos);
    // Four reports (A, B, C and C's older one), one row each; B failed and C's old one is superseded.
    EXPECT_EQ(occurrences(page, "<tr class=\"operator "), 4u);
    EXPECT_NE(page.find("data-operator=\"B\" data-use=\"signature_failed\" data-signature=\"failed\""),
              std::string::npos);
    // Not counted: B (signature), C's old report (superseded), the broken file (rejected); the reason escaped.
    EXPECT_EQ(occurrences(page, "<tr class=\"unused "), 3u);
    EXPECT_NE(page.find("<section id=\"unused\" data-count=\"3\">"), std::string::npos);
    EXPECT_NE(page.find("&lt;b&gt; b/report.json modified"), std::string::npos);
    EXPECT_EQ(page.find("<b> b/report.json"), std::string::npos);
    EXPECT_NE(page.find("data-use=\"rejected\" data-file=\"x/broken.json\""), std::string::npos);
    // B is not counted, so CRIT fails at A and C, HIGH only at C: both worst findings.
    EXPECT_EQ(occurrences(page, "<tr class=\"worst\""), 2u);
    EXPECT_NE(page.find("<tr class=\"worst\" data-rule=\"CRIT\" data-failing=\"2\">"), std::string::npos);
    EXPECT_EQ(occurrences(page, "<tr class=\"rule-rate\""), 3u);
    EXPECT_NE(page.find("<dd data-count=\"signature_failed\">1</dd>"), std::string::npos);
    EXPECT_NE(page.find("<dd data-count=\"rejected\">1</dd>"), std::string::npos);
    // Arabic: right to left, translated headings.
    const auto ar = render_aggregate_html(a, "ar");
    EXPECT_EQ(ar.rfind("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">", 0), 0u);
    EXPECT_NE(ar.find("<h2>أخطر النتائج</h2>"), std::string::npos);
}

TEST(Aggregate, CsvNeutralisesFormulas) {
    auto input = sector();
    input[0].second.operator_name = "=HYPERLINK(\"http://x\")";
    const auto csv = render_aggregate_operators_csv(aggregate_parsed(input, {}));
    EXPECT_NE(csv.find("\"'=HYPERLINK(\"\"http://x\"\")\""), std::string::npos) << csv;
    EXPECT_EQ(csv.find(",=HYPERLINK"), std::string::npos);
}

}  // namespace
}  // namespace conformscan::reports
