// `report aggregate`: the regulator's view of a sector — many operators'
// reports side by side. Per operator its score (with and without waivers,
// as core::summarize computes it); per rule how many operators conform;
// the worst findings (critical and high failures by how many operators have
// them); and every file that could not be used, with the reason. Nothing is
// dropped silently: an unreadable file, a file that is not a report, a report
// whose signature does not verify and an operator's older report are each
// listed as such.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/report_model.hpp"

namespace conformscan::reports {

inline constexpr int kAggregateVersion = 1;

struct SignatureCheck {
    enum class State { not_checked, verified, failed };
    State state = State::not_checked;
    std::string message;  // why it failed, or what verified it (key id)
    // The verifier's status (reports::to_string(VerifyStatus): "ok",
    // "report_modified", ...) or why nothing was checked ("no_key"); may be empty.
    std::string code;
};
std::string_view to_string(SignatureCheck::State s);

// Checks one report's signature for the named operator (the caller decides
// which key belongs to which operator). BYTES are the report's bytes exactly
// as they were read and aggregated (empty from aggregate_parsed, which has no
// file). Empty: signatures are not checked.
using ReportVerifier = std::function<SignatureCheck(const std::filesystem::path& report, std::string_view bytes,
                                                    const std::string& operator_name)>;

struct RejectedFile {
    std::filesystem::path file;
    std::string reason;
};

struct OperatorReport {
    enum class Use { included, signature_failed, superseded };
    std::string operator_name;
    std::string operator_source;  // "report" (its operator field) or "directory" (the file's folder)
    std::filesystem::path file;
    std::string scan_id;
    std::string started_at;
    std::vector<std::string> profiles;  // "id version"
    std::size_t targets = 0;
    nlohmann::json results;  // counts by status
    nlohmann::json failed_by_severity;
    nlohmann::json conformance_percent;  // null when nothing was judged
    nlohmann::json conformance_percent_without_waivers;
    SignatureCheck signature;
    Use use = Use::included;
    std::string note;  // for superseded: the newer report's file
};
std::string_view to_string(OperatorReport::Use u);

// One rule across the included operators. An operator fails the rule when any
// of its targets fails it; it conforms with a waiver when none fails and some
// are waived; it passes when every judged result passes. It is not counted
// when the rule judged nothing there (only errors or not applicable).
struct RuleRate {
    std::string profile_id;
    std::string rule_id;
    std::string title;
    nlohmann::json title_i18n;  // the profile's translations, as the first report gives them
    core::Severity severity = core::Severity::medium;
    std::set<std::string> profile_versions;
    std::size_t operators_judged = 0;
    std::size_t operators_passing = 0;
    std::size_t operators_waived = 0;
    std::size_t operators_failing = 0;
    std::vector<std::string> failing_operators;  // sorted
    nlohmann::json results = nlohmann::json::object();  // counts by status over every target
    // (passing + waived) / judged and passing / judged, in percent; null when no operator was judged.
    nlohmann::json conformance_percent;
    nlohmann::json conformance_percent_without_waivers;
};

struct SectorAggregate {
    std::vector<OperatorReport> operators;  // sorted by operator, newest first
    std::vector<RejectedFile> rejected;
    std::vector<RuleRate> rules;           // sorted by profile, rule
    std::vector<RuleRate> worst_findings;  // critical and high rules failed by at least one operator
    bool signatures_checked = false;       // a verifier was given

    [[nodiscard]] std::size_t included() const;
    [[nodiscard]] std::size_t signature_failures() const;
    // Reports counted although their signature could not be checked when
    // signatures were asked for (no key for the operator): 0 without a verifier.
    [[nodiscard]] std::size_t signatures_unchecked() const;
    // Something given was not used (a rejected file, a failed signature), or
    // a signature that was asked for could not be checked.
    [[nodiscard]] bool incomplete() const {
        return !rejected.empty() || signature_failures() > 0 || signatures_unchecked() > 0;
    }
};

// Report files from the arguments: a file as given; a directory searched
// recursively for *.json (without following symbolic links). A missing path
// is rejected with the reason.
std::vector<std::filesystem::path> collect_report_files(const std::vector<std::string>& args,
                                                        std::vector<RejectedFile>& rejected);

// Reads each file (read_report: size-capped, a clear error naming the file).
SectorAggregate aggregate_reports(const std::vector<std::filesystem::path>& files, std::vector<RejectedFile> rejected,
                                  const ReportVerifier& verify = {});

// The same from reports already read (for tests): each with its file name.
SectorAggregate aggregate_parsed(std::vector<std::pair<std::filesystem::path, core::ScanReport>> reports,
                                 std::vector<RejectedFile> rejected, const ReportVerifier& verify = {});

nlohmann::json to_json(const SectorAggregate& a);
std::string render_aggregate_text(const SectorAggregate& a);
// Two tables: one row per report given (operators, with how each was used,
// rejected files included) and one row per rule. Cells that a spreadsheet
// would read as a formula are neutralised with a leading apostrophe.
std::string render_aggregate_operators_csv(const SectorAggregate& a);
std::string render_aggregate_rules_csv(const SectorAggregate& a);
// The regulator's sector page (reports/aggregate_html.cpp): one self-contained
// HTML file (inline CSS and SVG, no script, nothing fetched) with the summary,
// the score of each operator, the worst findings, the conformance rate of each
// rule across operators, and every report or file not counted with the
// reason. LANG as render_html (unknown: English).
std::string render_aggregate_html(const SectorAggregate& a, std::string_view lang = "en");

}  // namespace conformscan::reports
