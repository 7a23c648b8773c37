// `conformscan report <sub>`: work on saved reports without scanning. Each
// sub-command lives in its own cmd_report_<sub>.cpp.
#include "scanner/cli/app_context.hpp"

namespace conformscan::cli {

void setup_report(CLI::App& app, AppContext& ctx) {
    auto* report = app.add_subcommand("report", "Work on saved reports (render them again); sends nothing");
    report->require_subcommand(1);
    setup_report_html(*report, ctx);
}

}  // namespace conformscan::cli
