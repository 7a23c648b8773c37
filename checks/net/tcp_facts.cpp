#include "checks/net/tcp_facts.hpp"

#include <exception>

#include <fmt/format.h>

#include "scanner/core/fact_json.hpp"

namespace conformscan::checks::net {

using Json = nlohmann::json;
using core::fact_json::read_optional;
using core::fact_json::require_object;

void to_json(Json& j, const TcpFacts& f) {
    j = Json{{"state", f.state},   {"reason", f.reason},         {"connect_ms", f.connect_ms},
             {"banner", f.banner}, {"banner_hex", f.banner_hex}, {"banner_bytes", f.banner_bytes}};
    // Identification keys only when observed: older reports and closed ports keep the short form.
    if (!f.service.empty()) j["service"] = f.service;
    if (!f.identified_by.empty()) j["identified_by"] = f.identified_by;
    if (!f.evidence.empty()) j["evidence"] = f.evidence;
    if (f.tls_offered) j["tls_offered"] = *f.tls_offered;
    if (!f.capabilities.empty()) j["capabilities"] = f.capabilities;
    if (!f.ftp_user_reply.empty()) j["ftp_user_reply"] = f.ftp_user_reply;
}

void from_json(const Json& j, TcpFacts& f) {
    if (!j.is_object()) throw Json::type_error::create(302, "tcp facts must be an object", &j);
    // `state` is the one fact every tcp rule reads; without it the record says nothing.
    j.at("state").get_to(f.state);
    read_optional(j, "reason", f.reason);
    read_optional(j, "connect_ms", f.connect_ms);
    read_optional(j, "banner", f.banner);
    read_optional(j, "banner_hex", f.banner_hex);
    read_optional(j, "service", f.service);
    read_optional(j, "identified_by", f.identified_by);
    read_optional(j, "evidence", f.evidence);
    if (auto it = j.find("tls_offered"); it != j.end() && !it->is_null()) f.tls_offered = it->get<bool>();
    read_optional(j, "capabilities", f.capabilities);
    read_optional(j, "ftp_user_reply", f.ftp_user_reply);
    if (auto it = j.find("banner_bytes"); it != j.end() && !it->is_null()) {
        // A negative count would wrap to a huge size_t; refuse it instead.
        if (!it->is_number_unsigned())
            throw Json::type_error::create(302, "banner_bytes must be a count", &*it);
        f.banner_bytes = it->get<std::size_t>();
    }
}

core::Result<TcpFacts> parse_tcp_facts(const Json& j) {
    return core::fact_json::parse_facts<TcpFacts>(j, "tcp");
}

}  // namespace conformscan::checks::net
