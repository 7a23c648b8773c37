// `report diff`: what changed between two reports of the same network.
// Results are matched by their fingerprint (reports/fingerprint.hpp), targets
// by their identity (service, host, port, SNI, STARTTLS), so that neither the
// scan id nor the resolved address makes a finding look new.
//
// The diff is a plain structure (and its JSON, to_json) so that any renderer
// — the text below, the HTML report — shows the same thing.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/report_model.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::reports {

inline constexpr int kDiffVersion = 1;

// One fact that differs behind a changed result. `path` is a fact path
// ("tls.chain[0].key.bits"), or the probe's name alone when the probe's
// record itself changed (observed ↔ error, present ↔ absent). A null value is
// "not there on that side".
struct FactChange {
    std::string probe;
    std::string path;
    nlohmann::json old_value;
    nlohmann::json new_value;
};

struct ResultChange {
    std::string fingerprint;
    std::string target_id;
    std::string target_name;
    std::string profile_id;
    std::string rule_id;
    std::string title;
    nlohmann::json title_i18n;  // the result's i18n (the profile's translations), for the HTML page
    core::Severity severity = core::Severity::medium;
    std::optional<core::Status> old_status;  // nullopt: no such result on that side
    std::optional<core::Status> new_status;
    std::string old_message;
    std::string new_message;
    // Which facts were compared: "rule" (the probes the result says the rule
    // read), "target" (every probe of the target: reports written before
    // results recorded their probes), or "" (the target is on one side only).
    std::string facts_basis;
    std::vector<std::string> probes_compared;
    std::vector<FactChange> facts;
    std::size_t facts_omitted = 0;  // differing facts beyond DiffOptions::max_fact_changes
};

struct DiffTarget {
    std::string id;
    std::string name;
    nlohmann::json identity;  // [service, host, port, sni, starttls]
};

struct DiffRule {
    std::string profile_id;
    std::string rule_id;
    std::string title;
    core::Severity severity = core::Severity::medium;
    nlohmann::json title_i18n;  // the result's i18n, for the HTML page
};

// A profile whose version or SHA-256 differs, or that is on one side only
// (an empty version and sha256 on the side it is missing from).
struct DiffProfile {
    std::string id;
    std::string old_version, new_version;
    std::string old_sha256, new_sha256;
};

struct DiffSide {
    std::string file;  // set by the caller; may be empty
    std::string scan_id;
    std::string operator_name;
    std::string mode;
    std::string started_at;
    std::string as_of;
    std::string tool_version;
    nlohmann::json summary;  // core::summarize: counts and scores
};

struct ReportDiff {
    DiffSide old_side, new_side;
    std::vector<DiffProfile> profiles_changed;
    std::vector<DiffTarget> targets_added, targets_removed;
    std::vector<DiffRule> rules_added, rules_removed;
    // fail in NEW; in OLD absent, error, not applicable or waived (its waiver
    // no longer covers it) — never pass (that is a regression) or fail.
    std::vector<ResultChange> new_failures;
    std::vector<ResultChange> regressions;    // pass → fail
    std::vector<ResultChange> fixed;          // fail → pass
    std::vector<ResultChange> still_failing;  // fail → fail
    // Every other status change of a result on a target and rule present on
    // both sides: pass → error, fail → waived, fail → not applicable, fail →
    // absent, ... (a result that only appears with an added target or rule
    // and does not fail is not listed: the added target or rule is).
    std::vector<ResultChange> other_changes;
    std::size_t unchanged = 0;  // results with the same non-fail status on both sides

    // The exit-code question: did anything start failing?
    [[nodiscard]] bool has_new_failures() const { return !new_failures.empty() || !regressions.empty(); }
};

struct DiffOptions {
    std::size_t max_fact_changes = 20;  // per result
    std::size_t max_value_chars = 200;  // longer strings (a PEM) are shortened with "…"
};

// Fails when a report holds two results with the same fingerprint (it was
// edited by hand or is corrupt), naming the fingerprint, target and rule.
core::Result<ReportDiff> diff_reports(const core::ScanReport& old_report, const core::ScanReport& new_report,
                                      const DiffOptions& options = {});

nlohmann::json to_json(const ReportDiff& diff);
// For the terminal: summary, then each list; facts as `path: old → new`.
std::string render_diff_text(const ReportDiff& diff);
// One self-contained HTML page (reports/diff_html.cpp): the two reports, the
// count of every list and the scores before and after, then each list with
// the facts behind each change. LANG: en, fr, es, ar (right to left), ru, zh
// (reports/html_i18n.hpp); anything else is English. No script, nothing fetched.
std::string render_diff_html(const ReportDiff& diff, std::string_view lang = "en");

}  // namespace conformscan::reports
