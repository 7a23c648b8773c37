// `conformscan report render REPORT.json --format F`: a saved report in any
// format, without scanning. Reads only the canonical JSON report.
#include <algorithm>
#include <cstdio>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "reports/atomic_file.hpp"
#include "reports/json_report.hpp"
#include "reports/render.hpp"
#include "scanner/cli/app_context.hpp"
#include "scanner/rule_parser.hpp"

namespace conformscan::cli {

namespace {

struct RenderCmdOptions {
    std::string report;
    std::string format = "text";
    std::string out;
    std::string lang = "en";
    bool csv_bom = false;
};

int run_render(AppContext& ctx, const RenderCmdOptions& o) {
    ctx.setup_logging();
    const auto& formats = reports::render_formats();
    if (std::find(formats.begin(), formats.end(), o.format) == formats.end())
        throw UsageError(fmt::format("--format must be one of {}; got '{}'", fmt::join(formats, ", "), o.format));
    const auto& langs = scanner::text_languages();
    if (std::find(langs.begin(), langs.end(), o.lang) == langs.end())
        throw UsageError(fmt::format("--lang must be one of {}; got '{}'", fmt::join(langs, ", "), o.lang));
    auto report = reports::read_report(o.report);
    if (!report) throw UsageError(report.error().describe());

    reports::RenderOptions options;
    options.lang = o.lang;
    options.source = std::filesystem::path(o.report).filename().string();
    options.csv_bom = o.csv_bom;
    auto text = reports::render(*report, o.format, options);
    if (!text) throw UsageError(text.error().describe());
    if (o.out.empty()) {
        std::fwrite(text->data(), 1, text->size(), stdout);
        std::fflush(stdout);
        return kExitClean;
    }
    if (auto w = reports::write_file_atomic(o.out, *text); !w) {
        spdlog::error("{}", w.error().describe());
        return kExitInternal;
    }
    spdlog::info("{} report written to {}", o.format, o.out);
    return kExitClean;
}

}  // namespace

void setup_report_render(CLI::App& report, AppContext& ctx) {
    auto o = std::make_shared<RenderCmdOptions>();
    auto* cmd = report.add_subcommand("render", "Render a saved report.json again in another format; sends nothing");
    cmd->add_option("report", o->report, "A report.json written by `conformscan scan` or `evaluate`")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--format", o->format,
                    fmt::format("Output format: {}", fmt::join(reports::render_formats(), ", ")))
        ->capture_default_str();
    cmd->add_option("-o,--out", o->out, "Write to this file (atomically) instead of stdout");
    cmd->add_option("--lang", o->lang,
                    "Language of rule titles and fix summaries where the profile translates them "
                    "(en, fr, es, ar, ru, zh); English otherwise")
        ->capture_default_str();
    cmd->add_flag("--csv-bom", o->csv_bom, "csv: start with a UTF-8 byte-order mark (for spreadsheets that "
                                           "guess the encoding)");
    cmd->callback([&ctx, o]() { ctx.exit_code = run_render(ctx, *o); });
}

}  // namespace conformscan::cli
