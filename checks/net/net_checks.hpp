// Check types over `tcp` facts: net.port_open, net.port_closed.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::net {

void register_net_checks(core::CheckRegistry& registry);

}  // namespace conformscan::checks::net
