// The `tcp` probe: open / closed / filtered, and a bounded banner.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::net {

void register_tcp_probe(core::ProbeRegistry& registry);

}  // namespace conformscan::checks::net
