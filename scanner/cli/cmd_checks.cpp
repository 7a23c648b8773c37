// `conformscan checks list`: the catalogue, straight from the registry.
#include <fmt/format.h>

#include "scanner/cli/app_context.hpp"

namespace conformscan::cli {

namespace {

nlohmann::json catalogue_json(const AppContext& ctx) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto* d : ctx.checks.all()) {
        nlohmann::json params = nlohmann::json::array();
        for (const auto& p : d->params) {
            nlohmann::json jp = {{"name", p.name}, {"type", core::to_string(p.type)}, {"required", p.required},
                                 {"default", p.default_value}, {"description", p.description}};
            if (!p.choices.empty()) jp["choices"] = p.choices;
            params.push_back(std::move(jp));
        }
        nlohmann::json entry = {{"name", d->name},     {"title", d->title},   {"description", d->description},
                                {"facts", d->facts},   {"params", params},    {"examples", d->examples}};
        if (!d->services.empty()) entry["services"] = d->services;
        if (!d->skip_services.empty()) entry["skip_services"] = d->skip_services;
        out.push_back(std::move(entry));
    }
    return out;
}

void print_catalogue(const AppContext& ctx) {
    for (const auto* d : ctx.checks.all()) {
        fmt::print("{}\n  {}\n", d->name, d->title);
        fmt::print("  facts needed: {}\n", d->facts.empty() ? "(from its path parameter)" : fmt::format("{}", fmt::join(d->facts, ", ")));
        if (!d->services.empty())
            fmt::print("  services judged (unless a rule names others): {}\n", fmt::join(d->services, ", "));
        if (!d->skip_services.empty())
            fmt::print("  services skipped (unless a rule names them): {}\n", fmt::join(d->skip_services, ", "));
        if (d->params.empty()) fmt::print("  parameters: none\n");
        for (const auto& p : d->params) {
            std::string extra = p.required ? "required" : fmt::format("default {}", p.default_value.dump());
            if (!p.choices.empty()) extra += fmt::format("; one of {}", fmt::join(p.choices, ", "));
            fmt::print("  - {} ({}, {}): {}\n", p.name, core::to_string(p.type), extra, p.description);
        }
        for (const auto& e : d->examples) fmt::print("  example: with: {}\n", e);
        fmt::print("\n");
    }
    fmt::print("Probes:\n");
    for (const auto* p : ctx.probes.all()) fmt::print("  {:<6} {}\n", p->name, p->title);
}

}  // namespace

void setup_checks(CLI::App& app, AppContext& ctx) {
    auto* cmd = app.add_subcommand("checks", "The catalogue of check types and probes");
    cmd->require_subcommand(1);
    auto format = std::make_shared<std::string>("text");
    auto* list = cmd->add_subcommand("list", "List check types: name, title, parameters with types and defaults, facts needed");
    list->add_option("--format", *format, "text or json")->capture_default_str();
    list->callback([&ctx, format]() {
        ctx.setup_logging();
        if (*format == "json") fmt::print("{}\n", catalogue_json(ctx).dump(2));
        else if (*format == "text") print_catalogue(ctx);
        else throw UsageError("--format must be text or json");
    });
}

}  // namespace conformscan::cli
