// The `tls_vulns` probe (vuln_probe.cpp): a verdict per known TLS
// vulnerability, derived from the tls_versions, tls_suites, tls_features and
// tls_groups facts where they decide it, and tested actively (Heartbleed, CCS
// injection, ROBOT, Ticketbleed) only where those facts show the precondition.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

void register_vuln_probe(core::ProbeRegistry& registry);

}  // namespace conformscan::checks::tls
