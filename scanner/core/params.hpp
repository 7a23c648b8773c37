// Parameter schemas of check types. A profile rule's `with:` block is checked
// against its check's schema when the profile loads; the check then receives a
// JSON object with every declared parameter present (defaults filled in).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::core {

enum class ParamType { boolean, integer, number, string, string_list, integer_list, any };

std::string_view to_string(ParamType t);

struct ParamSpec {
    std::string name;
    ParamType type = ParamType::string;
    std::string description;
    bool required = false;
    nlohmann::json default_value;            // null when there is no default
    std::vector<std::string> choices;        // for string / string_list: the allowed values
    std::optional<double> minimum;           // for integer / number / integer_list
    std::optional<double> maximum;
};

// Checks one value against its spec; the error names the parameter.
Result<void> validate_param_value(const ParamSpec& spec, const nlohmann::json& value);

// Checks a whole `with:` object: unknown keys refused, required present, types
// right; returns the object with defaults filled in. Used for JSON input
// (tailoring, saved profiles); the YAML loader does the same with positions.
Result<nlohmann::json> validate_params(const std::vector<ParamSpec>& schema, const nlohmann::json& input);

}  // namespace conformscan::core
