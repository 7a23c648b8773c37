#include "reports/csv_report.hpp"

#include <fmt/format.h>

#include "reports/report_view.hpp"
#include "reports/text_escape.hpp"

namespace conformscan::reports {

namespace {

// Spreadsheets hold at most 32,767 characters in a cell (Excel's limit); the
// evidence is cut well below it, the full value stays in report.json.
constexpr std::size_t kMaxEvidenceBytes = 16000;

void append_row(std::string& out, const std::vector<std::string>& cells) {
    bool first = true;
    for (const auto& c : cells) {
        if (!first) out += ',';
        first = false;
        out += csv_field(c);
    }
    out += "\r\n";  // RFC 4180 §2.1
}

}  // namespace

const std::vector<std::string_view>& csv_columns() {
    static const std::vector<std::string_view> kColumns = {
        "target",   "target_name", "host",      "port",       "service", "profile",    "profile_version",
        "rule",     "title",       "severity",  "status",     "waived",  "waiver_id",  "real_status",
        "references", "reason",    "evidence",  "guideline"};
    return kColumns;
}

std::string render_csv(const core::ScanReport& report, const CsvOptions& options) {
    std::string out;
    if (options.bom) out += "\xEF\xBB\xBF";
    append_row(out, {csv_columns().begin(), csv_columns().end()});
    for (const auto& r : report.results) {
        const auto* t = find_target(report, r.target_id);
        const auto* p = find_profile(report, r.profile_id);
        const bool waived = r.status == core::Status::waived;
        const bool has_waiver = waived && r.waiver.is_object();
        nlohmann::json evidence = nlohmann::json::object();
        if (!r.observed.is_null()) evidence["observed"] = r.observed;
        if (!r.expected.is_null()) evidence["expected"] = r.expected;
        append_row(out, {r.target_id,
                         t ? t->name : "",
                         t ? t->host : "",
                         t ? std::to_string(t->port) : "",
                         t ? t->service : "",
                         r.profile_id,
                         p ? p->value("version", "") : "",
                         r.rule_id,
                         localized_title(r, options.lang),
                         std::string(core::to_string(r.severity)),
                         std::string(core::to_string(r.status)),
                         waived ? "yes" : "no",
                         has_waiver ? r.waiver.value("id", "") : "",
                         has_waiver ? r.waiver.value("real_status", "") : "",
                         references_joined(r),
                         r.message,
                         evidence.empty() ? "" : compact_json(evidence, kMaxEvidenceBytes),
                         localized_summary(r, options.lang)});
    }
    return out;
}

}  // namespace conformscan::reports
