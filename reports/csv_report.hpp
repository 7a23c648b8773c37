// CSV: one row per result, for spreadsheets. RFC 4180 (CRLF line ends, quoted
// fields), and no cell a spreadsheet would run as a formula (text_escape.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scanner/core/report_model.hpp"

namespace conformscan::reports {

struct CsvOptions {
    std::string lang = "en";  // titles and summaries from the profile's translations when given
    bool bom = false;         // a UTF-8 byte-order mark first, for spreadsheets that guess the encoding
};

// The header row's column names, in order.
const std::vector<std::string_view>& csv_columns();

std::string render_csv(const core::ScanReport& report, const CsvOptions& options = {});

}  // namespace conformscan::reports
