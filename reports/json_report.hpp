// The canonical JSON report: every other format renders from it, and
// `evaluate` reads it back.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "scanner/core/report_model.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::reports {

nlohmann::json to_json(const core::ScanReport& report);
// Pretty-printed, newline-terminated; stable key order (nlohmann sorts keys).
std::string render_json(const core::ScanReport& report);

core::Result<core::ScanReport> parse_report(const nlohmann::json& j);
// Reads a report file (size-capped) and parses it; errors name the file.
core::Result<core::ScanReport> read_report(const std::filesystem::path& file);

}  // namespace conformscan::reports
