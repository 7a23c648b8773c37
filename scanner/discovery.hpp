// `service: auto` inventory lines: before the plan, the `tcp` probe
// identifies what answers on each (address, port) the line expands to; open
// ports become targets of the identified service, closed and filtered ones are
// dropped (and counted in the discovery summary the report keeps), and only
// the probes that fit the identified service run on them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "scanner/core/registry.hpp"
#include "scanner/core/target.hpp"
#include "scanner/engine.hpp"

namespace conformscan::scanner {

struct Discovery {
    std::vector<core::Target> targets;                     // in order; auto ones only where a port answered
    std::map<std::string, core::ProbeRecord> tcp_records;  // target id -> the tcp record that identified it
    core::Json summary = core::Json::object();             // {"swept", "open": [...], "closed": [...], ...}
};

// Runs the tcp probe (with identification dialogs) on every target whose
// service is "auto", with the same bounds as the scan (options). Targets of
// other services pass through untouched. A build without a tcp probe refuses
// auto targets.
core::Result<Discovery> discover_services(std::vector<core::Target> targets,
                                          const core::ProbeRegistry& probes, const ObserveOptions& options);

// Why a probe does not fit the identified service of a `service: auto`
// target ("" when it fits, and always for other targets): tls* probes need
// TLS (tls, https, or a STARTTLS upgrade the server offered), http needs http
// or https, any other probe (ssh, snmp, ...) its own service name; tcp and
// port_sweep fit every target. A probe that is not registered is simply never
// planned, so the table may name probes a build does not have.
std::string auto_fit_reason(const std::string& probe, const core::Target& target);

// Puts a discovery's tcp records into the plan, so that the tcp probe does not
// run twice on a discovered target (only where the plan's tcp inputs ask for
// no more than discovery did).
void reuse_discovery(Plan& plan, const Discovery& discovery);

}  // namespace conformscan::scanner
