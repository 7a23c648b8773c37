// The `http` probe: GET the target's own URL over http or https and follow
// its redirects while they stay on the target's host.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::http {

void register_http_probe(core::ProbeRegistry& registry);

}  // namespace conformscan::checks::http
