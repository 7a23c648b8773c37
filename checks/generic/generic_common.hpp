// What the fact.* check types share: the `path` and `absent` parameters, the
// lookup, truthiness, and the evidence every one of them gives.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/registry.hpp"

namespace conformscan::checks::generic {

using core::Json;

// Evidence lists at most this many values, so a `[*]` over a long list stays readable.
inline constexpr std::size_t kMaxEvidenceValues = 20;

core::ParamSpec path_param();
core::ParamSpec absent_param(const char* default_outcome);

// The schema checked types; this checks that `path` parses (shared `validate`).
core::Result<void> validate_path(const Json& params);
// {path.probe}, so the planner runs the probe the path reads.
std::vector<std::string> probes_of_path(const Json& params);

// The values at params["path"], or an error when the path does not parse.
struct Lookup {
    core::FactPath path;
    std::vector<Json> values;
};
core::Result<Lookup> lookup(const core::CheckContext& ctx, const Json& params);

// The outcome when the path yields no value, as the `absent` parameter says.
core::Outcome absent_outcome(const Lookup& l, const Json& params, const Json& expected);

// {path, values (at most kMaxEvidenceValues), count, truncated?}
Json observed_of(const Lookup& l);

// true, a non-zero number, a non-empty string / array / object.
bool truthy(const Json& v);

// JSON text of a value, never throwing on invalid UTF-8.
std::string dump_text(const Json& v);
// Short rendering of a value for a message.
std::string brief(const Json& v);

// Rules never throw; anything unforeseen becomes an error result.
using RuleFn = core::Outcome (*)(const core::CheckContext&, const Json&);
std::function<core::Outcome(const core::CheckContext&, const Json&)> guarded(RuleFn rule);

// The descriptor skeleton of a fact.* check: path, probes_for, validate.
core::CheckDescriptor fact_check(std::string name, std::string title, std::string description);

core::CheckDescriptor matches_check();

}  // namespace conformscan::checks::generic
