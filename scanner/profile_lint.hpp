// `conformscan profiles lint`: what the loader accepts but a shipped profile
// must not do. The loader already refuses unknown keys and check types,
// invalid parameters, missing severity, references or guideline, and an
// `extends` that does not resolve; lint loads every file and adds the rules
// of the house on top:
//
//   error    a rule id defined in two profile files, neither extending the other
//   error    a reference without a document or clause
//   error    a changelog whose newest entry is not the profile's version
//   warning  a rule without its X.805 dimension, layer or plane
//   warning  a management-plane rule whose guideline gives no fix for network
//            gear (cisco_ios, junos, routeros or huawei_vrp)
//   warning  a rule without a fix for any named software (summary only)
//   warning  a profile without derived_from or changelog
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "scanner/profile_loader.hpp"

namespace conformscan::scanner {

struct LintFinding {
    std::string where;  // file:line:column (or the file)
    bool error = true;  // else a warning
    std::string message;
};

struct LintReport {
    std::vector<std::string> files;  // every file looked at
    std::vector<std::string> profiles;  // "id version (N rules)" of each file that loaded
    std::vector<LintFinding> findings;

    [[nodiscard]] std::size_t errors() const;
    [[nodiscard]] std::size_t warnings() const;
};

// Every .yaml profile under `roots` (a `documents/` folder holds clause
// catalogues, not profiles, and is skipped), sorted.
std::vector<std::filesystem::path> profile_files(const std::vector<std::filesystem::path>& roots);

LintReport lint_profiles(const ProfileLoader& loader, const std::vector<std::filesystem::path>& files);

}  // namespace conformscan::scanner
