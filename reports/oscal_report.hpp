// OSCAL assessment-results (NIST OSCAL 1.1.2 model, JSON): one result for the
// scan, one observation per target (what the probes collected), one finding
// per failed or waived rule result. Every uuid is derived from the scan id and
// what it names (name_uuid), so rendering the same report twice gives the
// same document.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "scanner/core/report_model.hpp"

namespace conformscan::reports {

inline constexpr std::string_view kOscalVersion = "1.1.2";

struct OscalOptions {
    std::string lang = "en";
    // import-ap href: the assessment's plan is the canonical report it renders (its scope and profiles).
    std::string source = "report.json";
};

// An RFC 9562 version-5 style UUID: SHA-1 over a fixed conformscan namespace
// and `name`, version and variant bits set.
std::string name_uuid(std::string_view name);

nlohmann::json to_oscal(const core::ScanReport& report, const OscalOptions& options = {});
std::string render_oscal(const core::ScanReport& report, const OscalOptions& options = {});

}  // namespace conformscan::reports
