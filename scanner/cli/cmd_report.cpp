// `conformscan report <sub>`: work on saved reports; sends nothing. Each
// sub-command lives in its own file (cmd_report_<sub>.cpp).
#include "scanner/cli/app_context.hpp"

namespace conformscan::cli {

void setup_report(CLI::App& app, AppContext& ctx) {
    auto* report = app.add_subcommand("report", "Work on saved reports (verify); sends nothing");
    report->require_subcommand(1);
    setup_report_verify(*report, ctx);
}

}  // namespace conformscan::cli
