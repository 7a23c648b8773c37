// The `tftp` probe: whether a TFTP server answers on the target's host (UDP),
// for net.cleartext_management. A per-host probe.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::net {

void register_tftp_probe(core::ProbeRegistry& registry);

}  // namespace conformscan::checks::net
