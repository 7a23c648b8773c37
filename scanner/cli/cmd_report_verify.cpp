// `conformscan report verify REPORT --pubkey KEY.pub [--sig FILE] [--chain]`:
// checks a report's detached Ed25519 signature (reports/signature.hpp) and,
// with --chain, the series of earlier reports it links to
// (reports/report_chain.hpp). Exit 0 verified; 1 not verified (edited,
// truncated, wrong key, missing or malformed signature, broken chain); 2 the
// report or key cannot be read.
#include <cstdio>

#include <fmt/format.h>

#include "reports/report_chain.hpp"
#include "reports/signature.hpp"
#include "scanner/cli/app_context.hpp"

namespace conformscan::cli {

namespace {

struct VerifyOptions {
    std::string report;
    std::string pubkey;
    std::string sig;
    bool chain = false;
};

int run_verify(AppContext& ctx, const VerifyOptions& o) {
    ctx.setup_logging();
    auto key = reports::Ed25519Key::load_public(o.pubkey);
    if (!key) throw UsageError(fmt::format("--pubkey: {}", key.error().describe()));
    const auto v = reports::verify_report(o.report, *key, o.sig);
    if (v.status == reports::VerifyStatus::report_unreadable || v.status == reports::VerifyStatus::key_unreadable)
        throw UsageError(v.message);
    if (!v.ok()) {
        std::fprintf(stderr, "conformscan: verification FAILED (%s): %s\n", reports::to_string(v.status),
                     v.message.c_str());
        return kExitFailures;
    }
    if (!ctx.quiet) fmt::print("{}\n", v.message);
    if (!o.chain) return kExitClean;

    const auto chain = reports::verify_chain(o.report, *key);
    if (!ctx.quiet) {
        fmt::print("chain from {} (newest first):\n", o.report);
        for (std::size_t i = 0; i < chain.links.size(); ++i) {
            const auto& l = chain.links[i];
            fmt::print("  {:>3}  {}  {}  {}  {}{}\n", i + 1, l.scan_id.empty() ? "?" : l.scan_id,
                       l.started_at.empty() ? "?" : l.started_at, l.path.string(), l.ok ? "" : "FAILED: ", l.detail);
        }
    }
    if (!chain.ok) {
        std::fprintf(stderr, "conformscan: verification FAILED (chain): %s\n", chain.message.c_str());
        return kExitFailures;
    }
    if (!ctx.quiet) fmt::print("{}\n", chain.message);
    return kExitClean;
}

}  // namespace

void setup_report_verify(CLI::App& report, AppContext& ctx) {
    auto o = std::make_shared<VerifyOptions>();
    auto* cmd = report.add_subcommand(
        "verify", "Verify a report's Ed25519 signature (exit 0 verified, 1 not verified, 2 unreadable report or key)");
    cmd->add_option("report", o->report, "The report.json to verify")->required();
    cmd->add_option("--pubkey", o->pubkey, "The signer's public key (PEM, PREFIX.pub from `conformscan keygen`)")
        ->required();
    cmd->add_option("--sig", o->sig, "The signature file (default: REPORT.sig)");
    cmd->add_flag("--chain", o->chain,
                  "Also walk the previous_report links (paths relative to REPORT's directory), checking each "
                  "report's SHA-256 and, where a .sig lies next to it, its signature");
    cmd->callback([&ctx, o]() { ctx.exit_code = run_verify(ctx, *o); });
}

}  // namespace conformscan::cli
