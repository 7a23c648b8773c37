// The JSON and text forms of a ReportDiff (reports/diff.hpp).
#include <fmt/format.h>

#include "reports/diff.hpp"

namespace conformscan::reports {

namespace {

using Json = nlohmann::json;

Json status_json(const std::optional<core::Status>& s) {
    return s ? Json(std::string(core::to_string(*s))) : Json(nullptr);
}

Json change_json(const ResultChange& c) {
    Json facts = Json::array();
    for (const auto& f : c.facts)
        facts.push_back({{"probe", f.probe}, {"path", f.path}, {"old", f.old_value}, {"new", f.new_value}});
    Json j = {{"fingerprint", c.fingerprint},
              {"target", c.target_id},
              {"target_name", c.target_name},
              {"profile", c.profile_id},
              {"rule", c.rule_id},
              {"title", c.title},
              {"severity", core::to_string(c.severity)},
              {"old_status", status_json(c.old_status)},
              {"new_status", status_json(c.new_status)},
              {"old_message", c.old_message},
              {"new_message", c.new_message},
              {"facts_basis", c.facts_basis},
              {"probes_compared", c.probes_compared},
              {"changed_facts", facts},
              {"changed_facts_omitted", c.facts_omitted}};
    return j;
}

Json changes_json(const std::vector<ResultChange>& v) {
    Json out = Json::array();
    for (const auto& c : v) out.push_back(change_json(c));
    return out;
}

Json side_json(const DiffSide& s) {
    return {{"file", s.file},       {"scan_id", s.scan_id},         {"operator", s.operator_name},
            {"mode", s.mode},       {"started_at", s.started_at},   {"as_of", s.as_of},
            {"tool_version", s.tool_version}, {"summary", s.summary}};
}

Json targets_json(const std::vector<DiffTarget>& v) {
    Json out = Json::array();
    for (const auto& t : v) out.push_back({{"id", t.id}, {"name", t.name}, {"identity", t.identity}});
    return out;
}

Json rules_json(const std::vector<DiffRule>& v) {
    Json out = Json::array();
    for (const auto& r : v)
        out.push_back({{"profile", r.profile_id}, {"rule", r.rule_id}, {"title", r.title},
                       {"severity", core::to_string(r.severity)}});
    return out;
}

std::string status_text(const std::optional<core::Status>& s) {
    return s ? std::string(core::to_string(*s)) : std::string("absent");
}

// One line per fact on the terminal: newlines shown as \n, long values
// (a PEM) cut at 64 characters; the JSON form keeps more.
std::string value_text(const Json& v) {
    if (v.is_null()) return "(absent)";
    std::string text = v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, Json::error_handler_t::replace);
    std::string out;
    for (char c : text) {
        if (c == '\n') out += "\\n";
        else if (c != '\r') out += c;
    }
    constexpr std::size_t kMax = 64;
    if (out.size() > kMax) {
        std::size_t cut = kMax;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out = out.substr(0, cut) + "…";
    }
    return out;
}

std::string score_text(const Json& v) { return v.is_number() ? fmt::format("{:.1f}%", v.get<double>()) : "n/a"; }

void append_changes(std::string& out, const char* heading, const std::vector<ResultChange>& v) {
    if (v.empty()) return;
    out += fmt::format("\n{} ({}):\n", heading, v.size());
    for (const auto& c : v) {
        const auto target = c.target_name.empty() ? c.target_id : fmt::format("{} ({})", c.target_name, c.target_id);
        out += fmt::format("  [{}] {} {} on {}: {} -> {}\n", core::to_string(c.severity), c.rule_id, c.title, target,
                           status_text(c.old_status), status_text(c.new_status));
        if (!c.new_message.empty() && c.new_message != c.old_message) out += fmt::format("      now: {}\n", c.new_message);
        for (const auto& f : c.facts)
            out += fmt::format("      fact {}: {} -> {}\n", f.path, value_text(f.old_value), value_text(f.new_value));
        if (c.facts_omitted > 0) out += fmt::format("      ... and {} more changed facts\n", c.facts_omitted);
    }
}

}  // namespace

Json to_json(const ReportDiff& d) {
    const auto score = [](const DiffSide& s, const char* key) { return s.summary.value(key, Json()); };
    Json profiles = Json::array();
    for (const auto& p : d.profiles_changed)
        profiles.push_back({{"id", p.id},
                            {"old_version", p.old_version},
                            {"new_version", p.new_version},
                            {"old_sha256", p.old_sha256},
                            {"new_sha256", p.new_sha256}});
    Json summary = {{"new_failures", d.new_failures.size()},
                    {"regressions", d.regressions.size()},
                    {"fixed", d.fixed.size()},
                    {"still_failing", d.still_failing.size()},
                    {"other_changes", d.other_changes.size()},
                    {"unchanged", d.unchanged},
                    {"targets_added", d.targets_added.size()},
                    {"targets_removed", d.targets_removed.size()},
                    {"rules_added", d.rules_added.size()},
                    {"rules_removed", d.rules_removed.size()},
                    {"score_before", score(d.old_side, "conformance_percent")},
                    {"score_after", score(d.new_side, "conformance_percent")},
                    {"score_without_waivers_before", score(d.old_side, "conformance_percent_without_waivers")},
                    {"score_without_waivers_after", score(d.new_side, "conformance_percent_without_waivers")},
                    {"has_new_failures", d.has_new_failures()}};
    return {{"diff_version", kDiffVersion},
            {"old", side_json(d.old_side)},
            {"new", side_json(d.new_side)},
            {"summary", summary},
            {"profiles_changed", profiles},
            {"targets_added", targets_json(d.targets_added)},
            {"targets_removed", targets_json(d.targets_removed)},
            {"rules_added", rules_json(d.rules_added)},
            {"rules_removed", rules_json(d.rules_removed)},
            {"new_failures", changes_json(d.new_failures)},
            {"regressions", changes_json(d.regressions)},
            {"fixed", changes_json(d.fixed)},
            {"still_failing", changes_json(d.still_failing)},
            {"other_changes", changes_json(d.other_changes)}};
}

std::string render_diff_text(const ReportDiff& d) {
    std::string out;
    const auto side = [](const char* label, const DiffSide& s) {
        return fmt::format("{}: {}{} scan {} started {}{}\n", label, s.file.empty() ? "" : s.file,
                           s.file.empty() ? "" : ",", s.scan_id, s.started_at,
                           s.operator_name.empty() ? "" : fmt::format(", operator {}", s.operator_name));
    };
    out += side("old", d.old_side);
    out += side("new", d.new_side);
    out += fmt::format("score: {} -> {} (without waivers {} -> {})\n",
                       score_text(d.old_side.summary.value("conformance_percent", Json())),
                       score_text(d.new_side.summary.value("conformance_percent", Json())),
                       score_text(d.old_side.summary.value("conformance_percent_without_waivers", Json())),
                       score_text(d.new_side.summary.value("conformance_percent_without_waivers", Json())));
    out += fmt::format("{} new failures, {} regressions, {} fixed, {} still failing, {} other changes, {} unchanged; "
                       "targets +{} -{}; rules +{} -{}\n",
                       d.new_failures.size(), d.regressions.size(), d.fixed.size(), d.still_failing.size(),
                       d.other_changes.size(), d.unchanged, d.targets_added.size(), d.targets_removed.size(),
                       d.rules_added.size(), d.rules_removed.size());
    for (const auto& p : d.profiles_changed)
        out += fmt::format("profile {}: {} -> {}\n", p.id, p.old_version.empty() ? "(absent)" : p.old_version,
                           p.new_version.empty() ? "(absent)" : p.new_version);
    const auto targets = [&](const char* heading, const std::vector<DiffTarget>& v) {
        if (v.empty()) return;
        out += fmt::format("\n{} ({}):\n", heading, v.size());
        for (const auto& t : v)
            out += t.name.empty() ? fmt::format("  {}\n", t.id) : fmt::format("  {} ({})\n", t.name, t.id);
    };
    targets("Targets added", d.targets_added);
    targets("Targets removed", d.targets_removed);
    const auto rules = [&](const char* heading, const std::vector<DiffRule>& v) {
        if (v.empty()) return;
        out += fmt::format("\n{} ({}):\n", heading, v.size());
        for (const auto& r : v) out += fmt::format("  {} {} [{}] {}\n", r.profile_id, r.rule_id, core::to_string(r.severity), r.title);
    };
    rules("Rules added", d.rules_added);
    rules("Rules removed", d.rules_removed);
    append_changes(out, "Regressions (pass -> fail)", d.regressions);
    append_changes(out, "New failures", d.new_failures);
    append_changes(out, "Fixed (fail -> pass)", d.fixed);
    append_changes(out, "Other status changes", d.other_changes);
    append_changes(out, "Still failing", d.still_failing);
    return out;
}

}  // namespace conformscan::reports
