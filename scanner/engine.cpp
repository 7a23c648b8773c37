#include "scanner/engine.hpp"

#include "scanner/discovery.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace conformscan::scanner {

using core::Outcome;
using core::Status;

std::size_t Plan::probe_runs() const {
    std::size_t n = 0;
    for (const auto& t : targets) n += t.probes.size();
    return n;
}

std::string not_applicable_reason(const core::Rule& rule, const core::Target& target, core::TimePoint as_of,
                                  const core::CheckDescriptor* check) {
    if (rule.effective_from && as_of < *rule.effective_from)
        return fmt::format("not in force on {}: effective from {}", core::format_time(as_of),
                           core::format_time(*rule.effective_from));
    if (rule.effective_until && as_of > *rule.effective_until)
        return fmt::format("not in force on {}: effective until {}", core::format_time(as_of),
                           core::format_time(*rule.effective_until));
    if (!rule.applies_to.matches(target)) {
        nlohmann::json scope = rule.applies_to;
        return fmt::format("applies to {}; target is service '{}' on port {}", scope.dump(), target.service,
                           target.port);
    }
    if (check != nullptr && rule.applies_to.services.empty()) return check->service_mismatch(target.service);
    return {};
}

namespace {

// service: auto targets: a rule whose probes do not fit the identified service
// is not applicable (scanner/discovery.hpp).
std::string auto_reason(const core::CheckDescriptor& check, const core::Rule& rule, const core::Target& target) {
    if (!target.auto_service) return {};
    for (const auto& probe : check.needed_probes(rule.params))
        if (auto why = auto_fit_reason(probe, target); !why.empty()) return why;
    return {};
}

// Adds every dependency and orders the probes so that each runs after the
// probes it reads (depth-first; a dependency cycle is a registry bug).
core::Result<std::vector<std::string>> order_probes(const std::set<std::string>& wanted,
                                                    const core::ProbeRegistry& probes) {
    std::vector<std::string> order;
    std::set<std::string> done;
    std::set<std::string> visiting;
    std::function<core::Result<void>(const std::string&)> visit = [&](const std::string& name) -> core::Result<void> {
        if (done.count(name) != 0) return {};
        if (!visiting.insert(name).second)
            return core::make_error("plan", fmt::format("probe dependency cycle through '{}'", name));
        const auto* probe = probes.find(name);
        if (probe == nullptr) return core::make_error("plan", fmt::format("no probe named '{}'", name));
        for (const auto& dep : probe->depends_on)
            if (auto r = visit(dep); !r) return r;
        visiting.erase(name);
        done.insert(name);
        order.push_back(name);
        return {};
    };
    for (const auto& name : wanted)
        if (auto r = visit(name); !r) return r.error();
    return order;
}

}  // namespace

core::Result<Plan> make_plan(const std::vector<core::Target>& targets, const std::vector<core::Profile>& profiles,
                             const core::CheckRegistry& checks, const core::ProbeRegistry& probes,
                             core::TimePoint as_of) {
    Plan plan;
    for (const auto& target : targets) {
        std::set<std::string> needed;
        core::Json inputs = core::Json::object();
        for (const auto& profile : profiles) {
            for (const auto& rule : profile.rules) {
                const auto* check = checks.find(rule.check);
                if (check == nullptr)
                    return core::make_error("plan", fmt::format("rule {} uses unknown check type '{}'", rule.id, rule.check),
                                            rule.defined_in);
                if (!not_applicable_reason(rule, target, as_of, check).empty()) continue;
                if (!auto_reason(*check, rule, target).empty()) continue;
                for (auto& p : check->needed_probes(rule.params)) {
                    if (probes.find(p) == nullptr)
                        return core::make_error("plan",
                                                fmt::format("rule {} needs facts from probe '{}', which this build does not have",
                                                            rule.id, p),
                                                rule.defined_in);
                    needed.insert(std::move(p));
                }
                if (check->probe_inputs) core::merge_probe_inputs(inputs, check->probe_inputs(rule.params));
            }
        }
        auto ordered = order_probes(needed, probes);
        if (!ordered) return ordered.error();
        plan.targets.push_back({target, std::move(ordered).value(), std::move(inputs)});
    }
    return plan;
}

namespace {

core::ProbeRecord run_guarded(const core::ProbeDescriptor& probe, const core::Target& target,
                              const core::ProbeOptions& options, const core::FactSet& earlier) {
    const auto start = std::chrono::steady_clock::now();
    core::ProbeRecord record;
    try {
        record = probe.run(target, options, earlier);
    } catch (const std::exception& e) {
        record = core::ProbeRecord::failure(probe.name, fmt::format("probe failed: {}", e.what()));
    } catch (...) {
        record = core::ProbeRecord::failure(probe.name, "probe failed with an unknown exception");
    }
    record.probe = probe.name;
    if (record.duration_ms == 0)
        record.duration_ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return record;
}

// Records of per-host probes (ProbeDescriptor::per_host), shared by every
// target on the host: the first target to need one runs it, the others wait
// for its record. Keyed by probe, address and inputs.
class HostRuns {
public:
    core::ProbeRecord get(const std::string& key, const std::function<core::ProbeRecord()>& run) {
        std::promise<core::ProbeRecord> promise;
        std::shared_future<core::ProbeRecord> future;
        bool mine = false;
        {
            std::lock_guard lock(m_mutex);
            auto it = m_runs.find(key);
            if (it == m_runs.end()) {
                future = promise.get_future().share();
                m_runs.emplace(key, future);
                mine = true;
            } else {
                future = it->second;
            }
        }
        if (mine) promise.set_value(run());  // run() is run_guarded: it does not throw
        return future.get();
    }

private:
    std::mutex m_mutex;
    std::map<std::string, std::shared_future<core::ProbeRecord>> m_runs;
};

core::TargetRecord observe_target(const PlannedTarget& planned, const core::ProbeRegistry& probes,
                                  const ObserveOptions& options, HostRuns& host_runs) {
    core::TargetRecord out{planned.target, {}};
    if (options.resolve) {
        core::Result<void> resolved = core::make_error("resolve", "not resolved");
        try {
            resolved = options.resolve(out.target);
        } catch (const std::exception& e) {
            resolved = core::make_error("resolve", e.what());
        }
        if (!resolved) {
            for (const auto& name : planned.probes)
                out.facts.put(core::ProbeRecord::failure(name, resolved.error().describe()));
            return out;
        }
    }
    auto probe_options = options.probe;
    probe_options.planned_probes = planned.probes;
    // Records observed before the plan ran (service: auto discovery) are kept, not observed again.
    for (const auto& [name, record] : planned.observed.records()) out.facts.put(record);
    for (const auto& name : planned.probes) {
        if (out.facts.get(name) != nullptr) continue;
        const auto* probe = probes.find(name);
        if (probe == nullptr) {
            out.facts.put(core::ProbeRecord::failure(name, "no such probe"));
            continue;
        }
        if (const auto wanted = core::service_transport(out.target.service); probe->transport != wanted) {
            out.facts.put(core::ProbeRecord::failure(
                name, fmt::format("the {} probe speaks {}; service '{}' runs over {}: not run", name,
                                  core::to_string(probe->transport), out.target.service, core::to_string(wanted))));
            continue;
        }
        spdlog::debug("{}: running probe {}", out.target.id, name);
        const auto& limiter = options.probe.limiter;
        const std::size_t before = limiter ? limiter->connections(out.target.id) : 0;
        probe_options.inputs = planned.inputs.value(name, core::Json::object());
        core::ProbeRecord record;
        if (probe->per_host) {
            const auto& address = out.target.address.empty() ? out.target.host : out.target.address;
            const auto key = fmt::format("{}|{}|{}", name, address, probe_options.inputs.dump());
            record = host_runs.get(key, [&] { return run_guarded(*probe, out.target, probe_options, out.facts); });
        } else {
            record = run_guarded(*probe, out.target, probe_options, out.facts);
        }
        if (limiter) record.connections = limiter->connections(out.target.id) - before;
        if (record.status == core::ProbeStatus::error)
            spdlog::info("{}: {} probe could not observe: {}", out.target.id, name, record.error);
        out.facts.put(std::move(record));
    }
    return out;
}

}  // namespace

std::vector<core::TargetRecord> observe(const Plan& plan, const core::ProbeRegistry& probes,
                                        const ObserveOptions& options) {
    const std::size_t total = plan.targets.size();
    std::vector<core::TargetRecord> records(total);
    std::atomic<std::size_t> next{0};
    std::size_t done = 0;
    std::mutex progress_mutex;
    HostRuns host_runs;
    auto worker = [&]() {
        for (;;) {
            const std::size_t i = next.fetch_add(1);
            if (i >= total) return;
            records[i] = observe_target(plan.targets[i], probes, options, host_runs);
            std::lock_guard lock(progress_mutex);
            ++done;
            if (options.on_progress) options.on_progress(done, total, records[i].target);
        }
    };
    const std::size_t n_threads = std::max<std::size_t>(1, std::min(options.concurrency, total));
    std::vector<std::thread> threads;
    threads.reserve(n_threads);
    for (std::size_t t = 0; t < n_threads; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
    return records;
}

namespace {

Outcome judge_one(const core::Rule& rule, const core::CheckDescriptor& check, const core::TargetRecord& record,
                  core::TimePoint as_of) {
    for (const auto& probe : check.needed_probes(rule.params)) {
        const auto* fact = record.facts.get(probe);
        if (fact == nullptr)
            return Outcome::error(fmt::format("no '{}' facts were observed for this target", probe));
        if (fact->status == core::ProbeStatus::error)
            return Outcome::error(fmt::format("{} probe could not observe: {}", probe, fact->error));
    }
    core::CheckContext ctx{record.facts, record.target, as_of};
    try {
        return check.evaluate(ctx, rule.params);
    } catch (const std::exception& e) {
        return Outcome::error(fmt::format("check {} failed: {}", rule.check, e.what()));
    } catch (...) {
        return Outcome::error(fmt::format("check {} failed with an unknown exception", rule.check));
    }
}

}  // namespace

std::vector<core::RuleResult> judge(const std::vector<core::TargetRecord>& targets,
                                    const std::vector<core::Profile>& profiles, const core::CheckRegistry& checks,
                                    core::TimePoint as_of) {
    std::vector<core::RuleResult> results;
    for (const auto& record : targets) {
        for (const auto& profile : profiles) {
            for (const auto& rule : profile.rules) {
                core::RuleResult r;
                r.target_id = record.target.id;
                r.profile_id = profile.id;
                r.rule_id = rule.id;
                r.title = rule.title;
                r.check = rule.check;
                r.severity = rule.severity;
                r.dimension = rule.dimension;
                r.layer = rule.layer;
                r.plane = rule.plane;
                r.references = rule.references;
                r.guideline = rule.guideline;
                r.cwe = rule.cwe;
                r.cve = rule.cve;
                r.tailored = rule.tailored;
                r.i18n = rule.i18n;
                Outcome outcome;
                if (auto why = not_applicable_reason(rule, record.target, as_of, checks.find(rule.check));
                    !why.empty()) {
                    outcome = Outcome::not_applicable(std::move(why));
                } else if (const auto* check = checks.find(rule.check); check == nullptr) {
                    outcome = Outcome::error(fmt::format("check type '{}' is not in this build", rule.check));
                } else if (auto unfit = auto_reason(*check, rule, record.target); !unfit.empty()) {
                    outcome = Outcome::not_applicable(std::move(unfit));
                } else {
                    outcome = judge_one(rule, *check, record, as_of);
                }
                if (const auto* check = checks.find(rule.check)) r.probes = check->needed_probes(rule.params);
                r.status = outcome.status;
                r.message = std::move(outcome.message);
                r.observed = std::move(outcome.observed);
                r.expected = std::move(outcome.expected);
                results.push_back(std::move(r));
            }
        }
    }
    return results;
}

}  // namespace conformscan::scanner
