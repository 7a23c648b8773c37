// `conformscan report diff OLD NEW`: what changed between two scans.
#include <cstdio>

#include <fmt/format.h>

#include "reports/atomic_file.hpp"
#include "reports/diff.hpp"
#include "reports/html_i18n.hpp"
#include "reports/json_report.hpp"
#include "scanner/cli/app_context.hpp"

namespace conformscan::cli {

namespace {

struct ReportDiffOptions {
    std::string old_file;
    std::string new_file;
    DiffOutput output;
};

int run_diff(AppContext& ctx, const ReportDiffOptions& o) {
    ctx.setup_logging();
    check_diff_output(o.output);
    auto old_report = reports::read_report(o.old_file);
    if (!old_report) throw UsageError(fmt::format("old report: {}", old_report.error().describe()));
    auto new_report = reports::read_report(o.new_file);
    if (!new_report) throw UsageError(fmt::format("new report: {}", new_report.error().describe()));
    return emit_diff(ctx, *old_report, *new_report, o.old_file, o.new_file, o.output);
}

}  // namespace

void check_diff_output(const DiffOutput& o) {
    if (o.format != "text" && o.format != "json" && o.format != "html")
        throw UsageError(fmt::format("--format must be text, json or html; got '{}'", o.format));
    if (!reports::is_html_language(o.lang))
        throw UsageError(fmt::format("--lang must be one of {}; got '{}'", fmt::join(reports::html_languages(), ", "),
                                     o.lang));
    if (o.max_facts == 0 || o.max_facts > 10000) throw UsageError("--max-facts must be between 1 and 10000");
}

int emit_diff(const AppContext& ctx, const core::ScanReport& old_report, const core::ScanReport& new_report,
              const std::string& old_file, const std::string& new_file, const DiffOutput& o) {
    reports::DiffOptions options;
    options.max_fact_changes = o.max_facts;
    auto diff = reports::diff_reports(old_report, new_report, options);
    if (!diff) throw UsageError(diff.error().describe());
    diff->old_side.file = old_file;
    diff->new_side.file = new_file;
    const auto text = o.format == "json"
                          ? reports::to_json(*diff).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"
                      : o.format == "html" ? reports::render_diff_html(*diff, o.lang)
                                           : reports::render_diff_text(*diff);
    if (!o.out.empty()) {
        if (auto w = reports::write_file_atomic(o.out, text); !w) throw UsageError(w.error().describe());
    } else if (!ctx.quiet) {
        std::fputs(text.c_str(), stdout);
        std::fflush(stdout);
    }
    return diff->has_new_failures() ? kExitFailures : kExitClean;
}

void add_diff_output_options(CLI::App* cmd, DiffOutput& o) {
    cmd->add_option("--format", o.format,
                    "text, json or html (one self-contained page: inline CSS, no script, nothing fetched)")
        ->capture_default_str();
    cmd->add_option("-o,--out", o.out, "Write the diff to this file (atomically) instead of stdout");
    cmd->add_option("--lang", o.lang,
                    fmt::format("html: the language of the page's own text, one of {} (ar right to left)",
                                fmt::join(reports::html_languages(), ", ")))
        ->capture_default_str();
    cmd->add_option("--max-facts", o.max_facts, "Changed facts shown per result; the rest are counted")
        ->capture_default_str();
}

void setup_report_diff(CLI::App& report, AppContext& ctx) {
    auto o = std::make_shared<ReportDiffOptions>();
    auto* cmd = report.add_subcommand(
        "diff",
        "Compare two reports: new failures, regressions (pass -> fail), fixed, still failing, other status "
        "changes, targets and rules added or removed, and the facts that changed behind each changed result. "
        "Exit code 1 when something newly fails (a new failure or a regression), else 0; 2 for unreadable input");
    cmd->add_option("OLD", o->old_file, "The earlier report.json")->required()->check(CLI::ExistingFile);
    cmd->add_option("NEW", o->new_file, "The later report.json")->required()->check(CLI::ExistingFile);
    add_diff_output_options(cmd, o->output);
    cmd->callback([&ctx, o]() { ctx.exit_code = run_diff(ctx, *o); });
}

}  // namespace conformscan::cli
