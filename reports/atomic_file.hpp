// Reports are written atomically: a temporary file in the same directory,
// flushed to disk, then renamed over the target. A killed scan never leaves a
// truncated report.
#pragma once

#include <filesystem>
#include <string_view>

#include "scanner/core/result.hpp"

namespace conformscan::reports {

core::Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content);

}  // namespace conformscan::reports
