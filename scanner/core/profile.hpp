// The profile model: what the loader (scanner/profile_loader) builds from YAML.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/results.hpp"
#include "scanner/core/target.hpp"
#include "scanner/core/time.hpp"

namespace conformscan::core {

// Which targets a rule judges. Empty lists match everything.
struct AppliesTo {
    std::vector<std::string> services;
    std::vector<std::string> tags;
    std::vector<std::uint16_t> ports;

    [[nodiscard]] bool matches(const Target& t) const;
    [[nodiscard]] bool empty() const { return services.empty() && tags.empty() && ports.empty(); }
};

struct Rule {
    std::string id;
    std::string title;
    std::string description;
    Severity severity = Severity::medium;
    std::string dimension;  // X.805 §6 dimension, where one fits
    std::string layer;      // X.805 §7 layer
    std::string plane;      // X.805 §8 plane
    AppliesTo applies_to;
    std::string check;
    nlohmann::json params = nlohmann::json::object();  // validated, defaults filled
    std::vector<Reference> references;
    Guideline guideline;
    std::vector<std::string> cwe;
    std::vector<std::string> cve;
    std::optional<TimePoint> effective_from;
    std::optional<TimePoint> effective_until;
    std::string defined_in;  // "file:line:column" of the rule, for messages
    std::string from_profile;  // id of the profile that defined it (a parent, after extends)
    bool severity_given = false;  // written in the rule, not defaulted (profiles lint)
    // {"fr": {"title": ..., "description": ..., "summary": ...}, ...}: the
    // rule's text in other languages (English is title, description and
    // guideline.summary); null when none is given.
    nlohmann::json i18n;
    // Set by a tailoring file: {tailoring, action: modified|added, reason, changes}.
    nlohmann::json tailored;
};

struct ProfileSource {
    std::string id;
    std::string version;
    std::string path;
    std::string sha256;
};

struct DerivedFrom {
    std::string document;
    std::string edition;
    std::string url;
};

struct ChangelogEntry {
    std::string version;
    std::string date;                  // as written (ISO 8601 date)
    std::vector<std::string> changes;  // one string, or a list in the YAML
};

struct Profile {
    std::string id;
    std::string title;
    std::string version;
    std::string description;
    std::string status;                // draft | active | deprecated ("" when not given)
    std::vector<DerivedFrom> derived_from;
    std::vector<ChangelogEntry> changelog;
    std::vector<std::string> extends;  // as written
    std::vector<Rule> rules;           // resolved: parents first, overridden by id
    std::string path;
    std::string sha256;                // of this file's bytes
    std::vector<ProfileSource> parents;  // every ancestor loaded through extends
    nlohmann::json i18n;               // {"fr": {"title", "description"}, ...}; null when none
    // The tailoring file applied to this profile (scanner/tailoring.hpp):
    // {id, title, version, path, sha256, modified, dropped, added}; null when none.
    nlohmann::json tailoring;
};

void to_json(nlohmann::json& j, const AppliesTo& a);
void to_json(nlohmann::json& j, const Rule& r);
// The profile's identity for reports: id, title, version, status, derived_from,
// path, sha256, parents, rule count.
nlohmann::json profile_summary_json(const Profile& p);

}  // namespace conformscan::core
