// `conformscan scan`: targets → plan → observe → judge → reports.
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "conformscan_version.hpp"
#include "reports/report_chain.hpp"
#include "scanner/cli/app_context.hpp"
#include "scanner/cli/scan_pipeline.hpp"
#include "scanner/digest.hpp"
#include "scanner/discovery.hpp"
#include "scanner/engine.hpp"
#include "scanner/inventory.hpp"

namespace conformscan::cli {

namespace {

// Targets from --targets and --target, each checked against the scope before
// anything is sent. Returns the scope entries the report records.
std::vector<core::Target> collect_targets(const ScanOptions& o, std::vector<std::string>& scope_out,
                                         std::string& operator_out) {
    std::vector<core::Target> targets;
    std::optional<scanner::Scope> scope;
    if (!o.scope.empty()) {
        auto s = scanner::Scope::parse(o.scope);
        if (!s) throw UsageError(fmt::format("--scope: {}", s.error().describe()));
        scope = std::move(s).value();
    }
    if (!o.inventory.empty()) {
        auto inv = scanner::load_inventory(o.inventory);
        if (!inv) throw UsageError(fmt::format("inventory: {}", inv.error().describe()));
        if (!scope) scope = inv->scope;
        if (operator_out.empty()) operator_out = inv->operator_name;
        for (auto& t : inv->targets) {
            if (!scope->allows_host(t.host))
                throw UsageError(fmt::format("target {} is outside the scope [{}]; nothing was scanned", t.id,
                                             fmt::join(scope->entries(), ", ")));
            targets.push_back(std::move(t));
        }
    }
    for (const auto& spec : o.targets) {
        auto t = scanner::parse_target_spec(spec, o.service);
        if (!t) throw UsageError(fmt::format("--target {}: {}", spec, t.error().describe()));
        if (!o.sni.empty()) t->sni = o.sni;
        if (!o.starttls.empty()) t->starttls = o.starttls == "none" ? "" : o.starttls;
        if (scope && !scope->allows_host(t->host))
            throw UsageError(fmt::format("target {} is outside the scope [{}]; nothing was scanned", t->id,
                                         fmt::join(scope->entries(), ", ")));
        targets.push_back(std::move(t).value());
    }
    if (targets.empty()) throw UsageError("no targets: give --target HOST:PORT or --targets FILE");
    for (std::size_t i = 0; i < targets.size(); ++i)
        for (std::size_t j = i + 1; j < targets.size(); ++j)
            if (targets[i].id == targets[j].id) throw UsageError(fmt::format("target {} is given twice", targets[i].id));
    if (scope) {
        scope_out = scope->entries();
    } else {
        // Targets named one by one on the command line are their own scope.
        for (const auto& t : targets) scope_out.push_back(t.host);
    }
    return targets;
}

std::string sorted_joined(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return fmt::format("{}", fmt::join(v, "\n"));
}

// What makes two scans comparable (README, "Signed reports"): the targets as
// given (inventory bytes, or the --target list with the options that shape
// it), the scope, the profiles, tailoring and waivers that judged them (by
// SHA-256), the trust anchors and a fixed --as-of. Timeouts, concurrency,
// rate and --fail-on are left out: they change how a scan runs or exits, not
// what it judges.
std::string scan_config_digest(const ScanOptions& o, const core::ScanReport& report) {
    auto in = reports::judged_with(report);
    in["kind"] = "scan";
    if (!o.inventory.empty()) {
        auto d = scanner::sha256_file(o.inventory);
        in["inventory_sha256"] = d ? *d : "unreadable";
    }
    in["targets"] = sorted_joined(o.targets);
    in["sni"] = o.sni;
    in["service"] = o.service;
    in["starttls"] = o.starttls;
    in["scope"] = sorted_joined(o.scope);
    if (o.ca_file.empty()) {
        in["ca_file_sha256"] = "system";
    } else {
        auto d = scanner::sha256_file(o.ca_file);
        in["ca_file_sha256"] = d ? *d : "unreadable";
    }
    in["as_of"] = o.as_of;
    return reports::config_digest(in);
}

}  // namespace

PreparedScan prepare_scan(const AppContext& ctx, const ScanOptions& o) {
    PreparedScan scan;
    scan.fail_on = parse_severity_option(o.fail_on);
    scan.html = ctx.html_options(o.lang);
    if (o.timeout_s <= 0 || o.timeout_s > 600) throw UsageError("--timeout must be between 0 and 600 seconds");
    if (o.concurrency == 0 || o.concurrency > 1024) throw UsageError("--concurrency must be between 1 and 1024");
    if (o.max_conn_per_host > 1024) throw UsageError("--max-conn-per-host must be between 0 (unlimited) and 1024");
    if (o.rate < 0 || o.rate > 100000) throw UsageError("--rate must be between 0 (unlimited) and 100000 connections per second");
    if (!o.ca_file.empty() && ::access(o.ca_file.c_str(), R_OK) != 0)
        throw UsageError(fmt::format("--ca-file {}: cannot read it", o.ca_file));
    if (o.format != "text" && o.format != "json") throw UsageError("--format must be text or json");
    check_report_formats(o.report_formats, o.out);
    if (o.operator_name.find_first_not_of(" \t") == std::string::npos && !o.operator_name.empty())
        throw UsageError("--operator must not be blank");
    if (!o.starttls.empty() && o.starttls != "none" && !core::is_starttls_protocol(o.starttls))
        throw UsageError(fmt::format("--starttls must be none or one of {}; got '{}'",
                                     fmt::join(core::starttls_protocols(), ", "), o.starttls));

    scan.profiles = ctx.load_profiles(o.profiles.empty() ? std::vector<std::string>{kDefaultProfile} : o.profiles);
    ctx.apply_tailoring(o.tailoring, scan.profiles);
    scan.waivers = ctx.load_waivers(o.waivers, scan.profiles);
    scan.sign_key = load_signing_key(o.sign, o.out);
    std::vector<std::string> scope_entries;
    std::string operator_name = o.operator_name;
    scan.targets = collect_targets(o, scope_entries, operator_name);

    auto& report = scan.report;
    report.tool_version = kVersion;
    report.openssl_version = openssl_version();
    report.scan_id = new_scan_id();
    report.operator_name = operator_name;
    report.mode = "scan";
    report.started_at = core::now();
    report.as_of = o.as_of.empty() ? report.started_at : parse_as_of(o.as_of);
    report.scope_allow = scope_entries;
    for (const auto& p : scan.profiles) report.profiles.push_back(core::profile_summary_json(p));
    report.options = {{"timeout_seconds", o.timeout_s},
                      {"concurrency", o.concurrency},
                      {"max_conn_per_host", o.max_conn_per_host},
                      {"rate_per_second", o.rate},
                      {"ca_file", o.ca_file.empty() ? "system" : o.ca_file},
                      {"fail_on", o.fail_on}};
    if (!o.inventory.empty()) report.options["inventory"] = o.inventory;

    auto& observe = scan.observe;
    observe.concurrency = o.concurrency;
    observe.probe.timeout = std::chrono::milliseconds(static_cast<long>(o.timeout_s * 1000));
    observe.probe.ca_file = o.ca_file;
    observe.probe.limiter = std::make_shared<core::ConnectionLimiter>(o.max_conn_per_host, o.rate);
    observe.resolve = [](core::Target& t) { return scanner::resolve_target(t); };
    return scan;
}

void execute_scan(const AppContext& ctx, const ScanOptions& o, PreparedScan& scan) {
    auto& report = scan.report;
    // service: auto lines: identify what answers before planning (scanner/discovery.hpp).
    auto discovery = scanner::discover_services(std::move(scan.targets), ctx.probes, scan.observe);
    if (!discovery) throw UsageError(discovery.error().describe());
    if (discovery->summary.value("swept", 0) > 0) report.options["service_auto"] = discovery->summary;

    auto plan = scanner::make_plan(discovery->targets, scan.profiles, ctx.checks, ctx.probes, report.as_of);
    if (!plan) throw UsageError(plan.error().describe());
    scanner::reuse_discovery(*plan, *discovery);
    spdlog::info("scanning {} targets: {} probe runs for {} profiles", plan->targets.size(), plan->probe_runs(),
                 scan.profiles.size());
    auto observe = scan.observe;
    if (!ctx.quiet && ::isatty(STDERR_FILENO) != 0) {
        // A TTY only: targets done / total, the rate so far, and the target just finished.
        const auto start = std::chrono::steady_clock::now();
        observe.on_progress = [start](std::size_t done, std::size_t total, const core::Target& t) {
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const double rate = s > 0 ? static_cast<double>(done) / s : 0.0;
            std::fprintf(stderr, "\r\033[K[%zu/%zu] %.1f targets/s  %s", done, total, rate, t.id.c_str());
            if (done == total) std::fputc('\n', stderr);
        };
    }
    report.targets = scanner::observe(*plan, ctx.probes, observe);
    report.results = scanner::judge(report.targets, scan.profiles, ctx.checks, report.as_of);
    if (scan.waivers) report.waivers = scanner::apply_waivers(*scan.waivers, report);
    report.finished_at = core::now();
    report.config_digest = scan_config_digest(o, report);
}

namespace {

int run_scan(AppContext& ctx, const ScanOptions& o) {
    ctx.setup_logging();
    if (!o.config.empty()) return run_configured_scan(ctx, o);
    if (o.fail_on_regression) throw UsageError("--fail-on-regression needs --config: only a configured scan has a history");
    auto scan = prepare_scan(ctx, o);
    execute_scan(ctx, o, scan);
    return finish_report(scan.report,
                         {o.out, o.format, o.report_formats, scan.sign_key ? &*scan.sign_key : nullptr, &scan.html},
                         ctx.quiet, scan.fail_on);
}

}  // namespace

void setup_scan(CLI::App& app, AppContext& ctx) {
    auto o = std::make_shared<ScanOptions>();
    auto* cmd = app.add_subcommand("scan", "Observe targets and judge them against one or more profiles");
    cmd->add_option("-p,--profile", o->profiles,
                    fmt::format("Profile: a file, a catalogue ref (itu-t/x509-certificates) or an id; "
                                "repeat for several (default {})", kDefaultProfile));
    cmd->add_option("-t,--target", o->targets, "Target HOST:PORT[/SERVICE]; IPv6 as [::1]:443; repeatable");
    cmd->add_option("--targets", o->inventory,
                    "Inventory YAML file: scope and targets (service: auto lines sweep a CIDR of at most 256 "
                    "addresses and scan what answers; open_ports declares ports expected open on a host)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--sni", o->sni, "Server name for SNI and certificate matching (for --target)");
    cmd->add_option("--service", o->service, "Service of --target targets when not given in the spec")
        ->capture_default_str();
    cmd->add_option("--starttls", o->starttls,
                    fmt::format("Upgrade --target connections with this STARTTLS dialog before TLS: {}, or none "
                                "(default: the service's own, e.g. smtp for /smtp; none for https, smtps, tls ...)",
                                fmt::join(core::starttls_protocols(), ", ")));
    cmd->add_option("--scope", o->scope, "Allowed CIDR, address or DNS pattern (*.example.net); repeatable. "
                                         "Targets outside it are refused before anything is sent");
    cmd->add_option("--ca-file", o->ca_file, "PEM trust anchors for certificate verification (default: system store)");
    cmd->add_option("--operator", o->operator_name,
                    "Name of the organisation whose network this is, recorded in the report (default: the "
                    "inventory's operator:, if any); `report aggregate` groups reports by it");
    cmd->add_option("-o,--out", o->out,
                    "Directory for report.json, report.txt and report.html (and --report-formats); a report already there moves "
                    "to DIR/history/ (and is linked as previous_report when it judged the same configuration)");
    cmd->add_option("--report-formats", o->report_formats,
                    "More reports to write into --out, comma-separated: csv (report.csv), junit (report.junit.xml), "
                    "sarif (report.sarif), oscal (report.oscal.json)")
        ->delimiter(',');
    cmd->add_option("--lang", o->lang, lang_option_help())->capture_default_str();
    cmd->add_option("--format", o->format, "What to print on stdout: text or json")->capture_default_str();
    cmd->add_option("--timeout", o->timeout_s, "Per-operation network timeout in seconds")->capture_default_str();
    cmd->add_option("--concurrency", o->concurrency, "Targets observed at once")->capture_default_str();
    cmd->add_option("--max-conn-per-host", o->max_conn_per_host,
                    "Connections open to one host at a time (0: unlimited)")
        ->capture_default_str();
    cmd->add_option("--rate", o->rate, "New connections per second, overall (0: unlimited)")->capture_default_str();
    cmd->add_option("--fail-on", o->fail_on, "Lowest failure severity that makes the exit code 1")
        ->capture_default_str();
    cmd->add_option("--as-of", o->as_of, "Judge dated rules and certificate dates as of this ISO 8601 time");
    cmd->add_option("--tailoring", o->tailoring,
                    "Tailoring file (YAML) for one of the profiles: modify, drop or add rules, each with a "
                    "reason; repeatable, one per profile; checked before anything is sent")
        ->check(CLI::ExistingFile);
    cmd->add_option("--waivers", o->waivers,
                    "Waiver file (YAML): failed results it covers are reported as waived until it expires; "
                    "checked before anything is sent")
        ->check(CLI::ExistingFile);
    cmd->add_option("--sign", o->sign,
                    "Ed25519 private key (PEM, from `conformscan keygen`): write DIR/report.json.sig over the "
                    "exact bytes of report.json; needs --out; checked before anything is sent");
    auto* config = cmd->add_option(
        "-c,--config", o->config,
        fmt::format("Run the scheduled scan a configuration file describes (--config alone: {}): inventory, profiles, "
                    "tailoring, waivers, output, signing, retention, limits and alerts all come from it. One run "
                    "per configuration at a time (exit 6 when locked); each scan is recorded in "
                    "OUT/history.sqlite, written to OUT/reports/<time>-<id>/ (OUT/latest links the newest) and "
                    "compared with the previous scan of the same configuration",
                    scanner::kDefaultConfigPath))
        ->expected(0, 1);
    cmd->add_flag("--fail-on-regression", o->fail_on_regression,
                  "With --config: exit 5 when a result that passed in the previous scan of the configuration "
                  "fails now (before exit 1 for failures)");
    // The configuration says all of this itself; given twice would be ambiguous.
    for (const char* name : {"--profile", "--target", "--targets", "--sni", "--service", "--starttls", "--scope",
                             "--ca-file", "--operator", "--out", "--report-formats", "--lang", "--timeout",
                             "--concurrency", "--max-conn-per-host", "--rate", "--fail-on", "--tailoring",
                             "--waivers", "--sign"})
        config->excludes(cmd->get_option(name));
    cmd->callback([&ctx, o, config]() {
        if (config->count() > 0 && o->config.empty()) o->config = scanner::kDefaultConfigPath;
        ctx.exit_code = run_scan(ctx, *o);
    });
}

}  // namespace conformscan::cli
