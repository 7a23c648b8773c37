// Check types over the staple facts of the `tls` probe and the `tls_session`
// facts, one file each: tls.ocsp_stapling, tls.sct, tls.session_resumption,
// tls.early_data. (tls.renegotiation's client_initiated parameter also reads
// tls_session, see renegotiation.cpp.)
#pragma once

#include <nlohmann/json.hpp>

#include "checks/tls/session_facts.hpp"
#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

// The target's tls_session facts, parsed; an error when absent or malformed.
core::Result<TlsSessionFacts> load_session_facts(const core::CheckContext& ctx);
// What every session rule shows as evidence: how the probe got there.
nlohmann::json session_context(const TlsSessionFacts& facts);

core::CheckDescriptor ocsp_stapling_check();
core::CheckDescriptor sct_check();
core::CheckDescriptor session_resumption_check();
core::CheckDescriptor early_data_check();

void register_session_checks(core::CheckRegistry& registry);

}  // namespace conformscan::checks::tls
