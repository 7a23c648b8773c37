#include "scanner/cli/app_context.hpp"

#include <openssl/crypto.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <fmt/format.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>

#include "checks/register_all.hpp"
#include "reports/atomic_file.hpp"
#include "reports/html_i18n.hpp"
#include "reports/json_report.hpp"
#include "reports/render.hpp"
#include "reports/report_chain.hpp"
#include "reports/text_report.hpp"
#include "scanner/coverage.hpp"
#include "scanner/tailoring.hpp"

namespace conformscan::cli {

AppContext::AppContext() {
    checks::register_all_probes(probes);
    checks::register_all_checks(checks);
}

scanner::ProfileLoader AppContext::loader() const {
    std::vector<std::filesystem::path> roots(profile_dirs.begin(), profile_dirs.end());
    for (auto& r : scanner::default_profile_roots()) roots.push_back(std::move(r));
    return scanner::ProfileLoader(checks, std::move(roots));
}

std::optional<scanner::WaiverFile> AppContext::load_waivers(const std::string& file,
                                                           const std::vector<core::Profile>& profiles) const {
    if (file.empty()) return std::nullopt;
    auto w = scanner::load_waivers(file, profiles);
    if (!w) throw UsageError(fmt::format("waivers: {}", w.error().describe()));
    spdlog::info("{} waivers read from {}", w->waivers.size(), file);
    return std::move(w).value();
}

void AppContext::apply_tailoring(const std::vector<std::string>& files, std::vector<core::Profile>& profiles) const {
    for (const auto& file : files) {
        if (auto r = scanner::apply_tailoring(file, checks, profiles); !r)
            throw UsageError(fmt::format("tailoring: {}", r.error().describe()));
        spdlog::info("tailoring {} applied", file);
    }
}

std::vector<core::Profile> AppContext::load_profiles(const std::vector<std::string>& refs) const {
    const auto l = loader();
    std::vector<core::Profile> out;
    for (const auto& ref : refs) {
        auto p = l.load(ref);
        if (!p) throw UsageError(fmt::format("cannot load profile '{}': {}", ref, p.error().describe()));
        for (const auto& existing : out)
            if (existing.id == p->id) throw UsageError(fmt::format("profile '{}' is given twice", p->id));
        out.push_back(std::move(p).value());
    }
    return out;
}

void AppContext::setup_logging() const {
    if (spdlog::get("conformscan") != nullptr) return;  // once per process
    const bool color = ::isatty(STDERR_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
    std::vector<spdlog::sink_ptr> sinks;
    spdlog::sink_ptr console;
    if (color)
        console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    else
        console = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    console->set_pattern("%^%l%$: %v");
    if (quiet) console->set_level(spdlog::level::err);
    else if (verbosity >= 2) console->set_level(spdlog::level::trace);
    else if (verbosity == 1) console->set_level(spdlog::level::debug);
    else console->set_level(spdlog::level::warn);
    sinks.push_back(console);
    // The log file and syslog keep the run's story (info and up) whatever the
    // terminal shows: that is what someone reads the morning after.
    const auto kept = verbosity >= 1 ? console->level() : spdlog::level::info;
    if (!log_file.empty()) {
        try {
            auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(log_file, kLogFileMaxBytes, kLogFilesKept);
            file->set_pattern("%Y-%m-%dT%H:%M:%S%z [%P] %l: %v");
            file->set_level(kept);
            sinks.push_back(file);
        } catch (const spdlog::spdlog_ex& e) {
            throw UsageError(fmt::format("--log-file {}: {}", log_file, e.what()));
        }
    }
    if (syslog) {
        auto sys = std::make_shared<spdlog::sinks::syslog_sink_mt>("conformscan", LOG_PID, LOG_DAEMON, true);
        sys->set_pattern("%v");
        sys->set_level(kept);
        sinks.push_back(sys);
    }
    auto logger = std::make_shared<spdlog::logger>("conformscan", sinks.begin(), sinks.end());
    logger->set_level(spdlog::level::trace);
    logger->flush_on(spdlog::level::info);
    spdlog::register_logger(logger);
    spdlog::set_default_logger(logger);
}

reports::HtmlOptions AppContext::html_options(const std::string& lang) const {
    if (!reports::is_html_language(lang))
        throw UsageError(fmt::format("--lang must be one of {}; got '{}'", fmt::join(reports::html_languages(), ", "),
                                     lang));
    reports::HtmlOptions o;
    o.lang = lang;
    auto catalogues = scanner::load_clause_catalogues(loader().roots());
    if (!catalogues) {
        spdlog::warn("clause catalogues not used in report.html: {}", catalogues.error().describe());
        return o;
    }
    for (const auto& c : *catalogues) {
        nlohmann::json clauses = nlohmann::json::array();
        for (const auto& clause : c.clauses) clauses.push_back({{"clause", clause.clause}, {"title", clause.title}});
        o.clause_catalogues.push_back({{"document", c.document}, {"edition", c.edition}, {"clauses", clauses}});
    }
    return o;
}

std::string lang_option_help() {
    return fmt::format("Language of the HTML report's own text: {} (ar is laid out right to left); rule titles "
                       "and fix summaries come from the profile's translations where it gives them",
                       fmt::join(reports::html_languages(), ", "));
}

int exit_code_for(const core::ScanReport& report, core::Severity fail_on) {
    bool failed = false;
    bool incomplete = false;
    for (const auto& r : report.results) {
        if (r.status == core::Status::fail && core::severity_rank(r.severity) >= core::severity_rank(fail_on))
            failed = true;
        if (r.status == core::Status::error) incomplete = true;
    }
    if (failed) return kExitFailures;
    if (incomplete) return kExitIncomplete;
    return kExitClean;
}

void check_report_formats(const std::vector<std::string>& formats, const std::string& out_dir) {
    const auto& known = reports::render_formats();
    for (const auto& f : formats)
        if (std::find(known.begin(), known.end(), f) == known.end())
            throw UsageError(fmt::format("--report-formats: '{}' is not a report format; expected some of {}", f,
                                         fmt::join(known, ", ")));
    if (!formats.empty() && out_dir.empty()) throw UsageError("--report-formats needs --out DIR to write them to");
}

int finish_report(core::ScanReport& report, const ReportOutput& out, bool quiet, core::Severity fail_on) {
    const auto& out_dir = out.dir;
    const auto& format = out.format;
    const auto& extra_formats = out.extra_formats;
    const auto* sign_key = out.sign_key;
    reports::HtmlOptions html = out.html != nullptr ? *out.html : reports::HtmlOptions{};
    if (sign_key != nullptr && html.signature_status.empty())
        html.signature_status = fmt::format("signed with key {} when written (check it with conformscan report verify)",
                                            sign_key->key_id());
    if (!out_dir.empty() && out.archive_previous) {
        // Keep the report this one replaces, and link to it when it judged the same configuration.
        auto previous = reports::archive_previous_report(out_dir, report.config_digest);
        if (!previous) {
            spdlog::error("{}", previous.error().describe());
            return kExitInternal;
        }
        report.previous_report = *previous;
        if (!previous->is_null())
            spdlog::info("previous report of this configuration: {}", (*previous)["path"].get<std::string>());
    }
    const auto json = reports::render_json(report);
    const auto text = reports::render_text(report);
    if (!out_dir.empty()) {
        const std::filesystem::path dir(out_dir);
        std::vector<std::pair<std::string, std::string>> files = {{"report.json", json}, {"report.txt", text}};
        if (out.write_html) files.emplace_back("report.html", reports::render_html(report, html));
        for (const auto& f : extra_formats) {
            if (f == "json" || f == "text") continue;  // always written
            auto rendered = reports::render(report, f);
            if (!rendered) {
                spdlog::error("{}", rendered.error().describe());
                return kExitInternal;
            }
            files.emplace_back(std::string(reports::report_file_name(f)), std::move(*rendered));
        }
        for (const auto& [name, content] : files) {
            if (auto w = reports::write_file_atomic(dir / name, content); !w) {
                spdlog::error("{}", w.error().describe());
                return kExitInternal;
            }
        }
        if (sign_key != nullptr) {
            if (auto s = reports::write_signature(dir / "report.json", json, report, *sign_key); !s) {
                spdlog::error("{}", s.error().describe());
                return kExitInternal;
            }
            spdlog::info("report signed with key {}", sign_key->key_id());
        }
        spdlog::info("reports written to {}", (dir / "report.json").string());
    }
    if (!quiet) {
        std::fputs(format == "json" ? json.c_str() : text.c_str(), stdout);
        std::fflush(stdout);
    }
    return exit_code_for(report, fail_on);
}

std::optional<reports::Ed25519Key> load_signing_key(const std::string& key_file, const std::string& out_dir) {
    if (key_file.empty()) return std::nullopt;
    if (out_dir.empty()) throw UsageError("--sign needs --out: the signature is written next to DIR/report.json");
    auto key = reports::Ed25519Key::load_private(key_file);
    if (!key) throw UsageError(fmt::format("--sign: {}", key.error().describe()));
    return std::move(key).value();
}

std::string openssl_version() { return OpenSSL_version(OPENSSL_VERSION); }

std::string new_scan_id() {
    std::random_device rd;
    std::uniform_int_distribution<unsigned> byte(0, 255);
    unsigned char b[16];
    for (auto& x : b) x = static_cast<unsigned char>(byte(rd));
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // RFC 9562 version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    return fmt::format("{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
                       b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                       b[15]);
}

core::Severity parse_severity_option(const std::string& text) {
    auto s = core::severity_from_string(text);
    if (!s) throw UsageError(fmt::format("--fail-on: expected critical, high, medium, low or info; got '{}'", text));
    return *s;
}

core::TimePoint parse_as_of(const std::string& text) {
    auto t = core::parse_time(text);
    if (!t) throw UsageError(fmt::format("--as-of: {}", t.error().message));
    return *t;
}

}  // namespace conformscan::cli
