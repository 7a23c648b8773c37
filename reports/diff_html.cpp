// The HTML form of a ReportDiff (reports/diff.hpp): one self-contained page
// with the report page's conventions (reports/html_page.cpp: inline CSS, a
// Content-Security-Policy that forbids fetching anything, here no script at
// all), in the six languages of reports/html_i18n.hpp.
#include <fmt/format.h>

#include "conformscan_version.hpp"
#include "reports/diff.hpp"
#include "reports/html_i18n.hpp"
#include "reports/html_sections.hpp"
#include "reports/html_writer.hpp"

namespace conformscan::reports {

namespace {

using Json = nlohmann::json;
using html::escape;

struct DiffPage {
    std::string lang;
    bool rtl = false;

    // From the old status to the new one, in the page's reading direction.
    [[nodiscard]] std::string_view arrow() const { return rtl ? "←" : "→"; }

    [[nodiscard]] std::string t(std::string_view key) const { return escape(ui_text(lang, key)); }

    [[nodiscard]] std::string status(const std::optional<core::Status>& s) const {
        if (!s) return fmt::format("<span class=\"badge st-not_applicable\" data-status=\"absent\">{}</span>",
                                   t("absent"));
        const auto name = std::string(core::to_string(*s));
        return fmt::format("<span class=\"badge st-{}\" data-status=\"{}\">{}</span>", name, name, t("st_" + name));
    }

    [[nodiscard]] std::string severity(core::Severity s) const {
        const auto name = std::string(core::to_string(s));
        return fmt::format("<span class=\"badge sev-{}\">{}</span>", name, t("sev_" + name));
    }
};

std::string target_markup(const std::string& id, const std::string& name) {
    if (name.empty() || name == id) return fmt::format("<bdi>{}</bdi>", escape(id));
    return fmt::format("<bdi>{}</bdi> (<bdi>{}</bdi>)", escape(name), escape(id));
}

// A fact value on one line of the page: null is "absent", strings as they
// are (the diff already shortened long ones), anything else as compact JSON.
std::string value_markup(const DiffPage& page, const Json& v) {
    if (v.is_null()) return fmt::format("<em>{}</em>", page.t("absent"));
    const auto text = v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, Json::error_handler_t::replace);
    return fmt::format("<code>{}</code>", escape(text));
}

std::string side_markup(const DiffPage& page, const char* key, const DiffSide& s) {
    std::string dd;
    if (!s.file.empty()) dd += fmt::format("{}: <bdi>{}</bdi><br>", page.t("file"), escape(s.file));
    dd += fmt::format("{}: <code>{}</code><br>", page.t("scan_id"), escape(s.scan_id));
    dd += fmt::format("{}: <bdi>{}</bdi>", page.t("started"), escape(s.started_at));
    if (!s.operator_name.empty()) dd += fmt::format("<br>{}: <bdi>{}</bdi>", page.t("operator"), escape(s.operator_name));
    if (!s.tool_version.empty())
        dd += fmt::format("<br>{}: <span dir=\"ltr\">conformscan {}</span>", page.t("tool"), escape(s.tool_version));
    return fmt::format("<dt>{}</dt><dd data-side=\"{}\">{}</dd>\n", page.t(key), key == std::string_view("diff_old") ? "old" : "new", dd);
}

struct ListSpec {
    const char* id;   // section id and data-list value (the JSON key)
    const char* key;  // heading's UI text key
    const std::vector<ResultChange>* changes;
};

std::string facts_markup(const DiffPage& page, const ResultChange& c) {
    if (c.facts_basis.empty()) return fmt::format("<span class=\"note\">{}</span>", page.t("diff_one_side"));
    if (c.facts.empty() && c.facts_omitted == 0)
        return fmt::format("<span class=\"note\">{}</span>", page.t("diff_facts_none"));
    std::string out = "<ul>";
    for (const auto& f : c.facts)
        // Fact paths and values are technical text: always left to right, whatever the page's direction.
        out += fmt::format("<li class=\"fact\" data-path=\"{}\" dir=\"ltr\"><code>{}</code>: <span class=\"old\">{}</span>"
                           "<span class=\"arrow\">→</span>{}</li>",
                           escape(f.path), escape(f.path), value_markup(page, f.old_value),
                           value_markup(page, f.new_value));
    if (c.facts_omitted > 0)
        out += fmt::format("<li class=\"note\" data-omitted=\"{}\">+{} {}</li>", c.facts_omitted, c.facts_omitted,
                           page.t("diff_facts_omitted"));
    return out + "</ul>";
}

std::string changes_section(const DiffPage& page, const ListSpec& spec) {
    const auto& v = *spec.changes;
    std::string out = fmt::format("<section id=\"{}\" class=\"diff-list\" data-count=\"{}\">\n<h2>{} <span "
                                  "class=\"count\">({})</span></h2>\n",
                                  spec.id, v.size(), page.t(spec.key), v.size());
    if (v.empty()) return out + fmt::format("<p class=\"note\">{}</p>\n</section>\n", page.t("none"));
    out += fmt::format("<table class=\"changes\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
                       "</tr></thead><tbody>\n",
                       page.t("severity"), page.t("rule"), page.t("target"), page.t("change"),
                       page.t("diff_changed_facts"));
    for (const auto& c : v) {
        std::string change = fmt::format("{}<span class=\"arrow\">{}</span>{}", page.status(c.old_status),
                                          page.arrow(), page.status(c.new_status));
        if (!c.new_message.empty() && c.new_message != c.old_message)
            change += fmt::format("<div class=\"message\">{}: {}</div>", page.t("message_now"), escape(c.new_message));
        out += fmt::format(
            "<tr class=\"change\" data-list=\"{}\" data-fingerprint=\"{}\" data-target=\"{}\" data-target-name=\"{}\" "
            "data-profile=\"{}\" data-rule=\"{}\"><td>{}</td><td><code>{}</code><br>{}</td><td>{}</td><td>{}</td>"
            "<td class=\"facts\">{}</td></tr>\n",
            spec.id, html::token(c.fingerprint), escape(c.target_id), escape(c.target_name), escape(c.profile_id),
            escape(c.rule_id), page.severity(c.severity), escape(c.rule_id),
            html::localized_markup(page.lang, c.title_i18n, "title", c.title),
            target_markup(c.target_id, c.target_name), change, facts_markup(page, c));
    }
    return out + "</tbody></table>\n</section>\n";
}

std::string targets_section(const DiffPage& page, const char* id, const char* key, const std::vector<DiffTarget>& v) {
    std::string out = fmt::format("<section id=\"{}\" class=\"diff-list\" data-count=\"{}\">\n<h2>{} <span "
                                  "class=\"count\">({})</span></h2>\n",
                                  id, v.size(), page.t(key), v.size());
    if (v.empty()) return out + fmt::format("<p class=\"note\">{}</p>\n</section>\n", page.t("none"));
    out += "<ul class=\"targets\">\n";
    for (const auto& t : v)
        out += fmt::format("<li class=\"target-change\" data-list=\"{}\" data-target=\"{}\" data-target-name=\"{}\">{}"
                           "</li>\n",
                           id, escape(t.id), escape(t.name), target_markup(t.id, t.name));
    return out + "</ul>\n</section>\n";
}

std::string rules_section(const DiffPage& page, const char* id, const char* key, const std::vector<DiffRule>& v) {
    std::string out = fmt::format("<section id=\"{}\" class=\"diff-list\" data-count=\"{}\">\n<h2>{} <span "
                                  "class=\"count\">({})</span></h2>\n",
                                  id, v.size(), page.t(key), v.size());
    if (v.empty()) return out + fmt::format("<p class=\"note\">{}</p>\n</section>\n", page.t("none"));
    out += "<ul class=\"rules\">\n";
    for (const auto& r : v)
        out += fmt::format("<li class=\"rule-change\" data-list=\"{}\" data-rule=\"{}\">{} <bdi>{}</bdi> "
                           "<code>{}</code> {}</li>\n",
                           id, escape(r.rule_id), page.severity(r.severity), escape(r.profile_id), escape(r.rule_id),
                           html::localized_markup(page.lang, r.title_i18n, "title", r.title));
    return out + "</ul>\n</section>\n";
}

}  // namespace

std::string render_diff_html(const ReportDiff& d, std::string_view lang) {
    DiffPage page{is_html_language(lang) ? std::string(lang) : "en"};
    page.rtl = is_rtl(page.lang);
    std::string out =
        html::document_head(page.lang, page.rtl, std::string(ui_text(page.lang, "diff_title")), false);
    out += fmt::format("<header class=\"cover\" id=\"cover\">\n<h1>{}</h1>\n<dl class=\"facts\">\n", page.t("diff_title"));
    out += side_markup(page, "diff_old", d.old_side);
    out += side_markup(page, "diff_new", d.new_side);
    out += "</dl>\n</header>\n";

    const ListSpec lists[] = {{"regressions", "diff_regressions", &d.regressions},
                              {"new_failures", "diff_new_failures", &d.new_failures},
                              {"fixed", "diff_fixed", &d.fixed},
                              {"other_changes", "diff_other_changes", &d.other_changes},
                              {"still_failing", "diff_still_failing", &d.still_failing}};

    // Summary: the count of each list (linked to it) and the scores before and after.
    out += fmt::format("<section id=\"summary\">\n<h2>{}</h2>\n<table class=\"diff-summary\"><thead><tr><th></th>"
                       "<th class=\"num\">{}</th></tr></thead><tbody>\n",
                       page.t("diff_summary"), page.t("count"));
    const auto summary_row = [&](const char* id, const char* key, std::size_t n, bool link) {
        out += fmt::format("<tr data-list=\"{}\"><th scope=\"row\">{}</th><td class=\"num\" data-count=\"{}\">{}</td>"
                           "</tr>\n",
                           id, link ? fmt::format("<a href=\"#{}\">{}</a>", id, page.t(key)) : page.t(key), n, n);
    };
    for (const auto& l : lists) summary_row(l.id, l.key, l.changes->size(), true);
    summary_row("unchanged", "diff_unchanged", d.unchanged, false);
    summary_row("targets_added", "diff_targets_added", d.targets_added.size(), true);
    summary_row("targets_removed", "diff_targets_removed", d.targets_removed.size(), true);
    summary_row("rules_added", "diff_rules_added", d.rules_added.size(), true);
    summary_row("rules_removed", "diff_rules_removed", d.rules_removed.size(), true);
    out += "</tbody></table>\n";
    const auto score = [](const DiffSide& s, const char* key) { return s.summary.value(key, Json()); };
    out += fmt::format("<table class=\"scores\"><thead><tr><th></th><th class=\"num\">{}</th><th class=\"num\">{}</th>"
                       "</tr></thead><tbody>\n",
                       page.t("before"), page.t("after"));
    for (auto [key, field] : {std::pair{"score_with", "conformance_percent"},
                              std::pair{"score_without", "conformance_percent_without_waivers"}})
        out += fmt::format("<tr data-score=\"{}\"><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}"
                           "</td></tr>\n",
                           field, page.t(key), html::percent_markup(page.lang, score(d.old_side, field)),
                           html::percent_markup(page.lang, score(d.new_side, field)));
    out += "</tbody></table>\n";
    if (!d.profiles_changed.empty()) {
        out += fmt::format("<h3 id=\"profiles_changed\">{}</h3>\n<table class=\"profiles\"><thead><tr><th>{}</th>"
                           "<th>{}</th><th>{}</th></tr></thead><tbody>\n",
                           page.t("diff_profiles_changed"), page.t("profile"), page.t("before"), page.t("after"));
        const auto version = [&](const std::string& v, const std::string& sha) {
            if (v.empty() && sha.empty()) return fmt::format("<em>{}</em>", page.t("absent"));
            return fmt::format("<bdi>{}</bdi><br><span class=\"hash\">{}</span>", escape(v), escape(sha));
        };
        for (const auto& p : d.profiles_changed)
            out += fmt::format("<tr class=\"profile-change\"><td><bdi>{}</bdi></td><td>{}</td><td>{}</td></tr>\n",
                               escape(p.id), version(p.old_version, p.old_sha256), version(p.new_version, p.new_sha256));
        out += "</tbody></table>\n";
    }
    out += "</section>\n";

    for (const auto& l : lists) out += changes_section(page, l);
    out += targets_section(page, "targets_added", "diff_targets_added", d.targets_added);
    out += targets_section(page, "targets_removed", "diff_targets_removed", d.targets_removed);
    out += rules_section(page, "rules_added", "diff_rules_added", d.rules_added);
    out += rules_section(page, "rules_removed", "diff_rules_removed", d.rules_removed);
    out += html::document_foot(kVersion, std::string(ui_text(page.lang, "generated_by")));
    return out;
}

}  // namespace conformscan::reports
