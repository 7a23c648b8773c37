// `conformscan profiles list | show | validate`.
#include <cstdio>

#include <fmt/format.h>

#include "scanner/cli/app_context.hpp"

namespace conformscan::cli {

namespace {

void print_profile(const core::Profile& p) {
    fmt::print("{} {} — {}{}\n", p.id, p.version, p.title, p.status.empty() ? "" : " [" + p.status + "]");
    fmt::print("file:   {}\nsha256: {}\n", p.path, p.sha256);
    if (!p.description.empty()) fmt::print("{}\n", p.description);
    for (const auto& d : p.derived_from)
        fmt::print("derived from: {}{}\n", d.document, d.edition.empty() ? "" : " (" + d.edition + ")");
    for (const auto& parent : p.parents) fmt::print("extends: {} {} ({})\n", parent.id, parent.version, parent.path);
    for (const auto& c : p.changelog)
        fmt::print("changelog {} {}: {}\n", c.version, c.date, fmt::join(c.changes, "; "));
    fmt::print("\n{} rules:\n", p.rules.size());
    for (const auto& r : p.rules) {
        fmt::print("  {:<18} {:<8} {}\n", r.id, core::to_string(r.severity), r.title);
        fmt::print("  {:<18} check: {} {}\n", "", r.check, r.params.dump());
        std::vector<std::string> refs;
        for (const auto& ref : r.references)
            refs.push_back(fmt::format("{} §{}{}", ref.document, ref.clause, ref.verified ? "" : " (unverified)"));
        fmt::print("  {:<18} cites: {}\n", "", fmt::join(refs, "; "));
        if (!r.applies_to.empty()) {
            nlohmann::json a = r.applies_to;
            fmt::print("  {:<18} applies to: {}\n", "", a.dump());
        }
    }
}

}  // namespace

void setup_profiles(CLI::App& app, AppContext& ctx) {
    auto* cmd = app.add_subcommand("profiles", "List, show and validate profiles");
    cmd->require_subcommand(1);

    auto* list = cmd->add_subcommand("list", "List the profiles in the catalogue");
    list->callback([&ctx]() {
        ctx.setup_logging();
        const auto loader = ctx.loader();
        const auto entries = loader.catalog();
        fmt::print("{:<34} {:<34} {:<8} {}\n", "REF", "ID", "VERSION", "TITLE");
        for (const auto& e : entries) fmt::print("{:<34} {:<34} {:<8} {}\n", e.ref, e.id, e.version, e.title);
        if (entries.empty())
            std::fprintf(stderr, "no profiles found under the profile directories\n");
    });

    auto show_ref = std::make_shared<std::string>();
    auto* show = cmd->add_subcommand("show", "Show a profile's rules, checks and references");
    show->add_option("profile", *show_ref, "File, catalogue ref or id")->required();
    show->callback([&ctx, show_ref]() {
        ctx.setup_logging();
        print_profile(ctx.load_profiles({*show_ref}).front());
    });

    auto files = std::make_shared<std::vector<std::string>>();
    auto* validate = cmd->add_subcommand("validate", "Check profile files; errors give file:line:column");
    validate->add_option("files", *files, "Profile files")->required();
    validate->callback([&ctx, files]() {
        ctx.setup_logging();
        const auto loader = ctx.loader();
        int bad = 0;
        for (const auto& f : *files) {
            auto p = loader.load_file(f);
            if (p) {
                fmt::print("{}: ok ({} {}, {} rules)\n", f, p->id, p->version, p->rules.size());
            } else {
                ++bad;
                std::fprintf(stderr, "%s\n", p.error().describe().c_str());
            }
        }
        ctx.exit_code = bad == 0 ? kExitClean : kExitUsage;
    });
}

}  // namespace conformscan::cli
