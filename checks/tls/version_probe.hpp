// The wire-level probes: `tls_versions` (version_probe.cpp) and `tls_suites`
// (suite_probe.cpp).
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

void register_version_probe(core::ProbeRegistry& registry);
void register_suite_probe(core::ProbeRegistry& registry);

}  // namespace conformscan::checks::tls
