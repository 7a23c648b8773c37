// The `tls_groups` probe (group_probe.cpp): key exchange groups by raw handshakes.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

void register_group_probe(core::ProbeRegistry& registry);

}  // namespace conformscan::checks::tls
