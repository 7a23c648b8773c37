#include "reports/html_report.hpp"

#include <fmt/format.h>

#include "reports/html_i18n.hpp"
#include "reports/html_sections.hpp"
#include "reports/html_writer.hpp"
#include "reports/json_report.hpp"

namespace conformscan::reports {

namespace html {

std::string Page::t(std::string_view key) const { return escape(ui_text(lang, key)); }

std::string Page::status_label(std::string_view status) const { return t(fmt::format("st_{}", status)); }

std::string Page::severity_label(std::string_view severity) const { return t(fmt::format("sev_{}", severity)); }

std::string Page::localized(const nlohmann::json& i18n, std::string_view field, const std::string& english) const {
    return localized_markup(lang, i18n, field, english);
}

std::string localized_markup(std::string_view lang, const nlohmann::json& i18n, std::string_view field,
                             const std::string& english) {
    if (lang == "en") return escape(english);
    const std::string code(lang);
    if (i18n.is_object() && i18n.contains(code) && i18n[code].is_object()) {
        const auto& entry = i18n[code];
        const auto it = entry.find(std::string(field));
        if (it != entry.end() && it->is_string() && !it->get<std::string>().empty())
            return escape(it->get<std::string>());
    }
    if (english.empty()) return {};
    // The profile gives no translation: show the English, visibly marked.
    return fmt::format("<span class=\"en-fallback\" lang=\"en\" dir=\"ltr\" title=\"{}\">{}<sup class=\"en-mark\">EN"
                       "</sup></span>",
                       escape(ui_text(lang, "not_translated")), escape(english));
}

std::string percent_markup(std::string_view lang, const nlohmann::json& value) {
    if (!value.is_number()) return escape(ui_text(lang, "n_a"));
    auto s = fmt::format("{:.1f}", value.get<double>());
    if (lang == "fr" || lang == "es" || lang == "ru")
        for (auto& c : s)
            if (c == '.') c = ',';
    return fmt::format("<span dir=\"ltr\">{}\u00a0%</span>", s);
}

std::string Page::percent(const nlohmann::json& value) const { return percent_markup(lang, value); }

std::string Page::target_label(const std::string& id) const {
    for (const auto& t : report.targets) {
        if (t.target.id != id) continue;
        if (t.target.name.empty() || t.target.name == id) return fmt::format("<bdi>{}</bdi>", escape(id));
        return fmt::format("<bdi>{}</bdi> (<bdi>{}</bdi>)", escape(id), escape(t.target.name));
    }
    return fmt::format("<bdi>{}</bdi>", escape(id));
}

}  // namespace html

std::string render_html(const core::ScanReport& report, const HtmlOptions& options) {
    html::Page page{report, options, is_html_language(options.lang) ? options.lang : "en", false,
                    core::summarize(report)};
    page.rtl = is_rtl(page.lang);
    std::string out;
    out += html::page_head(page);
    out += html::section_cover(page);
    out += html::section_contents(page);
    out += html::section_summary(page);
    out += html::section_matrix(page);
    out += html::section_coverage(page);
    out += html::section_targets(page);
    out += html::section_waivers(page);
    out += html::section_facts(page);
    out += html::page_foot(page);
    return out;
}

core::Result<std::string> render_html(const nlohmann::json& report_json, const HtmlOptions& options) {
    auto report = parse_report(report_json);
    if (!report) return report.error();
    return render_html(*report, options);
}

}  // namespace conformscan::reports
