// The HTML report: one self-contained file (inline CSS and SVG, a few lines
// of optional inline script, nothing fetched) that a regulator can read in a
// browser or print to a clean A4 PDF, in six languages. It renders from the
// canonical report only: cover, executive summary, X.805 matrix, coverage per
// clause, per-target detail with evidence and guideline, waivers, raw facts.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/signature.hpp"
#include "scanner/core/report_model.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::reports {

struct HtmlOptions {
    // The page's own words: en, fr, es, ar (right to left), ru, zh
    // (reports/html_i18n.hpp). Rule titles and guideline summaries come from
    // the profile's translations where the report carries them, else English
    // marked as such.
    std::string lang = "en";
    // The outcome of reports::verify_report over the exact bytes the page
    // renders (`report render --format html --pubkey`): the cover shows
    // "verified" or "verification FAILED" with the status and the verifier's
    // message. It takes precedence over signature_status.
    std::optional<VerifyResult> verification;
    // Otherwise, a note from the caller, shown as given: `scan --sign` says the
    // report was signed with key X when written (the signature is written
    // after report.json, so the page cannot claim it was verified).
    // Both empty: the cover says that no signature was checked.
    std::string signature_status;
    // Clause catalogues of the cited documents, so that coverage can list the
    // clauses no result cites ("not checked"):
    // [{document, edition, clauses: [{clause, title}]}]. Documents without one
    // get a note instead of that column.
    nlohmann::json clause_catalogues = nlohmann::json::array();
};

// The page for REPORT. Never fails: unknown languages fall back to English,
// and every string from the report is escaped (reports/html_writer.hpp).
std::string render_html(const core::ScanReport& report, const HtmlOptions& options);

// The same from a report's JSON (parse_report first); an error when it is not a report.
core::Result<std::string> render_html(const nlohmann::json& report_json, const HtmlOptions& options);

}  // namespace conformscan::reports
