// Generic check types over any fact path: fact.require, fact.forbid,
// fact.at_least, fact.at_most, fact.matches.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::generic {

void register_generic_checks(core::CheckRegistry& registry);

}  // namespace conformscan::checks::generic
