#include "checks/tls/tls_feature_facts.hpp"

#include <algorithm>

#include "scanner/core/fact_json.hpp"

namespace conformscan::checks::tls {

using Json = nlohmann::json;
using core::fact_json::read_optional;
using core::fact_json::require_object;

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
             {"compression_observed", f.compression_observed},
             {"ec_point_formats", f.ec_point_formats},
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
    require_object(j, "tls_features facts");
    read_optional(j, "probed_version", f.probed_version);
    read_optional(j, "secure_renegotiation", f.secure_renegotiation);
    read_optional(j, "extended_master_secret", f.extended_master_secret);
    read_optional(j, "encrypt_then_mac", f.encrypt_then_mac);
    read_optional(j, "session_ticket", f.session_ticket);
    read_optional(j, "ocsp_stapling", f.ocsp_stapling);
    read_optional(j, "alpn", f.alpn);
    read_optional(j, "compression", f.compression);
    read_optional(j, "compression_observed", f.compression_observed);
    read_optional(j, "ec_point_formats", f.ec_point_formats);
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
    return core::fact_json::parse_facts<TlsFeaturesFacts>(j, "tls_features");
}

}  // namespace conformscan::checks::tls
