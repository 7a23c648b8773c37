// The `snmp` probe: over UDP, a GET of sysDescr.0 with each community of its
// input list in SNMPv1 and SNMPv2c, and SNMPv3 engine discovery.
#pragma once

#include <string>
#include <vector>

#include "scanner/core/registry.hpp"

namespace conformscan::checks::snmp {

void register_snmp_probe(core::ProbeRegistry& registry);

// The communities tried when no rule names any (CVE-1999-0517, -0516).
const std::vector<std::string>& default_communities();

}  // namespace conformscan::checks::snmp
