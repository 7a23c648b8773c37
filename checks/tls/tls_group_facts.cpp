#include "checks/tls/tls_group_facts.hpp"

#include "scanner/core/fact_json.hpp"

namespace conformscan::checks::tls {

using Json = nlohmann::json;
using core::fact_json::read_optional;
using core::fact_json::require_object;

void to_json(Json& j, const TlsGroupsFacts& f) {
    j = Json{{"tls13_groups", f.tls13_groups},
             {"tls13_source", f.tls13_source},
             {"tls12_groups", f.tls12_groups},
             {"tls12_version", f.tls12_version},
             {"dh_bits", f.dh_bits},
             {"accepted", f.accepted},
             {"complete", f.complete},
             {"note", f.note},
             {"connections", f.connections}};
}

// Absent or null keys keep the member's default (facts saved by an older
// version still load); a present key of the wrong type is refused.
void from_json(const Json& j, TlsGroupsFacts& f) {
    require_object(j, "tls_groups facts");
    read_optional(j, "tls13_groups", f.tls13_groups);
    read_optional(j, "tls13_source", f.tls13_source);
    read_optional(j, "tls12_groups", f.tls12_groups);
    read_optional(j, "tls12_version", f.tls12_version);
    read_optional(j, "dh_bits", f.dh_bits);
    read_optional(j, "accepted", f.accepted);
    read_optional(j, "complete", f.complete);
    read_optional(j, "note", f.note);
    read_optional(j, "connections", f.connections);
}

core::Result<TlsGroupsFacts> parse_tls_groups_facts(const Json& j) {
    return core::fact_json::parse_facts<TlsGroupsFacts>(j, "tls_groups");
}

}  // namespace conformscan::checks::tls
