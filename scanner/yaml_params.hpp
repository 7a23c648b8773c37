// A rule's `with:` block, read from YAML against its check's parameter schema.
// The conversion follows the declared type (a quoted "5" is not an integer),
// and every complaint points at the offending value.
#pragma once

#include <string_view>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "scanner/core/params.hpp"
#include "scanner/core/registry.hpp"
#include "scanner/core/result.hpp"
#include "scanner/yaml_util.hpp"

namespace conformscan::scanner::yaml {

// One value converted to the JSON the spec's type calls for, then checked by
// core::validate_param_value.
core::Result<nlohmann::json> param_value(const Context& ctx, const core::ParamSpec& spec,
                                         const YAML::Node& node, const YAML::Mark& mark,
                                         std::string_view path);

// Any YAML value as JSON: scalars as bool, integer, number or string (in that
// order, plain scalars only), sequences and mappings recursively.
core::Result<nlohmann::json> any_value(const Context& ctx, const YAML::Node& node, const YAML::Mark& mark,
                                       std::string_view path);

// The whole `with:` mapping (null when absent): unknown parameters refused,
// required ones present, defaults filled in, then the check's own validate().
// `mark` locates the `with:` key, or the rule when there is none.
core::Result<nlohmann::json> check_params(const Context& ctx, const core::CheckDescriptor& check,
                                          const YAML::Node& with, const YAML::Mark& mark,
                                          std::string_view path);

// `base` (a rule's validated parameters) with the parameters named in the
// mapping `with` replaced, each checked against its spec (`key: ~` restores the
// default), then the check's own validate() over the result. `changed` gets
// "name: old -> new" for every parameter whose value changes.
core::Result<nlohmann::json> override_params(const Context& ctx, const core::CheckDescriptor& check,
                                             const nlohmann::json& base, const YAML::Node& with,
                                             const YAML::Mark& mark, std::string_view path,
                                             std::vector<std::string>& changed);

}  // namespace conformscan::scanner::yaml
