// Check types over `ssh` facts, and the helpers they share.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "checks/ssh/ssh_facts.hpp"
#include "scanner/core/guarded.hpp"
#include "scanner/core/registry.hpp"

namespace conformscan::checks::ssh {

void register_ssh_checks(core::CheckRegistry& registry);

core::CheckDescriptor protocol_version_check();
core::CheckDescriptor kex_algorithms_check();
core::CheckDescriptor host_key_algorithms_check();
core::CheckDescriptor ciphers_check();
core::CheckDescriptor macs_check();
core::CheckDescriptor host_key_size_check();
core::CheckDescriptor dh_modulus_size_check();
core::CheckDescriptor strict_kex_check();
core::CheckDescriptor banner_check();

// ---- shared by the check files ----------------------------------------------

core::Result<SshFacts> load_ssh_facts(const core::CheckContext& ctx);
// An error outcome when the server's KEXINIT was not observed; nullopt otherwise.
std::optional<core::Outcome> require_kexinit(const SshFacts& facts);
// A descriptor with name, facts {ssh} and services {ssh} filled in.
core::CheckDescriptor ssh_descriptor(std::string name, std::string title);
// Rules never throw: anything unforeseen becomes an error result.
using core::guarded;

}  // namespace conformscan::checks::ssh
