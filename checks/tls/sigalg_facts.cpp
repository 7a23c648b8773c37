#include "checks/tls/sigalg_facts.hpp"

#include "scanner/core/fact_json.hpp"

namespace conformscan::checks::tls {

using Json = nlohmann::json;
using core::fact_json::read_optional;
using core::fact_json::require_object;

void to_json(Json& j, const VersionSigalgs& f) {
    j = Json{{"version", f.version},     {"observable", f.observable}, {"schemes", f.schemes},
             {"preference", f.preference}, {"sha1", f.sha1},           {"unoffered", f.unoffered},
             {"complete", f.complete},   {"note", f.note},             {"connections", f.connections}};
}

// Absent or null keys keep the member's default (facts saved by an older
// version still load); a present key of the wrong type is refused.
void from_json(const Json& j, VersionSigalgs& f) {
    require_object(j, "tls_sigalgs per_version entry");
    read_optional(j, "version", f.version);
    read_optional(j, "observable", f.observable);
    read_optional(j, "schemes", f.schemes);
    read_optional(j, "preference", f.preference);
    read_optional(j, "sha1", f.sha1);
    read_optional(j, "unoffered", f.unoffered);
    read_optional(j, "complete", f.complete);
    read_optional(j, "note", f.note);
    read_optional(j, "connections", f.connections);
}

void to_json(Json& j, const TlsSigalgsFacts& f) {
    j = Json{{"per_version", f.per_version},
             {"accepted", f.accepted},
             {"sha1_accepted", f.sha1_accepted},
             {"connections", f.connections}};
}

void from_json(const Json& j, TlsSigalgsFacts& f) {
    require_object(j, "tls_sigalgs facts");
    read_optional(j, "per_version", f.per_version);
    read_optional(j, "accepted", f.accepted);
    read_optional(j, "sha1_accepted", f.sha1_accepted);
    read_optional(j, "connections", f.connections);
}

core::Result<TlsSigalgsFacts> parse_tls_sigalgs_facts(const Json& j) {
    return core::fact_json::parse_facts<TlsSigalgsFacts>(j, "tls_sigalgs");
}

}  // namespace conformscan::checks::tls
