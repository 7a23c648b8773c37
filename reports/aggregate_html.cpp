// The HTML form of a SectorAggregate (reports/aggregate.hpp): the regulator's
// sector page, with the report page's conventions (reports/html_page.cpp:
// inline CSS and SVG, a Content-Security-Policy that forbids fetching
// anything, here no script at all), in the six languages of html_i18n.
#include <cmath>

#include <fmt/format.h>

#include "conformscan_version.hpp"
#include "reports/aggregate.hpp"
#include "reports/html_i18n.hpp"
#include "reports/html_sections.hpp"
#include "reports/html_svg.hpp"
#include "reports/html_writer.hpp"

namespace conformscan::reports {

namespace {

using Json = nlohmann::json;
using html::escape;

struct SectorPage {
    std::string lang;

    [[nodiscard]] std::string t(std::string_view key) const { return escape(ui_text(lang, key)); }
    [[nodiscard]] std::string percent(const Json& v) const { return html::percent_markup(lang, v); }
    [[nodiscard]] std::string severity(core::Severity s) const {
        const auto name = std::string(core::to_string(s));
        return fmt::format("<span class=\"badge sev-{}\">{}</span>", name, t("sev_" + name));
    }
};

std::string use_key(OperatorReport::Use u) { return fmt::format("use_{}", to_string(u)); }

std::string signature_markup(const SectorPage& page, const SignatureCheck& s) {
    std::string label;
    std::string cls;
    switch (s.state) {
        case SignatureCheck::State::verified: label = page.t("sig_verified"); cls = "sig-ok"; break;
        case SignatureCheck::State::failed: label = page.t("sig_failed"); cls = "sig-bad"; break;
        case SignatureCheck::State::not_checked: label = page.t("sig_not_checked"); cls = "note"; break;
    }
    std::string out = fmt::format("<span class=\"{}\">{}</span>", cls, label);
    if (!s.code.empty() && s.state == SignatureCheck::State::failed)
        out += fmt::format(" (<bdi>{}</bdi>)", escape(s.code));
    if (!s.message.empty()) out += fmt::format("<br><span class=\"message\" dir=\"ltr\">{}</span>", escape(s.message));
    return out;
}

long count(const Json& counts, const char* key) {
    return counts.is_object() ? counts.value(key, 0L) : 0L;
}

std::string operators_section(const SectorPage& page, const SectorAggregate& a) {
    std::string out = fmt::format("<section id=\"operators\">\n<h2>{}</h2>\n", page.t("sector_operators"));
    std::vector<html::Bar> bars;
    for (const auto& o : a.operators)
        if (o.use == OperatorReport::Use::included && o.conformance_percent.is_number())
            bars.push_back({o.operator_name, static_cast<int>(std::lround(o.conformance_percent.get<double>())),
                            "sev-info"});
    if (!bars.empty())
        out += fmt::format("<figure>{}</figure>\n",
                           html::bar_chart(bars, std::string(ui_text(page.lang, "sector_scores_chart")),
                                           is_rtl(page.lang), 100, "%"));
    out += fmt::format("<table class=\"operators\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}"
                       "</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>"
                       "<th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>\n",
                       page.t("operator"), page.t("use"), page.t("signature"), page.t("score_with"),
                       page.t("score_without"), page.t("st_fail"), page.t("sev_critical"), page.t("sev_high"),
                       page.t("targets"));
    for (const auto& o : a.operators) {
        const auto use = std::string(to_string(o.use));
        out += fmt::format(
            "<tr class=\"operator use-{}\" data-operator=\"{}\" data-use=\"{}\" data-signature=\"{}\" "
            "data-fail=\"{}\"><td><bdi>{}</bdi><br><span class=\"hash\">{}</span></td><td>{}</td><td>{}</td>"
            "<td class=\"num score\">{}</td><td class=\"num score\">{}</td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            use, escape(o.operator_name), use, to_string(o.signature.state), count(o.results, "fail"),
            escape(o.operator_name), escape(o.file.string()), page.t(use_key(o.use)), signature_markup(page, o.signature),
            page.percent(o.conformance_percent), page.percent(o.conformance_percent_without_waivers),
            count(o.results, "fail"), count(o.failed_by_severity, "critical"), count(o.failed_by_severity, "high"),
            o.targets);
    }
    return out + "</tbody></table>\n</section>\n";
}

std::string worst_section(const SectorPage& page, const SectorAggregate& a) {
    std::string out = fmt::format("<section id=\"worst\" data-count=\"{}\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
                                  a.worst_findings.size(), page.t("sector_worst"), page.t("sector_worst_note"));
    if (a.worst_findings.empty()) return out + fmt::format("<p>{}</p>\n</section>\n", page.t("none"));
    out += fmt::format("<table class=\"worst\"><thead><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th>"
                       "<th class=\"num\">{}</th><th>{}</th></tr></thead><tbody>\n",
                       page.t("severity"), page.t("rule"), page.t("operators_failing"), page.t("operators_judged"),
                       page.t("operators"));
    for (const auto& r : a.worst_findings) {
        std::vector<std::string> ops;
        for (const auto& op : r.failing_operators) ops.push_back(fmt::format("<bdi>{}</bdi>", escape(op)));
        out += fmt::format("<tr class=\"worst\" data-rule=\"{}\" data-failing=\"{}\"><td>{}</td><td><code>{}</code> "
                           "{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                           escape(r.rule_id), r.operators_failing, page.severity(r.severity), escape(r.rule_id),
                           html::localized_markup(page.lang, r.title_i18n, "title", r.title), r.operators_failing,
                           r.operators_judged, fmt::join(ops, ", "));
    }
    return out + "</tbody></table>\n</section>\n";
}

std::string rules_section(const SectorPage& page, const SectorAggregate& a) {
    std::string out = fmt::format("<section id=\"rules\">\n<h2>{}</h2>\n", page.t("sector_rules"));
    if (a.rules.empty()) return out + fmt::format("<p>{}</p>\n</section>\n", page.t("no_results"));
    out += fmt::format("<table class=\"rules\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th>"
                       "<th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}"
                       "</th><th class=\"num\">{}</th></tr></thead><tbody>\n",
                       page.t("profile"), page.t("rule"), page.t("severity"), page.t("operators_judged"),
                       page.t("operators_passing"), page.t("operators_waived"), page.t("operators_failing"),
                       page.t("score_with"), page.t("score_without"));
    for (const auto& r : a.rules)
        out += fmt::format("<tr class=\"rule-rate\" data-profile=\"{}\" data-rule=\"{}\" data-judged=\"{}\" "
                           "data-failing=\"{}\"><td><bdi>{}</bdi></td><td><code>{}</code> {}</td><td>{}</td>"
                           "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                           "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                           escape(r.profile_id), escape(r.rule_id), r.operators_judged, r.operators_failing,
                           escape(r.profile_id), escape(r.rule_id), html::localized_markup(page.lang, r.title_i18n, "title", r.title),
                           page.severity(r.severity),
                           r.operators_judged, r.operators_passing, r.operators_waived, r.operators_failing,
                           page.percent(r.conformance_percent), page.percent(r.conformance_percent_without_waivers));
    return out + "</tbody></table>\n</section>\n";
}

// Every report not counted (failed signature, superseded) and every file that
// could not be read, with the reason: nothing is dropped silently.
std::string unused_section(const SectorPage& page, const SectorAggregate& a) {
    std::string rows;
    std::size_t n = 0;
    for (const auto& o : a.operators) {
        if (o.use == OperatorReport::Use::included) continue;
        const auto use = std::string(to_string(o.use));
        const auto reason = o.use == OperatorReport::Use::signature_failed ? o.signature.message : o.note;
        rows += fmt::format("<tr class=\"unused use-{}\" data-use=\"{}\" data-file=\"{}\"><td>{}</td><td><bdi>{}</bdi>"
                            "</td><td class=\"hash\">{}</td><td class=\"message\" dir=\"ltr\">{}</td></tr>\n",
                            use, use, escape(o.file.string()), page.t(use_key(o.use)), escape(o.operator_name),
                            escape(o.file.string()), escape(reason));
        ++n;
    }
    for (const auto& r : a.rejected) {
        rows += fmt::format("<tr class=\"unused use-rejected\" data-use=\"rejected\" data-file=\"{}\"><td>{}</td>"
                            "<td></td><td class=\"hash\">{}</td><td class=\"message\" dir=\"ltr\">{}</td></tr>\n",
                            escape(r.file.string()), page.t("use_rejected"), escape(r.file.string()), escape(r.reason));
        ++n;
    }
    std::string out = fmt::format("<section id=\"unused\" data-count=\"{}\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
                                  n, page.t("sector_unused"), page.t("sector_unused_note"));
    if (n == 0) return out + fmt::format("<p>{}</p>\n</section>\n", page.t("none"));
    out += fmt::format("<table class=\"unused\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
                       "<tbody>\n",
                       page.t("use"), page.t("operator"), page.t("file"), page.t("reason"));
    return out + rows + "</tbody></table>\n</section>\n";
}

}  // namespace

std::string render_aggregate_html(const SectorAggregate& a, std::string_view lang) {
    SectorPage page{is_html_language(lang) ? std::string(lang) : "en"};
    std::string out =
        html::document_head(page.lang, is_rtl(page.lang), std::string(ui_text(page.lang, "sector_title")), false);
    out += fmt::format("<header class=\"cover\" id=\"cover\">\n<h1>{}</h1>\n<dl class=\"facts\">\n",
                       page.t("sector_title"));
    const auto item = [&](const char* key, const char* name, std::size_t n) {
        out += fmt::format("<dt>{}</dt><dd data-count=\"{}\">{}</dd>\n", page.t(key), name, n);
    };
    item("sector_reports", "reports", a.operators.size());
    item("sector_included", "included", a.included());
    item("sector_sig_failed", "signature_failed", a.signature_failures());
    if (a.signatures_checked) item("sector_sig_unchecked", "signature_not_checked", a.signatures_unchecked());
    item("sector_rejected", "rejected", a.rejected.size());
    out += "</dl>\n";
    out += fmt::format("<nav class=\"toc\" aria-label=\"{}\"><ol>", page.t("contents"));
    for (auto [id, key] : {std::pair{"operators", "sector_operators"}, std::pair{"worst", "sector_worst"},
                           std::pair{"rules", "sector_rules"}, std::pair{"unused", "sector_unused"}})
        out += fmt::format("<li><a href=\"#{}\">{}</a></li>", id, page.t(key));
    out += "</ol></nav>\n</header>\n";
    out += operators_section(page, a);
    out += worst_section(page, a);
    out += rules_section(page, a);
    out += unused_section(page, a);
    out += html::document_foot(kVersion, std::string(ui_text(page.lang, "generated_by")));
    return out;
}

}  // namespace conformscan::reports
