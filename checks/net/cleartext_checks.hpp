// net.cleartext_management, net.ftp_auth_tls and net.exposed_services (registered by register_net_checks).
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::net {

void register_cleartext_checks(core::CheckRegistry& registry);
// net.exposed_services (exposure_check.cpp); register_cleartext_checks calls it.
void register_exposure_check(core::CheckRegistry& registry);

}  // namespace conformscan::checks::net
