// The first pages: cover, contents, executive summary, X.805 matrix, and
// coverage per clause of each cited document.
#include <algorithm>
#include <array>
#include <map>
#include <set>

#include <fmt/format.h>

#include "reports/html_i18n.hpp"
#include "reports/html_sections.hpp"
#include "reports/html_svg.hpp"
#include "reports/html_writer.hpp"

namespace conformscan::reports::html {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 5> kStatuses = {"pass", "fail", "error", "waived", "not_applicable"};
constexpr std::array<std::string_view, 5> kSeverities = {"critical", "high", "medium", "low", "info"};
// ITU-T X.805 §6 (dimensions) and §8 (planes), in the Recommendation's order.
constexpr std::array<std::string_view, 8> kDimensions = {"access-control",         "authentication",
                                                         "non-repudiation",        "data-confidentiality",
                                                         "communication-security", "data-integrity",
                                                         "availability",           "privacy"};
constexpr std::array<std::string_view, 3> kPlanes = {"management", "control", "end-user"};

std::string dt_dd(const std::string& term, const std::string& markup) {
    return fmt::format("<dt>{}</dt><dd>{}</dd>\n", term, markup);
}

int count_of(const json& counts, std::string_view status) {
    const auto it = counts.find(std::string(status));
    return it != counts.end() && it->is_number_integer() ? it->get<int>() : 0;
}

std::string signature_markup(const Page& page) {
    if (const auto& v = page.options.verification) {
        if (v->ok())
            return fmt::format("<span class=\"sig-ok\" data-signature=\"ok\">{}</span><br>"
                               "<span class=\"hash\" dir=\"ltr\">{}</span>",
                               page.t("sig_verified"), escape(v->message));
        const auto* status = to_string(v->status);
        return fmt::format("<span class=\"sig-bad\" data-signature=\"{}\">{} (<bdi>{}</bdi>)</span><br>"
                           "<span class=\"message\" dir=\"ltr\">{}</span>",
                           status, page.t("sig_failed"), status, escape(v->message));
    }
    const auto& s = page.options.signature_status;
    if (s.empty())
        return fmt::format("<span class=\"note\" data-signature=\"not_checked\">{}</span>",
                           page.t("signature_unknown"));
    const bool ok = s.rfind("verified", 0) == 0;
    const bool bad = s.rfind("FAILED", 0) == 0;
    return fmt::format("<span class=\"{}\" dir=\"ltr\">{}</span>", ok ? "sig-ok" : bad ? "sig-bad" : "sig", escape(s));
}

std::string profiles_table(const Page& page) {
    std::string out = fmt::format(
        "<table class=\"profiles\"><thead><tr><th>{}</th><th>{}</th><th>SHA-256</th><th>{}</th><th>{}</th></tr>"
        "</thead><tbody>\n",
        page.t("profile"), page.t("version"), page.t("tailoring"), page.t("derived_from"));
    for (const auto& p : page.report.profiles) {
        std::string tailoring = page.t("none");
        if (p.contains("tailoring") && p["tailoring"].is_object()) {
            const auto& tl = p["tailoring"];
            tailoring = fmt::format("<bdi>{}</bdi><br><span class=\"hash\">{}</span>", escape(tl.value("id", "")),
                                    escape(tl.value("sha256", "")));
        }
        std::vector<std::string> derived;
        for (const auto& d : p.value("derived_from", json::array()))
            derived.push_back(fmt::format("<bdi>{} ({})</bdi>", escape(d.value("document", "")),
                                          escape(d.value("edition", ""))));
        out += fmt::format(
            "<tr><td><bdi>{}</bdi><br>{}</td><td>{}</td><td class=\"hash\">{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(p.value("id", "")), page.localized(p.value("i18n", json()), "title", p.value("title", "")),
            escape(p.value("version", "")), escape(p.value("sha256", "")), tailoring, fmt::join(derived, "<br>"));
    }
    return out + "</tbody></table>\n";
}

}  // namespace

std::string section_cover(const Page& page) {
    const auto& r = page.report;
    std::string out = fmt::format("<header class=\"cover\" id=\"cover\">\n<h1>{}</h1>\n<dl class=\"facts\">\n",
                                  page.t("report_title"));
    if (!r.operator_name.empty())
        out += dt_dd(page.t("operator"), fmt::format("<bdi>{}</bdi>", escape(r.operator_name)));
    std::vector<std::string> scope;
    for (const auto& s : r.scope_allow) scope.push_back(fmt::format("<bdi>{}</bdi>", escape(s)));
    out += dt_dd(page.t("scope"), scope.empty() ? page.t("none") : fmt::format("{}", fmt::join(scope, ", ")));
    out += dt_dd(page.t("scan_window"), fmt::format("<span dir=\"ltr\">{} → {}</span>", core::format_time(r.started_at),
                                                    core::format_time(r.finished_at)));
    out += dt_dd(page.t("as_of"), fmt::format("<bdi>{}</bdi>", core::format_time(r.as_of)));
    out += dt_dd(page.t("mode"), page.t(r.mode == "evaluate" ? "mode_evaluate" : "mode_scan"));
    if (r.source.is_object())
        out += dt_dd(page.t("source_report"),
                     fmt::format("<bdi>{}</bdi> (<bdi>{}</bdi>)<br><span class=\"hash\">SHA-256 {}</span>",
                                 escape(r.source.value("report", "")), escape(r.source.value("scan_id", "")),
                                 escape(r.source.value("sha256", ""))));
    out += dt_dd(page.t("scan_id"), fmt::format("<code>{}</code>", escape(r.scan_id)));
    out += dt_dd(page.t("tool"), fmt::format("<span dir=\"ltr\">conformscan {}</span>", escape(r.tool_version)));
    out += dt_dd("OpenSSL", fmt::format("<bdi>{}</bdi>", escape(r.openssl_version)));
    out += dt_dd(page.t("signature"), signature_markup(page));
    out += "</dl>\n";
    out += fmt::format("<h2 id=\"profiles\">{}</h2>\n", page.t("profiles"));
    out += profiles_table(page);
    return out + "</header>\n";
}

std::string section_contents(const Page& page) {
    std::string out = fmt::format("<nav class=\"toc\" aria-label=\"{}\"><h2>{}</h2><ol>", page.t("contents"),
                                  page.t("contents"));
    for (auto [id, key] : {std::pair{"summary", "summary"}, std::pair{"matrix", "matrix"},
                           std::pair{"coverage", "coverage"}, std::pair{"targets", "per_target"},
                           std::pair{"waivers", "waivers"}, std::pair{"facts", "appendix"}})
        out += fmt::format("<li><a href=\"#{}\">{}</a></li>", id, page.t(key));
    return out + "</ol></nav>\n";
}

namespace {

// scan --config: the report's comparison with the previous scan of its configuration.
std::string summary_changes(const Page& page) {
    const auto& c = page.report.comparison;
    if (!c.is_object()) return {};
    std::string out = fmt::format("<div id=\"changes\">\n<h3>{}</h3>\n", page.t("changes_title"));
    const auto previous = c.value("previous_scan", json());
    if (previous.is_string())
        out += fmt::format("<dl class=\"facts\">{}</dl>\n",
                           dt_dd(page.t("previous_scan"), fmt::format("<bdi>{}</bdi>", escape(previous.get<std::string>()))));
    if (previous.is_string() && c.value("configuration_changed", false))
        out += fmt::format("<p class=\"note\" id=\"configuration-changed\">{}</p>\n", page.t("configuration_changed"));
    else
        out += fmt::format("<p>{}</p>\n", page.t("changes_first"));
    // Regressions are also new failures: each finding is listed once, under its strongest label.
    std::set<std::string> listed;
    std::string rows;
    for (auto [key, label] : {std::pair{"regressions", "diff_regressions"}, std::pair{"new_failures", "diff_new_failures"},
                              std::pair{"fixed", "diff_fixed"}}) {
        const auto part = c.value(key, json::object());
        for (const auto& i : part.value("items", json::array())) {
            const auto id = i.value("target", "") + '|' + i.value("profile", "") + '|' + i.value("rule", "");
            if (std::string_view(key) != "fixed" && !listed.insert(id).second) continue;
            rows += fmt::format("<tr class=\"change\" data-change=\"{}\"><td>{}</td><td>{}</td><td><code><bdi>{}</bdi>"
                                "</code></td><td>{}</td></tr>\n",
                                key, page.t(label), page.target_label(i.value("target", "")), escape(i.value("rule", "")),
                                page.severity_label(i.value("severity", "")));
        }
    }
    out += fmt::format("<table class=\"changes\"><thead><tr><th>{}</th><th class=\"num\">{}</th></tr></thead><tbody>\n",
                       page.t("change"), page.t("count"));
    for (auto [key, label] : {std::pair{"regressions", "diff_regressions"}, std::pair{"new_failures", "diff_new_failures"},
                              std::pair{"fixed", "diff_fixed"}})
        out += fmt::format("<tr><th scope=\"row\">{}</th><td class=\"num\" data-count=\"{}\">{}</td></tr>\n", page.t(label),
                           key, c.value(key, json::object()).value("count", 0));
    out += "</tbody></table>\n";
    if (!rows.empty())
        out += fmt::format("<table class=\"changes\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
                           "<tbody>\n{}</tbody></table>\n",
                           page.t("change"), page.t("target"), page.t("rule"), page.t("severity"), rows);
    const auto certs = c.value("expiring_certificates", json::array());
    if (!certs.empty()) {
        out += fmt::format("<h4>{}</h4>\n<table class=\"certificates\"><thead><tr><th>{}</th><th>{}</th><th>{}</th>"
                           "<th class=\"num\">{}</th></tr></thead><tbody>\n",
                           page.t("expiring_certificates"), page.t("target"), page.t("title"), page.t("expires_on"),
                           page.t("days_left"));
        for (const auto& e : certs)
            out += fmt::format("<tr><td>{}</td><td><bdi>{}</bdi></td><td><bdi>{}</bdi></td><td class=\"num\">{}{}</td></tr>\n",
                               page.target_label(e.value("target", "")), escape(e.value("subject", "")),
                               escape(e.value("not_after", "")), e.value("days_left", 0),
                               e.value("new", true) ? std::string()
                                                    : fmt::format(" <span class=\"note\">({})</span>", page.t("listed_before")));
        out += "</tbody></table>\n";
    }
    return out + "</div>\n";
}

}  // namespace

std::string section_summary(const Page& page) {
    const auto& s = page.summary;
    std::string out = fmt::format("<section id=\"summary\">\n<h2>{}</h2>\n", page.t("summary"));
    out += fmt::format("<table class=\"scores\"><thead><tr><th>{}</th>", page.t("profile"));
    for (auto st : kStatuses) out += fmt::format("<th class=\"num\">{}</th>", page.status_label(st));
    out += fmt::format("<th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead><tbody>\n", page.t("score_with"),
                       page.t("score_without"));
    auto row = [&](const std::string& name, const json& c, const json& with, const json& without, const char* cls) {
        out += fmt::format("<tr class=\"{}\"><th scope=\"row\">{}</th>", cls, name);
        for (auto st : kStatuses)
            out += fmt::format("<td class=\"num\" data-status=\"{}\">{}</td>", st, count_of(c, st));
        out += fmt::format("<td class=\"num score\">{}</td><td class=\"num score\">{}</td></tr>\n", page.percent(with),
                           page.percent(without));
    };
    for (const auto& p : page.report.profiles) {
        const auto id = p.value("id", "");
        const auto it = s["per_profile"].find(id);
        const json c = it != s["per_profile"].end() ? *it : json::object();
        row(fmt::format("<bdi>{}</bdi> <bdi>{}</bdi>", escape(id), escape(p.value("version", ""))), c,
            c.value("conformance_percent", json()), c.value("conformance_percent_without_waivers", json()), "profile");
    }
    row(page.t("total"), s["results"], s["conformance_percent"], s["conformance_percent_without_waivers"], "total");
    out += "</tbody></table>\n";
    out += fmt::format("<p class=\"note\">{}</p>\n", page.t("score_note"));
    out += fmt::format("<dl class=\"facts\">{}{}</dl>\n",
                       dt_dd(page.t("targets"), std::to_string(s["targets"]["total"].get<int>())),
                       dt_dd(page.t("incomplete_targets"), std::to_string(s["targets"]["incomplete"].get<int>())));

    out += fmt::format("<h3>{}</h3>\n<table class=\"severity\"><thead><tr>", page.t("failures_by_severity"));
    for (auto sev : kSeverities) out += fmt::format("<th class=\"num\">{}</th>", page.severity_label(sev));
    out += fmt::format("<th class=\"num\">{}</th></tr></thead><tbody><tr>", page.t("total"));
    std::vector<Bar> bars;
    int total = 0;
    for (auto sev : kSeverities) {
        const int n = count_of(s["failed_by_severity"], sev);
        total += n;
        out += fmt::format("<td class=\"num\" data-severity=\"{}\">{}</td>", sev, n);
        bars.push_back({std::string(ui_text(page.lang, fmt::format("sev_{}", sev))), n, fmt::format("sev-{}", sev)});
    }
    out += fmt::format("<td class=\"num\" id=\"fail-total\">{}</td></tr></tbody></table>\n", total);
    out += fmt::format("<figure>{}</figure>\n",
                       bar_chart(bars, std::string(ui_text(page.lang, "failures_by_severity")), page.rtl));
    out += summary_changes(page);
    return out + "</section>\n";
}

std::string section_matrix(const Page& page) {
    // dimension -> plane -> {pass, fail, ...}; "" is "none given".
    std::map<std::string, std::map<std::string, std::map<std::string, int>>> cells;
    bool no_dimension = false;
    bool no_plane = false;
    for (const auto& r : page.report.results) {
        ++cells[r.dimension][r.plane][std::string(core::to_string(r.status))];
        no_dimension = no_dimension || r.dimension.empty();
        no_plane = no_plane || r.plane.empty();
    }
    std::vector<std::string> rows(kDimensions.begin(), kDimensions.end());
    std::vector<std::string> cols(kPlanes.begin(), kPlanes.end());
    if (no_dimension) rows.emplace_back();
    if (no_plane) cols.emplace_back();
    std::string out = fmt::format("<section id=\"matrix\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
                                  page.t("matrix"), page.t("matrix_note"));
    out += fmt::format("<table class=\"matrix\"><thead><tr><th>{} \\ {}</th>", page.t("dimension"), page.t("plane"));
    for (const auto& c : cols)
        out += fmt::format("<th scope=\"col\">{}</th>", c.empty() ? "—" : page.t("plane_" + c));
    out += "</tr></thead><tbody>\n";
    for (const auto& d : rows) {
        out += fmt::format("<tr><th scope=\"row\">{}</th>", d.empty() ? "—" : page.t("dim_" + d));
        for (const auto& c : cols) {
            const auto& counts = cells[d][c];
            const auto get = [&](const char* k) {
                const auto it = counts.find(k);
                return it == counts.end() ? 0 : it->second;
            };
            const int pass = get("pass");
            const int fail = get("fail");
            const std::string title =
                fmt::format("{} {} · {} {} · {} {} · {} {} · {} {}", ui_text(page.lang, "st_pass"), pass,
                            ui_text(page.lang, "st_fail"), fail, ui_text(page.lang, "st_error"), get("error"),
                            ui_text(page.lang, "st_waived"), get("waived"), ui_text(page.lang, "st_not_applicable"),
                            get("not_applicable"));
            if (counts.empty())
                out += "<td class=\"empty\">·</td>";
            else
                out += fmt::format("<td data-pass=\"{}\" data-fail=\"{}\" title=\"{}\"><span class=\"mp\">✓&#8239;{}"
                                   "</span> / <span class=\"mf\">✗&#8239;{}</span></td>",
                                   pass, fail, escape(title), pass, fail);
        }
        out += "</tr>\n";
    }
    return out + "</tbody></table>\n</section>\n";
}

namespace {

// "6.10" after "6.9": numeric runs compare as numbers.
bool clause_less(const std::string& a, const std::string& b) {
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        const bool da = a[i] >= '0' && a[i] <= '9';
        const bool db = b[j] >= '0' && b[j] <= '9';
        if (da && db) {
            std::size_t ei = i;
            std::size_t ej = j;
            while (ei < a.size() && a[ei] >= '0' && a[ei] <= '9') ++ei;
            while (ej < b.size() && b[ej] >= '0' && b[ej] <= '9') ++ej;
            const auto na = a.substr(i, ei - i);
            const auto nb = b.substr(j, ej - j);
            if (na.size() != nb.size()) return na.size() < nb.size();
            if (na != nb) return na < nb;
            i = ei;
            j = ej;
        } else {
            if (a[i] != b[j]) return a[i] < b[j];
            ++i;
            ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

const json* catalogue_of(const Page& page, const std::string& document) {
    if (!page.options.clause_catalogues.is_array()) return nullptr;
    for (const auto& c : page.options.clause_catalogues)
        if (c.is_object() && c.value("document", "") == document) return &c;
    return nullptr;
}

}  // namespace

std::string section_coverage(const Page& page) {
    // document -> clause -> status -> count; each result counted once per clause it cites.
    std::vector<std::string> documents;
    std::map<std::string, std::map<std::string, std::map<std::string, int>>> counts;
    for (const auto& r : page.report.results) {
        std::set<std::pair<std::string, std::string>> seen;
        for (const auto& ref : r.references) {
            if (!seen.insert({ref.document, ref.clause}).second) continue;
            if (std::find(documents.begin(), documents.end(), ref.document) == documents.end())
                documents.push_back(ref.document);
            ++counts[ref.document][ref.clause][std::string(core::to_string(r.status))];
        }
    }
    std::string out = fmt::format("<section id=\"coverage\">\n<h2>{}</h2>\n", page.t("coverage"));
    if (documents.empty()) out += fmt::format("<p>{}</p>\n", page.t("no_results"));
    for (const auto& doc : documents) {
        const json* cat = catalogue_of(page, doc);
        const auto& cited = counts[doc];
        out += fmt::format("<h3 class=\"document\"><bdi>{}</bdi>{}</h3>\n", escape(doc),
                           cat != nullptr && !cat->value("edition", "").empty()
                               ? fmt::format(" <bdi>({})</bdi>", escape(cat->value("edition", "")))
                               : "");
        out += fmt::format("<p class=\"note\">{}</p>\n", page.t(cat != nullptr ? "catalogue_note" : "no_catalogue"));
        out += fmt::format("<table class=\"coverage\" data-document=\"{}\"><thead><tr><th>{}</th>", escape(doc),
                           page.t("clause"));
        if (cat != nullptr) out += fmt::format("<th>{}</th>", page.t("title"));
        for (auto st : kStatuses) out += fmt::format("<th class=\"num\">{}</th>", page.status_label(st));
        if (cat != nullptr) out += fmt::format("<th>{}</th>", page.t("not_checked"));
        out += "</tr></thead><tbody>\n";
        auto row = [&](const std::string& clause, const std::string* title) {
            const auto it = cited.find(clause);
            const bool checked = it != cited.end();
            out += fmt::format("<tr class=\"{}\"><td><bdi>{}</bdi></td>", checked ? "checked" : "not-checked",
                               clause.empty() ? "—" : escape(clause));
            if (cat != nullptr) out += fmt::format("<td>{}</td>", title != nullptr ? escape(*title) : "");
            for (auto st : kStatuses) {
                int n = 0;
                if (checked) {
                    const auto s = it->second.find(std::string(st));
                    n = s == it->second.end() ? 0 : s->second;
                }
                out += fmt::format("<td class=\"num\">{}</td>", n);
            }
            if (cat != nullptr) out += fmt::format("<td>{}</td>", checked ? "" : page.t("not_checked"));
            out += "</tr>\n";
        };
        std::set<std::string> listed;
        if (cat != nullptr) {
            for (const auto& c : cat->value("clauses", json::array())) {
                const auto clause = c.value("clause", "");
                const auto title = c.value("title", "");
                listed.insert(clause);
                row(clause, &title);
            }
        }
        std::vector<std::string> rest;
        for (const auto& [clause, _] : cited)
            if (!listed.count(clause)) rest.push_back(clause);
        std::sort(rest.begin(), rest.end(), clause_less);
        for (const auto& clause : rest) row(clause, nullptr);
        out += "</tbody></table>\n";
    }
    return out + "</section>\n";
}

}  // namespace conformscan::reports::html
