#include "checks/tls/session_facts.hpp"

#include "scanner/core/fact_json.hpp"

namespace conformscan::checks::tls {

using Json = nlohmann::json;
using core::fact_json::read_optional;
using core::fact_json::require_object;

const std::vector<std::string>& resumption_method_names() {
    static const std::vector<std::string> names{std::string(kResumeSessionId), std::string(kResumeTicket),
                                                std::string(kResumeTls13Psk)};
    return names;
}

void to_json(Json& j, const ResumptionFacts& f) {
    j = Json{{"session_id", f.session_id},
             {"ticket", f.ticket},
             {"tls13_psk", f.tls13_psk},
             {"session_id_issued", f.session_id_issued},
             {"ticket_issued", f.ticket_issued},
             {"ticket_lifetime_hint", f.ticket_lifetime_hint},
             {"tls13_ticket_issued", f.tls13_ticket_issued},
             {"tls13_ticket_lifetime", f.tls13_ticket_lifetime}};
}

void from_json(const Json& j, ResumptionFacts& f) {
    require_object(j, "resumption");
    read_optional(j, "session_id", f.session_id);
    read_optional(j, "ticket", f.ticket);
    read_optional(j, "tls13_psk", f.tls13_psk);
    read_optional(j, "session_id_issued", f.session_id_issued);
    read_optional(j, "ticket_issued", f.ticket_issued);
    read_optional(j, "ticket_lifetime_hint", f.ticket_lifetime_hint);
    read_optional(j, "tls13_ticket_issued", f.tls13_ticket_issued);
    read_optional(j, "tls13_ticket_lifetime", f.tls13_ticket_lifetime);
}

void to_json(Json& j, const TlsSessionFacts& f) {
    j = Json{{"tls12_version", f.tls12_version},
             {"resumption", f.resumption},
             {"client_renegotiation", f.client_renegotiation},
             {"client_renegotiation_evidence", f.client_renegotiation_evidence},
             {"max_early_data", f.max_early_data},
             {"early_data", f.early_data},
             {"early_data_sent", f.early_data_sent},
             {"steps", f.steps},
             {"notes", f.notes},
             {"connections", f.connections}};
}

void from_json(const Json& j, TlsSessionFacts& f) {
    require_object(j, "tls_session facts");
    read_optional(j, "tls12_version", f.tls12_version);
    read_optional(j, "resumption", f.resumption);
    read_optional(j, "client_renegotiation", f.client_renegotiation);
    read_optional(j, "client_renegotiation_evidence", f.client_renegotiation_evidence);
    read_optional(j, "max_early_data", f.max_early_data);
    read_optional(j, "early_data", f.early_data);
    read_optional(j, "early_data_sent", f.early_data_sent);
    read_optional(j, "steps", f.steps);
    read_optional(j, "notes", f.notes);
    read_optional(j, "connections", f.connections);
}

core::Result<TlsSessionFacts> parse_tls_session_facts(const Json& j) {
    return core::fact_json::parse_facts<TlsSessionFacts>(j, kTlsSessionProbe);
}

}  // namespace conformscan::checks::tls
