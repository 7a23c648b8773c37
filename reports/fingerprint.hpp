// Stable finding fingerprints: a finding keeps its identity across scans, so
// that `report diff` can say what is new, fixed or still failing, and a
// regulator can follow one finding through a series of reports.
//
// fingerprint = lower-case hex of the first 16 bytes of SHA-256 over the JSON
// text (compact, UTF-8) of
//   ["conformscan-finding/1", service, host, port, sni, starttls, profile id, rule id]
// where host is the host as the inventory or --target gave it. The resolved
// address, the scan id and the target's label are left out on purpose: they
// change from scan to scan while the finding does not.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/report_model.hpp"
#include "scanner/core/target.hpp"

namespace conformscan::reports {

// The target part of the identity: [service, host, port, sni, starttls].
nlohmann::json target_identity(const core::Target& target);

std::string finding_fingerprint(const core::Target& target, std::string_view profile_id, std::string_view rule_id);

// One fingerprint per result of the report, in order: the result's own when it
// has one, else computed from its target (see assign_fingerprints).
std::vector<std::string> result_fingerprints(const core::ScanReport& report);

// Fills the fingerprint of every result that has none (reports written
// before fingerprints were recorded). A result naming no target of the report
// gets one over its target id alone, so that it still has an identity.
void assign_fingerprints(core::ScanReport& report);

}  // namespace conformscan::reports
