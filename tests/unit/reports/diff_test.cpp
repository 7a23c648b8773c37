#include "reports/diff.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include <gtest/gtest.h>

namespace conformscan::reports {
namespace {

using core::Status;
using Json = nlohmann::json;

core::TargetRecord target(const std::string& host, Json tls, Json http = nullptr) {
    core::TargetRecord t;
    t.target.host = host;
    t.target.port = 443;
    t.target.id = core::make_target_id(host, 443);
    t.target.service = "https";
    t.target.sni = "demo.test";
    t.target.name = host == "127.0.0.1" ? "portal" : "";
    core::ProbeRecord rec;
    rec.probe = "tls";
    rec.data = std::move(tls);
    t.facts.put(rec);
    if (!http.is_null()) {
        core::ProbeRecord h;
        h.probe = "http";
        h.data = std::move(http);
        t.facts.put(h);
    }
    return t;
}

core::RuleResult result(const std::string& target_id, const std::string& rule, Status status,
                        std::vector<std::string> probes = {"tls"}) {
    core::RuleResult r;
    r.target_id = target_id;
    r.profile_id = "p";
    r.rule_id = rule;
    r.title = "title of " + rule;
    r.severity = rule == "R1" ? core::Severity::high : core::Severity::medium;
    r.status = status;
    r.message = std::string(core::to_string(status));
    r.probes = std::move(probes);
    return r;
}

core::ScanReport report(std::string version) {
    core::ScanReport r;
    r.scan_id = "scan-" + version;
    r.profiles = Json::array({{{"id", "p"}, {"version", version}, {"sha256", "sha-" + version}}});
    return r;
}

// OLD and NEW of one network: target A on both sides, B removed, C added;
// rule R6 removed and R7 added by a new profile version.
struct Pair {
    core::ScanReport old_report = report("1.0.0");
    core::ScanReport new_report = report("1.1.0");
};

Pair sample() {
    Pair p;
    const std::string a = "127.0.0.1:443", b = "10.0.0.2:443", c = "10.0.0.3:443";
    p.old_report.targets = {
        target("127.0.0.1", {{"chain", {{{"key", {{"bits", 2048}}}}}}, {"accepted", {"TLSv1.2", "TLSv1.3"}}, {"connections", 3}, {"handshake_ms", 4.5}},
               {{"hsts", true}}),
        target("10.0.0.2", Json::object())};
    p.new_report.targets = {
        target("127.0.0.1", {{"chain", {{{"key", {{"bits", 1024}}}}}}, {"accepted", {"TLSv1.2", "TLSv1.3"}}, {"connections", 5}, {"handshake_ms", 7.25}},
               {{"hsts", false}}),
        target("10.0.0.3", Json::object())};
    p.old_report.results = {result(a, "R1", Status::pass),  result(a, "R2", Status::fail),
                            result(a, "R3", Status::fail),  result(a, "R4", Status::pass, {}),
                            result(a, "R5", Status::waived), result(a, "R6", Status::fail),
                            result(a, "R8", Status::pass),  result(b, "R1", Status::fail)};
    p.new_report.results = {result(a, "R1", Status::fail),  result(a, "R2", Status::pass),
                            result(a, "R3", Status::fail),  result(a, "R4", Status::error, {}),
                            result(a, "R5", Status::fail),  result(a, "R7", Status::fail),
                            result(a, "R8", Status::pass),  result(c, "R1", Status::fail),
                            result(c, "R2", Status::pass)};
    return p;
}

std::set<std::pair<std::string, std::string>> keys(const std::vector<ResultChange>& v) {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& c : v) out.emplace(c.target_id, c.rule_id);
    return out;
}

TEST(ReportDiff, SortsEveryResultIntoItsList) {
    auto p = sample();
    auto d = diff_reports(p.old_report, p.new_report);
    ASSERT_TRUE(d.ok()) << d.error().describe();
    using K = std::set<std::pair<std::string, std::string>>;
    EXPECT_EQ(keys(d->regressions), (K{{"127.0.0.1:443", "R1"}}));
    EXPECT_EQ(keys(d->fixed), (K{{"127.0.0.1:443", "R2"}}));
    EXPECT_EQ(keys(d->still_failing), (K{{"127.0.0.1:443", "R3"}}));
    EXPECT_EQ(keys(d->other_changes), (K{{"127.0.0.1:443", "R4"}}));
    // waived -> fail (the waiver stopped covering it), a failing added rule,
    // and a failing result on an added target; never B's (removed) failure.
    EXPECT_EQ(keys(d->new_failures), (K{{"127.0.0.1:443", "R5"}, {"127.0.0.1:443", "R7"}, {"10.0.0.3:443", "R1"}}));
    EXPECT_EQ(d->unchanged, 1u);  // R8
    ASSERT_EQ(d->targets_added.size(), 1u);
    EXPECT_EQ(d->targets_added[0].id, "10.0.0.3:443");
    ASSERT_EQ(d->targets_removed.size(), 1u);
    EXPECT_EQ(d->targets_removed[0].id, "10.0.0.2:443");
    ASSERT_EQ(d->rules_added.size(), 1u);
    EXPECT_EQ(d->rules_added[0].rule_id, "R7");
    ASSERT_EQ(d->rules_removed.size(), 1u);
    EXPECT_EQ(d->rules_removed[0].rule_id, "R6");
    ASSERT_EQ(d->profiles_changed.size(), 1u);
    EXPECT_EQ(d->profiles_changed[0].old_version, "1.0.0");
    EXPECT_EQ(d->profiles_changed[0].new_version, "1.1.0");
    EXPECT_TRUE(d->has_new_failures());

    const auto& r5 = *std::find_if(d->new_failures.begin(), d->new_failures.end(),
                                   [](const ResultChange& c) { return c.rule_id == "R5"; });
    EXPECT_TRUE(r5.old_status == Status::waived);
    EXPECT_TRUE(r5.new_status == Status::fail);
    const auto& r7 = *std::find_if(d->new_failures.begin(), d->new_failures.end(),
                                   [](const ResultChange& c) { return c.rule_id == "R7"; });
    EXPECT_FALSE(r7.old_status.has_value());
}

TEST(ReportDiff, ShowsTheFactsTheRuleReadThatChanged) {
    auto p = sample();
    auto d = diff_reports(p.old_report, p.new_report);
    ASSERT_TRUE(d.ok());
    const auto& r1 = d->regressions.at(0);
    EXPECT_EQ(r1.target_name, "portal");
    EXPECT_EQ(r1.facts_basis, "rule");
    EXPECT_EQ(r1.probes_compared, std::vector<std::string>{"tls"});
    // Only the key size: the versions list is equal, the connection count and
    // the handshake time are not facts, and the http change is not behind a tls rule.
    ASSERT_EQ(r1.facts.size(), 1u);
    EXPECT_EQ(r1.facts[0].path, "tls.chain[0].key.bits");
    EXPECT_EQ(r1.facts[0].old_value, 2048);
    EXPECT_EQ(r1.facts[0].new_value, 1024);

    // R4's results name no probes (an older report): every probe of the target.
    const auto& r4 = d->other_changes.at(0);
    EXPECT_EQ(r4.facts_basis, "target");
    std::set<std::string> paths;
    for (const auto& f : r4.facts) paths.insert(f.path);
    EXPECT_EQ(paths, (std::set<std::string>{"http.hsts", "tls.chain[0].key.bits"}));

    // A result on an added target has nothing to compare against.
    const auto& c1 = *std::find_if(d->new_failures.begin(), d->new_failures.end(),
                                   [](const ResultChange& c) { return c.target_id == "10.0.0.3:443"; });
    EXPECT_EQ(c1.facts_basis, "");
    EXPECT_TRUE(c1.facts.empty());
}

TEST(ReportDiff, ProbeErrorsAndBoundsOnChangedFacts) {
    auto p = sample();
    // The tls probe could not observe in NEW: one change naming the probe.
    core::FactSet facts;
    facts.put(core::ProbeRecord::failure("tls", "connection refused"));
    p.new_report.targets[0].facts = facts;
    auto d = diff_reports(p.old_report, p.new_report);
    ASSERT_TRUE(d.ok());
    const auto& r1 = d->regressions.at(0);
    ASSERT_EQ(r1.facts.size(), 1u);
    EXPECT_EQ(r1.facts[0].path, "tls");
    EXPECT_EQ(r1.facts[0].old_value, "observed");
    EXPECT_EQ(r1.facts[0].new_value, "error: connection refused");

    // Many differing facts: the first max_fact_changes are shown, the rest counted.
    p = sample();
    Json many_old = Json::object(), many_new = Json::object();
    for (int i = 0; i < 30; ++i) {
        many_old[fmt::format("k{:02}", i)] = i;
        many_new[fmt::format("k{:02}", i)] = i + 1;
    }
    many_old["pem"] = std::string(500, 'A');
    many_new["pem"] = std::string(500, 'B');
    p.old_report.targets[0] = target("127.0.0.1", many_old);
    p.new_report.targets[0] = target("127.0.0.1", many_new);
    DiffOptions options;
    options.max_fact_changes = 5;
    options.max_value_chars = 10;
    d = diff_reports(p.old_report, p.new_report, options);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->regressions.at(0).facts.size(), 5u);
    EXPECT_EQ(d->regressions.at(0).facts_omitted, 26u);
    options.max_fact_changes = 100;
    d = diff_reports(p.old_report, p.new_report, options);
    const auto& facts_all = d->regressions.at(0).facts;
    const auto pem = std::find_if(facts_all.begin(), facts_all.end(), [](const FactChange& f) { return f.path == "tls.pem"; });
    ASSERT_NE(pem, facts_all.end());
    EXPECT_EQ(pem->old_value, "AAAAAAAAAA…");
}

TEST(ReportDiff, SameReportHasNoChangesAndAnotherSniIsAnotherTarget) {
    auto p = sample();
    auto d = diff_reports(p.new_report, p.new_report);
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->has_new_failures());
    EXPECT_TRUE(d->regressions.empty() && d->fixed.empty() && d->other_changes.empty() && d->new_failures.empty());
    EXPECT_EQ(d->still_failing.size(), 5u);  // R1, R3, R5, R7 on A; R1 on C
    EXPECT_EQ(d->unchanged, 4u);
    EXPECT_TRUE(d->targets_added.empty() && d->targets_removed.empty() && d->profiles_changed.empty());

    // The scan id, the resolved address and the label do not change a finding.
    auto renamed = p.new_report;
    renamed.scan_id = "another";
    renamed.targets[0].target.address = "127.0.0.1";
    renamed.targets[0].target.name = "renamed";
    d = diff_reports(p.new_report, renamed);
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->has_new_failures());
    EXPECT_TRUE(d->targets_added.empty());

    // The SNI is part of the identity: the same host:port with another name
    // is a removed target and an added one.
    auto other_sni = p.new_report;
    other_sni.targets[0].target.sni = "other.test";
    for (auto& r : other_sni.results) r.fingerprint.clear();
    d = diff_reports(p.new_report, other_sni);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->targets_added.size(), 1u);
    EXPECT_EQ(d->targets_removed.size(), 1u);
    EXPECT_EQ(d->new_failures.size(), 4u);  // A's failures, now under a new identity
}

TEST(ReportDiff, RefusesTwoResultsWithOneFingerprint) {
    auto p = sample();
    p.new_report.results.push_back(p.new_report.results.front());
    auto d = diff_reports(p.old_report, p.new_report);
    ASSERT_FALSE(d.ok());
    EXPECT_NE(d.error().describe().find("two results"), std::string::npos) << d.error().describe();
}

TEST(ReportDiff, JsonAndTextCarryTheLists) {
    auto p = sample();
    auto d = diff_reports(p.old_report, p.new_report);
    ASSERT_TRUE(d.ok());
    d->old_side.file = "old.json";
    const auto j = to_json(*d);
    EXPECT_EQ(j["diff_version"], kDiffVersion);
    EXPECT_EQ(j["summary"]["regressions"], 1);
    EXPECT_EQ(j["summary"]["new_failures"], 3);
    EXPECT_EQ(j["summary"]["fixed"], 1);
    EXPECT_EQ(j["summary"]["has_new_failures"], true);
    EXPECT_EQ(j["old"]["file"], "old.json");
    EXPECT_EQ(j["regressions"][0]["changed_facts"][0]["path"], "tls.chain[0].key.bits");
    EXPECT_EQ(j["regressions"][0]["old_status"], "pass");
    EXPECT_TRUE(j["new_failures"][0]["old_status"].is_null() || j["new_failures"][0]["old_status"].is_string());
    // Scores as core::summarize computes them. OLD: 8 judged (A's R1, R4, R8
    // pass, R5 waived; R2, R3, R6 and B's R1 fail), 4 pass or waived. NEW: 8
    // judged (R4 is an error), 3 pass (A's R2, R8; C's R2).
    EXPECT_DOUBLE_EQ(j["summary"]["score_before"].get<double>(), 100.0 * 4 / 8);
    EXPECT_DOUBLE_EQ(j["summary"]["score_after"].get<double>(), 100.0 * 3 / 8);
    const auto text = render_diff_text(*d);
    EXPECT_NE(text.find("Regressions (pass -> fail) (1)"), std::string::npos) << text;
    EXPECT_NE(text.find("fact tls.chain[0].key.bits: 2048 -> 1024"), std::string::npos) << text;
    EXPECT_NE(text.find("Targets removed (1)"), std::string::npos) << text;
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
    return n;
}

TEST(ReportDiff, HtmlListsEveryChangeWithItsFacts) {
    auto p = sample();
    p.new_report.results[0].message = "<script>alert(1)</script> key too short";
    auto d = diff_reports(p.old_report, p.new_report);
    ASSERT_TRUE(d.ok());
    const auto page = render_diff_html(*d, "en");
    EXPECT_EQ(page.rfind("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">", 0), 0u);
    EXPECT_NE(page.find("default-src 'none'"), std::string::npos);
    EXPECT_EQ(page.find("<script"), std::string::npos);  // the hostile message is escaped, and there is no script
    EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt; key too short"), std::string::npos);
    // One row per change in each list, as the JSON counts them.
    const auto j = to_json(*d);
    for (const char* list : {"regressions", "new_failures", "fixed", "still_failing", "other_changes"}) {
        const auto n = j[list].size();
        EXPECT_EQ(occurrences(page, fmt::format("<tr class=\"change\" data-list=\"{}\"", list)), n) << list;
        EXPECT_NE(page.find(fmt::format("<section id=\"{}\" class=\"diff-list\" data-count=\"{}\">", list, n)),
                  std::string::npos)
            << list;
    }
    EXPECT_EQ(occurrences(page, "<li class=\"target-change\" data-list=\"targets_added\""), 1u);
    EXPECT_EQ(occurrences(page, "<li class=\"target-change\" data-list=\"targets_removed\""), 1u);
    EXPECT_EQ(occurrences(page, "<li class=\"rule-change\" data-list=\"rules_added\""), 1u);
    EXPECT_EQ(occurrences(page, "<tr class=\"profile-change\">"), 1u);
    // The fact behind the regression, old and new value.
    EXPECT_NE(page.find("<li class=\"fact\" data-path=\"tls.chain[0].key.bits\" dir=\"ltr\"><code>tls.chain[0].key.bits</code>: "
                        "<span class=\"old\"><code>2048</code></span><span class=\"arrow\">→</span><code>1024</code>"),
              std::string::npos);
    // French and Arabic: translated headings, Arabic right to left.
    const auto fr = render_diff_html(*d, "fr");
    EXPECT_NE(fr.find("<h2>Régressions (conforme → non conforme) <span class=\"count\">(1)</span></h2>"),
              std::string::npos);
    const auto ar = render_diff_html(*d, "ar");
    EXPECT_EQ(ar.rfind("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">", 0), 0u);
    EXPECT_NE(ar.find("إخفاقات جديدة"), std::string::npos);
    // Status changes read right to left: the arrow points from the old status to the new one.
    EXPECT_NE(ar.find("data-status=\"pass\">ناجح</span><span class=\"arrow\">←</span><span class=\"badge st-fail\""),
              std::string::npos);
    EXPECT_NE(page.find("data-status=\"pass\">passed</span><span class=\"arrow\">→</span><span class=\"badge st-fail\""),
              std::string::npos);
    // An unknown language is English.
    EXPECT_EQ(render_diff_html(*d, "xx"), page);
}

TEST(ReportDiff, HtmlUsesTheProfilesTranslationsOfRuleTitles) {
    auto p = sample();
    for (auto* r : {&p.old_report, &p.new_report})
        for (auto& res : r->results) res.i18n = {{"fr", {{"title", "titre de " + res.rule_id}}}};
    auto d = diff_reports(p.old_report, p.new_report);
    ASSERT_TRUE(d.ok());
    ASSERT_FALSE(d->regressions.empty());
    const auto& rule = d->regressions[0].rule_id;
    const auto fr = render_diff_html(*d, "fr");
    EXPECT_NE(fr.find("titre de " + rule), std::string::npos);
    EXPECT_EQ(fr.find(">title of " + rule), std::string::npos);
    // Spanish is not given: English, marked as not translated.
    const auto es = render_diff_html(*d, "es");
    EXPECT_NE(es.find("<span class=\"en-fallback\" lang=\"en\" dir=\"ltr\" title=\"") , std::string::npos);
    EXPECT_NE(es.find("title of " + rule + "<sup class=\"en-mark\">EN</sup>"), std::string::npos);
}

}  // namespace
}  // namespace conformscan::reports
