// The scan pipeline shared by `scan` (options from the command line) and
// `scan --config` (options from the configuration file): prepare checks and
// loads everything before anything is sent; execute observes and judges.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/html_report.hpp"
#include "reports/signature.hpp"
#include "scanner/cli/app_context.hpp"
#include "scanner/core/report_model.hpp"
#include "scanner/engine.hpp"
#include "scanner/history.hpp"
#include "scanner/waivers.hpp"

namespace conformscan::cli {

struct ScanOptions : JudgeOptions {
    std::string config;  // --config FILE: everything else comes from it
    bool fail_on_regression = false;
    std::vector<std::string> targets;
    std::string inventory;
    std::string sni;
    std::string service = "tls";
    std::string starttls;  // for --target: a protocol or "none"; empty: implied by the service
    std::vector<std::string> scope;
    std::string ca_file;
    double timeout_s = 5.0;
    std::size_t concurrency = 8;
    std::size_t max_conn_per_host = 4;
    double rate = 0;
};

struct PreparedScan {
    core::Severity fail_on = core::Severity::low;
    std::vector<core::Profile> profiles;
    std::optional<scanner::WaiverFile> waivers;
    std::optional<reports::Ed25519Key> sign_key;
    reports::HtmlOptions html;
    std::vector<core::Target> targets;
    scanner::ObserveOptions observe;
    core::ScanReport report;  // ids, times, scope, profiles and options; targets and results after execute_scan
};

// Checks the options and loads profiles, tailoring, waivers, the signing key
// and the targets (refusing any outside the scope): a UsageError before
// anything is sent.
PreparedScan prepare_scan(const AppContext& ctx, const ScanOptions& o);
// Observes and judges: fills report.targets, results, waivers, finished_at
// and config_digest. A progress line (done/total, rate) on a TTY unless quiet.
void execute_scan(const AppContext& ctx, const ScanOptions& o, PreparedScan& scan);

// `scan --config FILE` (cmd_scan_config.cpp): lock, history, per-scan report
// directory, comparison with the previous scan, alerts, retention.
int run_configured_scan(AppContext& ctx, const ScanOptions& o);
// OUT/<name>.lock: the lock file of a configuration, [A-Za-z0-9._-] only.
std::string lock_file_name(const std::string& config_name);
// Removes the report directories of a pruned scan: only directories directly
// under `reports_dir` (OUT/reports), whatever the history says.
void remove_report_dirs(const scanner::ScanRecord& scan, const std::filesystem::path& reports_dir);

}  // namespace conformscan::cli
