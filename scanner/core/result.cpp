#include "scanner/core/result.hpp"

#include <fmt/format.h>

namespace conformscan::core {

std::string Error::describe() const {
    std::string out = where.empty() ? message : fmt::format("{}: {}", where, message);
    if (offset != kNoOffset) out += fmt::format(" (at byte {})", offset);
    return out;
}

}  // namespace conformscan::core
