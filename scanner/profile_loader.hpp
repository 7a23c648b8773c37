// Loads profiles from YAML (schema in ../shared/DESIGN.md and README.md),
// resolving `extends` and validating every rule's `with:` against its check's
// parameter schema. Every error carries "file:line:column" in Error::where and
// says what was expected.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "scanner/core/profile.hpp"
#include "scanner/core/registry.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::scanner {

struct ProfileCatalogEntry {
    std::string ref;      // "itu-t/x509-certificates": path under a root, without .yaml
    std::string id;       // profile.id
    std::string title;
    std::string version;
    std::filesystem::path path;
};

class ProfileLoader {
public:
    ProfileLoader(const core::CheckRegistry& checks, std::vector<std::filesystem::path> roots);

    // `ref` is a file path, a catalogue ref ("itu-t/x509-certificates") or a profile id.
    [[nodiscard]] core::Result<core::Profile> load(const std::string& ref) const;
    [[nodiscard]] core::Result<core::Profile> load_file(const std::filesystem::path& file) const;
    // Every profile under the roots (files that fail to load are skipped here;
    // `profiles validate` reports them).
    [[nodiscard]] std::vector<ProfileCatalogEntry> catalog() const;
    [[nodiscard]] const std::vector<std::filesystem::path>& roots() const { return m_roots; }

private:
    const core::CheckRegistry& m_checks;
    std::vector<std::filesystem::path> m_roots;
};

// $CONFORMSCAN_PROFILES (colon-separated), <exe>/../share/conformscan/profiles,
// the install prefix, then the source tree's profiles/ — those that exist.
std::vector<std::filesystem::path> default_profile_roots();

}  // namespace conformscan::scanner
