// `conformscan evaluate`: re-judge the facts of a saved report with any
// profile. Sends no packet: no probe runs here.
#include <fmt/format.h>

#include "conformscan_version.hpp"
#include "reports/json_report.hpp"
#include "scanner/cli/app_context.hpp"
#include "scanner/digest.hpp"
#include "scanner/engine.hpp"

namespace conformscan::cli {

namespace {

struct EvaluateOptions {
    std::string facts;
    std::vector<std::string> profiles;
    std::string out;
    std::string format = "text";
    std::string fail_on = "low";
    std::string as_of;
    std::string waivers;
    std::vector<std::string> tailoring;
    std::string operator_name;
};

int run_evaluate(AppContext& ctx, const EvaluateOptions& o) {
    ctx.setup_logging();
    const auto fail_on = parse_severity_option(o.fail_on);
    if (o.format != "text" && o.format != "json") throw UsageError("--format must be text or json");
    auto saved = reports::read_report(o.facts);
    if (!saved) throw UsageError(fmt::format("--facts: {}", saved.error().describe()));
    auto profiles = ctx.load_profiles(o.profiles.empty() ? std::vector<std::string>{kDefaultProfile} : o.profiles);
    ctx.apply_tailoring(o.tailoring, profiles);
    const auto waivers = ctx.load_waivers(o.waivers, profiles);

    core::ScanReport report;
    report.tool_version = kVersion;
    report.openssl_version = openssl_version();
    report.scan_id = new_scan_id();
    // The facts are the operator's: its name goes with them unless replaced.
    report.operator_name = o.operator_name.empty() ? saved->operator_name : o.operator_name;
    report.mode = "evaluate";
    report.started_at = core::now();
    // The saved scan's date by default, so that re-judging with the same
    // profile reproduces the scan's results.
    report.as_of = o.as_of.empty() ? saved->as_of : parse_as_of(o.as_of);
    auto digest = scanner::sha256_file(o.facts);
    report.source = {{"report", o.facts},
                     {"scan_id", saved->scan_id},
                     {"started_at", core::format_time(saved->started_at)},
                     {"sha256", digest ? *digest : ""}};
    report.scope_allow = saved->scope_allow;
    for (const auto& p : profiles) report.profiles.push_back(core::profile_summary_json(p));
    report.options = {{"fail_on", o.fail_on}};
    report.targets = std::move(saved->targets);
    report.results = scanner::judge(report.targets, profiles, ctx.checks, report.as_of);
    if (waivers) report.waivers = scanner::apply_waivers(*waivers, report);
    report.finished_at = core::now();
    return finish_report(report, o.out, o.format, ctx.quiet, fail_on);
}

}  // namespace

void setup_evaluate(CLI::App& app, AppContext& ctx) {
    auto o = std::make_shared<EvaluateOptions>();
    auto* cmd = app.add_subcommand("evaluate", "Re-judge the facts of a saved report with any profile; sends nothing");
    cmd->add_option("-f,--facts", o->facts, "A report.json written by `conformscan scan`")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("-p,--profile", o->profiles,
                    fmt::format("Profile (file, catalogue ref or id); repeatable (default {})", kDefaultProfile));
    cmd->add_option("-o,--out", o->out, "Directory for report.json and report.txt");
    cmd->add_option("--operator", o->operator_name,
                    "Operator name to record (default: the saved report's operator, if any)");
    cmd->add_option("--format", o->format, "What to print on stdout: text or json")->capture_default_str();
    cmd->add_option("--fail-on", o->fail_on, "Lowest failure severity that makes the exit code 1")
        ->capture_default_str();
    cmd->add_option("--as-of", o->as_of, "Judge as of this ISO 8601 time (default: the saved scan's date)");
    cmd->add_option("--tailoring", o->tailoring,
                    "Tailoring file (YAML) for one of the profiles; repeatable, one per profile")
        ->check(CLI::ExistingFile);
    cmd->add_option("--waivers", o->waivers, "Waiver file (YAML) to apply to the new judgement")
        ->check(CLI::ExistingFile);
    cmd->callback([&ctx, o]() { ctx.exit_code = run_evaluate(ctx, *o); });
}

}  // namespace conformscan::cli
