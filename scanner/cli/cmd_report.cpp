// `conformscan report <sub>`: work on saved reports without scanning. Each
// sub-command lives in its own cmd_report_<sub>.cpp.
#include <CLI/CLI.hpp>

#include "scanner/cli/app_context.hpp"

namespace conformscan::cli {

void setup_report(CLI::App& app, AppContext& ctx) {
    auto* report = app.add_subcommand(
        "report",
        "Work on saved reports: render them again in another format, verify their signatures, compare two scans, aggregate many operators; sends nothing");
    report->require_subcommand(1);
    setup_report_render(*report, ctx);
    setup_report_verify(*report, ctx);
    setup_report_html(*report, ctx);
    setup_report_diff(*report, ctx);
    setup_report_aggregate(*report, ctx);
}

}  // namespace conformscan::cli
