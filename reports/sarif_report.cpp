#include "reports/sarif_report.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "reports/report_view.hpp"

namespace conformscan::reports {

namespace {

using Json = nlohmann::json;

constexpr std::string_view kSarifSchema = "https://json.schemastore.org/sarif-2.1.0.json";

// SARIF §3.27.10 level for a failure, by the rule's severity.
std::string_view level_of(core::Severity s) {
    switch (s) {
        case core::Severity::critical:
        case core::Severity::high: return "error";
        case core::Severity::medium: return "warning";
        case core::Severity::low:
        case core::Severity::info: return "note";
    }
    return "warning";
}

// GitHub code scanning reads properties["security-severity"] (a CVSS-like score as text).
std::string_view security_severity(core::Severity s) {
    switch (s) {
        case core::Severity::critical: return "9.5";
        case core::Severity::high: return "8.0";
        case core::Severity::medium: return "5.5";
        case core::Severity::low: return "3.0";
        case core::Severity::info: return "0.0";
    }
    return "5.5";
}

Json rule_descriptor(const core::RuleResult& r, std::string_view lang) {
    Json refs = Json::array();
    for (const auto& ref : r.references) refs.push_back(reference_text(ref));
    Json tags = Json::array({"security"});
    if (!r.dimension.empty()) tags.push_back(r.dimension);
    for (const auto& cwe : r.cwe) tags.push_back(cwe);
    Json props = {{"severity", core::to_string(r.severity)},
                  {"security-severity", security_severity(r.severity)},
                  {"references", refs},
                  {"check", r.check},
                  {"tags", tags}};
    if (!r.cwe.empty()) props["cwe"] = r.cwe;
    if (!r.plane.empty()) props["plane"] = r.plane;
    if (!r.layer.empty()) props["layer"] = r.layer;
    Json d = {{"id", r.rule_id},
              {"shortDescription", {{"text", localized_title(r, lang)}}},
              {"defaultConfiguration", {{"level", level_of(r.severity)}}},
              {"properties", props}};
    const auto summary = localized_summary(r, lang);
    if (!summary.empty()) d["help"] = {{"text", summary}};
    return d;
}

Json location(const core::ScanReport& report, const std::string& target_id) {
    const auto* t = find_target(report, target_id);
    const auto uri = t ? target_uri(*t) : target_id;
    return {{"physicalLocation", {{"artifactLocation", {{"uri", uri}}}}},
            {"logicalLocations", Json::array({{{"name", t && !t->name.empty() ? t->name : target_id},
                                               {"fullyQualifiedName", uri},
                                               {"kind", "resource"}}})}};
}

Json result_json(const core::ScanReport& report, const core::RuleResult& r, std::size_t rule_index) {
    // SARIF §3.27.9: only kind "fail" has a level other than "none". A result the
    // scanner could not judge is "open" (not determined), not a failure.
    const bool waived = r.status == core::Status::waived;
    const bool failed = r.status == core::Status::fail ||
                        (waived && r.waiver.is_object() && r.waiver.value("real_status", "fail") == "fail");
    Json j = {{"ruleId", r.rule_id},
              {"ruleIndex", rule_index},
              {"kind", failed ? "fail" : "open"},
              {"level", failed ? level_of(r.severity) : "none"},
              {"message", {{"text", r.message.empty() ? r.title : r.message}}},
              {"locations", Json::array({location(report, r.target_id)})},
              // Stable across scans: the finding's identity is its target and rule.
              {"partialFingerprints", {{"conformscan/target-rule/v1", r.target_id + "|" + r.profile_id + "|" + r.rule_id}}},
              {"properties", {{"status", core::to_string(r.status)},
                              {"profile", r.profile_id},
                              {"target", r.target_id},
                              {"severity", core::to_string(r.severity)},
                              {"evidence", {{"observed", r.observed}, {"expected", r.expected}}}}}};
    if (waived) {
        const auto& w = r.waiver.is_object() ? r.waiver : Json::object();
        Json s = {{"kind", "external"}, {"status", "accepted"}, {"justification", w.value("justification", "")}};
        Json props = Json::object();
        for (const char* key : {"id", "kind", "requested_by", "approved_by", "approved_on", "expires_on", "real_status"})
            if (w.contains(key)) props[key] = w[key];
        if (!props.empty()) s["properties"] = props;
        j["suppressions"] = Json::array({s});
    }
    return j;
}

}  // namespace

Json to_sarif(const core::ScanReport& report, std::string_view lang) {
    // Profiles in report order, then any profile only results name.
    std::vector<std::string> order;
    for (const auto& p : report.profiles)
        if (p.is_object()) order.push_back(p.value("id", ""));
    for (const auto& r : report.results)
        if (std::find(order.begin(), order.end(), r.profile_id) == order.end()) order.push_back(r.profile_id);

    Json runs = Json::array();
    for (const auto& profile_id : order) {
        Json rules = Json::array();
        std::map<std::string, std::size_t> index;
        Json results = Json::array();
        for (const auto& r : report.results) {
            if (r.profile_id != profile_id) continue;
            auto it = index.find(r.rule_id);
            if (it == index.end()) {
                it = index.emplace(r.rule_id, rules.size()).first;
                rules.push_back(rule_descriptor(r, lang));
            }
            if (r.status == core::Status::fail || r.status == core::Status::error || r.status == core::Status::waived)
                results.push_back(result_json(report, r, it->second));
        }
        const auto* p = find_profile(report, profile_id);
        Json driver = {{"name", "conformscan"},
                       {"version", report.tool_version},
                       {"semanticVersion", report.tool_version},
                       {"rules", rules},
                       {"properties", {{"profile", profile_id}}}};
        if (p) {
            driver["properties"]["profile_version"] = p->value("version", "");
            driver["properties"]["profile_sha256"] = p->value("sha256", "");
            driver["properties"]["profile_title"] = p->value("title", "");
        }
        Json invocation = {{"executionSuccessful", true},
                           {"startTimeUtc", core::format_time(report.started_at)},
                           {"endTimeUtc", core::format_time(report.finished_at)},
                           {"properties", {{"scan_id", report.scan_id},
                                           {"mode", report.mode},
                                           {"as_of", core::format_time(report.as_of)},
                                           {"openssl", report.openssl_version}}}};
        runs.push_back({{"tool", {{"driver", driver}}},
                        {"automationDetails", {{"id", fmt::format("conformscan/{}/{}", profile_id, report.scan_id)}}},
                        {"invocations", Json::array({invocation})},
                        {"columnKind", "unicodeCodePoints"},
                        {"results", results}});
    }
    return {{"$schema", kSarifSchema}, {"version", "2.1.0"}, {"runs", runs}};
}

std::string render_sarif(const core::ScanReport& report, std::string_view lang) {
    return to_sarif(report, lang).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace conformscan::reports
