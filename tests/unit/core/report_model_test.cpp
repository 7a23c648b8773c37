#include "scanner/core/report_model.hpp"

#include <gtest/gtest.h>

namespace conformscan::core {
namespace {

RuleResult result(std::string target, std::string profile, Status status,
                  Severity severity = Severity::medium, std::vector<Reference> refs = {},
                  std::string dimension = {}) {
    RuleResult r;
    r.target_id = std::move(target);
    r.profile_id = std::move(profile);
    r.rule_id = "R";
    r.status = status;
    r.severity = severity;
    r.references = std::move(refs);
    r.dimension = std::move(dimension);
    return r;
}

ScanReport sample() {
    ScanReport report;
    for (const char* id : {"a:443", "b:443", "c:443"}) {
        TargetRecord t;
        t.target.id = id;
        report.targets.push_back(t);
    }
    const Reference rfc8446{"RFC 8446", "4.1.3"};
    const Reference x805{"ITU-T X.805", ""};
    report.results = {
        result("a:443", "p1", Status::pass, Severity::high, {rfc8446}, "data-confidentiality"),
        result("a:443", "p1", Status::fail, Severity::high, {rfc8446, x805}, "data-confidentiality"),
        result("a:443", "p2", Status::fail, Severity::low),
        result("b:443", "p1", Status::error, Severity::critical, {x805}),
        result("b:443", "p2", Status::waived, Severity::critical),
        result("b:443", "p2", Status::not_applicable, Severity::info, {}, "availability"),
    };
    return report;
}

TEST(Summarize, CountsEveryView) {
    const auto s = summarize(sample());
    EXPECT_EQ(s["results"], Json::parse(R"({"pass":1,"fail":2,"error":1,"not_applicable":1,"waived":1})"));
    EXPECT_EQ(s["failed_by_severity"], Json::parse(R"({"critical":0,"high":1,"medium":0,"low":1,"info":0})"));
    EXPECT_EQ(s["targets"]["total"], 3);
    EXPECT_EQ(s["targets"]["incomplete"], 1);  // b has an error
    // (pass + waived) / (pass + fail + waived): errors and n/a are not judged.
    EXPECT_DOUBLE_EQ(s["conformance_percent"].get<double>(), 50.0);

    EXPECT_EQ(s["per_target"]["a:443"]["fail"], 2);
    EXPECT_EQ(s["per_target"]["b:443"]["waived"], 1);
    EXPECT_EQ(s["per_target"]["c:443"],
              Json::parse(R"({"pass":0,"fail":0,"error":0,"not_applicable":0,"waived":0})"));
    EXPECT_EQ(s["per_profile"]["p1"]["pass"], 1);
    EXPECT_EQ(s["per_profile"]["p1"]["error"], 1);
    EXPECT_EQ(s["per_profile"]["p2"]["fail"], 1);
    EXPECT_EQ(s["per_clause"]["RFC 8446 §4.1.3"]["pass"], 1);
    EXPECT_EQ(s["per_clause"]["RFC 8446 §4.1.3"]["fail"], 1);
    EXPECT_EQ(s["per_clause"]["ITU-T X.805"]["fail"], 1);  // no clause: the document alone
    EXPECT_EQ(s["per_clause"]["ITU-T X.805"]["error"], 1);
    EXPECT_EQ(s["per_clause"].size(), 2u);
    EXPECT_EQ(s["per_dimension"]["data-confidentiality"]["fail"], 1);
    EXPECT_EQ(s["per_dimension"]["availability"]["not_applicable"], 1);
    EXPECT_EQ(s["per_dimension"].size(), 2u);
}

TEST(Summarize, ResultsForUnlistedTargetsStillCount) {
    ScanReport report;
    report.results = {result("z:22", "p", Status::pass)};
    const auto s = summarize(report);
    EXPECT_EQ(s["per_target"]["z:22"]["pass"], 1);
    EXPECT_EQ(s["targets"]["total"], 0);
    EXPECT_DOUBLE_EQ(s["conformance_percent"].get<double>(), 100.0);
}

TEST(Summarize, EmptyReportHasNoScore) {
    const auto s = summarize(ScanReport{});
    EXPECT_TRUE(s["conformance_percent"].is_null());
    EXPECT_EQ(s["results"]["pass"], 0);
    EXPECT_TRUE(s["per_target"].empty());
    EXPECT_EQ(s["targets"]["incomplete"], 0);
}

TEST(Summarize, OnlyErrorsAndNotApplicableHaveNoScore) {
    ScanReport report;
    report.results = {result("a", "p", Status::error), result("a", "p", Status::not_applicable)};
    EXPECT_TRUE(summarize(report)["conformance_percent"].is_null());
}

}  // namespace
}  // namespace conformscan::core
