#include "checks/tls/tls_checks.hpp"

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/feature_checks.hpp"
#include "checks/tls/key_exchange.hpp"
#include "checks/tls/scan_common.hpp"

namespace conformscan::checks::tls {

void register_tls_checks(core::CheckRegistry& registry) {
    core::must_add(registry, validity_check());
    core::must_add(registry, trusted_check());
    core::must_add(registry, hostname_check());
    core::must_add(registry, key_check());
    core::must_add(registry, signature_check());
    core::must_add(registry, lifetime_check());
    core::must_add(registry, protocol_versions_check());
    core::must_add(registry, cipher_suites_check());
    core::must_add(registry, server_preference_check());
    core::must_add(registry, forward_secrecy_check());
    register_feature_checks(registry);
    core::must_add(registry, key_exchange_check());
}

}  // namespace conformscan::checks::tls
