#include "reports/junit_report.hpp"

#include <chrono>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "reports/report_view.hpp"
#include "reports/text_escape.hpp"

namespace conformscan::reports {

namespace {

constexpr std::size_t kMaxEvidenceBytes = 16000;

struct Counts {
    int tests = 0, failures = 0, errors = 0, skipped = 0;
    void add(core::Status s) {
        ++tests;
        if (s == core::Status::fail) ++failures;
        if (s == core::Status::error) ++errors;
        if (s == core::Status::not_applicable || s == core::Status::waived) ++skipped;
    }
};

std::string attr(std::string_view text) { return xml_escape(text, true); }

// The JUnit XSD's timestamp is an xs:dateTime without a zone; the report's times are UTC.
std::string junit_time(core::TimePoint t) {
    auto s = core::format_time(t);
    if (!s.empty() && s.back() == 'Z') s.pop_back();
    return s;
}

std::string details(const core::RuleResult& r, std::string_view lang) {
    std::string out = r.message + "\n";
    if (!r.observed.is_null()) out += "observed: " + compact_json(r.observed, kMaxEvidenceBytes) + "\n";
    if (!r.expected.is_null()) out += "expected: " + compact_json(r.expected, kMaxEvidenceBytes) + "\n";
    if (!r.references.empty()) out += "cites: " + references_joined(r) + "\n";
    const auto fix = localized_summary(r, lang);
    if (!fix.empty()) out += "fix: " + fix + "\n";
    for (const auto& [software, text] : r.guideline.fixes) out += fmt::format("  {}: {}\n", software, text);
    return out;
}

void append_case(std::string& out, const core::RuleResult& r, std::string_view lang) {
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\">\n", attr(r.profile_id),
                       attr(fmt::format("{}: {}", r.rule_id, localized_title(r, lang))));
    switch (r.status) {
        case core::Status::fail:
            out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", attr(r.message),
                               core::to_string(r.severity), xml_escape(details(r, lang)));
            break;
        case core::Status::error:
            out += fmt::format("      <error message=\"{}\" type=\"not-observed\">{}</error>\n", attr(r.message),
                               xml_escape(details(r, lang)));
            break;
        case core::Status::not_applicable:
            out += fmt::format("      <skipped message=\"{}\"/>\n", attr("not applicable: " + r.message));
            break;
        case core::Status::waived: {
            const auto& w = r.waiver;
            const auto why = w.is_object() ? fmt::format("waived: {} ({}, approved by {}, expires {}): {}",
                                                         w.value("id", ""), w.value("kind", ""),
                                                         w.value("approved_by", ""), w.value("expires_on", ""),
                                                         w.value("justification", ""))
                                           : std::string("waived");
            out += fmt::format("      <skipped message=\"{}\">{}</skipped>\n", attr(why), xml_escape(details(r, lang)));
            break;
        }
        case core::Status::pass: break;
    }
    out += "    </testcase>\n";
}

}  // namespace

std::string render_junit(const core::ScanReport& report, std::string_view lang) {
    // Targets in report order, then any target only results name.
    std::vector<std::string> order;
    std::map<std::string, std::vector<const core::RuleResult*>> by_target;
    for (const auto& t : report.targets) {
        order.push_back(t.target.id);
        by_target[t.target.id];
    }
    for (const auto& r : report.results) {
        if (!by_target.contains(r.target_id)) order.push_back(r.target_id);
        by_target[r.target_id].push_back(&r);
    }
    Counts total;
    for (const auto& r : report.results) total.add(r.status);
    const auto seconds = std::chrono::duration<double>(report.finished_at - report.started_at).count();

    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
                       "time=\"{:.3f}\" timestamp=\"{}\">\n",
                       attr(fmt::format("conformscan {} {}", report.mode, report.scan_id)), total.tests,
                       total.failures, total.errors, total.skipped, seconds, junit_time(report.started_at));
    int index = 0;
    for (const auto& id : order) {
        const auto& results = by_target[id];
        Counts c;
        for (const auto* r : results) c.add(r->status);
        const auto* t = find_target(report, id);
        out += fmt::format("  <testsuite name=\"{}\" id=\"{}\" package=\"{}\" hostname=\"{}\" tests=\"{}\" "
                           "failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\" timestamp=\"{}\">\n",
                           attr(t ? target_label(*t) : id), index++, attr(t ? target_uri(*t) : id),
                           attr(t ? t->host : id), c.tests, c.failures, c.errors, c.skipped,
                           junit_time(report.started_at));
        out += "    <properties>\n";
        auto property = [&](std::string_view name, std::string_view value) {
            out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", attr(name), attr(value));
        };
        property("target", id);
        if (t) {
            property("uri", target_uri(*t));
            if (!t->address.empty()) property("address", t->address);
            if (!t->sni.empty()) property("sni", t->sni);
        }
        property("scan_id", report.scan_id);
        property("as_of", core::format_time(report.as_of));
        for (const auto& p : report.profiles)
            if (p.is_object())
                property("profile", fmt::format("{} {} sha256:{}", p.value("id", ""), p.value("version", ""),
                                                p.value("sha256", "")));
        out += "    </properties>\n";
        for (const auto* r : results) append_case(out, *r, lang);
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

}  // namespace conformscan::reports
