#include "scanner/core/report_model.hpp"

#include <utility>

namespace conformscan::core {

namespace {

nlohmann::json empty_counts() {
    nlohmann::json c = nlohmann::json::object();
    for (auto s : {Status::pass, Status::fail, Status::error, Status::not_applicable, Status::waived})
        c[std::string(to_string(s))] = 0;
    return c;
}

void bump(nlohmann::json& counts, Status s) {
    auto& v = counts[std::string(to_string(s))];
    v = v.get<int>() + 1;
}

// The conformance score of some counts: passed (and waived) over judged, in
// percent, with waived results counted as passing and as failing; null when
// nothing was judged. Errors and not-applicable results are not judged.
std::pair<nlohmann::json, nlohmann::json> scores(const nlohmann::json& c) {
    const int pass = c["pass"].get<int>();
    const int waived = c["waived"].get<int>();
    const int judged = pass + c["fail"].get<int>() + waived;
    if (judged == 0) return {nullptr, nullptr};
    return {static_cast<double>(pass + waived) * 100.0 / judged, static_cast<double>(pass) * 100.0 / judged};
}

}  // namespace

nlohmann::json summarize(const ScanReport& report) {
    nlohmann::json totals = empty_counts();
    nlohmann::json per_target = nlohmann::json::object();
    nlohmann::json per_profile = nlohmann::json::object();
    nlohmann::json per_clause = nlohmann::json::object();
    nlohmann::json per_dimension = nlohmann::json::object();
    nlohmann::json failed_by_severity = nlohmann::json::object();
    for (auto s : {Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info})
        failed_by_severity[std::string(to_string(s))] = 0;

    for (const auto& t : report.targets) per_target[t.target.id] = empty_counts();
    for (const auto& r : report.results) {
        bump(totals, r.status);
        if (!per_target.contains(r.target_id)) per_target[r.target_id] = empty_counts();
        bump(per_target[r.target_id], r.status);
        if (!per_profile.contains(r.profile_id)) per_profile[r.profile_id] = empty_counts();
        bump(per_profile[r.profile_id], r.status);
        if (r.status == Status::fail) {
            auto& v = failed_by_severity[std::string(to_string(r.severity))];
            v = v.get<int>() + 1;
        }
        for (const auto& ref : r.references) {
            auto key = ref.clause.empty() ? ref.document : ref.document + " §" + ref.clause;
            if (!per_clause.contains(key)) per_clause[key] = empty_counts();
            bump(per_clause[key], r.status);
        }
        if (!r.dimension.empty()) {
            if (!per_dimension.contains(r.dimension)) per_dimension[r.dimension] = empty_counts();
            bump(per_dimension[r.dimension], r.status);
        }
    }
    int incomplete_targets = 0;
    for (auto& [_, c] : per_target.items())
        if (c["error"].get<int>() > 0) ++incomplete_targets;
    for (auto& [_, c] : per_profile.items()) {
        auto [with, without] = scores(c);
        c["conformance_percent"] = with;
        c["conformance_percent_without_waivers"] = without;
    }
    auto [score, score_without] = scores(totals);
    return {{"results", totals},
            {"failed_by_severity", failed_by_severity},
            {"targets", {{"total", report.targets.size()}, {"incomplete", incomplete_targets}}},
            {"conformance_percent", score},
            {"conformance_percent_without_waivers", score_without},
            {"per_target", per_target},
            {"per_profile", per_profile},
            {"per_clause", per_clause},
            {"per_dimension", per_dimension}};
}

}  // namespace conformscan::core
