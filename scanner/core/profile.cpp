#include "scanner/core/profile.hpp"

#include <algorithm>

namespace conformscan::core {

bool AppliesTo::matches(const Target& t) const {
    if (!services.empty() && std::find(services.begin(), services.end(), t.service) == services.end())
        return false;
    if (!ports.empty() && std::find(ports.begin(), ports.end(), t.port) == ports.end()) return false;
    if (!tags.empty()) {
        bool any = std::any_of(tags.begin(), tags.end(), [&](const std::string& tag) {
            return std::find(t.tags.begin(), t.tags.end(), tag) != t.tags.end();
        });
        if (!any) return false;
    }
    return true;
}

void to_json(nlohmann::json& j, const AppliesTo& a) {
    j = nlohmann::json::object();
    if (!a.services.empty()) j["services"] = a.services;
    if (!a.tags.empty()) j["tags"] = a.tags;
    if (!a.ports.empty()) j["ports"] = a.ports;
}

void to_json(nlohmann::json& j, const Rule& r) {
    j = nlohmann::json{{"id", r.id},
                       {"title", r.title},
                       {"severity", to_string(r.severity)},
                       {"check", r.check},
                       {"with", r.params},
                       {"applies_to", r.applies_to},
                       {"references", r.references},
                       {"guideline", r.guideline}};
    if (!r.description.empty()) j["description"] = r.description;
    if (!r.dimension.empty()) j["dimension"] = r.dimension;
    if (!r.layer.empty()) j["layer"] = r.layer;
    if (!r.plane.empty()) j["plane"] = r.plane;
    if (!r.cwe.empty()) j["cwe"] = r.cwe;
    if (!r.cve.empty()) j["cve"] = r.cve;
    if (r.effective_from) j["effective_from"] = format_time(*r.effective_from);
    if (r.effective_until) j["effective_until"] = format_time(*r.effective_until);
    if (!r.from_profile.empty()) j["profile"] = r.from_profile;
    if (!r.i18n.is_null()) j["i18n"] = r.i18n;
    if (!r.tailored.is_null()) j["tailored"] = r.tailored;
}

nlohmann::json profile_summary_json(const Profile& p) {
    nlohmann::json parents = nlohmann::json::array();
    for (const auto& s : p.parents)
        parents.push_back({{"id", s.id}, {"version", s.version}, {"path", s.path}, {"sha256", s.sha256}});
    nlohmann::json derived = nlohmann::json::array();
    for (const auto& d : p.derived_from) {
        nlohmann::json jd = {{"document", d.document}, {"edition", d.edition}};
        if (!d.url.empty()) jd["url"] = d.url;
        derived.push_back(std::move(jd));
    }
    nlohmann::json out = {{"id", p.id},         {"title", p.title},     {"version", p.version},
                          {"path", p.path},     {"sha256", p.sha256},   {"parents", parents},
                          {"rules", p.rules.size()}, {"derived_from", derived}};
    if (!p.status.empty()) out["status"] = p.status;
    if (!p.tailoring.is_null()) out["tailoring"] = p.tailoring;
    if (!p.i18n.is_null()) out["i18n"] = p.i18n;
    return out;
}

}  // namespace conformscan::core
