#include "checks/ssh/ssh_checks.hpp"

#include <exception>

#include <fmt/format.h>

namespace conformscan::checks::ssh {

using Json = nlohmann::json;

core::Result<SshFacts> load_ssh_facts(const core::CheckContext& ctx) {
    const auto* record = ctx.facts.get(kSshProbe);
    if (record == nullptr) return core::make_error("missing_facts", "no ssh facts for this target");
    return parse_ssh_facts(record->data);
}

std::optional<core::Outcome> require_kexinit(const SshFacts& facts) {
    if (facts.kexinit_received) return std::nullopt;
    return core::Outcome::error(
        fmt::format("the server's KEXINIT was not observed: {}",
                    facts.kexinit_error.empty() ? std::string("no reason recorded") : facts.kexinit_error),
        Json{{"banner", facts.banner}, {"errors", facts.errors}});
}

core::CheckDescriptor ssh_descriptor(std::string name, std::string title) {
    core::CheckDescriptor d;
    d.name = std::move(name);
    d.title = std::move(title);
    d.facts = {kSshProbe};
    d.services = {"ssh"};
    return d;
}

void register_ssh_checks(core::CheckRegistry& registry) {
    core::must_add(registry, protocol_version_check());
    core::must_add(registry, kex_algorithms_check());
    core::must_add(registry, host_key_algorithms_check());
    core::must_add(registry, ciphers_check());
    core::must_add(registry, macs_check());
    core::must_add(registry, host_key_size_check());
    core::must_add(registry, dh_modulus_size_check());
    core::must_add(registry, strict_kex_check());
    core::must_add(registry, banner_check());
}

}  // namespace conformscan::checks::ssh
