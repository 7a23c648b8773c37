#include "checks/ssh/ssh_facts.hpp"

#include <exception>

namespace conformscan::checks::ssh {

using Json = nlohmann::json;

core::Result<SshFacts> parse_ssh_facts(const Json& j) {
    try {
        return j.get<SshFacts>();
    } catch (const std::exception& e) {
        return core::make_error("bad_facts", std::string("ssh facts do not parse: ") + e.what(), "facts.ssh");
    }
}

}  // namespace conformscan::checks::ssh
