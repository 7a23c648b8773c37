// The `tcp` probe: open / closed / filtered, and a bounded banner.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::net {

// Registers `tcp` and the family's per-host `port_sweep` (sweep_probe.hpp) and `tftp` (tftp_probe.hpp).
void register_tcp_probe(core::ProbeRegistry& registry);

}  // namespace conformscan::checks::net
