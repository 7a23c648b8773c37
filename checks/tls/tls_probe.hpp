// The `tls` probe (first version): one handshake through OpenSSL, the chain as
// presented, verification against the trust store, OCSP staple.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

void register_tls_probe(core::ProbeRegistry& registry);

}  // namespace conformscan::checks::tls
