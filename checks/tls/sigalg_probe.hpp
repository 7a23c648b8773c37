// The `tls_sigalgs` probe (sigalg_probe.cpp): the signature schemes a server
// signs its handshake with, for TLS 1.2 and TLS 1.3.
#pragma once

#include <cstdint>
#include <vector>

#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

void register_sigalg_probe(core::ProbeRegistry& registry);

// The schemes offered to a TLS 1.2 server: every scheme of the IANA table,
// IANA-recommended first, then the others, then the discouraged (MD5, SHA-1,
// SHA-224 pairs), each group in code order.
std::vector<std::uint16_t> tls12_sigalg_candidates();

}  // namespace conformscan::checks::tls
