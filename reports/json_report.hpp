// The canonical JSON report: every other format renders from it, and
// `evaluate` reads it back.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

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
// read_report in two steps, for callers that also verify the signature over
// the very bytes they render: the file's bytes (size-capped), and the report
// they hold (errors name FILE).
core::Result<std::string> read_report_bytes(const std::filesystem::path& file);
core::Result<core::ScanReport> parse_report_bytes(std::string_view bytes, const std::filesystem::path& file);

}  // namespace conformscan::reports
