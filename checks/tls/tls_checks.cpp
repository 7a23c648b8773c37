#include "checks/tls/tls_checks.hpp"

#include "checks/tls/certificate_common.hpp"

namespace conformscan::checks::tls {

void register_tls_checks(core::CheckRegistry& registry) {
    core::must_add(registry, validity_check());
    core::must_add(registry, trusted_check());
    core::must_add(registry, hostname_check());
    core::must_add(registry, key_check());
    core::must_add(registry, signature_check());
    core::must_add(registry, lifetime_check());
}

}  // namespace conformscan::checks::tls
