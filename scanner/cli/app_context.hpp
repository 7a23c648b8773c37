// What every subcommand shares: the registries, the profile loader, logging,
// and the exit-code table (documented in README.md, tested in
// tests/integration/test_exit_codes.py).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "scanner/core/registry.hpp"
#include "scanner/core/report_model.hpp"
#include "scanner/profile_loader.hpp"
#include "scanner/waivers.hpp"

namespace conformscan::cli {

enum ExitCode : int {
    kExitClean = 0,       // every applicable rule passed or was waived
    kExitFailures = 1,    // at least one failure at or above --fail-on
    kExitUsage = 2,       // usage or configuration error; nothing scanned
    kExitIncomplete = 3,  // no failures, but some target or rule could not be observed
    kExitInternal = 4,    // an internal error (a bug): please report it
};

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
};

// Writes DIR/report.json and DIR/report.txt atomically (when out_dir is set),
// prints the report to stdout in `format` unless quiet, and returns the exit code.
int finish_report(const core::ScanReport& report, const std::string& out_dir, const std::string& format, bool quiet,
                  core::Severity fail_on);

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
// `report`, with one setup_report_<sub> per sub-command (cmd_report_<sub>.cpp).
void setup_report(CLI::App& app, AppContext& ctx);
void setup_report_diff(CLI::App& report, AppContext& ctx);
void setup_report_aggregate(CLI::App& report, AppContext& ctx);

}  // namespace conformscan::cli
