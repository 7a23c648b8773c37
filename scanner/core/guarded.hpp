// Rules never throw: a check family wraps each rule so that anything
// unforeseen becomes an error result naming the check, not a crash.
#pragma once

#include <functional>

#include <nlohmann/json.hpp>

#include "scanner/core/registry.hpp"

namespace conformscan::core {

using RuleFunction = Outcome (*)(const CheckContext&, const nlohmann::json&);

std::function<Outcome(const CheckContext&, const nlohmann::json&)> guarded(const char* check, RuleFunction rule);

}  // namespace conformscan::core
