// The scan history: one SQLite database (WAL mode) next to the reports that
// records every scan of a configuration — its id, times, configuration
// digest, status, score, per-target and per-rule results, and the report
// files with their SHA-256 — so that `history list|show|diff|prune` and the
// automatic comparison with the previous scan need no report parsing.
//
// A scan is recorded in two steps, each one transaction: begin() inserts it
// as `running`; finish() stores its results and marks it `complete` or
// `incomplete`. A run killed in between leaves a `running` row that the next
// run (holding the configuration's lock, so no other run can own it) marks
// `interrupted`: the history is never half-written and the next run works.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/report_model.hpp"
#include "scanner/core/result.hpp"

struct sqlite3;

namespace conformscan::scanner {

struct ReportFile {
    std::string format;  // json, text, html, ...
    std::string path;
    std::string sha256;
};

struct ScanRecord {
    std::string scan_id;
    std::string config_name;
    std::string config_digest;
    std::string started_at;   // ISO 8601, UTC
    std::string finished_at;  // empty while running / when interrupted
    std::string status;       // running | complete | incomplete | interrupted
    int exit_code = -1;
    std::int64_t pid = 0;
    nlohmann::json summary;  // core::summarize of the report (totals, score)
    std::vector<ReportFile> reports;
};

struct ResultRow {
    std::string target_id;
    std::string profile_id;
    std::string rule_id;
    std::string status;  // pass | fail | error | not_applicable | waived
    std::string severity;
};

// One alert message a scan sent, or tried to.
struct AlertRecord {
    std::string channel;  // webhook | email
    std::string sent_at;  // ISO 8601, UTC
    bool ok = false;
    std::string detail;  // where it went, or why it was not delivered (never a secret)
};

class History {
public:
    static constexpr const char* kFileName = "history.sqlite";

    // Opens (creating when absent) the database; sets WAL mode and a busy timeout.
    static core::Result<History> open(const std::filesystem::path& file);
    History(History&&) noexcept;
    History& operator=(History&&) noexcept;
    ~History();

    // Rows left `running` by a run that died: marked `interrupted`. Call while
    // holding the configuration's lock. Returns how many were marked.
    core::Result<int> recover_interrupted(const std::string& config_name);
    core::Result<void> begin(const ScanRecord& scan);
    // Stores results and report files and sets status/finished_at/exit code/summary (and the
    // configuration digest, when known only after the scan), in one transaction.
    core::Result<void> finish(const ScanRecord& scan, const std::vector<ResultRow>& results);

    // Newest first; `config_name` empty: every configuration.
    core::Result<std::vector<ScanRecord>> list(const std::string& config_name, std::size_t limit) const;
    core::Result<std::optional<ScanRecord>> get(const std::string& scan_id) const;
    core::Result<std::vector<ResultRow>> results(const std::string& scan_id) const;
    // The newest complete or incomplete scan of the same digest started before `scan_id`.
    core::Result<std::optional<ScanRecord>> previous(const std::string& config_digest,
                                                     const std::string& scan_id) const;
    // The same, of the same configuration name, whatever its digest: what an
    // edited inventory or profile list is still compared with.
    core::Result<std::optional<ScanRecord>> previous_of_config(const std::string& config_name,
                                                               const std::string& scan_id) const;
    // Keeps the newest `keep` finished scans of the configuration and/or drops
    // those that started before `older_than` (ISO 8601). Returns the removed
    // records (so the caller can delete their report files).
    // What prune would remove, removing nothing (`history prune --dry-run`).
    core::Result<std::vector<ScanRecord>> prune_candidates(const std::string& config_name,
                                                           std::optional<std::size_t> keep,
                                                           const std::string& older_than) const;
    core::Result<std::vector<ScanRecord>> prune(const std::string& config_name,
                                                std::optional<std::size_t> keep,
                                                const std::string& older_than);

    // Alerts: recorded after the scan's finish(), so a scan's row exists.
    core::Result<void> record_alert(const std::string& scan_id, const AlertRecord& alert);
    core::Result<std::vector<AlertRecord>> alerts(const std::string& scan_id) const;

    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

private:
    History() = default;
    core::Result<void> exec(const std::string& sql) const;
    // COLUMN is a fixed column name (config_digest, config_name), never input.
    core::Result<std::optional<ScanRecord>> newest_before(std::string_view column, const std::string& value,
                                                          const std::string& scan_id) const;
    core::Result<std::vector<ScanRecord>> select_scans(const std::string& where,
                                                       const std::vector<std::string>& args,
                                                       const std::string& tail) const;

    sqlite3* m_db = nullptr;
    std::filesystem::path m_path;
};

// The per-rule rows of a report, for History::finish.
std::vector<ResultRow> result_rows(const core::ScanReport& report);

}  // namespace conformscan::scanner
