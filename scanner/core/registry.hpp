// Registries of probes and check types. Each family registers its entries by
// name through an explicit call (register_tls_checks(...)); a duplicate name is
// an error. The descriptors are the catalogue `conformscan checks list` prints.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/connection_limiter.hpp"
#include "scanner/core/facts.hpp"
#include "scanner/core/params.hpp"
#include "scanner/core/result.hpp"
#include "scanner/core/results.hpp"
#include "scanner/core/target.hpp"
#include "scanner/core/time.hpp"

namespace conformscan::core {

// What a rule sees: the target's facts, the target, and the date it judges as
// of (the scan time, or --as-of). Nothing else: rules do no I/O.
struct CheckContext {
    const FactSet& facts;
    const Target& target;
    TimePoint as_of;
};

struct CheckDescriptor {
    std::string name;          // "tls.certificate.validity"
    std::string title;         // one line for the catalogue
    std::string description;
    std::vector<std::string> facts;  // probe families read, e.g. {"tls"}
    std::vector<ParamSpec> params;
    std::vector<std::string> examples;  // `with:` snippets in YAML flow style

    // Probes needed for given parameters; when empty, `facts` is used.
    // (fact.* checks derive the probe from their `path` parameter.)
    std::function<std::vector<std::string>(const Json& params)> probes_for;
    // Cross-parameter validation beyond the schema (a regex compiles, a path parses).
    std::function<Result<void>(const Json& params)> validate;
    // The rule itself: pure, deterministic, no I/O. Called only when every
    // needed probe record exists with status ok.
    std::function<Outcome(const CheckContext&, const Json& params)> evaluate;
    // What a probe must be told for given parameters, as {"probe": {"key": [...]}}
    // (snmp.community names the communities the snmp probe tries). The planner
    // merges every applicable rule's inputs per target: arrays by union in
    // first-seen order, objects key by key, other values first one wins.
    std::function<Json(const Json& params)> probe_inputs;
    // The target services the check judges when a rule's applies_to names no
    // services: only `services` when given, and never `skip_services` (an
    // ssh port speaks no TLS; TLS ports speak no SSH). A rule that names
    // services in applies_to decides for itself.
    std::vector<std::string> services;
    std::vector<std::string> skip_services;

    [[nodiscard]] std::vector<std::string> needed_probes(const Json& with) const;
    // Empty when the check judges targets of this service by default; else why not.
    [[nodiscard]] std::string service_mismatch(const std::string& service) const;
};

struct ProbeOptions {
    std::chrono::milliseconds timeout{5000};  // per network operation
    std::string ca_file;                      // trust anchors; empty: the system store
    std::size_t max_banner_bytes = 512;
    // Per-host connection cap, overall rate, per-target count; null: no limits.
    std::shared_ptr<ConnectionLimiter> limiter;
    // Every probe planned for this target (the engine fills it in), so that a
    // probe may observe along its own connections what a later probe needs
    // (tls_suites runs the ROBOT variants only when tls_vulns will run).
    std::vector<std::string> planned_probes;

    // This probe's merged inputs from the rules that need it (see
    // CheckDescriptor::probe_inputs); an empty object when none gave any.
    Json inputs = Json::object();

    [[nodiscard]] bool planned(const std::string& probe) const;
};

// Merges `from` into `into` as the planner merges probe inputs.
void merge_probe_inputs(Json& into, const Json& from);

struct ProbeDescriptor {
    std::string name;   // "tls"
    std::string title;
    std::string description;
    std::vector<std::string> facts;  // documented fact paths, e.g. "tls.chain[*].not_after"
    // Probes whose facts this one reads (e.g. suites are enumerated per
    // accepted version); the planner adds them and runs them first.
    std::vector<std::string> depends_on;
    // Observes one target. May block up to a bounded multiple of options.timeout.
    // `earlier` holds the records of the probes already run on this target
    // (every probe in depends_on among them). Returns a record with status
    // error for any transport outcome it cannot observe through; the engine
    // also guards against exceptions.
    std::function<ProbeRecord(const Target&, const ProbeOptions&, const FactSet& earlier)> run;
    // Observes the target's host rather than its port (a port sweep): the
    // engine runs it once per (address, inputs) and gives every target on that
    // host the same record, however many targets share it.
    bool per_host = false;
    // What the probe speaks; the engine runs it only on targets whose
    // service has this transport (core::service_transport) and gives the
    // others an error record saying so.
    Transport transport = Transport::tcp;
};

class CheckRegistry {
public:
    Result<void> add(CheckDescriptor descriptor);
    [[nodiscard]] const CheckDescriptor* find(const std::string& name) const;
    [[nodiscard]] std::vector<const CheckDescriptor*> all() const;  // sorted by name

private:
    std::map<std::string, CheckDescriptor> m_checks;
};

class ProbeRegistry {
public:
    Result<void> add(ProbeDescriptor descriptor);
    [[nodiscard]] const ProbeDescriptor* find(const std::string& name) const;
    [[nodiscard]] std::vector<const ProbeDescriptor*> all() const;

private:
    std::map<std::string, ProbeDescriptor> m_probes;
};

// Registration helper for families: aborts start-up on a duplicate name.
void must_add(CheckRegistry& registry, CheckDescriptor descriptor);
void must_add(ProbeRegistry& registry, ProbeDescriptor descriptor);

}  // namespace conformscan::core
