// `conformscan report render REPORT.json --format F`: a saved report in any
// format, without scanning. Reads only the canonical JSON report.
//
// `--format html` is the self-contained HTML page (reports/html_report.hpp);
// with `--pubkey KEY.pub` its cover shows whether the report's signature
// verifies (reports::verify_report_bytes over the very bytes rendered).
// `report html` is kept as an alias of `report render --format html`.
#include <algorithm>
#include <cstdio>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "reports/atomic_file.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/render.hpp"
#include "reports/signature.hpp"
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
    std::string pubkey;
    std::string sig;
};

// reports::render_formats() and html: the HTML page is rendered here rather
// than by reports::render, because it needs the clause catalogues (and, with
// --pubkey, the verification), and because scan's --report-formats always
// writes report.html already.
std::vector<std::string> command_formats() {
    std::vector<std::string> v(reports::render_formats().begin(), reports::render_formats().end());
    v.emplace_back("html");
    return v;
}

// Stdout, or OUT atomically; false (logged) when OUT cannot be written.
bool write_output(const std::string& out, const std::string& text, std::string_view what) {
    if (out.empty()) {
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
        return true;
    }
    if (auto w = reports::write_file_atomic(out, text); !w) {
        spdlog::error("{}", w.error().describe());
        return false;
    }
    spdlog::info("{} report written to {}", what, out);
    return true;
}

int run_render(AppContext& ctx, const RenderCmdOptions& o) {
    ctx.setup_logging();
    const auto formats = command_formats();
    if (std::find(formats.begin(), formats.end(), o.format) == formats.end())
        throw UsageError(fmt::format("--format must be one of {}; got '{}'", fmt::join(formats, ", "), o.format));
    if (o.format != "html" && !o.pubkey.empty())
        throw UsageError("--pubkey: only the HTML cover shows a signature status (use --format html, or `report "
                         "verify` to check a signature)");
    if (!o.sig.empty() && o.pubkey.empty()) throw UsageError("--sig needs --pubkey");

    if (o.format == "html") {
        auto options = ctx.html_options(o.lang);  // a usage error for an unknown language
        std::optional<reports::Ed25519Key> key;
        if (!o.pubkey.empty()) {
            auto k = reports::Ed25519Key::load_public(o.pubkey);
            if (!k) throw UsageError(fmt::format("--pubkey: {}", k.error().describe()));
            key = std::move(k).value();
        }
        // One read: the bytes verified are the bytes rendered.
        auto bytes = reports::read_report_bytes(o.report);
        if (!bytes) throw UsageError(bytes.error().describe());
        auto report = reports::parse_report_bytes(*bytes, o.report);
        if (!report) throw UsageError(report.error().describe());
        int code = kExitClean;
        if (key) {
            options.verification = reports::verify_report_bytes(*bytes, o.report, *key, o.sig);
            if (!options.verification->ok()) {
                std::fprintf(stderr, "conformscan: verification FAILED (%s): %s\n",
                             reports::to_string(options.verification->status), options.verification->message.c_str());
                code = kExitFailures;  // the page is still written: its cover says what failed
            } else {
                spdlog::info("{}", options.verification->message);
            }
        }
        if (!write_output(o.out, reports::render_html(*report, options), "html")) return kExitInternal;
        return code;
    }

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
    return write_output(o.out, *text, o.format) ? kExitClean : kExitInternal;
}

void add_html_options(CLI::App* cmd, RenderCmdOptions& o) {
    cmd->add_option("--pubkey", o.pubkey,
                    "html: verify the report's signature with this public key (PEM, from `conformscan keygen`) and "
                    "show the outcome on the cover; exit 1 when it does not verify (the page is still written)");
    cmd->add_option("--sig", o.sig, "html, with --pubkey: the signature file (default: REPORT.sig)");
}

}  // namespace

void setup_report_render(CLI::App& report, AppContext& ctx) {
    auto o = std::make_shared<RenderCmdOptions>();
    auto* cmd = report.add_subcommand("render", "Render a saved report.json again in another format; sends nothing");
    cmd->add_option("report", o->report, "A report.json written by `conformscan scan` or `evaluate`")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--format", o->format,
                    fmt::format("Output format: {} (html: one self-contained page, no network, prints to A4)",
                                fmt::join(command_formats(), ", ")))
        ->capture_default_str();
    cmd->add_option("-o,--out", o->out, "Write to this file (atomically) instead of stdout");
    cmd->add_option("--lang", o->lang,
                    "Language of rule titles and fix summaries where the profile translates them "
                    "(en, fr, es, ar, ru, zh); English otherwise. html: also the page's own text (ar is laid out "
                    "right to left)")
        ->capture_default_str();
    cmd->add_flag("--csv-bom", o->csv_bom, "csv: start with a UTF-8 byte-order mark (for spreadsheets that "
                                           "guess the encoding)");
    add_html_options(cmd, *o);
    cmd->callback([&ctx, o]() { ctx.exit_code = run_render(ctx, *o); });
}

void setup_report_html(CLI::App& report, AppContext& ctx) {
    auto o = std::make_shared<RenderCmdOptions>();
    o->format = "html";
    auto* cmd = report.add_subcommand(
        "html", "Alias of `report render --format html`: a saved report.json as one self-contained HTML page");
    cmd->add_option("report", o->report, "A report.json written by scan or evaluate")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--lang", o->lang, lang_option_help())->capture_default_str();
    cmd->add_option("-o,--out", o->out, "Write the page to this file (atomically) instead of stdout");
    add_html_options(cmd, *o);
    cmd->callback([&ctx, o]() { ctx.exit_code = run_render(ctx, *o); });
}

}  // namespace conformscan::cli
