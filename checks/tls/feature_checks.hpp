// Check types over the `tls_features` facts, one file each: tls.extensions,
// tls.compression, tls.fallback_scsv, tls.renegotiation, tls.heartbeat.
// register_feature_checks is called from register_tls_checks.
#pragma once

#include <nlohmann/json.hpp>

#include "checks/tls/tls_feature_facts.hpp"
#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

inline constexpr const char* kTlsFeaturesProbe = "tls_features";

// The target's tls_features facts, parsed; an error when absent or malformed.
core::Result<TlsFeaturesFacts> load_features_facts(const core::CheckContext& ctx);
// The facts every feature rule shows as evidence (what was probed, and how).
nlohmann::json features_context(const TlsFeaturesFacts& facts);

core::CheckDescriptor extensions_check();
core::CheckDescriptor compression_check();
core::CheckDescriptor fallback_scsv_check();
core::CheckDescriptor renegotiation_check();
core::CheckDescriptor heartbeat_check();

void register_feature_checks(core::CheckRegistry& registry);

}  // namespace conformscan::checks::tls
