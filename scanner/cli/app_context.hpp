// What every subcommand shares: the registries, the profile loader, logging,
// and the exit-code table (documented in README.md, tested in
// tests/integration/test_exit_codes.py).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "reports/signature.hpp"
#include "reports/html_report.hpp"
#include "scanner/core/registry.hpp"
#include "scanner/config.hpp"
#include "scanner/core/report_model.hpp"
#include "scanner/inventory.hpp"
#include "scanner/profile_loader.hpp"
#include "scanner/waivers.hpp"

namespace conformscan::cli {

enum ExitCode : int {
    kExitClean = 0,       // every applicable rule passed or was waived
    kExitFailures = 1,    // at least one failure at or above --fail-on
    kExitUsage = 2,       // usage or configuration error; nothing scanned
    kExitIncomplete = 3,  // no failures, but some target or rule could not be observed
    kExitInternal = 4,    // an internal error (a bug): please report it
    kExitRegression = 5,  // scan --config --fail-on-regression: a result that passed in the previous scan fails now
    kExitLocked = 6,      // scan --config: another run of the same configuration holds its lock; nothing scanned
};

inline constexpr std::size_t kLogFileMaxBytes = 10 * 1024 * 1024;
inline constexpr std::size_t kLogFilesKept = 5;

inline constexpr const char* kDefaultProfile = "itu-t/x509-certificates";

// Raised by subcommands for configuration errors; main prints it and exits 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct AppContext {
    core::CheckRegistry checks;
    core::ProbeRegistry probes;
    std::vector<std::string> profile_dirs;  // --profiles-dir, before the default roots
    int verbosity = 0;                      // -v count
    bool quiet = false;
    std::string log_file;  // --log-file: rotated at kLogFileMaxBytes, kLogFilesKept files
    bool syslog = false;   // --syslog
    int exit_code = kExitClean;

    AppContext();
    [[nodiscard]] scanner::ProfileLoader loader() const;
    // Loads each ref (file, catalogue ref or id); throws UsageError with file:line:column.
    [[nodiscard]] std::vector<core::Profile> load_profiles(const std::vector<std::string>& refs) const;
    // --tailoring FILE...: each file applied to the profile it names, before
    // anything is scanned; a usage error (file:line:column) when malformed.
    void apply_tailoring(const std::vector<std::string>& files, std::vector<core::Profile>& profiles) const;
    // --waivers FILE: read and checked against `profiles` before anything is
    // scanned; a usage error (file:line:column) when malformed.
    std::optional<scanner::WaiverFile> load_waivers(const std::string& file,
                                                    const std::vector<core::Profile>& profiles) const;
    void setup_logging() const;
    // --lang LL for report.html, with the clause catalogues of the profile
    // roots (documents/*.yaml) so that coverage can name unchecked clauses.
    // An unknown language is a UsageError; a catalogue that does not load is
    // a warning (the coverage then says the catalogue is missing).
    [[nodiscard]] reports::HtmlOptions html_options(const std::string& lang) const;
};

// What scan and evaluate share: how results are judged and reported.
struct JudgeOptions {
    std::vector<std::string> profiles;
    std::string out;
    std::string format = "text";
    std::string lang = "en";
    std::string fail_on = "low";
    std::string as_of;
    std::string waivers;
    std::vector<std::string> tailoring;
    std::vector<std::string> report_formats;
    std::string sign;
    std::string operator_name;  // --operator; scan: else the inventory's operator:
};

// Where and how finish_report writes a report.
struct ReportOutput {
    std::string dir;                                // --out; empty: stdout only
    std::string format = "text";                    // stdout: text or json
    std::vector<std::string> extra_formats;         // --report-formats (reports/render.hpp)
    const reports::Ed25519Key* sign_key = nullptr;  // --sign
    const reports::HtmlOptions* html = nullptr;     // report.html: --lang and clause catalogues; null: English
    // A report.json already in `dir` moves to DIR/history/ and is chained;
    // off for `scan --config`, which writes each scan to a new directory and
    // takes the previous report from the history database.
    bool archive_previous = true;
    bool write_html = true;  // report.html beside report.json and report.txt
};

// Writes DIR/report.json, DIR/report.txt and DIR/report.html atomically (when
// a directory is set), and DIR/<file> for each of the extra formats (reports/render.hpp: csv
// -> report.csv, ...), prints the report to stdout in `format` unless quiet,
// and returns the exit code. Before writing, a report.json already in DIR
// moves to DIR/history/ and becomes report.previous_report when its
// config_digest equals the report's (reports/report_chain.hpp). With a
// signing key, DIR/report.json.sig is written (atomically) over the exact
// bytes of report.json.
int finish_report(core::ScanReport& report, const ReportOutput& out, bool quiet, core::Severity fail_on);
// --report-formats: each a known format, and --out given; throws UsageError.
void check_report_formats(const std::vector<std::string>& formats, const std::string& out_dir);
// --sign KEY: the private key, loaded before anything is scanned; a usage
// error when unreadable or not Ed25519, or without --out. nullopt without --sign.
std::optional<reports::Ed25519Key> load_signing_key(const std::string& key_file, const std::string& out_dir);

int exit_code_for(const core::ScanReport& report, core::Severity fail_on);
std::string openssl_version();
std::string new_scan_id();
core::Severity parse_severity_option(const std::string& text);
// --as-of: an ISO 8601 date or time; throws UsageError.
core::TimePoint parse_as_of(const std::string& text);

void setup_scan(CLI::App& app, AppContext& ctx);
void setup_evaluate(CLI::App& app, AppContext& ctx);
void setup_profiles(CLI::App& app, AppContext& ctx);
// `profiles capture`, under the `profiles` subcommand.
void setup_capture(CLI::App& profiles, AppContext& ctx);
void setup_checks(CLI::App& app, AppContext& ctx);
void setup_config(CLI::App& app, AppContext& ctx);
void setup_history(CLI::App& app, AppContext& ctx);

// --config FILE: the configuration, or a UsageError with file:line:column.
scanner::ScanConfig load_config_or_throw(const std::string& file);
// The configuration's own scope narrows the inventory's: a target outside it is a UsageError.
void check_config_scope(const scanner::ScanConfig& config, const scanner::Inventory& inventory);
// `report` and its sub-commands (cmd_report.cpp, cmd_report_<sub>.cpp).
void setup_report(CLI::App& app, AppContext& ctx);
void setup_report_render(CLI::App& report, AppContext& ctx);
void setup_report_verify(CLI::App& report, AppContext& ctx);
void setup_keygen(CLI::App& app, AppContext& ctx);
void setup_report_html(CLI::App& report, AppContext& ctx);
// The help text of --lang, shared by scan, evaluate and report html.
std::string lang_option_help();
void setup_report_diff(CLI::App& report, AppContext& ctx);

// How `report diff` and `history diff` print a diff.
struct DiffOutput {
    std::string format = "text";  // text | json | html
    std::string out;              // empty: stdout
    std::size_t max_facts = 20;
    std::string lang = "en";
};
void add_diff_output_options(CLI::App* cmd, DiffOutput& o);
// A UsageError for a bad format, language or --max-facts.
void check_diff_output(const DiffOutput& o);
// Diffs, prints or writes; exit 1 when something newly fails, else 0.
int emit_diff(const AppContext& ctx, const core::ScanReport& old_report, const core::ScanReport& new_report,
              const std::string& old_file, const std::string& new_file, const DiffOutput& o);
void setup_report_aggregate(CLI::App& report, AppContext& ctx);

}  // namespace conformscan::cli
