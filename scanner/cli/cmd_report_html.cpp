// `conformscan report html REPORT.json [--lang LL] [--out FILE]`: the
// self-contained HTML page of a saved report, in any of the six languages.
#include <cstdio>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "reports/atomic_file.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "scanner/cli/app_context.hpp"

namespace conformscan::cli {

namespace {

struct ReportHtmlOptions {
    std::string report;
    std::string lang = "en";
    std::string out;
};

int run_report_html(AppContext& ctx, const ReportHtmlOptions& o) {
    ctx.setup_logging();
    const auto options = ctx.html_options(o.lang);
    auto report = reports::read_report(o.report);
    if (!report) throw UsageError(report.error().describe());
    const auto page = reports::render_html(*report, options);
    if (o.out.empty()) {
        std::fwrite(page.data(), 1, page.size(), stdout);
        std::fflush(stdout);
        return kExitClean;
    }
    if (auto w = reports::write_file_atomic(o.out, page); !w) {
        spdlog::error("{}", w.error().describe());
        return kExitInternal;
    }
    spdlog::info("HTML report written to {}", o.out);
    return kExitClean;
}

}  // namespace

void setup_report_html(CLI::App& report, AppContext& ctx) {
    auto o = std::make_shared<ReportHtmlOptions>();
    auto* cmd = report.add_subcommand(
        "html", "Render a saved report.json as one self-contained HTML page (no network, prints to A4)");
    cmd->add_option("report", o->report, "A report.json written by scan or evaluate")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--lang", o->lang, lang_option_help())->capture_default_str();
    cmd->add_option("-o,--out", o->out, "Write the page to this file (atomically) instead of stdout");
    cmd->callback([&ctx, o]() { ctx.exit_code = run_report_html(ctx, *o); });
}

}  // namespace conformscan::cli
