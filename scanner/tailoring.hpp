// Tailoring: an operator's adjustments to a shipped profile, kept in a file of
// their own so the shipped profile stays pristine and comparable. A tailoring
// file changes rules' severity or parameters, drops rules and adds rules, each
// with a reason; the report records the file and its SHA-256 on the profile and
// marks every tailored rule and result.
//
// File format (YAML):
//
//   tailoring:
//     id: acme-core-network            # required: lower-case letters, digits, '.', '_', '-'
//     profile: itu-t-x805-baseline     # required: the id of the profile it tailors
//     title: ACME core network         # optional
//     version: "2026.11"               # optional
//     description: ...                 # optional
//   modify:                            # optional
//     - rule: X805-EU-CERT-01          # an id of the profile (after extends)
//       reason: Certificates are renewed by ACME every 60 days.   # required
//       severity: medium               # optional
//       with: {min_days_remaining: 30} # optional: parameters replaced one by one,
//                                      # validated against the check's schema
//   drop:                              # optional
//     - {rule: X805-EXP-01, reason: "No port sweep on the billing hosts."}
//   add:                               # optional: whole rules, as in a profile
//     - {id: ACME-01, title: ..., severity: ..., check: ..., references: ..., guideline: ...}
//
// Every error, including a rule id the profile does not have, is refused
// before anything is scanned with file:line:column.
#pragma once

#include <filesystem>
#include <vector>

#include "scanner/core/profile.hpp"
#include "scanner/core/registry.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::scanner {

// Reads `file` and applies it to the profile in `profiles` whose id it names.
// On success that profile's rules are the tailored ones, Profile::tailoring
// describes the file, and each modified or added rule carries Rule::tailored.
core::Result<void> apply_tailoring(const std::filesystem::path& file, const core::CheckRegistry& checks,
                                   std::vector<core::Profile>& profiles);

}  // namespace conformscan::scanner
