// SHA-256 of profile, inventory and report bytes: the identity a report
// records so that a reader can tell exactly which files judged a scan.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "scanner/core/result.hpp"

namespace conformscan::scanner {

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

// Lower-case hex SHA-256 of a file's contents, read in bounded chunks.
core::Result<std::string> sha256_file(const std::filesystem::path& file);

}  // namespace conformscan::scanner
