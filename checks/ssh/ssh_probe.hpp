// The `ssh` probe: banner, KEXINIT and host keys of an SSH server, without libssh.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::ssh {

void register_ssh_probe(core::ProbeRegistry& registry);

}  // namespace conformscan::checks::ssh
