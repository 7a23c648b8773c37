#include "reports/json_report.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "reports/fingerprint.hpp"

namespace conformscan::reports {

namespace {
constexpr std::uintmax_t kMaxReportBytes = 512ull * 1024 * 1024;
}

nlohmann::json to_json(const core::ScanReport& report) {
    nlohmann::json targets = nlohmann::json::array();
    for (const auto& t : report.targets) {
        nlohmann::json jt = t.target;
        jt["facts"] = t.facts;
        targets.push_back(std::move(jt));
    }
    nlohmann::json scan = {{"id", report.scan_id},
                           {"mode", report.mode},
                           {"started_at", core::format_time(report.started_at)},
                           {"finished_at", core::format_time(report.finished_at)},
                           {"as_of", core::format_time(report.as_of)},
                           {"options", report.options}};
    if (!report.source.is_null()) scan["source"] = report.source;
    // Every result carries its fingerprint, also when the report was built
    // in memory without one.
    nlohmann::json results = report.results;
    const auto prints = result_fingerprints(report);
    for (std::size_t i = 0; i < prints.size(); ++i) results[i]["fingerprint"] = prints[i];
    nlohmann::json out = {
        {"schema_version", report.schema_version},
        {"tool", {{"name", "conformscan"}, {"version", report.tool_version}, {"openssl", report.openssl_version}}},
        {"scan", scan},
        {"scope", {{"allow", report.scope_allow}}},
        {"profiles", report.profiles},
        {"targets", targets},
        {"results", results},
        {"summary", core::summarize(report)}};
    if (!report.waivers.is_null()) out["waivers"] = report.waivers;
    if (!report.config_digest.empty()) out["config_digest"] = report.config_digest;
    if (!report.previous_report.is_null()) out["previous_report"] = report.previous_report;
    if (!report.operator_name.empty()) out["operator"] = report.operator_name;
    if (!report.comparison.is_null()) out["comparison"] = report.comparison;
    return out;
}

std::string render_json(const core::ScanReport& report) {
    // Probes escape what servers send, but a report must never fail to write
    // because one string slipped through as invalid UTF-8.
    return to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

core::Result<core::ScanReport> parse_report(const nlohmann::json& j) {
    try {
        core::ScanReport r;
        r.schema_version = j.at("schema_version").get<int>();
        if (r.schema_version != core::kReportSchemaVersion)
            return core::make_error("report_version", fmt::format("report schema_version {} is not supported (this build reads {})",
                                                                  r.schema_version, core::kReportSchemaVersion));
        const auto& tool = j.at("tool");
        r.tool_version = tool.value("version", "");
        r.openssl_version = tool.value("openssl", "");
        const auto& scan = j.at("scan");
        r.scan_id = scan.at("id").get<std::string>();
        r.mode = scan.value("mode", "scan");
        auto time_of = [&](const char* key) -> core::Result<core::TimePoint> {
            return core::parse_time(scan.at(key).get<std::string>());
        };
        for (auto [key, field] : {std::pair{"started_at", &r.started_at}, std::pair{"finished_at", &r.finished_at},
                                  std::pair{"as_of", &r.as_of}}) {
            auto t = time_of(key);
            if (!t) return core::make_error("report", t.error().message, fmt::format("scan.{}", key));
            *field = *t;
        }
        r.options = scan.value("options", nlohmann::json::object());
        r.source = scan.value("source", nlohmann::json());
        r.scope_allow = j.at("scope").value("allow", std::vector<std::string>{});
        r.profiles = j.value("profiles", nlohmann::json::array());
        for (const auto& jt : j.at("targets")) {
            core::TargetRecord t;
            t.target = jt.get<core::Target>();
            t.facts = jt.value("facts", nlohmann::json::object()).get<core::FactSet>();
            r.targets.push_back(std::move(t));
        }
        r.results = j.value("results", std::vector<core::RuleResult>{});
        r.waivers = j.value("waivers", nlohmann::json());
        r.config_digest = j.value("config_digest", "");
        r.previous_report = j.value("previous_report", nlohmann::json());
        if (!r.previous_report.is_null()) {
            const auto& p = r.previous_report;
            if (!p.is_object() || !p.contains("scan_id") || !p["scan_id"].is_string() || !p.contains("sha256") ||
                !p["sha256"].is_string() || !p.contains("path") || !p["path"].is_string())
                return core::make_error("report", "previous_report must be {scan_id, sha256, path}", "previous_report");
        }
        r.operator_name = j.value("operator", "");
        r.comparison = j.value("comparison", nlohmann::json());
        if (!r.comparison.is_null() && !r.comparison.is_object())
            return core::make_error("report", "comparison must be an object", "comparison");
        assign_fingerprints(r);
        return r;
    } catch (const nlohmann::json::exception& e) {
        return core::make_error("report", fmt::format("not a conformscan report: {}", e.what()));
    }
}

core::Result<std::string> read_report_bytes(const std::filesystem::path& file) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) return core::make_error("io", fmt::format("cannot read {}: {}", file.string(), ec.message()));
    if (size > kMaxReportBytes)
        return core::make_error("io", fmt::format("{} is larger than {} bytes", file.string(), kMaxReportBytes));
    std::ifstream in(file, std::ios::binary);
    if (!in) return core::make_error("io", fmt::format("cannot read {}", file.string()));
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

core::Result<core::ScanReport> parse_report_bytes(std::string_view bytes, const std::filesystem::path& file) {
    auto j = nlohmann::json::parse(bytes, nullptr, false);
    if (j.is_discarded()) return core::make_error("report", "not valid JSON", file.string());
    auto r = parse_report(j);
    if (!r) return core::make_error(r.error().code, r.error().describe(), file.string());
    return r;
}

core::Result<core::ScanReport> read_report(const std::filesystem::path& file) {
    auto bytes = read_report_bytes(file);
    if (!bytes) return bytes.error();
    return parse_report_bytes(*bytes, file);
}

}  // namespace conformscan::reports
