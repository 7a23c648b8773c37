#include "checks/tls/session_checks.hpp"

namespace conformscan::checks::tls {

core::Result<TlsSessionFacts> load_session_facts(const core::CheckContext& ctx) {
    const auto* record = ctx.facts.get(kTlsSessionProbe);
    if (record == nullptr) return core::make_error("missing_facts", "no tls_session facts for this target");
    return parse_tls_session_facts(record->data);
}

nlohmann::json session_context(const TlsSessionFacts& facts) {
    return nlohmann::json{{"steps", facts.steps}, {"notes", facts.notes}, {"connections", facts.connections}};
}

void register_session_checks(core::CheckRegistry& registry) {
    core::must_add(registry, ocsp_stapling_check());
    core::must_add(registry, sct_check());
    core::must_add(registry, session_resumption_check());
    core::must_add(registry, early_data_check());
}

}  // namespace conformscan::checks::tls
