// conformscan: one thin main that catches everything and maps it to the
// documented exit codes.
#include <csignal>
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "conformscan_version.hpp"
#include "scanner/cli/app_context.hpp"

int main(int argc, char** argv) {
    using namespace conformscan::cli;
    // A server that closes mid-write must give an error result, not SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        AppContext ctx;
        CLI::App app{"conformscan — security-standards conformance self-check scanner.\n"
                     "Observes TLS endpoints and hosts once, judges them against profiles derived from\n"
                     "ITU-T, IETF, NIST, BSI and Mozilla recommendations, and reports each finding with\n"
                     "the clause it comes from and how to fix it.",
                     "conformscan"};
        app.set_version_flag("--version", fmt::format("conformscan {} ({})", conformscan::kVersion, openssl_version()));
        app.require_subcommand(1);
        app.fallthrough();
        app.add_option("--profiles-dir", ctx.profile_dirs, "Extra directory of profiles, searched first");
        app.add_flag("-v,--verbose", ctx.verbosity, "More log output on stderr (repeat for more)");
        app.add_flag("-q,--quiet", ctx.quiet, "Print nothing but errors");
        app.add_option("--log-file", ctx.log_file,
                       "Also log to FILE (info and up; rotated at 10 MiB, 5 files kept)");
        app.add_flag("--syslog", ctx.syslog, "Also log to syslog (facility daemon, info and up)");
        app.footer("Exit codes: 0 clean, 1 failures at or above --fail-on, 2 usage or configuration error,\n"
                   "3 incomplete (something could not be observed), 4 internal error,\n"
                   "5 regression (scan --config --fail-on-regression), 6 locked (another run of the\n"
                   "same configuration is in progress; nothing scanned).");
        setup_scan(app, ctx);
        setup_evaluate(app, ctx);
        setup_profiles(app, ctx);
        setup_checks(app, ctx);
        setup_config(app, ctx);
        setup_history(app, ctx);
        setup_keygen(app, ctx);
        setup_report(app, ctx);
        try {
            app.parse(argc, argv);
        } catch (const CLI::ParseError& e) {
            const int rc = app.exit(e);
            return rc == 0 ? kExitClean : kExitUsage;
        }
        return ctx.exit_code;
    } catch (const UsageError& e) {
        std::fprintf(stderr, "conformscan: %s\n", e.what());
        return kExitUsage;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "conformscan: internal error: %s\n", e.what());
        return kExitInternal;
    } catch (...) {
        std::fprintf(stderr, "conformscan: internal error\n");
        return kExitInternal;
    }
}
