#include "checks/tls/tls_feature_facts.hpp"

#include <algorithm>
#include <exception>

#include <fmt/format.h>

namespace conformscan::checks::tls {

namespace {

using Json = nlohmann::json;

// Absent or null keys keep the member's default (facts saved by an older
// version still load); a present key of the wrong type is refused.
template <typename T>
void read_optional(const Json& j, const char* key, T& out) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null()) it->get_to(out);
}

}  // namespace

const std::vector<std::string>& extension_feature_names() {
    static const std::vector<std::string> names{std::string(kFeatSecureRenegotiation),
                                                std::string(kFeatExtendedMasterSecret),
                                                std::string(kFeatEncryptThenMac),
                                                std::string(kFeatSessionTicket),
                                                std::string(kFeatOcspStapling),
                                                std::string(kFeatAlpnH2),
                                                std::string(kFeatHeartbeat)};
    return names;
}

bool TlsFeaturesFacts::is_not_applicable(std::string_view feature) const {
    return std::find(not_applicable.begin(), not_applicable.end(), feature) != not_applicable.end();
}

void to_json(Json& j, const TlsFeaturesFacts& f) {
    j = Json{{"probed_version", f.probed_version},
             {"secure_renegotiation", f.secure_renegotiation},
             {"extended_master_secret", f.extended_master_secret},
             {"encrypt_then_mac", f.encrypt_then_mac},
             {"session_ticket", f.session_ticket},
             {"ocsp_stapling", f.ocsp_stapling},
             {"alpn", f.alpn},
             {"compression", f.compression},
             {"heartbeat", f.heartbeat},
             {"heartbeat_mode", f.heartbeat_mode},
             {"fallback_scsv", f.fallback_scsv},
             {"downgrade_sentinel", f.downgrade_sentinel},
             {"not_applicable", f.not_applicable},
             {"notes", f.notes},
             {"hellos", f.hellos},
             {"connections", f.connections}};
}

void from_json(const Json& j, TlsFeaturesFacts& f) {
    if (!j.is_object()) throw Json::type_error::create(302, "tls_features facts must be an object", &j);
    read_optional(j, "probed_version", f.probed_version);
    read_optional(j, "secure_renegotiation", f.secure_renegotiation);
    read_optional(j, "extended_master_secret", f.extended_master_secret);
    read_optional(j, "encrypt_then_mac", f.encrypt_then_mac);
    read_optional(j, "session_ticket", f.session_ticket);
    read_optional(j, "ocsp_stapling", f.ocsp_stapling);
    read_optional(j, "alpn", f.alpn);
    read_optional(j, "compression", f.compression);
    read_optional(j, "heartbeat", f.heartbeat);
    read_optional(j, "heartbeat_mode", f.heartbeat_mode);
    read_optional(j, "fallback_scsv", f.fallback_scsv);
    read_optional(j, "downgrade_sentinel", f.downgrade_sentinel);
    read_optional(j, "not_applicable", f.not_applicable);
    read_optional(j, "notes", f.notes);
    read_optional(j, "hellos", f.hellos);
    read_optional(j, "connections", f.connections);
}

core::Result<TlsFeaturesFacts> parse_tls_features_facts(const Json& j) {
    try {
        return j.get<TlsFeaturesFacts>();
    } catch (const std::exception& e) {
        return core::make_error("bad_facts", fmt::format("malformed tls_features facts: {}", e.what()),
                                "facts.tls_features");
    }
}

}  // namespace conformscan::checks::tls
