#include "scanner/core/results.hpp"

namespace conformscan::core {

std::string_view to_string(Status s) {
    switch (s) {
        case Status::pass: return "pass";
        case Status::fail: return "fail";
        case Status::error: return "error";
        case Status::not_applicable: return "not_applicable";
        case Status::waived: return "waived";
    }
    return "error";
}

std::string_view to_string(Severity s) {
    switch (s) {
        case Severity::critical: return "critical";
        case Severity::high: return "high";
        case Severity::medium: return "medium";
        case Severity::low: return "low";
        case Severity::info: return "info";
    }
    return "medium";
}

std::optional<Status> status_from_string(std::string_view s) {
    for (auto v : {Status::pass, Status::fail, Status::error, Status::not_applicable, Status::waived})
        if (to_string(v) == s) return v;
    return std::nullopt;
}

std::optional<Severity> severity_from_string(std::string_view s) {
    for (auto v : {Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::info})
        if (to_string(v) == s) return v;
    return std::nullopt;
}

int severity_rank(Severity s) {
    switch (s) {
        case Severity::critical: return 4;
        case Severity::high: return 3;
        case Severity::medium: return 2;
        case Severity::low: return 1;
        case Severity::info: return 0;
    }
    return 0;
}

Outcome Outcome::pass(std::string message, Json observed, Json expected) {
    return {Status::pass, std::move(message), std::move(observed), std::move(expected)};
}
Outcome Outcome::fail(std::string message, Json observed, Json expected) {
    return {Status::fail, std::move(message), std::move(observed), std::move(expected)};
}
Outcome Outcome::error(std::string message, Json observed) {
    return {Status::error, std::move(message), std::move(observed), {}};
}
Outcome Outcome::not_applicable(std::string message) { return {Status::not_applicable, std::move(message), {}, {}}; }

void to_json(Json& j, const Reference& r) {
    j = Json{{"document", r.document}, {"clause", r.clause}};
    if (!r.url.empty()) j["url"] = r.url;
    if (!r.verified) j["verified"] = false;
    if (!r.note.empty()) j["note"] = r.note;
}

void from_json(const Json& j, Reference& r) {
    r.document = j.at("document").get<std::string>();
    r.clause = j.value("clause", "");
    r.url = j.value("url", "");
    r.verified = j.value("verified", true);
    r.note = j.value("note", "");
}

void to_json(Json& j, const Guideline& g) {
    j = Json{{"summary", g.summary}};
    for (const auto& [k, v] : g.fixes) j[k] = v;
}

void from_json(const Json& j, Guideline& g) {
    g.summary = j.value("summary", "");
    for (const auto& [k, v] : j.items())
        if (k != "summary" && v.is_string()) g.fixes[k] = v.get<std::string>();
}

void to_json(Json& j, const RuleResult& r) {
    j = Json{{"target", r.target_id},     {"profile", r.profile_id},
             {"rule", r.rule_id},         {"title", r.title},
             {"check", r.check},          {"severity", to_string(r.severity)},
             {"status", to_string(r.status)}, {"message", r.message},
             {"evidence", {{"observed", r.observed}, {"expected", r.expected}}},
             {"references", r.references}, {"guideline", r.guideline}};
    if (!r.dimension.empty()) j["dimension"] = r.dimension;
    if (!r.layer.empty()) j["layer"] = r.layer;
    if (!r.plane.empty()) j["plane"] = r.plane;
    if (!r.cwe.empty()) j["cwe"] = r.cwe;
    if (!r.cve.empty()) j["cve"] = r.cve;
    if (!r.waiver.is_null()) j["waiver"] = r.waiver;
    if (!r.tailored.is_null()) j["tailored"] = r.tailored;
    if (!r.i18n.is_null()) j["i18n"] = r.i18n;
    if (!r.probes.empty()) j["probes"] = r.probes;
    if (!r.fingerprint.empty()) j["fingerprint"] = r.fingerprint;
}

void from_json(const Json& j, RuleResult& r) {
    r.target_id = j.at("target").get<std::string>();
    r.profile_id = j.at("profile").get<std::string>();
    r.rule_id = j.at("rule").get<std::string>();
    r.title = j.value("title", "");
    r.check = j.value("check", "");
    r.severity = severity_from_string(j.value("severity", "medium")).value_or(Severity::medium);
    r.status = status_from_string(j.value("status", "error")).value_or(Status::error);
    r.message = j.value("message", "");
    if (j.contains("evidence")) {
        r.observed = j["evidence"].value("observed", Json());
        r.expected = j["evidence"].value("expected", Json());
    }
    r.dimension = j.value("dimension", "");
    r.layer = j.value("layer", "");
    r.plane = j.value("plane", "");
    r.references = j.value("references", std::vector<Reference>{});
    r.guideline = j.value("guideline", Guideline{});
    r.cwe = j.value("cwe", std::vector<std::string>{});
    r.cve = j.value("cve", std::vector<std::string>{});
    r.waiver = j.value("waiver", Json());
    r.tailored = j.value("tailored", Json());
    r.i18n = j.value("i18n", Json());
    r.probes = j.value("probes", std::vector<std::string>{});
    r.fingerprint = j.value("fingerprint", "");
}

}  // namespace conformscan::core
