#include "reports/text_report.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace conformscan::reports {

using core::RuleResult;
using core::Status;

namespace {

std::string references_line(const RuleResult& r) {
    std::vector<std::string> refs;
    for (const auto& ref : r.references) {
        auto s = ref.clause.empty() ? ref.document : fmt::format("{} §{}", ref.document, ref.clause);
        if (!ref.verified) s += " (clause unverified)";
        refs.push_back(std::move(s));
    }
    return fmt::format("{}", fmt::join(refs, "; "));
}

std::string target_label(const core::ScanReport& report, const std::string& id) {
    for (const auto& t : report.targets) {
        if (t.target.id != id) continue;
        std::string label = t.target.name.empty() ? id : fmt::format("{} ({})", id, t.target.name);
        if (!t.target.starttls.empty()) label += fmt::format(" [starttls {}]", t.target.starttls);
        return label;
    }
    return id;
}

void append_failure(std::string& out, const core::ScanReport& report, const RuleResult& r) {
    out += fmt::format("  [{}] {}  {}  {}\n", core::to_string(r.severity), target_label(report, r.target_id),
                       r.rule_id, r.title);
    out += fmt::format("      {}\n", r.message);
    if (!r.references.empty()) out += fmt::format("      cites: {}\n", references_line(r));
    if (!r.guideline.summary.empty()) out += fmt::format("      fix:   {}\n", r.guideline.summary);
    for (const auto& [software, fix] : r.guideline.fixes) out += fmt::format("             {}: {}\n", software, fix);
}


// `scan --config`: what changed since the previous scan of the configuration.
std::string comparison_text(const nlohmann::json& c) {
    std::string out;
    const auto prev = c.value("previous_scan", nlohmann::json());
    if (prev.is_string())
        out += fmt::format("\nCHANGES SINCE THE PREVIOUS SCAN {}{}\n", prev.get<std::string>(),
                           c.value("configuration_changed", false) ? " (the configuration changed since)" : "");
    else
        out += "\nCHANGES: first scan of this configuration, every failure is new\n";
    const auto count = [&](const char* key) { return c.value(key, nlohmann::json::object()).value("count", 0); };
    out += fmt::format("  regressions {}  new failures {}  fixed {}\n", count("regressions"), count("new_failures"),
                       count("fixed"));
    // Regressions are also new failures: each finding is listed once, under its strongest label.
    std::set<std::string> listed;
    for (const char* key : {"regressions", "new_failures", "fixed"}) {
        const std::string k = key;
        const auto label = k == "regressions" ? "regression" : k == "fixed" ? "fixed" : "new failure";
        for (const auto& i : c.value(key, nlohmann::json::object()).value("items", nlohmann::json::array())) {
            const auto id = i.value("target", "") + '|' + i.value("profile", "") + '|' + i.value("rule", "");
            if (k != "fixed" && !listed.insert(id).second) continue;
            out += fmt::format("  {:<12} {} {} ({})\n", label, i.value("target", ""), i.value("rule", ""),
                               i.value("severity", ""));
        }
    }
    for (const auto& e : c.value("expiring_certificates", nlohmann::json::array()))
        out += fmt::format("  certificate  {} {} expires {} ({} days){}\n", e.value("target", ""),
                           e.value("subject", ""), e.value("not_after", ""), e.value("days_left", 0),
                           e.value("new", false) ? "" : ", listed before");
    return out;
}

}  // namespace

std::string render_summary(const core::ScanReport& report) {
    const auto s = core::summarize(report);
    const auto& c = s["results"];
    std::string score = s["conformance_percent"].is_null()
                            ? "n/a"
                            : fmt::format("{:.1f}%", s["conformance_percent"].get<double>());
    std::string out = fmt::format("Targets: {} ({} incomplete)   Conformance: {}", s["targets"]["total"].get<int>(),
                                  s["targets"]["incomplete"].get<int>(), score);
    if (c["waived"].get<int>() > 0 && !s["conformance_percent_without_waivers"].is_null())
        out += fmt::format(" ({:.1f}% without waivers)", s["conformance_percent_without_waivers"].get<double>());
    out += "\n";
    out += fmt::format("Results: {} pass, {} fail, {} error, {} not applicable, {} waived\n", c["pass"].get<int>(),
                       c["fail"].get<int>(), c["error"].get<int>(), c["not_applicable"].get<int>(),
                       c["waived"].get<int>());
    const auto& f = s["failed_by_severity"];
    out += fmt::format("Failures by severity: critical {}, high {}, medium {}, low {}, info {}\n",
                       f["critical"].get<int>(), f["high"].get<int>(), f["medium"].get<int>(), f["low"].get<int>(),
                       f["info"].get<int>());
    return out;
}

std::string render_text(const core::ScanReport& report) {
    std::string out;
    out += fmt::format("conformscan {} — {} {} — judged as of {}\n", report.tool_version, report.mode, report.scan_id,
                       core::format_time(report.as_of));
    for (const auto& p : report.profiles)
        out += fmt::format("Profile: {} {} (sha256 {})\n", p.value("id", ""), p.value("version", ""),
                           p.value("sha256", "").substr(0, 16));
    out += render_summary(report);

    std::vector<const RuleResult*> failures;
    std::vector<const RuleResult*> errors;
    for (const auto& r : report.results) {
        if (r.status == Status::fail) failures.push_back(&r);
        if (r.status == Status::error) errors.push_back(&r);
    }
    std::stable_sort(failures.begin(), failures.end(), [](const RuleResult* a, const RuleResult* b) {
        return core::severity_rank(a->severity) > core::severity_rank(b->severity);
    });
    if (!failures.empty()) {
        out += fmt::format("\nFAILURES ({})\n", failures.size());
        for (const auto* r : failures) append_failure(out, report, *r);
    }
    if (!errors.empty()) {
        // Group by target and reason: one unreachable target is one line, not one per rule.
        std::map<std::pair<std::string, std::string>, std::vector<std::string>> grouped;
        for (const auto* r : errors) grouped[{r->target_id, r->message}].push_back(r->rule_id);
        out += fmt::format("\nNOT OBSERVED ({} results)\n", errors.size());
        for (const auto& [key, rules] : grouped)
            out += fmt::format("  {}  {} — {}\n", target_label(report, key.first), key.second,
                               fmt::join(rules, ", "));
    }
    std::vector<const RuleResult*> waived;
    for (const auto& r : report.results)
        if (r.status == Status::waived) waived.push_back(&r);
    if (!waived.empty()) {
        out += fmt::format("\nWAIVED ({})\n", waived.size());
        for (const auto* r : waived)
            out += fmt::format("  {} {}  {} — waiver {} ({}, approved by {}, expires {}); really {}\n",
                               target_label(report, r->target_id), r->rule_id, r->message, r->waiver.value("id", ""),
                               r->waiver.value("kind", ""), r->waiver.value("approved_by", ""),
                               r->waiver.value("expires_on", ""), r->waiver.value("real_status", ""));
    }
    if (report.waivers.is_object() && !report.waivers.value("expired", nlohmann::json::array()).empty()) {
        out += fmt::format("\nEXPIRED WAIVERS (no longer applied; as of {})\n", report.waivers.value("as_of", ""));
        for (const auto& w : report.waivers["expired"])
            out += fmt::format("  {} for {}: expired {}, would cover {} result(s)\n", w.value("id", ""),
                               w.value("rule", ""), w.value("expires_on", ""), w.value("results", 0));
    }
    if (report.comparison.is_object()) out += comparison_text(report.comparison);
    out += "\nPER TARGET\n";
    const auto s = core::summarize(report);
    for (const auto& t : report.targets) {
        const auto& c = s["per_target"][t.target.id];
        out += fmt::format("  {:<40} pass {:>3}  fail {:>3}  error {:>3}  n/a {:>3}  waived {:>3}\n",
                           target_label(report, t.target.id), c["pass"].get<int>(), c["fail"].get<int>(),
                           c["error"].get<int>(), c["not_applicable"].get<int>(), c["waived"].get<int>());
    }
    return out;
}

}  // namespace conformscan::reports
