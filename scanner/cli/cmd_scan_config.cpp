// `conformscan scan --config FILE`: the unattended, scheduled scan.
//
//   1. the configuration is read (file:line:column errors, exit 2);
//   2. OUT/<name>.lock is taken, or exit 6 — one run per configuration;
//   3. the history (OUT/history.sqlite) marks runs that died as interrupted,
//      and their half-written report directories are removed;
//   4. inventory, profiles, tailoring, waivers and key are loaded (exit 2);
//   5. the scan is recorded as running, observed and judged;
//   6. it is compared with the previous scan of the same configuration
//      digest, and the comparison goes into the report;
//   7. the reports are written into OUT/reports/<dir>.partial/, which is
//      renamed to OUT/reports/<dir>/ (one atomic step) and OUT/latest points
//      at it; only then is the scan recorded as complete or incomplete;
//   8. alerts go out when the configuration's events happened;
//   9. retention prunes the history and the old report directories.
//
// A kill at any point leaves either no report directory or a whole one, and
// a history row that is complete, or `running` until the next run marks it
// interrupted.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "reports/render.hpp"
#include "scanner/cli/app_context.hpp"
#include "scanner/cli/scan_pipeline.hpp"
#include "scanner/config.hpp"
#include "scanner/digest.hpp"
#include "scanner/history.hpp"
#include "scanner/notify.hpp"
#include "scanner/run_lock.hpp"

namespace conformscan::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kReportsDir = "reports";
constexpr const char* kLatestLink = "latest";
constexpr const char* kPartialSuffix = ".partial";

}  // namespace

// A configuration name as a file name: [A-Za-z0-9._-], anything else '_'.
std::string lock_file_name(const std::string& name) {
    std::string out = name;
    for (auto& c : out)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            c = '_';
    if (out.empty() || out == "." || out == "..") out = "conformscan";
    return out + ".lock";
}

namespace {

// The options a configured scan runs with. The report files themselves are
// chosen by the configuration's `output.formats`.
ScanOptions options_from(const scanner::ScanConfig& config, const ScanOptions& cli) {
    ScanOptions o;
    o.config = config.path;
    o.fail_on_regression = cli.fail_on_regression;
    o.inventory = config.inventory;
    o.profiles = config.profiles;
    o.tailoring = config.tailoring;
    o.waivers = config.waivers;
    o.ca_file = config.ca_file;
    o.fail_on = config.fail_on;
    o.lang = config.lang;
    o.timeout_s = config.timeout_s;
    o.concurrency = static_cast<std::size_t>(config.concurrency);
    o.max_conn_per_host = static_cast<std::size_t>(config.max_conn_per_host);
    o.rate = config.rate;
    o.sign = config.signing_key;
    o.format = cli.format;
    o.as_of = cli.as_of;
    o.out = (fs::path(config.out_dir) / kReportsDir).string();
    for (const auto& f : config.formats)
        if (f != "json" && f != "text" && f != "html") o.report_formats.push_back(f);
    return o;
}

// 20261129T020003Z-1a2b3c4d: sorts by time, unique by the scan id.
std::string scan_dir_name(const core::ScanReport& report) {
    auto t = core::format_time(report.started_at);
    t.erase(std::remove_if(t.begin(), t.end(), [](char c) { return c == '-' || c == ':'; }), t.end());
    return fmt::format("{}-{}", t, report.scan_id.substr(0, 8));
}

void fsync_dir(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// Report directories a killed run left half-written. Runs under the lock, so none is in use.
void remove_partial_dirs(const fs::path& reports) {
    std::error_code ec;
    if (!fs::is_directory(reports, ec)) return;
    for (const auto& entry : fs::directory_iterator(reports, ec)) {
        const auto name = entry.path().filename().string();
        if (name.size() > std::string(kPartialSuffix).size() && name.ends_with(kPartialSuffix)) {
            std::error_code rm;
            fs::remove_all(entry.path(), rm);
            if (rm)
                spdlog::warn("cannot remove the half-written report directory {}: {}", entry.path().string(),
                             rm.message());
            else
                spdlog::warn("removed the half-written report directory {} of an interrupted run",
                             entry.path().string());
        }
    }
}

// OUT/latest -> reports/<dir>, replaced in one rename.
void point_latest(const fs::path& out_dir, const std::string& dir_name) {
    const auto link = out_dir / kLatestLink;
    const auto tmp = out_dir / fmt::format(".{}.{}", kLatestLink, ::getpid());
    std::error_code ec;
    fs::remove(tmp, ec);
    fs::create_directory_symlink(fs::path(kReportsDir) / dir_name, tmp, ec);
    if (!ec) fs::rename(tmp, link, ec);
    if (ec) {
        fs::remove(tmp, ec);
        spdlog::warn("cannot point {} at the newest report: {}", link.string(), ec.message());
    }
}

// The previous scan's report.json as this report's previous_report link,
// relative to this report's directory; null when its file is gone.
nlohmann::json previous_link(const scanner::ScanRecord& previous) {
    for (const auto& f : previous.reports) {
        if (f.format != "json") continue;
        std::error_code ec;
        const fs::path path(f.path);
        if (!fs::is_regular_file(path, ec)) return nullptr;
        const auto dir = path.parent_path().filename().string();
        return {{"scan_id", previous.scan_id},
                {"sha256", f.sha256},
                {"path", (fs::path("..") / dir / path.filename()).string()}};
    }
    return nullptr;
}

std::string format_of_file(const std::string& name) {
    if (name == "report.json") return "json";
    if (name == "report.txt") return "text";
    if (name == "report.html") return "html";
    if (name == "report.json.sig") return "signature";
    for (const auto& f : reports::render_formats())
        if (name == reports::report_file_name(f)) return std::string(f);
    return "other";
}

std::vector<scanner::ReportFile> report_files(const fs::path& dir) {
    std::vector<scanner::ReportFile> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file()) continue;
        auto digest = scanner::sha256_file(entry.path());
        out.push_back({format_of_file(entry.path().filename().string()), entry.path().string(),
                       digest ? *digest : std::string()});
    }
    // json first: the history's readers look for it.
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return std::make_pair(a.format != "json", a.path) < std::make_pair(b.format != "json", b.path);
    });
    return out;
}

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
    return buf;
}

void send_alerts(const scanner::ScanConfig& config, const scanner::ScanChanges& changes,
                 const scanner::AlertContext& alert, scanner::History& history) {
    const auto& n = config.notify;
    if (!n.webhook && !n.email) return;
    if (!scanner::should_notify(n, changes)) {
        spdlog::info("no alert: nothing the configuration listens for happened");
        return;
    }
    // Each attempt is recorded, delivered or not: `history show` tells whether a human was told.
    auto record = [&](const char* channel, const core::Result<void>& sent, const std::string& where) {
        scanner::AlertRecord a{channel, core::format_time(core::now()), sent.ok(),
                               sent.ok() ? where : sent.error().describe()};
        if (sent.ok())
            spdlog::info("alert sent by {} to {}", channel, where);
        else
            spdlog::error("alert not delivered by {}: {}", channel, a.detail);
        if (auto r = history.record_alert(alert.scan_id, a); !r) spdlog::error("{}", r.error().describe());
    };
    if (n.webhook) record("webhook", scanner::send_webhook(*n.webhook, scanner::alert_json(alert, changes, n)), n.webhook->url);
    if (n.email)
        record("email",
               scanner::send_email(*n.email, scanner::alert_subject(alert, changes), scanner::alert_text(alert, changes, n)),
               fmt::format("{} via {}", fmt::join(n.email->to, ", "), n.email->smtp_url));
}

// What the alert tells: the changes since the newest earlier scan whose
// alerts reached someone (or that needed none). When the alerts of the scans
// in between all failed — the webhook was down that night — their news is
// not lost: it is compared again from that baseline, and `undelivered`
// names them.
scanner::ScanChanges changes_since_last_alert(const scanner::History& history, const scanner::ScanConfig& config,
                                              const core::ScanReport& report,
                                              const std::vector<scanner::ResultRow>& rows,
                                              const scanner::ScanChanges& changes, std::vector<std::string>& undelivered) {
    if (!config.notify.webhook && !config.notify.email) return changes;
    auto scans = history.list(config.name, 0);
    if (!scans) return changes;
    const scanner::ScanRecord* baseline = nullptr;
    for (const auto& s : *scans) {
        if (s.scan_id == report.scan_id || (s.status != "complete" && s.status != "incomplete")) continue;
        auto alerts = history.alerts(s.scan_id);
        if (!alerts) return changes;
        const bool reached_nobody = !alerts->empty() && std::none_of(alerts->begin(), alerts->end(),
                                                                     [](const auto& a) { return a.ok; });
        if (!reached_nobody) {
            baseline = &s;
            break;
        }
        undelivered.push_back(s.scan_id);
    }
    if (undelivered.empty()) return changes;
    std::reverse(undelivered.begin(), undelivered.end());  // oldest first
    spdlog::warn("the alerts of scan(s) {} were not delivered: this run's alert covers their changes too",
                 fmt::join(undelivered, ", "));
    std::vector<scanner::ResultRow> baseline_rows;
    if (baseline != nullptr) {
        auto r = history.results(baseline->scan_id);
        if (!r) return changes;
        baseline_rows = std::move(*r);
    }
    auto out = scanner::compare_scans(report, rows, baseline != nullptr ? &baseline_rows : nullptr,
                                      baseline != nullptr ? baseline->scan_id : std::string(),
                                      config.notify.certificate_days);
    if (baseline != nullptr) scanner::forget_known(out, baseline->summary.value("watch", nlohmann::json()));
    return out;
}

// retention: {keep, older_than_days}: history rows and their report directories.
void apply_retention(const scanner::ScanConfig& config, scanner::History& history, const fs::path& reports_dir) {
    if (!config.keep && !config.older_than_days) return;
    std::string older_than;
    if (config.older_than_days)
        older_than = core::format_time(core::now() - std::chrono::hours(24) * *config.older_than_days);
    auto removed = history.prune(config.name,
                                 config.keep ? std::optional<std::size_t>(static_cast<std::size_t>(*config.keep))
                                             : std::nullopt,
                                 older_than);
    if (!removed) {
        spdlog::error("retention: {}", removed.error().describe());
        return;
    }
    for (const auto& scan : *removed) remove_report_dirs(scan, reports_dir);
    if (!removed->empty()) spdlog::info("retention: {} old scans pruned", removed->size());
}

}  // namespace

void remove_report_dirs(const scanner::ScanRecord& scan, const fs::path& reports_dir) {
    std::error_code ec;
    const auto root = fs::weakly_canonical(reports_dir, ec);
    std::set<fs::path> dirs;
    for (const auto& f : scan.reports) dirs.insert(fs::path(f.path).parent_path());
    for (const auto& d : dirs) {
        const auto dir = fs::weakly_canonical(d, ec);
        // Only a scan directory directly under OUT/reports/ is ever removed.
        if (ec || dir.parent_path() != root) continue;
        fs::remove_all(dir, ec);
        if (ec) spdlog::warn("cannot remove {}: {}", dir.string(), ec.message());
    }
}

int run_configured_scan(AppContext& ctx, const ScanOptions& cli) {
    const auto config = load_config_or_throw(cli.config);
    const fs::path out_dir(config.out_dir);
    const auto reports_dir = out_dir / kReportsDir;
    std::error_code ec;
    fs::create_directories(reports_dir, ec);
    if (ec) throw UsageError(fmt::format("output directory {}: {}", reports_dir.string(), ec.message()));

    auto lock = scanner::RunLock::acquire(out_dir / lock_file_name(config.name),
                                          fmt::format("scan --config {}", config.path));
    if (!lock) {
        if (lock.error().code == scanner::RunLock::kErrLocked) {
            // Once, to stderr and to the log file or syslog alike.
            spdlog::error("{}; nothing scanned", lock.error().describe());
            return kExitLocked;
        }
        throw UsageError(lock.error().describe());
    }
    if (lock->recovered_from())
        spdlog::warn("the lock of configuration {} was left by a run that died ({}); taking it over", config.name,
                     *lock->recovered_from());

    auto history = scanner::History::open(out_dir / scanner::History::kFileName);
    if (!history) throw UsageError(history.error().describe());
    if (auto n = history->recover_interrupted(config.name); !n)
        throw UsageError(n.error().describe());
    else if (*n > 0)
        spdlog::warn("{} earlier run(s) of configuration {} died before finishing; recorded as interrupted", *n,
                     config.name);
    remove_partial_dirs(reports_dir);

    // Everything is checked before anything is sent.
    const auto o = options_from(config, cli);
    {
        auto inventory = scanner::load_inventory(config.inventory);
        if (!inventory) throw UsageError(fmt::format("inventory: {}", inventory.error().describe()));
        check_config_scope(config, *inventory);
    }
    auto scan = prepare_scan(ctx, o);
    auto& report = scan.report;

    scanner::ScanRecord record;
    record.scan_id = report.scan_id;
    record.config_name = config.name;
    record.started_at = core::format_time(report.started_at);
    record.pid = ::getpid();
    if (auto b = history->begin(record); !b) throw UsageError(b.error().describe());
    spdlog::info("scan {} of configuration {} ({}) started", report.scan_id, config.name, config.path);

    try {
        execute_scan(ctx, o, scan);
    } catch (const std::exception&) {
        // Planning refused the targets: no results to compare with, ever.
        record.finished_at = core::format_time(core::now());
        record.status = "interrupted";
        record.exit_code = kExitUsage;
        if (auto f = history->finish(record, {}); !f) spdlog::error("{}", f.error().describe());
        throw;
    }
    record.config_digest = report.config_digest;

    // Compare with the previous scan of the configuration, even when its
    // inventory or profiles were edited since (results are matched by target,
    // profile and rule); chain the report only to a scan of the same digest,
    // the one a regulator can compare like for like.
    const auto rows = scanner::result_rows(report);
    auto previous = history->previous_of_config(config.name, report.scan_id);
    if (!previous) throw UsageError(previous.error().describe());
    std::vector<scanner::ResultRow> previous_rows;
    bool configuration_changed = false;
    if (*previous) {
        auto r = history->results((*previous)->scan_id);
        if (!r) throw UsageError(r.error().describe());
        previous_rows = std::move(*r);
        configuration_changed = (*previous)->config_digest != report.config_digest;
        if (configuration_changed)
            spdlog::warn("the configuration changed since the previous scan {} (inventory, scope, profiles, tailoring, "
                         "waivers or trust anchors): compared result by result, not chained",
                         (*previous)->scan_id);
    }
    if (auto same = history->previous(report.config_digest, report.scan_id); !same)
        throw UsageError(same.error().describe());
    else if (*same)
        report.previous_report = previous_link(**same);
    auto changes = scanner::compare_scans(report, rows, *previous ? &previous_rows : nullptr,
                                          *previous ? (*previous)->scan_id : std::string(),
                                          config.notify.certificate_days);
    if (*previous) scanner::forget_known(changes, (*previous)->summary.value("watch", nlohmann::json()));
    report.comparison = scanner::changes_json(changes);
    report.comparison["configuration_changed"] = configuration_changed;

    // Write into a .partial directory, then rename it whole.
    const auto dir_name = scan_dir_name(report);
    const auto partial = reports_dir / (dir_name + kPartialSuffix);
    const auto final_dir = reports_dir / dir_name;
    ReportOutput output{partial.string(), o.format, o.report_formats, scan.sign_key ? &*scan.sign_key : nullptr,
                        &scan.html};
    output.archive_previous = false;
    output.write_html = std::find(config.formats.begin(), config.formats.end(), "html") != config.formats.end();
    fs::create_directories(partial, ec);
    if (ec) throw UsageError(fmt::format("cannot create {}: {}", partial.string(), ec.message()));
    int exit_code = finish_report(report, output, ctx.quiet, scan.fail_on);
    if (exit_code != kExitInternal) {
        fs::rename(partial, final_dir, ec);
        if (ec) {
            spdlog::error("cannot move {} to {}: {}", partial.string(), final_dir.string(), ec.message());
            exit_code = kExitInternal;
        } else {
            fsync_dir(reports_dir);
            point_latest(out_dir, dir_name);
        }
    }
    if (exit_code != kExitInternal && cli.fail_on_regression && !changes.regressions.empty())
        exit_code = kExitRegression;

    record.finished_at = core::format_time(report.finished_at);
    const bool errors = std::any_of(report.results.begin(), report.results.end(),
                                    [](const auto& r) { return r.status == core::Status::error; });
    record.status = exit_code == kExitInternal || errors ? "incomplete" : "complete";
    record.exit_code = exit_code;
    // The summary's counts and scores; per target and per clause are in the report (and results per rule in the rows).
    const auto summary = core::summarize(report);
    for (const char* key : {"results", "failed_by_severity", "targets", "conformance_percent",
                            "conformance_percent_without_waivers", "per_profile"})
        record.summary[key] = summary[key];
    record.summary["watch"] = scanner::watch_keys(changes);
    record.summary["changes"] = {{"regressions", changes.regressions.size()},
                                 {"new_failures", changes.new_failures.size()},
                                 {"fixed", changes.fixed.size()},
                                 {"events", changes.events()}};
    if (exit_code != kExitInternal) record.reports = report_files(final_dir);
    if (auto f = history->finish(record, rows); !f) {
        spdlog::error("the history could not record scan {}: {}", report.scan_id, f.error().describe());
        return kExitInternal;
    }
    spdlog::info("scan {} recorded: {} regressions, {} new failures, {} fixed since {}", report.scan_id,
                 changes.regressions.size(), changes.new_failures.size(), changes.fixed.size(),
                 changes.has_previous ? changes.previous_scan_id : std::string("(first scan)"));
    if (exit_code == kExitInternal) return exit_code;

    scanner::AlertContext alert{config.name,
                                config.path,
                                report.scan_id,
                                record.started_at,
                                record.finished_at,
                                (final_dir / "report.json").string(),
                                host_name(),
                                core::summarize(report),
                                {}};
    auto alert_changes = changes_since_last_alert(*history, config, report, rows, changes, alert.undelivered_scans);
    send_alerts(config, alert_changes, alert, *history);
    apply_retention(config, *history, reports_dir);
    return exit_code;
}

}  // namespace conformscan::cli
