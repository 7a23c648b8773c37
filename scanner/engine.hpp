// The engine: plan (rules → facts → probes per target), observe (run the
// probes with bounded concurrency), judge (pure rules over facts).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "scanner/core/profile.hpp"
#include "scanner/core/registry.hpp"
#include "scanner/core/report_model.hpp"
#include "scanner/core/result.hpp"
#include "scanner/core/target.hpp"

namespace conformscan::scanner {

struct PlannedTarget {
    core::Target target;
    std::vector<std::string> probes;  // each runs once, whatever the number of profiles
    core::Json inputs = core::Json::object();  // {"probe": {...}}: merged CheckDescriptor::probe_inputs
    core::FactSet observed;  // records taken before the plan (service: auto discovery); not observed again
};

struct Plan {
    std::vector<PlannedTarget> targets;
    [[nodiscard]] std::size_t probe_runs() const;
};

// Why a rule does not judge a target: outside applies_to, or not in force on
// the scan date. Empty when the rule applies.
// With `check`, a rule whose applies_to names no services also follows the
// check's default services (CheckDescriptor::services / skip_services).
std::string not_applicable_reason(const core::Rule& rule, const core::Target& target, core::TimePoint as_of,
                                  const core::CheckDescriptor* check = nullptr);

// Refuses a rule whose check or probe is not registered.
core::Result<Plan> make_plan(const std::vector<core::Target>& targets, const std::vector<core::Profile>& profiles,
                             const core::CheckRegistry& checks, const core::ProbeRegistry& probes,
                             core::TimePoint as_of);

struct ObserveOptions {
    std::size_t concurrency = 8;
    core::ProbeOptions probe;
    // Fills Target::address before probing (name resolution); an error becomes
    // the target's probe records. Null: addresses are used as they are.
    std::function<core::Result<void>(core::Target&)> resolve;
    // Called after each target, from worker threads (serialised by the engine).
    std::function<void(std::size_t done, std::size_t total, const core::Target&)> on_progress;
};

// Runs every planned probe; a probe that throws yields an error record for
// that target, never a crash. Records come back in plan order.
std::vector<core::TargetRecord> observe(const Plan& plan, const core::ProbeRegistry& probes,
                                        const ObserveOptions& options);

// Judges every (target, profile, rule). Pure: the same facts, profiles and
// date give the same results.
std::vector<core::RuleResult> judge(const std::vector<core::TargetRecord>& targets,
                                    const std::vector<core::Profile>& profiles, const core::CheckRegistry& checks,
                                    core::TimePoint as_of);

}  // namespace conformscan::scanner
