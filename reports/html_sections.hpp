// Internal to the HTML renderer: the page's shared state (html_report.cpp)
// and one function per part of the page.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/html_report.hpp"
#include "scanner/core/report_model.hpp"

namespace conformscan::reports::html {

struct Page {
    const core::ScanReport& report;
    const HtmlOptions& options;
    std::string lang;  // a supported language
    bool rtl = false;
    nlohmann::json summary;  // core::summarize(report)

    // The UI text of KEY, escaped.
    [[nodiscard]] std::string t(std::string_view key) const;
    // A status or severity label, escaped.
    [[nodiscard]] std::string status_label(std::string_view status) const;
    [[nodiscard]] std::string severity_label(std::string_view severity) const;
    // FIELD ("title", "summary") of a rule in the page's language from I18N
    // ({"fr": {"title": ...}}), escaped; else ENGLISH marked as English.
    [[nodiscard]] std::string localized(const nlohmann::json& i18n, std::string_view field,
                                        const std::string& english) const;
    // "74.6 %" (decimal comma where the language writes one); n/a for null.
    [[nodiscard]] std::string percent(const nlohmann::json& value) const;
    // "id (name)" of a target, escaped and isolated (<bdi>) from the page's direction.
    [[nodiscard]] std::string target_label(const std::string& id) const;
};

// FIELD ("title", "summary") of a rule in LANG from I18N ({"fr": {"title":
// ...}}), escaped; else ENGLISH, marked visibly as English (not translated).
std::string localized_markup(std::string_view lang, const nlohmann::json& i18n, std::string_view field,
                             const std::string& english);

// VALUE (a percentage or null) as the report page shows it in LANG.
std::string percent_markup(std::string_view lang, const nlohmann::json& value);

// Software a target's facts name (HTTP Server header, SSH banner, service
// greeting), as guideline keys (rule_parser's guideline_software: nginx,
// apache, openssh, postfix, ...) with the fact that showed it.
struct SoftwareHit {
    std::string key;
    std::string evidence;
};
std::vector<SoftwareHit> detect_software(const core::FactSet& facts);
// "OpenSSH" for "openssh", "Apache httpd" for "apache"; the key itself otherwise.
std::string software_name(std::string_view key);

// html_page.cpp: <!DOCTYPE> to <body> (the Content-Security-Policy and the
// inline style sheet), shared by the report, the diff and the sector pages;
// WITH_SCRIPT lets the CSP allow inline script (only the report has one).
// TITLE is plain text (escaped here).
std::string document_head(std::string_view lang, bool rtl, const std::string& title, bool with_script);
// A footer naming the tool, and the end of the document (no script).
std::string document_foot(const std::string& tool_version, const std::string& generated_by);
// The report page's head and its foot (footer, the optional filter script).
std::string page_head(const Page& page);
std::string page_foot(const Page& page);
// html_overview.cpp
std::string section_cover(const Page& page);
std::string section_contents(const Page& page);
std::string section_summary(const Page& page);
std::string section_matrix(const Page& page);
std::string section_coverage(const Page& page);
// html_targets.cpp
std::string section_targets(const Page& page);
std::string section_waivers(const Page& page);
std::string section_facts(const Page& page);

}  // namespace conformscan::reports::html
