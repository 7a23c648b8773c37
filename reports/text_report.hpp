// The terminal report: the summary, then failures (most severe first) with
// their evidence, citation and fix, then what could not be observed.
#pragma once

#include <string>

#include "scanner/core/report_model.hpp"

namespace conformscan::reports {

std::string render_text(const core::ScanReport& report);
// The few lines `make demo` and -q runs end with.
std::string render_summary(const core::ScanReport& report);

}  // namespace conformscan::reports
