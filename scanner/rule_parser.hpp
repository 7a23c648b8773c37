// One profile rule from YAML (the `rules:` entries of a profile file).
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "scanner/core/profile.hpp"
#include "scanner/core/registry.hpp"
#include "scanner/core/result.hpp"
#include "scanner/yaml_util.hpp"

namespace conformscan::scanner {

// Reads and validates one rule at `path` ("rules[2]"): required keys, enums,
// the check type and its parameters, references, guideline. Fills
// Rule::defined_in; the caller sets Rule::from_profile.
core::Result<core::Rule> parse_rule(const yaml::Context& ctx, const YAML::Node& node,
                                    const YAML::Mark& fallback, const std::string& path,
                                    const core::CheckRegistry& checks);

// Languages a profile's text may be given in: the six UN languages; English is required.
const std::vector<std::string_view>& text_languages();

// A text field that is either a string (English) or a mapping by language
// ({en: ..., fr: ...}, `en` required). English goes to `en`; the others to
// i18n[lang][field]. Absent and not required: nothing changes.
core::Result<void> read_text(const yaml::Context& ctx, const yaml::Fields& f, std::string_view key, bool required,
                             std::string& en, nlohmann::json& i18n, std::string_view field);

// Software names a guideline may carry a fix for, besides `summary`.
const std::vector<std::string_view>& guideline_software();

}  // namespace conformscan::scanner
