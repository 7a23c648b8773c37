// `conformscan report aggregate DIR|FILE...`: the sector view across many
// operators' reports.
#include <cstdio>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "reports/aggregate.hpp"
#include "reports/atomic_file.hpp"
#include "scanner/cli/app_context.hpp"

namespace conformscan::cli {

namespace {

struct AggregateOptions {
    std::vector<std::string> inputs;
    std::string out;
    std::string format;  // empty: from --out's extension, else text
    std::string pubkey_dir;
};

// The verifier for --pubkey-dir: the report's operator's key is
// DIR/<operator>.pub. Report signatures (reports/signature.hpp, verify_report)
// are not part of this build yet, so asking for them is refused rather than
// pretending to check; without --pubkey-dir every report is "not_checked".
reports::ReportVerifier make_verifier(const std::string& pubkey_dir) {
    if (pubkey_dir.empty()) return {};
    throw UsageError(fmt::format("--pubkey-dir {}: this build cannot verify report signatures yet", pubkey_dir));
}

std::string format_of(const AggregateOptions& o) {
    if (!o.format.empty()) return o.format;
    const auto ext = std::filesystem::path(o.out).extension().string();
    if (ext == ".csv") return "csv";
    if (ext == ".json") return "json";
    return "text";
}

void write_output(const std::filesystem::path& file, const std::string& content) {
    if (auto w = reports::write_file_atomic(file, content); !w) throw UsageError(w.error().describe());
}

// sector.csv -> sector-rules.csv, next to it.
std::filesystem::path rules_csv_path(const std::filesystem::path& out) {
    auto p = out;
    p.replace_filename(out.stem().string() + "-rules" + (out.has_extension() ? out.extension().string() : ".csv"));
    return p;
}

int run_aggregate(AppContext& ctx, const AggregateOptions& o) {
    ctx.setup_logging();
    const auto format = format_of(o);
    if (format != "csv" && format != "json" && format != "text")
        throw UsageError(fmt::format("--format must be csv, json or text; got '{}'", format));
    if (format == "csv" && o.out.empty()) throw UsageError("--format csv writes two files: give --out FILE.csv");
    const auto verify = make_verifier(o.pubkey_dir);

    std::vector<reports::RejectedFile> rejected;
    const auto files = reports::collect_report_files(o.inputs, rejected);
    auto sector = reports::aggregate_reports(files, std::move(rejected), verify);
    if (sector.operators.empty()) {
        std::string why;
        for (const auto& r : sector.rejected) why += fmt::format("\n  {}: {}", r.file.string(), r.reason);
        throw UsageError(fmt::format("no report could be read from the {} files given{}", sector.rejected.size(), why));
    }

    if (format == "csv") {
        const std::filesystem::path out(o.out);
        const auto rules = rules_csv_path(out);
        write_output(out, reports::render_aggregate_operators_csv(sector));
        write_output(rules, reports::render_aggregate_rules_csv(sector));
        if (!ctx.quiet)
            std::fprintf(stderr, "conformscan: wrote %s (operators) and %s (rules)\n", out.string().c_str(),
                         rules.string().c_str());
    } else {
        const auto text = format == "json"
                              ? reports::to_json(sector).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"
                              : reports::render_aggregate_text(sector);
        if (!o.out.empty())
            write_output(o.out, text);
        else if (!ctx.quiet)
            std::fputs(text.c_str(), stdout);
    }
    for (const auto& r : sector.rejected) spdlog::warn("rejected {}: {}", r.file.string(), r.reason);
    std::fflush(stdout);
    return sector.incomplete() ? kExitIncomplete : kExitClean;
}

}  // namespace

void setup_report_aggregate(CLI::App& report, AppContext& ctx) {
    auto o = std::make_shared<AggregateOptions>();
    auto* cmd = report.add_subcommand(
        "aggregate",
        "The sector view across operators' reports: per operator score, per rule conformance across operators, "
        "worst findings, and every file not used with the reason. Exit code 0 when every file was used, 3 when "
        "some file was rejected or failed signature verification, 2 when none could be read");
    cmd->add_option("INPUTS", o->inputs,
                    "Report files, or directories searched recursively for *.json; an operator is named by its "
                    "report's operator field, else by the report's directory")
        ->required();
    cmd->add_option("-o,--out", o->out,
                    "Output file; for csv, FILE.csv (one row per report) and FILE-rules.csv (one row per rule)");
    cmd->add_option("--format", o->format, "csv, json or text (default: from --out's extension, else text)");
    cmd->add_option("--pubkey-dir", o->pubkey_dir,
                    "Verify each report's signature with DIR/<operator>.pub (default: signatures not checked)");
    cmd->callback([&ctx, o]() { ctx.exit_code = run_aggregate(ctx, *o); });
}

}  // namespace conformscan::cli
