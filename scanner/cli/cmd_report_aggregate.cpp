// `conformscan report aggregate DIR|FILE...`: the sector view across many
// operators' reports.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "reports/aggregate.hpp"
#include "reports/atomic_file.hpp"
#include "reports/html_i18n.hpp"
#include "reports/signature.hpp"
#include "scanner/cli/app_context.hpp"

namespace conformscan::cli {

namespace {

struct AggregateOptions {
    std::vector<std::string> inputs;
    std::string out;
    std::string format;  // empty: from --out's extension, else text
    std::string pubkey_dir;
    std::string lang = "en";
};

// Whether an operator's name can be used as a file name in the key
// directory: not empty, not "." or "..", no '/' and no control character (a
// report must not pick a key file outside the directory).
bool usable_key_name(const std::string& name) {
    if (name.empty() || name == "." || name == "..") return false;
    return std::none_of(name.begin(), name.end(), [](char c) {
        return c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
    });
}

// The verifier for --pubkey-dir DIR: the report's operator (its "operator"
// field, else its directory's name, as aggregate names it) signs with the key
// in DIR/<operator>.pub; the signature is FILE.sig. A report whose operator has
// no key file there (or whose name cannot be a file name, or whose key does
// not load) is counted but listed as not checked, with the reason; every other
// outcome of verify_report is verified or failed. Keys are loaded once.
reports::ReportVerifier make_verifier(const std::string& pubkey_dir) {
    using reports::SignatureCheck;
    if (pubkey_dir.empty()) return {};
    std::error_code ec;
    if (!std::filesystem::is_directory(pubkey_dir, ec))
        throw UsageError(fmt::format("--pubkey-dir {}: not a directory", pubkey_dir));
    const std::filesystem::path dir(pubkey_dir);
    auto keys = std::make_shared<std::map<std::string, core::Result<reports::Ed25519Key>>>();
    return [dir, keys](const std::filesystem::path& report, std::string_view bytes,
                       const std::string& op) -> SignatureCheck {
        if (!usable_key_name(op))
            return {SignatureCheck::State::not_checked,
                    fmt::format("no key: the operator name '{}' cannot name a key file in {}", op, dir.string()),
                    "no_key"};
        const auto key_file = dir / (op + ".pub");
        auto it = keys->find(op);
        if (it == keys->end()) {
            std::error_code fec;
            if (!std::filesystem::exists(key_file, fec))
                return {SignatureCheck::State::not_checked,
                        fmt::format("no key: {} does not exist", key_file.string()), "no_key"};
            it = keys->emplace(op, reports::Ed25519Key::load_public(key_file)).first;
        }
        if (!it->second)
            return {SignatureCheck::State::not_checked, fmt::format("key not usable: {}", it->second.error().describe()),
                    "key_unreadable"};
        const auto v = reports::verify_report_bytes(bytes, report, *it->second);
        if (v.ok()) return {SignatureCheck::State::verified, v.message, reports::to_string(v.status)};
        return {SignatureCheck::State::failed, v.message, reports::to_string(v.status)};
    };
}

std::string format_of(const AggregateOptions& o) {
    if (!o.format.empty()) return o.format;
    const auto ext = std::filesystem::path(o.out).extension().string();
    if (ext == ".csv") return "csv";
    if (ext == ".html" || ext == ".htm") return "html";
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

// Both CSV tables: OUT (one row per report) and OUT-rules (one row per rule).
void write_csv_pair(const std::filesystem::path& out, const reports::SectorAggregate& sector, bool quiet) {
    const auto rules = rules_csv_path(out);
    write_output(out, reports::render_aggregate_operators_csv(sector));
    write_output(rules, reports::render_aggregate_rules_csv(sector));
    if (!quiet)
        std::fprintf(stderr, "conformscan: wrote %s (operators) and %s (rules)\n", out.string().c_str(),
                     rules.string().c_str());
}

int run_aggregate(AppContext& ctx, const AggregateOptions& o) {
    ctx.setup_logging();
    const auto format = format_of(o);
    if (format != "csv" && format != "json" && format != "text" && format != "html")
        throw UsageError(fmt::format("--format must be csv, json, text or html; got '{}'", format));
    if (format == "csv" && o.out.empty()) throw UsageError("--format csv writes two files: give --out FILE.csv");
    if (format == "html" && o.out.empty())
        throw UsageError("--format html writes the page and its two CSV tables: give --out FILE.html");
    if (!reports::is_html_language(o.lang))
        throw UsageError(fmt::format("--lang must be one of {}; got '{}'", fmt::join(reports::html_languages(), ", "),
                                     o.lang));
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
        write_csv_pair(o.out, sector, ctx.quiet);
    } else if (format == "html") {
        // The page, and the same tables as CSV beside it (sector.html -> sector.csv, sector-rules.csv).
        const std::filesystem::path out(o.out);
        auto csv = out;
        csv.replace_extension(".csv");
        write_output(out, reports::render_aggregate_html(sector, o.lang));
        write_csv_pair(csv, sector, ctx.quiet);
        if (!ctx.quiet) std::fprintf(stderr, "conformscan: wrote %s\n", out.string().c_str());
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
        "worst findings, and every file not used with the reason; text, json, csv or html (with the CSV tables beside "
        "it). Exit code 0 when every file was used, 3 when some file was rejected or failed signature verification "
        "(or, with --pubkey-dir, a signature could not be checked), 2 when none could be read");
    cmd->add_option("INPUTS", o->inputs,
                    "Report files, or directories searched recursively for *.json; an operator is named by its "
                    "report's operator field, else by the report's directory")
        ->required();
    cmd->add_option("-o,--out", o->out,
                    "Output file; for csv, FILE.csv (one row per report) and FILE-rules.csv (one row per rule); "
                    "for html, FILE.html and those two CSV tables beside it");
    cmd->add_option("--format", o->format,
                    "csv, json, text or html (default: from --out's extension: .csv, .json, .html/.htm; else text)");
    cmd->add_option("--lang", o->lang,
                    fmt::format("html: the language of the page's own text, one of {} (ar right to left)",
                                fmt::join(reports::html_languages(), ", ")))
        ->capture_default_str();
    cmd->add_option("--pubkey-dir", o->pubkey_dir,
                    "Verify each report's signature (FILE.sig) with DIR/<operator>.pub, the operator as the report "
                    "names it (else its directory's name). A report that fails is listed and not counted; one whose "
                    "operator has no key file is counted, listed as not checked, and makes the exit code 3 "
                    "(default: signatures not checked)");
    cmd->callback([&ctx, o]() { ctx.exit_code = run_aggregate(ctx, *o); });
}

}  // namespace conformscan::cli
