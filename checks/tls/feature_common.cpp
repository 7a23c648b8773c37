#include "checks/tls/feature_checks.hpp"

namespace conformscan::checks::tls {

core::Result<TlsFeaturesFacts> load_features_facts(const core::CheckContext& ctx) {
    const auto* record = ctx.facts.get(kTlsFeaturesProbe);
    if (record == nullptr) return core::make_error("missing_facts", "no tls_features facts for this target");
    return parse_tls_features_facts(record->data);
}

nlohmann::json features_context(const TlsFeaturesFacts& facts) {
    return nlohmann::json{{"probed_version", facts.probed_version},
                          {"not_applicable", facts.not_applicable},
                          {"notes", facts.notes},
                          {"hellos", facts.hellos}};
}

void register_feature_checks(core::CheckRegistry& registry) {
    core::must_add(registry, extensions_check());
    core::must_add(registry, compression_check());
    core::must_add(registry, fallback_scsv_check());
    core::must_add(registry, renegotiation_check());
    core::must_add(registry, heartbeat_check());
}

}  // namespace conformscan::checks::tls
