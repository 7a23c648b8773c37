// Small read-only views of a parsed report that the machine-format renderers
// share: a result's target and profile, its text in a language, its
// citations as one line.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "scanner/core/report_model.hpp"

namespace conformscan::reports {

// The target a result belongs to; null when the report does not list it.
const core::Target* find_target(const core::ScanReport& report, std::string_view id);
// The profile summary (report.profiles[i]) with this id; null when absent.
const nlohmann::json* find_profile(const core::ScanReport& report, std::string_view id);

// A rule's title or guideline summary in `lang` when the profile gives that
// translation (the result's i18n), else the English text.
std::string localized_title(const core::RuleResult& r, std::string_view lang);
std::string localized_summary(const core::RuleResult& r, std::string_view lang);

// "RFC 5280 §4.1.2.5", "(clause unverified)" appended where the profile marks it so.
std::string reference_text(const core::Reference& ref);
// Every citation of a result, joined by "; ".
std::string references_joined(const core::RuleResult& r);

// The target as a URI: SERVICE://HOST:PORT ("tls://127.0.0.1:8443"; "tcp" when
// the service is unknown). IPv6 literals are bracketed as in the target id.
std::string target_uri(const core::Target& t);
// "host:port (name)", or the id when the target has no name.
std::string target_label(const core::Target& t);

// Compact JSON of a value, invalid UTF-8 replaced, cut to `max_bytes` at a
// character boundary with "…" when longer (0: no limit).
std::string compact_json(const nlohmann::json& value, std::size_t max_bytes = 0);

}  // namespace conformscan::reports
