// The JSON, text and CSV forms of a SectorAggregate (reports/aggregate.hpp).
#include <algorithm>

#include <fmt/format.h>

#include "reports/aggregate.hpp"

namespace conformscan::reports {

namespace {

using Json = nlohmann::json;

Json rule_json(const RuleRate& r) {
    return {{"profile", r.profile_id},
            {"rule", r.rule_id},
            {"title", r.title},
            {"severity", core::to_string(r.severity)},
            {"profile_versions", r.profile_versions},
            {"operators_judged", r.operators_judged},
            {"operators_passing", r.operators_passing},
            {"operators_waived", r.operators_waived},
            {"operators_failing", r.operators_failing},
            {"failing_operators", r.failing_operators},
            {"results", r.results},
            {"conformance_percent", r.conformance_percent},
            {"conformance_percent_without_waivers", r.conformance_percent_without_waivers}};
}

std::string score_text(const Json& v) { return v.is_number() ? fmt::format("{:.1f}%", v.get<double>()) : "n/a"; }

std::string signature_text(const SignatureCheck& s) {
    if (s.message.empty()) return std::string(to_string(s.state));
    return fmt::format("{}: {}", to_string(s.state), s.message);
}

// RFC 4180 quoting; a cell a spreadsheet would evaluate (= + - @, tab, CR
// first) gets a leading apostrophe (OWASP "CSV injection").
std::string cell(const std::string& v) {
    std::string s = v;
    if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
        s.insert(s.begin(), '\'');
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string number_cell(const Json& v) { return v.is_number() ? fmt::format("{:.2f}", v.get<double>()) : ""; }

std::string row(const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) out += ',';
        out += cell(cells[i]);
    }
    return out + "\r\n";
}

std::string count(const Json& counts, const char* key) { return std::to_string(counts.value(key, 0L)); }

}  // namespace

Json to_json(const SectorAggregate& a) {
    Json operators = Json::array();
    for (const auto& o : a.operators)
        operators.push_back({{"operator", o.operator_name},
                             {"operator_source", o.operator_source},
                             {"file", o.file.string()},
                             {"scan_id", o.scan_id},
                             {"started_at", o.started_at},
                             {"profiles", o.profiles},
                             {"targets", o.targets},
                             {"results", o.results},
                             {"failed_by_severity", o.failed_by_severity},
                             {"conformance_percent", o.conformance_percent},
                             {"conformance_percent_without_waivers", o.conformance_percent_without_waivers},
                             {"signature",
                              {{"status", to_string(o.signature.state)},
                               {"code", o.signature.code},
                               {"message", o.signature.message}}},
                             {"use", to_string(o.use)},
                             {"note", o.note}});
    Json rejected = Json::array();
    for (const auto& r : a.rejected) rejected.push_back({{"file", r.file.string()}, {"reason", r.reason}});
    Json rules = Json::array();
    for (const auto& r : a.rules) rules.push_back(rule_json(r));
    Json worst = Json::array();
    for (const auto& r : a.worst_findings) worst.push_back(rule_json(r));
    return {{"aggregate_version", kAggregateVersion},
            {"summary",
             {{"reports", a.operators.size()},
              {"included", a.included()},
              {"signature_failed", a.signature_failures()},
              {"signatures_checked", a.signatures_checked},
              {"signature_not_checked", a.signatures_unchecked()},
              {"rejected", a.rejected.size()}}},
            {"operators", operators},
            {"rejected", rejected},
            {"rules", rules},
            {"worst_findings", worst}};
}

std::string render_aggregate_text(const SectorAggregate& a) {
    std::string out = fmt::format("{} reports: {} included, {} failed signature verification, {} rejected files\n",
                                  a.operators.size(), a.included(), a.signature_failures(), a.rejected.size());
    if (a.signatures_checked) {
        const auto verified = std::count_if(a.operators.begin(), a.operators.end(), [](const OperatorReport& o) {
            return o.signature.state == SignatureCheck::State::verified;
        });
        out += fmt::format("signatures: {} verified, {} failed, {} counted without a check (no key)\n", verified,
                           a.signature_failures(), a.signatures_unchecked());
    }
    out += "\nOperators:\n";
    for (const auto& o : a.operators) {
        out += fmt::format("  {:<24} {:>7} (without waivers {:>7})  {} fail  signature {}  [{}] {}\n", o.operator_name,
                           score_text(o.conformance_percent), score_text(o.conformance_percent_without_waivers),
                           o.results.value("fail", 0L), signature_text(o.signature), to_string(o.use), o.file.string());
        if (!o.note.empty()) out += fmt::format("      {}\n", o.note);
    }
    if (!a.rejected.empty()) {
        out += "\nRejected files:\n";
        for (const auto& r : a.rejected) out += fmt::format("  {}: {}\n", r.file.string(), r.reason);
    }
    if (!a.worst_findings.empty()) {
        out += "\nWorst findings (critical and high, by operators failing):\n";
        for (const auto& r : a.worst_findings)
            out += fmt::format("  [{}] {} {}: {} of {} operators fail ({})\n", core::to_string(r.severity), r.rule_id,
                               r.title, r.operators_failing, r.operators_judged, fmt::join(r.failing_operators, ", "));
    }
    out += "\nRules (operators passing / waived / failing of judged):\n";
    for (const auto& r : a.rules)
        out += fmt::format("  {} {} [{}] {}/{}/{} of {}  {}\n", r.profile_id, r.rule_id, core::to_string(r.severity),
                           r.operators_passing, r.operators_waived, r.operators_failing, r.operators_judged,
                           score_text(r.conformance_percent));
    return out;
}

std::string render_aggregate_operators_csv(const SectorAggregate& a) {
    std::string out = row({"operator", "operator_source", "file", "use", "note", "signature", "signature_message",
                           "scan_id", "started_at", "profiles", "targets", "pass", "fail", "error", "not_applicable",
                           "waived", "failed_critical", "failed_high", "conformance_percent",
                           "conformance_percent_without_waivers"});
    for (const auto& o : a.operators) {
        std::string profiles;
        for (const auto& p : o.profiles) profiles += (profiles.empty() ? "" : "; ") + p;
        out += row({o.operator_name, o.operator_source, o.file.string(), std::string(to_string(o.use)), o.note,
                    std::string(to_string(o.signature.state)), o.signature.message, o.scan_id, o.started_at, profiles,
                    std::to_string(o.targets), count(o.results, "pass"), count(o.results, "fail"),
                    count(o.results, "error"), count(o.results, "not_applicable"), count(o.results, "waived"),
                    count(o.failed_by_severity, "critical"), count(o.failed_by_severity, "high"),
                    number_cell(o.conformance_percent), number_cell(o.conformance_percent_without_waivers)});
    }
    for (const auto& r : a.rejected)
        out += row({"", "", r.file.string(), "rejected", r.reason, "", "", "", "", "", "", "", "", "", "", "", "", "",
                    "", ""});
    return out;
}

std::string render_aggregate_rules_csv(const SectorAggregate& a) {
    std::string out = row({"profile", "rule", "title", "severity", "profile_versions", "operators_judged",
                           "operators_passing", "operators_waived", "operators_failing", "failing_operators",
                           "results_pass", "results_fail", "results_error", "results_not_applicable", "results_waived",
                           "conformance_percent", "conformance_percent_without_waivers"});
    for (const auto& r : a.rules) {
        std::string versions;
        for (const auto& v : r.profile_versions) versions += (versions.empty() ? "" : "; ") + v;
        std::string failing;
        for (const auto& f : r.failing_operators) failing += (failing.empty() ? "" : "; ") + f;
        out += row({r.profile_id, r.rule_id, r.title, std::string(core::to_string(r.severity)), versions,
                    std::to_string(r.operators_judged), std::to_string(r.operators_passing),
                    std::to_string(r.operators_waived), std::to_string(r.operators_failing), failing,
                    count(r.results, "pass"), count(r.results, "fail"), count(r.results, "error"),
                    count(r.results, "not_applicable"), count(r.results, "waived"),
                    number_cell(r.conformance_percent), number_cell(r.conformance_percent_without_waivers)});
    }
    return out;
}

}  // namespace conformscan::reports
