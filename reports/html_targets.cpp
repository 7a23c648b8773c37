// Per-target detail (every result with its evidence, citation and the
// guideline for the software found), the waivers, and the raw facts.
#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "reports/html_sections.hpp"
#include "reports/html_writer.hpp"

namespace conformscan::reports::html {

namespace {

using nlohmann::json;

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Substring of a product banner -> guideline key (rule_parser's
// guideline_software). More specific patterns first: Tomcat's Server header
// says "Apache-Coyote".
constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kBannerPatterns = {{
    {"apache-coyote", "tomcat"},
    {"tomcat", "tomcat"},
    {"openresty", "nginx"},
    {"nginx", "nginx"},
    {"lighttpd", "lighttpd"},
    {"microsoft-iis", "iis"},
    {"haproxy", "haproxy"},
    {"apache", "apache"},
    {"openssh", "openssh"},
    {"postfix", "postfix"},
    {"dovecot", "dovecot"},
    {"exim", "exim"},
    {"vsftpd", "vsftpd"},
}};

void match_banner(std::vector<SoftwareHit>& hits, std::string_view banner, std::string_view what) {
    const auto text = lower(banner);
    for (const auto& [pattern, key] : kBannerPatterns) {
        if (text.find(pattern) == std::string::npos) continue;
        if (std::none_of(hits.begin(), hits.end(), [&](const SoftwareHit& h) { return h.key == key; }))
            hits.push_back({std::string(key), fmt::format("{}: {}", what, banner)});
        return;  // one product per banner
    }
}

const json* probe_data(const core::FactSet& facts, std::string_view probe) {
    const auto* rec = facts.get(probe);
    if (rec == nullptr || rec->status != core::ProbeStatus::ok || !rec->data.is_object()) return nullptr;
    return &rec->data;
}

std::string pretty(const json& j) {
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

constexpr std::array<std::string_view, 5> kStatusOrder = {"fail", "error", "waived", "pass", "not_applicable"};

int status_order(core::Status s) {
    const auto name = core::to_string(s);
    for (std::size_t i = 0; i < kStatusOrder.size(); ++i)
        if (kStatusOrder[i] == name) return static_cast<int>(i);
    return static_cast<int>(kStatusOrder.size());
}

std::string references_markup(const Page& page, const core::RuleResult& r) {
    if (r.references.empty()) return {};
    std::string out = "<ul class=\"refs\">";
    for (const auto& ref : r.references) {
        out += fmt::format("<li><bdi>{}</bdi>", escape(ref.document));
        if (!ref.clause.empty()) out += fmt::format(" §<bdi>{}</bdi>", escape(ref.clause));
        if (!ref.verified) out += fmt::format(" <span class=\"unverified\">({})</span>", page.t("clause_unverified"));
        if (!ref.note.empty()) out += fmt::format(" — <span lang=\"en\" dir=\"auto\">{}</span>", escape(ref.note));
        out += "</li>";
    }
    return out + "</ul>";
}

std::string guideline_markup(const Page& page, const core::RuleResult& r, const std::vector<SoftwareHit>& found) {
    const auto& g = r.guideline;
    if (g.summary.empty() && g.fixes.empty()) return {};
    std::string out = fmt::format("<h4>{}</h4><p class=\"fix-summary\">{}</p>", page.t("guideline"),
                                  page.localized(r.i18n, "summary", g.summary));
    if (g.fixes.empty()) return out;
    auto is_found = [&](const std::string& key) {
        return std::any_of(found.begin(), found.end(), [&](const SoftwareHit& h) { return h.key == key; });
    };
    // The software found first, then the rest in the profile's order.
    std::vector<std::pair<std::string, std::string>> fixes(g.fixes.begin(), g.fixes.end());
    std::stable_partition(fixes.begin(), fixes.end(), [&](const auto& f) { return is_found(f.first); });
    out += "<ul class=\"fixes\">";
    for (const auto& [key, fix] : fixes) {
        const bool match = is_found(key);
        out += fmt::format("<li{} data-software=\"{}\"><strong>{}</strong>{}: <code dir=\"ltr\">{}</code></li>",
                           match ? " class=\"match\"" : "", token(key), escape(software_name(key)),
                           match ? fmt::format("<span class=\"match-mark\">✓ {}</span>", page.t("matches_software"))
                                 : "",
                           escape(fix));
    }
    return out + "</ul>";
}

std::string waiver_markup(const Page& page, const core::RuleResult& r) {
    if (!r.waiver.is_object()) return {};
    const auto& w = r.waiver;
    if (w.value("not_applied", false) || w.value("expired", false))
        return fmt::format("<p class=\"waiver expired\"><bdi>{}</bdi>: {} (<bdi>{}</bdi>)</p>", escape(w.value("id", "")),
                           page.t("expired_waiver_note"), escape(w.value("expires_on", "")));
    return fmt::format(
        "<p class=\"waiver\">{} <bdi>{}</bdi> ({}) — {}: {} · {}: <bdi>{}</bdi> · {}: <bdi>{}</bdi> · {}: {}</p>",
        page.t("waived_by"), escape(w.value("id", "")), escape(w.value("kind", "")), page.t("justification"),
        escape(w.value("justification", "")), page.t("approved_by"), escape(w.value("approved_by", "")),
        page.t("expires_on"), escape(w.value("expires_on", "")), page.t("real_status"),
        page.status_label(w.value("real_status", "error")));
}

std::string result_row(const Page& page, const core::RuleResult& r, const std::vector<SoftwareHit>& found) {
    const auto status = core::to_string(r.status);
    const auto severity = core::to_string(r.severity);
    std::string out = fmt::format(
        "<tr class=\"result status-{}\" data-status=\"{}\" data-severity=\"{}\" data-rank=\"{}\" "
        "data-rule=\"{}\" data-profile=\"{}\"><td><span class=\"badge st-{}\">{}</span></td><td><span class=\"badge sev-{}\">{}</span>"
        "</td><td><code><bdi>{}</bdi></code><br><span class=\"note\"><bdi>{}</bdi></span></td><td>",
        status, status, severity, core::severity_rank(r.severity), escape(r.rule_id), escape(r.profile_id), status,
        page.status_label(status), severity, page.severity_label(severity), escape(r.rule_id), escape(r.profile_id));
    out += fmt::format("<strong class=\"rule-title\">{}</strong>", page.localized(r.i18n, "title", r.title));
    out += fmt::format("<div class=\"message\" dir=\"auto\">{}</div>", escape(r.message));
    const bool detailed = r.status == core::Status::fail || r.status == core::Status::error ||
                          r.status == core::Status::waived;
    if (!detailed) {
        out += references_markup(page, r);
        return out + "</td></tr>\n";
    }
    out += "<div class=\"detail\">";
    out += waiver_markup(page, r);
    out += fmt::format("<h4>{}</h4>{}", page.t("references"), references_markup(page, r));
    if (!r.cwe.empty()) out += fmt::format("<p class=\"note\">{}</p>", escape(fmt::format("{}", fmt::join(r.cwe, ", "))));
    if (!r.observed.is_null() || !r.expected.is_null()) {
        out += fmt::format("<h4>{}</h4>", page.t("evidence"));
        if (!r.observed.is_null())
            out += fmt::format("<div>{}</div><pre class=\"evidence\">{}</pre>", page.t("observed"), escape(pretty(r.observed)));
        if (!r.expected.is_null())
            out += fmt::format("<div>{}</div><pre class=\"evidence\">{}</pre>", page.t("expected"), escape(pretty(r.expected)));
    }
    out += guideline_markup(page, r, found);
    return out + "</div></td></tr>\n";
}

std::string target_header(const Page& page, const core::Target& t, const std::vector<SoftwareHit>& found,
                          const json& counts) {
    std::string out = fmt::format("<h3>{}</h3>\n<dl class=\"facts\">", page.target_label(t.id));
    std::string service = escape(t.service);
    if (!t.starttls.empty()) service += fmt::format(" (STARTTLS <bdi>{}</bdi>)", escape(t.starttls));
    out += fmt::format("<dt>{}</dt><dd><bdi>{}</bdi></dd>", page.t("service"), service);
    if (!t.sni.empty()) out += fmt::format("<dt>SNI</dt><dd><bdi>{}</bdi></dd>", escape(t.sni));
    if (!t.tags.empty()) {
        std::vector<std::string> tags;
        for (const auto& tag : t.tags) tags.push_back(fmt::format("<bdi>{}</bdi>", escape(tag)));
        out += fmt::format("<dt>{}</dt><dd>{}</dd>", page.t("tags"), fmt::join(tags, ", "));
    }
    std::string software;
    for (const auto& h : found)
        software += fmt::format("<div class=\"software\" data-software=\"{}\"><strong>{}</strong> — <code dir=\"ltr\">{}"
                                "</code></div>",
                                token(h.key), escape(software_name(h.key)), escape(h.evidence));
    out += fmt::format("<dt>{}</dt><dd>{}</dd>", page.t("software_found"),
                       software.empty() ? page.t("software_none") : software);
    std::vector<std::string> c;
    for (auto st : kStatusOrder)
        if (counts.is_object() && counts.value(std::string(st), 0) > 0)
            c.push_back(fmt::format("{} {}", page.status_label(st), counts.value(std::string(st), 0)));
    out += fmt::format("<dt>{}</dt><dd>{}</dd></dl>\n", page.t("results"),
                       c.empty() ? page.t("none") : fmt::format("{}", fmt::join(c, " · ")));
    return out;
}

std::string filter_panel(const Page& page) {
    std::string out = fmt::format("<div id=\"filters\" hidden><label>{} — {} <select id=\"filter-status\"><option "
                                  "value=\"\">{}</option>",
                                  page.t("filter"), page.t("status"), page.t("all"));
    for (auto st : kStatusOrder) out += fmt::format("<option value=\"{}\">{}</option>", st, page.status_label(st));
    out += fmt::format("</select></label><label>{} <select id=\"filter-severity\"><option value=\"\">{}</option>",
                       page.t("severity"), page.t("all"));
    for (auto sev : {"critical", "high", "medium", "low", "info"})
        out += fmt::format("<option value=\"{}\">{}</option>", sev, page.severity_label(sev));
    out += fmt::format("</select></label><label><input type=\"checkbox\" id=\"sort-severity\"> {}</label></div>\n",
                       page.t("sort_severity"));
    return out;
}

}  // namespace

std::vector<SoftwareHit> detect_software(const core::FactSet& facts) {
    std::vector<SoftwareHit> hits;
    if (const auto* http = probe_data(facts, "http")) {
        for (const auto& h : http->value("headers", json::array()))
            if (h.is_object() && lower(h.value("name", "")) == "server")
                match_banner(hits, h.value("value", ""), "HTTP Server");
    }
    if (const auto* ssh = probe_data(facts, "ssh")) match_banner(hits, ssh->value("banner", ""), "SSH banner");
    if (const auto* tcp = probe_data(facts, "tcp")) {
        // The greeting a service sent on connect (SMTP 220, IMAP * OK, FTP 220, SSH-2.0-...).
        match_banner(hits, tcp->value("evidence", ""), "greeting");
    }
    return hits;
}

std::string software_name(std::string_view key) {
    static const std::map<std::string_view, std::string_view> kNames = {
        {"nginx", "nginx"},         {"apache", "Apache httpd"},  {"lighttpd", "lighttpd"},
        {"haproxy", "HAProxy"},     {"iis", "Microsoft IIS"},    {"tomcat", "Apache Tomcat"},
        {"openssh", "OpenSSH"},     {"postfix", "Postfix"},      {"dovecot", "Dovecot"},
        {"exim", "Exim"},           {"vsftpd", "vsftpd"},        {"net_snmp", "Net-SNMP"},
        {"openssl", "OpenSSL"},     {"cisco_ios", "Cisco IOS"},  {"junos", "Junos OS"},
        {"routeros", "RouterOS"},   {"huawei_vrp", "Huawei VRP"}, {"fortios", "FortiOS"},
        {"windows", "Windows"},     {"java", "Java"},            {"general", "general"}};
    const auto it = kNames.find(key);
    return std::string(it == kNames.end() ? key : it->second);
}

std::string section_targets(const Page& page) {
    std::string out = fmt::format("<section id=\"targets\">\n<h2>{}</h2>\n", page.t("per_target"));
    out += filter_panel(page);
    // Targets in report order; results of a target the report does not list still show.
    std::vector<const core::Target*> targets;
    for (const auto& t : page.report.targets) targets.push_back(&t.target);
    std::vector<core::Target> orphans;
    for (const auto& r : page.report.results) {
        const bool known = std::any_of(targets.begin(), targets.end(), [&](const auto* t) { return t->id == r.target_id; }) ||
                           std::any_of(orphans.begin(), orphans.end(), [&](const auto& t) { return t.id == r.target_id; });
        if (known) continue;
        core::Target t;
        t.id = r.target_id;
        orphans.push_back(std::move(t));
    }
    for (const auto& t : orphans) targets.push_back(&t);

    std::size_t n = 0;
    for (const auto* t : targets) {
        const core::FactSet* facts = nullptr;
        for (const auto& rec : page.report.targets)
            if (rec.target.id == t->id) facts = &rec.facts;
        const auto found = facts != nullptr ? detect_software(*facts) : std::vector<SoftwareHit>{};
        std::vector<const core::RuleResult*> results;
        for (const auto& r : page.report.results)
            if (r.target_id == t->id) results.push_back(&r);
        std::stable_sort(results.begin(), results.end(), [](const auto* a, const auto* b) {
            if (status_order(a->status) != status_order(b->status)) return status_order(a->status) < status_order(b->status);
            return core::severity_rank(a->severity) > core::severity_rank(b->severity);
        });
        const auto counts = page.summary["per_target"].value(t->id, json::object());
        out += fmt::format("<section class=\"target\" id=\"target-{}\" data-target=\"{}\">\n", ++n, escape(t->id));
        out += target_header(page, *t, found, counts);
        if (results.empty()) {
            out += fmt::format("<p>{}</p>\n</section>\n", page.t("no_results"));
            continue;
        }
        out += fmt::format("<table class=\"results\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
                           "<tbody class=\"results\">\n",
                           page.t("status"), page.t("severity"), page.t("rule"), page.t("finding"));
        for (const auto* r : results) out += result_row(page, *r, found);
        out += "</tbody></table>\n</section>\n";
    }
    return out + "</section>\n";
}

std::string section_waivers(const Page& page) {
    std::string out = fmt::format("<section id=\"waivers\">\n<h2>{}</h2>\n", page.t("waivers"));
    const auto& w = page.report.waivers;
    if (!w.is_object()) return out + fmt::format("<p>{}</p>\n</section>\n", page.t("no_waivers"));
    out += fmt::format("<dl class=\"facts\"><dt>{}</dt><dd><bdi>{}</bdi><br><span class=\"hash\">SHA-256 {}</span></dd>"
                       "<dt>{}</dt><dd><bdi>{}</bdi></dd></dl>\n",
                       page.t("waiver_file"), escape(w.value("file", "")), escape(w.value("sha256", "")), page.t("as_of"),
                       escape(w.value("as_of", "")));
    auto table = [&](const char* key, const char* heading) {
        const auto list = w.value(key, json::array());
        out += fmt::format("<h3>{}</h3>\n", page.t(heading));
        if (list.empty()) {
            out += fmt::format("<p>{}</p>\n", page.t("none"));
            return;
        }
        out += fmt::format("<table class=\"waivers {}\"><thead><tr><th>Id</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
                           "<th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th></tr></thead><tbody>\n",
                           key, page.t("rule"), page.t("kind"), page.t("justification"), page.t("requested_by"),
                           page.t("approved_by"), page.t("approved_on"), page.t("expires_on"), page.t("covers"));
        for (const auto& x : list) {
            std::string scope = fmt::format("<code><bdi>{}</bdi></code>", escape(x.value("rule", "")));
            for (const char* k : {"profile", "targets", "tags"}) {
                if (!x.contains(k)) continue;
                const auto& v = x[k];
                std::string text = v.is_array() ? "" : escape(v.is_string() ? v.get<std::string>() : v.dump());
                if (v.is_array())
                    for (const auto& e : v) text += (text.empty() ? "" : ", ") + escape(e.is_string() ? e.get<std::string>() : e.dump());
                scope += fmt::format("<br><span class=\"note\">{}: <bdi>{}</bdi></span>", k, text);
            }
            out += fmt::format("<tr class=\"waiver\" data-waiver=\"{}\"><td><bdi>{}</bdi></td><td>{}</td><td>{}</td>"
                               "<td dir=\"auto\">{}</td><td><bdi>{}</bdi></td><td><bdi>{}</bdi></td><td><bdi>{}</bdi>"
                               "</td><td><bdi>{}</bdi></td><td class=\"num\">{}</td></tr>\n",
                               escape(x.value("id", "")), escape(x.value("id", "")), scope, escape(x.value("kind", "")),
                               escape(x.value("justification", "")), escape(x.value("requested_by", "")),
                               escape(x.value("approved_by", "")), escape(x.value("approved_on", "")),
                               escape(x.value("expires_on", "")), x.value("results", 0));
        }
        out += "</tbody></table>\n";
    };
    table("active", "active_waivers");
    table("expired", "expired_waivers");
    std::vector<std::string> unused;
    for (const auto& u : w.value("unused", json::array()))
        unused.push_back(fmt::format("<bdi>{}</bdi>", escape(u.is_string() ? u.get<std::string>() : u.dump())));
    out += fmt::format("<h3>{}</h3>\n<p>{}</p>\n", page.t("unused_waivers"),
                       unused.empty() ? page.t("none") : fmt::format("{}", fmt::join(unused, ", ")));
    return out + "</section>\n";
}

std::string section_facts(const Page& page) {
    std::string out = fmt::format("<section id=\"facts\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n", page.t("appendix"),
                                  page.t("appendix_note"));
    for (const auto& t : page.report.targets) {
        const json facts = t.facts;
        out += fmt::format("<details class=\"facts\"><summary>{}</summary><pre>{}</pre></details>\n",
                           page.target_label(t.target.id), escape(pretty(facts)));
    }
    return out + "</section>\n";
}

}  // namespace conformscan::reports::html
