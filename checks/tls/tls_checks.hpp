// Check types over the TLS facts: tls.certificate.* (probe tls), tls.protocol_versions
// (tls_versions), tls.cipher_suites, tls.server_preference, tls.forward_secrecy (tls_suites).
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

void register_tls_checks(core::CheckRegistry& registry);

}  // namespace conformscan::checks::tls
