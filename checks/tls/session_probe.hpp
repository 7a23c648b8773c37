// The `tls_session` probe (session_probe.cpp): session resumption by ID, by
// ticket and by TLS 1.3 PSK, client-initiated renegotiation and 0-RTT early
// data, through OpenSSL handshakes.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

void register_session_probe(core::ProbeRegistry& registry);

}  // namespace conformscan::checks::tls
