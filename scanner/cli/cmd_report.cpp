// `conformscan report <sub>`: work on saved reports without scanning. Each
// sub-command lives in its own file (cmd_report_<sub>.cpp).
#include "scanner/cli/app_context.hpp"

namespace conformscan::cli {

void setup_report(CLI::App& app, AppContext& ctx) {
    auto* report = app.add_subcommand("report", "Work on saved reports: compare two scans, aggregate many operators");
    report->require_subcommand(1);
    setup_report_diff(*report, ctx);
    setup_report_aggregate(*report, ctx);
}

}  // namespace conformscan::cli
