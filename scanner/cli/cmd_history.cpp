// `conformscan history list|show|diff|prune`: the scans a configuration has
// run, read from OUT/history.sqlite (scanner/history.hpp).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "reports/json_report.hpp"
#include "scanner/cli/app_context.hpp"
#include "scanner/cli/scan_pipeline.hpp"
#include "scanner/digest.hpp"
#include "scanner/history.hpp"
#include "scanner/run_lock.hpp"

namespace conformscan::cli {

namespace fs = std::filesystem;

namespace {

struct HistoryOptions {
    std::string config = scanner::kDefaultConfigPath;
    std::string db;  // --db FILE: instead of the configuration's OUT/history.sqlite
    bool all = false;
    std::size_t limit = 20;
    std::string format = "text";
    std::string scan;
    std::vector<std::string> scans;  // diff: OLD NEW
    DiffOutput diff;
    std::optional<std::size_t> keep;
    std::string older_than;
    bool dry_run = false;
};

// The history a command reads: --db, or the configuration's output directory.
struct Opened {
    scanner::History history;
    std::string config_name;  // empty with --db without a configuration: every configuration
    fs::path out_dir;
};

Opened open_history(const HistoryOptions& o, bool create_missing = false) {
    fs::path file;
    std::string name;
    if (!o.db.empty()) {
        file = o.db;
    } else {
        const auto config = load_config_or_throw(o.config);
        file = fs::path(config.out_dir) / scanner::History::kFileName;
        name = config.name;
    }
    std::error_code ec;
    if (!create_missing && !fs::exists(file, ec))
        throw UsageError(fmt::format("{}: no history yet (no scan --config has run with this output directory)",
                                     file.string()));
    auto h = scanner::History::open(file);
    if (!h) throw UsageError(h.error().describe());
    return {std::move(h).value(), o.all ? std::string() : name, file.parent_path()};
}

void check_format(const std::string& format) {
    if (format != "text" && format != "json") throw UsageError(fmt::format("--format must be text or json; got '{}'", format));
}

nlohmann::json record_json(const scanner::ScanRecord& s) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : s.reports) files.push_back({{"format", f.format}, {"path", f.path}, {"sha256", f.sha256}});
    return {{"scan_id", s.scan_id},
            {"configuration", s.config_name},
            {"config_digest", s.config_digest},
            {"started_at", s.started_at},
            {"finished_at", s.finished_at.empty() ? nlohmann::json() : nlohmann::json(s.finished_at)},
            {"status", s.status},
            {"exit_code", s.exit_code < 0 ? nlohmann::json() : nlohmann::json(s.exit_code)},
            {"pid", s.pid},
            {"summary", s.summary},
            {"reports", files}};
}

int count_of(const nlohmann::json& summary, const char* section, const char* key) {
    if (!summary.is_object() || !summary.contains(section) || !summary[section].is_object()) return 0;
    const auto& v = summary[section];
    return v.contains(key) && v[key].is_number_integer() ? v[key].get<int>() : 0;
}

std::string score_of(const nlohmann::json& summary) {
    if (!summary.is_object() || !summary.contains("conformance_percent") || !summary["conformance_percent"].is_number())
        return "-";
    return fmt::format("{:.1f}%", summary["conformance_percent"].get<double>());
}

// A scan named by its id, a unique prefix of it (4 characters at least),
// `latest` or `previous` (the two newest finished scans).
scanner::ScanRecord find_scan(const Opened& h, const std::string& ref) {
    auto all = h.history.list(h.config_name, 0);
    if (!all) throw UsageError(all.error().describe());
    std::vector<scanner::ScanRecord> finished;
    for (const auto& s : *all)
        if (s.status == "complete" || s.status == "incomplete") finished.push_back(s);
    if (ref == "latest" || ref == "previous") {
        const std::size_t i = ref == "latest" ? 0 : 1;
        if (finished.size() <= i) throw UsageError(fmt::format("the history has no {} finished scan", ref));
        return finished[i];
    }
    if (ref.size() < 4) throw UsageError(fmt::format("scan '{}': give at least 4 characters of its id", ref));
    std::vector<scanner::ScanRecord> matches;
    for (const auto& s : *all)
        if (s.scan_id.compare(0, ref.size(), ref) == 0) matches.push_back(s);
    if (matches.empty()) throw UsageError(fmt::format("no scan '{}' in {}", ref, h.history.path().string()));
    if (matches.size() > 1) throw UsageError(fmt::format("scan '{}' is ambiguous: {} scans start with it", ref, matches.size()));
    return matches.front();
}

int run_list(AppContext& ctx, const HistoryOptions& o) {
    ctx.setup_logging();
    check_format(o.format);
    auto h = open_history(o);
    auto scans = h.history.list(h.config_name, o.limit);
    if (!scans) throw UsageError(scans.error().describe());
    if (o.format == "json") {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& s : *scans) out.push_back(record_json(s));
        fmt::print("{}\n", out.dump(2));
        return kExitClean;
    }
    if (scans->empty()) {
        if (!ctx.quiet) fmt::print("no scans recorded in {}\n", h.history.path().string());
        return kExitClean;
    }
    fmt::print("{:<36}  {:<20}  {:<11}  {:>4}  {:>5}  {:>5}  {:>5}  {:>7}  {:>5}  {}\n", "SCAN", "STARTED", "STATUS", "EXIT",
               "PASS", "FAIL", "ERROR", "SCORE", "REGR", "CONFIGURATION");
    for (const auto& s : *scans) {
        const auto& sum = s.summary;
        fmt::print("{:<36}  {:<20}  {:<11}  {:>4}  {:>5}  {:>5}  {:>5}  {:>7}  {:>5}  {}\n", s.scan_id, s.started_at,
                   s.status, s.exit_code < 0 ? std::string("-") : std::to_string(s.exit_code),
                   count_of(sum, "results", "pass"), count_of(sum, "results", "fail"), count_of(sum, "results", "error"),
                   score_of(sum), count_of(sum, "changes", "regressions"), s.config_name);
    }
    return kExitClean;
}

int run_show(AppContext& ctx, const HistoryOptions& o) {
    ctx.setup_logging();
    check_format(o.format);
    auto h = open_history(o);
    const auto scan = find_scan(h, o.scan);
    auto rows = h.history.results(scan.scan_id);
    if (!rows) throw UsageError(rows.error().describe());
    auto alerts = h.history.alerts(scan.scan_id);
    if (!alerts) throw UsageError(alerts.error().describe());
    if (o.format == "json") {
        auto j = record_json(scan);
        nlohmann::json sent = nlohmann::json::array();
        for (const auto& a : *alerts)
            sent.push_back({{"channel", a.channel}, {"sent_at", a.sent_at}, {"ok", a.ok}, {"detail", a.detail}});
        j["alerts"] = sent;
        nlohmann::json results = nlohmann::json::array();
        for (const auto& r : *rows)
            results.push_back({{"target", r.target_id},
                               {"profile", r.profile_id},
                               {"rule", r.rule_id},
                               {"status", r.status},
                               {"severity", r.severity}});
        j["results"] = results;
        fmt::print("{}\n", j.dump(2));
        return kExitClean;
    }
    fmt::print("scan {} of configuration {}\n", scan.scan_id, scan.config_name);
    fmt::print("  started   {}\n  finished  {}\n  status    {} (exit code {})\n  digest    {}\n", scan.started_at,
               scan.finished_at.empty() ? "-" : scan.finished_at, scan.status,
               scan.exit_code < 0 ? std::string("-") : std::to_string(scan.exit_code), scan.config_digest);
    const auto& sum = scan.summary;
    fmt::print("  results   {} pass, {} fail, {} error, {} not applicable, {} waived; conformance {}\n",
               count_of(sum, "results", "pass"), count_of(sum, "results", "fail"), count_of(sum, "results", "error"),
               count_of(sum, "results", "not_applicable"), count_of(sum, "results", "waived"), score_of(sum));
    if (sum.is_object() && sum.contains("changes"))
        fmt::print("  changes   {} regressions, {} new failures, {} fixed\n", count_of(sum, "changes", "regressions"),
                   count_of(sum, "changes", "new_failures"), count_of(sum, "changes", "fixed"));
    for (const auto& f : scan.reports) fmt::print("  report    {:<9} {}  sha256 {}\n", f.format, f.path, f.sha256);
    for (const auto& a : *alerts)
        fmt::print("  alert     {:<9} {} {}: {}\n", a.channel, a.sent_at, a.ok ? "delivered" : "NOT delivered", a.detail);
    std::vector<scanner::ResultRow> failing;
    for (const auto& r : *rows)
        if (r.status == "fail" || r.status == "error") failing.push_back(r);
    if (!failing.empty()) {
        fmt::print("\nFAILURES AND ERRORS ({})\n", failing.size());
        for (const auto& r : failing)
            fmt::print("  {:<5} [{}] {} {} ({})\n", r.status, r.severity, r.target_id, r.rule_id, r.profile_id);
    }
    return kExitClean;
}

// The report.json a scan recorded, checked against the SHA-256 the history
// holds, and its path.
std::pair<core::ScanReport, std::string> recorded_report(const scanner::ScanRecord& scan) {
    const auto it = std::find_if(scan.reports.begin(), scan.reports.end(),
                                 [](const scanner::ReportFile& f) { return f.format == "json"; });
    if (it == scan.reports.end()) throw UsageError(fmt::format("scan {} has no report.json in the history", scan.scan_id));
    auto digest = scanner::sha256_file(it->path);
    if (!digest) throw UsageError(fmt::format("scan {}: {}", scan.scan_id, digest.error().describe()));
    if (*digest != it->sha256)
        throw UsageError(fmt::format("scan {}: {} changed since the history recorded it (sha256 {} expected, {} found)",
                                     scan.scan_id, it->path, it->sha256, *digest));
    auto report = reports::read_report(it->path);
    if (!report) throw UsageError(fmt::format("scan {}: {}", scan.scan_id, report.error().describe()));
    return {std::move(report).value(), it->path};
}
int run_history_diff(AppContext& ctx, const HistoryOptions& o) {
    ctx.setup_logging();
    check_diff_output(o.diff);
    auto h = open_history(o);
    scanner::ScanRecord old_scan;
    scanner::ScanRecord new_scan;
    if (o.scans.empty()) {
        old_scan = find_scan(h, "previous");
        new_scan = find_scan(h, "latest");
    } else if (o.scans.size() == 1) {
        // One scan: compared with the newest one.
        old_scan = find_scan(h, o.scans[0]);
        new_scan = find_scan(h, "latest");
    } else {
        old_scan = find_scan(h, o.scans[0]);
        new_scan = find_scan(h, o.scans[1]);
    }
    const auto [old_report, old_file] = recorded_report(old_scan);
    const auto [new_report, new_file] = recorded_report(new_scan);
    return emit_diff(ctx, old_report, new_report, old_file, new_file, o.diff);
}

// --older-than: "90d", "12w" or an ISO 8601 date/time.
std::string older_than_time(const std::string& text) {
    if (text.empty()) return {};
    if (text.size() >= 2 && (text.back() == 'd' || text.back() == 'w') &&
        std::all_of(text.begin(), text.end() - 1, [](char c) { return c >= '0' && c <= '9'; }) && text.size() <= 7) {
        const long n = std::stol(text.substr(0, text.size() - 1)) * (text.back() == 'w' ? 7 : 1);
        return core::format_time(core::now() - std::chrono::hours(24) * n);
    }
    auto t = core::parse_time(text);
    if (!t) throw UsageError(fmt::format("--older-than: expected 90d, 12w or an ISO 8601 date; got '{}'", text));
    return core::format_time(*t);
}

int run_prune(AppContext& ctx, const HistoryOptions& o) {
    ctx.setup_logging();
    if (!o.keep && o.older_than.empty()) throw UsageError("history prune needs --keep N or --older-than D");
    const auto older_than = older_than_time(o.older_than);
    auto h = open_history(o);
    // Never prune under a running scan of the configuration.
    std::optional<scanner::RunLock> lock;
    if (!h.config_name.empty()) {
        auto l = scanner::RunLock::acquire(h.out_dir / lock_file_name(h.config_name), "history prune");
        if (!l) {
            if (l.error().code == scanner::RunLock::kErrLocked) {
                std::fprintf(stderr, "conformscan: %s; nothing pruned\n", l.error().describe().c_str());
                return kExitLocked;
            }
            throw UsageError(l.error().describe());
        }
        lock = std::move(l).value();
    }
    std::vector<scanner::ScanRecord> removed;
    if (o.dry_run) {
        auto r = h.history.prune_candidates(h.config_name, o.keep, older_than);
        if (!r) throw UsageError(r.error().describe());
        removed = std::move(*r);
    } else {
        auto r = h.history.prune(h.config_name, o.keep, older_than);
        if (!r) throw UsageError(r.error().describe());
        removed = std::move(*r);
        for (const auto& s : removed) remove_report_dirs(s, h.out_dir / "reports");
    }
    if (!ctx.quiet) {
        for (const auto& s : removed) fmt::print("{} {} {}\n", o.dry_run ? "would prune" : "pruned", s.scan_id, s.started_at);
        fmt::print("{} {} scan(s)\n", o.dry_run ? "would prune" : "pruned", removed.size());
    }
    return kExitClean;
}

void add_source_options(CLI::App* cmd, HistoryOptions& o) {
    cmd->add_option("-c,--config", o.config, "Configuration whose history to read (its output.directory)")
        ->capture_default_str();
    cmd->add_option("--db", o.db, "A history database file instead (OUT/history.sqlite); every configuration in it");
}

}  // namespace

void setup_history(CLI::App& app, AppContext& ctx) {
    auto o = std::make_shared<HistoryOptions>();
    auto* cmd = app.add_subcommand("history", "The scans `scan --config` recorded (OUT/history.sqlite)");
    cmd->require_subcommand(1);

    auto* list = cmd->add_subcommand("list", "Recorded scans, newest first: status, exit code, counts, score, regressions");
    add_source_options(list, *o);
    list->add_flag("--all", o->all, "Every configuration in the database, not only this one");
    list->add_option("-n,--limit", o->limit, "At most this many scans (0: all)")->capture_default_str();
    list->add_option("--format", o->format, "text or json")->capture_default_str();
    list->callback([&ctx, o]() { ctx.exit_code = run_list(ctx, *o); });

    auto* show = cmd->add_subcommand("show", "One scan: times, status, summary, report files with SHA-256, failures");
    show->add_option("SCAN", o->scan, "Scan id, a unique prefix of it (4+ characters), latest or previous")->required();
    add_source_options(show, *o);
    show->add_option("--format", o->format, "text or json")->capture_default_str();
    show->callback([&ctx, o]() { ctx.exit_code = run_show(ctx, *o); });

    auto* diff = cmd->add_subcommand(
        "diff",
        "Compare two recorded scans through their report.json (checked against the SHA-256 the history holds): "
        "default the last two; one SCAN: that one against the latest. Exit 1 when something newly fails");
    diff->add_option("SCANS", o->scans, "OLD [NEW]: scan ids, prefixes, latest or previous")->expected(0, 2);
    add_source_options(diff, *o);
    add_diff_output_options(diff, o->diff);
    diff->callback([&ctx, o]() { ctx.exit_code = run_history_diff(ctx, *o); });

    auto* prune = cmd->add_subcommand(
        "prune", "Remove old scans from the history and their report directories (takes the configuration's lock)");
    add_source_options(prune, *o);
    prune->add_option("--keep", o->keep, "Keep the newest N finished scans");
    prune->add_option("--older-than", o->older_than, "Remove scans started before this: 90d, 12w or an ISO 8601 date");
    prune->add_flag("--dry-run", o->dry_run, "Say what would be removed, remove nothing");
    prune->callback([&ctx, o]() { ctx.exit_code = run_prune(ctx, *o); });
}

}  // namespace conformscan::cli
