// JUnit XML, for CI dashboards: one <testsuite> per target, one <testcase>
// per (profile, rule). fail is a <failure>, error an <error> (the rule could
// not be judged), not_applicable and waived are <skipped>.
#pragma once

#include <string>
#include <string_view>

#include "scanner/core/report_model.hpp"

namespace conformscan::reports {

std::string render_junit(const core::ScanReport& report, std::string_view lang = "en");

}  // namespace conformscan::reports
