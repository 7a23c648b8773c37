// The result model: what a rule concluded about one target, and why.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace conformscan::core {

using Json = nlohmann::json;

enum class Status { pass, fail, error, not_applicable, waived };
enum class Severity { critical, high, medium, low, info };

std::string_view to_string(Status s);
std::string_view to_string(Severity s);
std::optional<Status> status_from_string(std::string_view s);
std::optional<Severity> severity_from_string(std::string_view s);
// critical = 4 ... info = 0, for "at or above" comparisons.
int severity_rank(Severity s);

// What a check returns: the verdict and the evidence that decided it.
struct Outcome {
    Status status = Status::error;
    std::string message;
    Json observed;   // the observed values that decided it
    Json expected;   // what the rule required

    static Outcome pass(std::string message, Json observed = {}, Json expected = {});
    static Outcome fail(std::string message, Json observed = {}, Json expected = {});
    static Outcome error(std::string message, Json observed = {});
    static Outcome not_applicable(std::string message);
};

struct Reference {
    std::string document;  // "ITU-T X.509", "RFC 5280"
    std::string clause;    // "4.1.2.5"
    std::string url;
    bool verified = true;  // false where ../shared/standards.md marks the clause unverified
    std::string note;
};

struct Guideline {
    std::string summary;
    std::map<std::string, std::string> fixes;  // software name -> configuration fix
};

// One (target, profile, rule) verdict, carrying the rule's citation so that a
// report can be read without its profile.
struct RuleResult {
    std::string target_id;
    std::string profile_id;
    std::string rule_id;
    std::string title;
    std::string check;
    Severity severity = Severity::medium;
    Status status = Status::error;
    std::string message;
    Json observed;
    Json expected;
    std::string dimension;
    std::string layer;
    std::string plane;
    std::vector<Reference> references;
    Guideline guideline;
    std::vector<std::string> cwe;
    std::vector<std::string> cve;
    // The waiver that turned a fail or error into `waived` (with its
    // real_status), or a note of an expired waiver that no longer applies;
    // null when no waiver concerns the result (scanner/waivers.hpp).
    Json waiver;
    // How a tailoring file changed the rule ({tailoring, action, reason,
    // changes}); null for a rule as its profile ships it.
    Json tailored;
    // The rule's text in other languages: {"fr": {"title", "description",
    // "summary"}, ...}; null when the profile gives English only.
    Json i18n;
    // The probes whose facts the rule read (CheckDescriptor::needed_probes):
    // `report diff` compares these facts to say what changed behind a result.
    // Empty in reports written before it was recorded.
    std::vector<std::string> probes;
    // Stable identity of the finding across scans (reports/fingerprint.hpp);
    // filled in when the report is written or read.
    std::string fingerprint;
};

void to_json(Json& j, const Reference& r);
void from_json(const Json& j, Reference& r);
void to_json(Json& j, const Guideline& g);
void from_json(const Json& j, Guideline& g);
void to_json(Json& j, const RuleResult& r);
void from_json(const Json& j, RuleResult& r);

}  // namespace conformscan::core
