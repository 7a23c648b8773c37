// Check types over `snmp` facts: snmp.community and snmp.version, and what
// they share.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "checks/snmp/snmp_facts.hpp"
#include "scanner/core/guarded.hpp"
#include "scanner/core/registry.hpp"

namespace conformscan::checks::snmp {

void register_snmp_checks(core::CheckRegistry& registry);

core::CheckDescriptor community_check();
core::CheckDescriptor version_check();

// ---- shared by the check files ----------------------------------------------

core::Result<SnmpFacts> load_snmp_facts(const core::CheckContext& ctx);
// The `on_silence` parameter: what a rule concludes when nothing answered.
core::ParamSpec on_silence_param();
// "SNMP did not answer on v1, v2c or v3 (silent: 5 requests; ...)".
std::string silence_message(const SnmpFacts& facts);
// Each (community, version) and v3 with its outcome, for evidence.
nlohmann::json outcomes_evidence(const SnmpFacts& facts);
// Rules never throw: anything unforeseen becomes an error result.
using core::guarded;

}  // namespace conformscan::checks::snmp
