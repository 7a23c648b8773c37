// `conformscan profiles list | show | validate | lint | coverage`.
#include <cstdio>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scanner/cli/app_context.hpp"
#include "scanner/coverage.hpp"
#include "scanner/profile_lint.hpp"

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

// Every effective rule in full: what a scan with this profile (and tailoring) judges.
void print_resolved(const core::Profile& p) {
    fmt::print("{} {} — {} (resolved: {} rules)\n", p.id, p.version, p.title, p.rules.size());
    for (const auto& parent : p.parents) fmt::print("extends: {} {} ({})\n", parent.id, parent.version, parent.path);
    if (!p.tailoring.is_null()) {
        fmt::print("tailored by: {} ({}, sha256 {})\n", p.tailoring.value("id", ""), p.tailoring.value("path", ""),
                   p.tailoring.value("sha256", ""));
        for (const auto& d : p.tailoring["dropped"])
            fmt::print("  dropped {}: {}\n", d.value("rule", ""), d.value("reason", ""));
    }
    for (const auto& r : p.rules) {
        fmt::print("\n{} [{}]{} {}\n", r.id, core::to_string(r.severity),
                   r.tailored.is_null() ? "" : " (tailored: " + r.tailored.value("action", "") + ")", r.title);
        if (r.from_profile != p.id) fmt::print("  from:       {}\n", r.from_profile);
        fmt::print("  check:      {}\n  with:       {}\n", r.check, r.params.dump());
        if (!r.applies_to.empty()) {
            nlohmann::json a = r.applies_to;
            fmt::print("  applies to: {}\n", a.dump());
        }
        if (!r.dimension.empty() || !r.layer.empty() || !r.plane.empty())
            fmt::print("  X.805:      dimension {}, layer {}, plane {}\n", r.dimension.empty() ? "-" : r.dimension,
                       r.layer.empty() ? "-" : r.layer, r.plane.empty() ? "-" : r.plane);
        for (const auto& ref : r.references)
            fmt::print("  cites:      {} §{}{}\n", ref.document, ref.clause, ref.verified ? "" : " (unverified)");
        if (r.effective_from) fmt::print("  from date:  {}\n", core::format_time(*r.effective_from));
        if (r.effective_until) fmt::print("  until:      {}\n", core::format_time(*r.effective_until));
        if (!r.tailored.is_null())
            for (const auto& c : r.tailored.value("changes", nlohmann::json::array()))
                fmt::print("  changed:    {} ({})\n", c.get<std::string>(), r.tailored.value("reason", ""));
        fmt::print("  fix:        {}\n", r.guideline.summary);
    }
}

nlohmann::json resolved_json(const core::Profile& p) {
    nlohmann::json rules = nlohmann::json::array();
    for (const auto& r : p.rules) rules.push_back(r);
    return {{"profile", core::profile_summary_json(p)}, {"rules", rules}};
}

void print_coverage(const nlohmann::json& c) {
    fmt::print("{} {}: clauses covered, per cited document\n", c["profile"]["id"].get<std::string>(),
               c["profile"]["version"].get<std::string>());
    for (const auto& d : c["documents"]) {
        const bool catalogued = d.value("catalogued", false);
        fmt::print("\n{}{}", d["document"].get<std::string>(),
                   d.contains("edition") ? " (" + d["edition"].get<std::string>() + ")" : "");
        if (catalogued)
            fmt::print(": {} of {} listed clauses checked\n", d["covered"].get<std::size_t>(),
                       d["listed"].get<std::size_t>());
        else
            fmt::print(": no clause catalogue shipped; only the cited clauses are known\n");
        for (const auto& cl : d["clauses"]) {
            const auto rules = cl["rules"].get<std::vector<std::string>>();
            fmt::print("  §{:<10} {:<44} {}\n", cl["clause"].get<std::string>(),
                       cl.value("title", std::string()) + (cl.value("verified", true) ? "" : " (unverified)"),
                       rules.empty() ? "NOT CHECKED" : fmt::format("{}", fmt::join(rules, ", ")));
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

    struct ShowOptions {
        std::string ref;
        bool resolved = false;
        std::vector<std::string> tailoring;
        std::string format = "text";
    };
    auto so = std::make_shared<ShowOptions>();
    auto* show = cmd->add_subcommand("show", "Show a profile's rules, checks and references");
    show->add_option("profile", so->ref, "File, catalogue ref or id")->required();
    show->add_flag("--resolved", so->resolved,
                   "Every effective rule in full, after extends and tailoring: what a scan judges");
    show->add_option("--tailoring", so->tailoring, "Tailoring file to apply first (implies --resolved)")
        ->check(CLI::ExistingFile);
    show->add_option("--format", so->format, "text or json")->capture_default_str();
    show->callback([&ctx, so]() {
        ctx.setup_logging();
        if (so->format != "text" && so->format != "json") throw UsageError("--format must be text or json");
        auto profiles = ctx.load_profiles({so->ref});
        ctx.apply_tailoring(so->tailoring, profiles);
        const auto& p = profiles.front();
        if (so->format == "json")
            fmt::print("{}\n", resolved_json(p).dump(2));
        else if (so->resolved || !so->tailoring.empty())
            print_resolved(p);
        else
            print_profile(p);
    });

    struct LintOptions {
        std::vector<std::string> files;
        bool strict = false;
    };
    auto lo = std::make_shared<LintOptions>();
    auto* lint = cmd->add_subcommand(
        "lint", "Check profiles against the rules of the house (default: every profile in the catalogue)");
    lint->add_option("files", lo->files, "Profile files");
    lint->add_flag("--strict", lo->strict, "Warnings count as errors");
    lint->callback([&ctx, lo]() {
        ctx.setup_logging();
        const auto loader = ctx.loader();
        std::vector<std::filesystem::path> files(lo->files.begin(), lo->files.end());
        if (files.empty()) files = scanner::profile_files(loader.roots());
        if (files.empty()) throw UsageError("profiles lint: no profile files found under the profile directories");
        const auto report = scanner::lint_profiles(loader, files);
        for (const auto& f : report.findings)
            std::fprintf(stderr, "%s: %s: %s\n", f.where.c_str(), f.error ? "error" : "warning", f.message.c_str());
        for (const auto& p : report.profiles) fmt::print("ok {}\n", p);
        fmt::print("{} files, {} errors, {} warnings\n", report.files.size(), report.errors(), report.warnings());
        const bool bad = report.errors() > 0 || (lo->strict && report.warnings() > 0);
        ctx.exit_code = bad ? kExitUsage : kExitClean;
    });

    setup_capture(*cmd, ctx);

    struct CoverageOptions {
        std::string ref;
        std::string document;
        std::vector<std::string> tailoring;
        std::string format = "text";
    };
    auto co = std::make_shared<CoverageOptions>();
    auto* coverage = cmd->add_subcommand(
        "coverage", "Per clause of each cited document, the rules that check it; unchecked clauses where the "
                    "document's clause catalogue is shipped (profiles/documents/)");
    coverage->add_option("profile", co->ref, "File, catalogue ref or id")->required();
    coverage->add_option("--document", co->document, "Only this document, as cited (\"ITU-T X.805\")");
    coverage->add_option("--tailoring", co->tailoring, "Tailoring file to apply first")->check(CLI::ExistingFile);
    coverage->add_option("--format", co->format, "text or json")->capture_default_str();
    coverage->callback([&ctx, co]() {
        ctx.setup_logging();
        if (co->format != "text" && co->format != "json") throw UsageError("--format must be text or json");
        auto profiles = ctx.load_profiles({co->ref});
        ctx.apply_tailoring(co->tailoring, profiles);
        auto catalogues = scanner::load_clause_catalogues(ctx.loader().roots());
        if (!catalogues) throw UsageError(catalogues.error().describe());
        const auto c = scanner::profile_coverage(profiles.front(), *catalogues, co->document);
        if (co->format == "json")
            fmt::print("{}\n", c.dump(2));
        else
            print_coverage(c);
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
