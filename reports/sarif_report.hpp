// SARIF 2.1.0 (OASIS), for code-scanning dashboards. One run per profile (a
// rule id is unique within a run's tool.driver.rules, and two profiles may
// hold rules of the same id); results are the failed, waived and unobserved
// results; waived ones carry an accepted external suppression.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "scanner/core/report_model.hpp"

namespace conformscan::reports {

nlohmann::json to_sarif(const core::ScanReport& report, std::string_view lang = "en");
std::string render_sarif(const core::ScanReport& report, std::string_view lang = "en");

}  // namespace conformscan::reports
