#include "scanner/core/guarded.hpp"

#include <exception>

#include <fmt/format.h>

namespace conformscan::core {

std::function<Outcome(const CheckContext&, const nlohmann::json&)> guarded(const char* check, RuleFunction rule) {
    return [check, rule](const CheckContext& ctx, const nlohmann::json& params) {
        try {
            return rule(ctx, params);
        } catch (const std::exception& e) {
            return Outcome::error(fmt::format("internal error in {}: {}", check, e.what()));
        }
    };
}

}  // namespace conformscan::core
