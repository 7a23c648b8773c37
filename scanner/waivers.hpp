// Governed waivers: an operator's recorded decision that a failing rule is
// accepted for some targets until a date. A waiver file is read and checked
// against the loaded profiles before anything is scanned; after judging, a
// failed or error result that an in-force waiver covers becomes `waived`,
// keeping its real status and the waiver in the result. An expired waiver no
// longer applies: the result keeps its real status and the report lists the
// waiver as expired.
//
// File format (YAML):
//
//   waivers:
//     - id: W-2026-007                    # unique in the file
//       rule: X509-KEY-*                  # rule id, or a glob (* and ?)
//       profile: itu-t/x509-certificates  # optional: profile id or glob
//       targets: ["10.0.0.5:443", "mx-*"] # optional: target ids or names, globs
//       tags: [legacy]                    # optional: any of these target tags
//       kind: risk-accepted               # risk-accepted | false-positive | compensating-control | not-applicable
//       justification: "..."             # required, not empty
//       requested_by: "..."
//       approved_by: "..."
//       approved_on: 2026-11-01           # date or time
//       expires_on: "2027-01-31T23:59:59+03:00"   # a time with an explicit offset (or Z)
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/profile.hpp"
#include "scanner/core/report_model.hpp"
#include "scanner/core/result.hpp"
#include "scanner/core/time.hpp"

namespace conformscan::scanner {

struct Waiver {
    std::string id;
    std::string rule;                  // id or glob
    std::string profile;               // id or glob; empty: any profile
    std::vector<std::string> targets;  // ids or names, globs; empty: any target
    std::vector<std::string> tags;     // any of them; empty: any target
    std::string kind;
    std::string justification;
    std::string requested_by;
    std::string approved_by;
    core::TimePoint approved_on{};
    core::TimePoint expires_on{};
    std::string expires_on_text;  // as written, with its offset
    std::string defined_in;       // file:line:column
};

struct WaiverFile {
    std::string path;
    std::string sha256;  // of the file's bytes
    std::vector<Waiver> waivers;
};

const std::vector<std::string_view>& waiver_kinds();

// Reads and checks a waiver file: every error is file:line:column, and a
// waiver whose rule (or profile) matches nothing loaded is an error.
core::Result<WaiverFile> load_waivers(const std::filesystem::path& file, const std::vector<core::Profile>& profiles);

// `*` any run of characters, `?` one character; everything else literal.
bool glob_match(std::string_view pattern, std::string_view text);

// Applies the waivers in force on `as_of` to the fail and error results of
// `report` (first matching waiver in file order) and returns the report's
// `waivers` section: file, sha256, as_of, and the active, expired and unused
// waivers with the number of results each covered.
nlohmann::json apply_waivers(const WaiverFile& file, core::ScanReport& report);

nlohmann::json waiver_json(const Waiver& w);

}  // namespace conformscan::scanner
