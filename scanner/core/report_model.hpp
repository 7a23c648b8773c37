// The canonical scan report in memory. reports/json_report serialises it (the
// one JSON every other format renders from); scanner fills it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/facts.hpp"
#include "scanner/core/results.hpp"
#include "scanner/core/target.hpp"
#include "scanner/core/time.hpp"

namespace conformscan::core {

inline constexpr int kReportSchemaVersion = 1;

struct TargetRecord {
    Target target;
    FactSet facts;
};

struct ScanReport {
    int schema_version = kReportSchemaVersion;
    std::string tool_version;
    std::string openssl_version;
    std::string scan_id;
    // Who the scanned network belongs to (`scan --operator`, or the
    // inventory's `operator:`); empty when not given.
    std::string operator_name;
    std::string mode = "scan";  // "scan" or "evaluate"
    TimePoint started_at{};
    TimePoint finished_at{};
    TimePoint as_of{};           // the date rules judged as of
    nlohmann::json source;       // evaluate: the report the facts came from
    std::vector<std::string> scope_allow;
    nlohmann::json profiles = nlohmann::json::array();  // profile_summary_json of each
    nlohmann::json options = nlohmann::json::object();
    std::vector<TargetRecord> targets;
    std::vector<RuleResult> results;
    // The waiver file applied (scanner::apply_waivers): file, sha256, as_of,
    // active / expired / unused waivers. Null without --waivers.
    nlohmann::json waivers;
    // What makes two scans comparable (reports/report_chain.hpp); "" when not computed.
    std::string config_digest;
    // {scan_id, sha256, path} of the previous report of the same configuration
    // in the same --out directory; null when there is none.
    nlohmann::json previous_report;
    // `scan --config`: the comparison with the previous scan of the same
    // configuration in the history (scanner/notify.hpp, changes_json); null
    // otherwise.
    nlohmann::json comparison;
};

// Counts by status overall, per target, per profile, per severity of failures,
// per cited clause and per X.805 dimension.
nlohmann::json summarize(const ScanReport& report);

}  // namespace conformscan::core
