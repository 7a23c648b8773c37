// Every format a saved report renders to, by name: what `report render
// --format` and `scan --report-formats` accept, and the file each is written to.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scanner/core/report_model.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::reports {

struct RenderOptions {
    std::string lang = "en";             // profile translations of titles and summaries, where the report has them
    std::string source = "report.json";  // the canonical report's name, for formats that link to it (OSCAL)
    bool csv_bom = false;
};

// text, json, csv, junit, sarif, oscal
const std::vector<std::string_view>& render_formats();
// The file name in a scan's --out directory: report.txt, report.json,
// report.csv, report.junit.xml, report.sarif, report.oscal.json; empty for an unknown format.
std::string_view report_file_name(std::string_view format);

// The report in `format`; an error names the formats there are.
core::Result<std::string> render(const core::ScanReport& report, std::string_view format,
                                 const RenderOptions& options = {});

}  // namespace conformscan::reports
