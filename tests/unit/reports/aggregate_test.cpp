#include "reports/aggregate.hpp"

#include <filesystem>
#include <fstream>
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
    const ReportVerifier verify = [](const std::filesystem::path& file, const std::string& op) {
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

TEST(Aggregate, CsvNeutralisesFormulas) {
    auto input = sector();
    input[0].second.operator_name = "=HYPERLINK(\"http://x\")";
    const auto csv = render_aggregate_operators_csv(aggregate_parsed(input, {}));
    EXPECT_NE(csv.find("\"'=HYPERLINK(\"\"http://x\"\")\""), std::string::npos) << csv;
    EXPECT_EQ(csv.find(",=HYPERLINK"), std::string::npos);
}

}  // namespace
}  // namespace conformscan::reports
