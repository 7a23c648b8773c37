// The `tls_features` probe (feature_probe.cpp): extensions and behaviours of
// a TLS server — secure renegotiation, EMS, encrypt-then-MAC, session tickets,
// OCSP stapling, ALPN, heartbeat, compression, TLS_FALLBACK_SCSV and the
// TLS 1.3 downgrade sentinel — by a handful of raw hellos.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

void register_feature_probe(core::ProbeRegistry& registry);

}  // namespace conformscan::checks::tls
