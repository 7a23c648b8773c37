// Check types over `tls` facts: tls.certificate.{validity,trusted,hostname,key,signature,lifetime}.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

void register_tls_checks(core::CheckRegistry& registry);

}  // namespace conformscan::checks::tls
