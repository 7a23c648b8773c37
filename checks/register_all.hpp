// The one place that knows every family of probes and check types.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks {

void register_all_probes(core::ProbeRegistry& registry);
void register_all_checks(core::CheckRegistry& registry);

}  // namespace conformscan::checks
