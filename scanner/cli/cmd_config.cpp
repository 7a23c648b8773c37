// `conformscan config check`: everything a scheduled run would refuse, found
// now: the configuration file, and the inventory, profiles, tailoring and
// waivers it names, each with its own file:line:column. Nothing is sent.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scanner/cli/app_context.hpp"
#include "scanner/config.hpp"
#include "scanner/inventory.hpp"

namespace conformscan::cli {

namespace {

struct ConfigOptions {
    std::string file = scanner::kDefaultConfigPath;
    std::string format = "text";
};

int run_check(AppContext& ctx, const ConfigOptions& o) {
    ctx.setup_logging();
    if (o.format != "text" && o.format != "json") throw UsageError("--format must be text or json");
    auto config = load_config_or_throw(o.file);
    auto inventory = scanner::load_inventory(config.inventory);
    if (!inventory) throw UsageError(fmt::format("inventory: {}", inventory.error().describe()));
    check_config_scope(config, *inventory);
    auto profiles = ctx.load_profiles(config.profiles);
    ctx.apply_tailoring(config.tailoring, profiles);
    const auto waivers = ctx.load_waivers(config.waivers, profiles);

    auto j = scanner::config_json(config);
    j["targets"] = inventory->targets.size();
    j["inventory_scope"] = inventory->scope.entries();
    nlohmann::json resolved = nlohmann::json::array();
    for (const auto& p : profiles)
        resolved.push_back({{"id", p.id}, {"version", p.version}, {"rules", p.rules.size()}});
    j["resolved_profiles"] = resolved;
    if (waivers) j["waiver_count"] = waivers->waivers.size();
    if (o.format == "json") {
        fmt::print("{}\n", j.dump(2));
        return kExitClean;
    }
    if (ctx.quiet) return kExitClean;
    fmt::print("configuration OK: {} ({})\n", config.path, config.name);
    fmt::print("  targets:   {} from {} (scope {})\n", inventory->targets.size(), config.inventory,
               fmt::join(config.scope.empty() ? inventory->scope.entries() : config.scope, ", "));
    for (const auto& p : profiles)
        fmt::print("  profile:   {} {} ({} rules)\n", p.id, p.version, p.rules.size());
    for (const auto& t : config.tailoring) fmt::print("  tailoring: {}\n", t);
    if (waivers) fmt::print("  waivers:   {} ({} waivers)\n", waivers->path, waivers->waivers.size());
    fmt::print("  output:    {} [{}], language {}\n", config.out_dir, fmt::join(config.formats, ", "),
               config.lang);
    if (!config.signing_key.empty()) fmt::print("  signing:   {}\n", config.signing_key);
    if (config.keep || config.older_than_days)
        fmt::print("  retention: {}{}\n", config.keep ? fmt::format("keep {} scans", *config.keep) : "",
                   config.older_than_days ? fmt::format("{}older than {} days pruned",
                                                        config.keep ? ", " : "", *config.older_than_days)
                                          : "");
    fmt::print("  limits:    concurrency {}, timeout {} s, {} connections per host, rate {}\n",
               config.concurrency, config.timeout_s, config.max_conn_per_host, config.rate);
    if (const auto& w = config.notify.webhook)
        fmt::print("  webhook:   {}{} on {}\n", w->url,
                   w->token.empty() ? "" : fmt::format(" (token from {})", w->token.describe()),
                   fmt::join(config.notify.events, ", "));
    if (const auto& m = config.notify.email)
        fmt::print("  e-mail:    {} via {}{} on {}\n", fmt::join(m->to, ", "), m->smtp_url,
                   m->password.empty() ? "" : fmt::format(" (password from {})", m->password.describe()),
                   fmt::join(config.notify.events, ", "));
    return kExitClean;
}

}  // namespace

scanner::ScanConfig load_config_or_throw(const std::string& file) {
    auto config = scanner::load_config(file);
    if (!config) throw UsageError(fmt::format("configuration: {}", config.error().describe()));
    return std::move(config).value();
}

void check_config_scope(const scanner::ScanConfig& config, const scanner::Inventory& inventory) {
    if (config.scope.empty()) return;
    auto scope = scanner::Scope::parse(config.scope);
    if (!scope)
        throw UsageError(fmt::format("configuration {}: scope: {}", config.path, scope.error().describe()));
    for (const auto& t : inventory.targets)
        if (!scope->allows_host(t.host))
            throw UsageError(
                fmt::format("target {} of {} is outside the configuration's scope [{}]; nothing was scanned",
                            t.id, config.inventory, fmt::join(scope->entries(), ", ")));
}

void setup_config(CLI::App& app, AppContext& ctx) {
    auto o = std::make_shared<ConfigOptions>();
    auto* cmd = app.add_subcommand("config", "The scheduled-scan configuration file");
    cmd->require_subcommand(1);
    auto* check = cmd->add_subcommand(
        "check",
        "Validate a configuration and everything it names (inventory, profiles, tailoring, waivers, keys, "
        "secret sources) without scanning; errors as file:line:column, exit 2");
    check->add_option("-c,--config", o->file, "Configuration file")->capture_default_str();
    check->add_option("--format", o->format, "text or json")->capture_default_str();
    check->callback([&ctx, o]() { ctx.exit_code = run_check(ctx, *o); });
}

}  // namespace conformscan::cli
