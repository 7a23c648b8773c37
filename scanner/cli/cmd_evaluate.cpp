// `conformscan evaluate`: re-judge the facts of a saved report with any
// profile. Sends no packet: no probe runs here.
#include <algorithm>

#include <fmt/format.h>

#include "conformscan_version.hpp"
#include "reports/json_report.hpp"
#include "reports/report_chain.hpp"
#include "scanner/cli/app_context.hpp"
#include "scanner/digest.hpp"
#include "scanner/engine.hpp"

namespace conformscan::cli {

namespace {

struct EvaluateOptions : JudgeOptions {
    std::string facts;
};

// An evaluation's configuration (README, "Signed reports"): the targets of
// the facts it judged (by id), the profiles, tailoring and waivers, and a
// fixed --as-of.
std::string evaluate_config_digest(const EvaluateOptions& o, const core::ScanReport& report) {
    auto in = reports::judged_with(report);
    in["kind"] = "evaluate";
    std::vector<std::string> ids;
    for (const auto& t : report.targets) ids.push_back(t.target.id);
    std::sort(ids.begin(), ids.end());
    in["targets"] = ids;
    in["as_of"] = o.as_of;
    return reports::config_digest(in);
}

int run_evaluate(AppContext& ctx, const EvaluateOptions& o) {
    ctx.setup_logging();
    const auto fail_on = parse_severity_option(o.fail_on);
    const auto html = ctx.html_options(o.lang);
    if (o.format != "text" && o.format != "json") throw UsageError("--format must be text or json");
    check_report_formats(o.report_formats, o.out);
    auto saved = reports::read_report(o.facts);
    if (!saved) throw UsageError(fmt::format("--facts: {}", saved.error().describe()));
    auto profiles = ctx.load_profiles(o.profiles.empty() ? std::vector<std::string>{kDefaultProfile} : o.profiles);
    ctx.apply_tailoring(o.tailoring, profiles);
    const auto waivers = ctx.load_waivers(o.waivers, profiles);
    const auto sign_key = load_signing_key(o.sign, o.out);

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
    report.config_digest = evaluate_config_digest(o, report);
    return finish_report(report, {o.out, o.format, o.report_formats, sign_key ? &*sign_key : nullptr, &html}, ctx.quiet,
                         fail_on);
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
    cmd->add_option("-o,--out", o->out,
                    "Directory for report.json, report.txt and report.html (and --report-formats); a report already there moves "
                    "to DIR/history/");
    cmd->add_option("--report-formats", o->report_formats,
                    "More reports to write into --out, comma-separated: csv (report.csv), junit (report.junit.xml), "
                    "sarif (report.sarif), oscal (report.oscal.json)")
        ->delimiter(',');
    cmd->add_option("--lang", o->lang, lang_option_help())->capture_default_str();
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
    cmd->add_option("--sign", o->sign,
                    "Ed25519 private key (PEM, from `conformscan keygen`): write DIR/report.json.sig; needs --out");
    cmd->callback([&ctx, o]() { ctx.exit_code = run_evaluate(ctx, *o); });
}

}  // namespace conformscan::cli
