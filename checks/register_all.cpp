#include "checks/register_all.hpp"

#include "checks/generic/generic_checks.hpp"
#include "checks/http/http_checks.hpp"
#include "checks/http/http_probe.hpp"
#include "checks/net/net_checks.hpp"
#include "checks/net/tcp_probe.hpp"
#include "checks/snmp/snmp_checks.hpp"
#include "checks/snmp/snmp_probe.hpp"
#include "checks/ssh/ssh_checks.hpp"
#include "checks/ssh/ssh_probe.hpp"
#include "checks/tls/feature_probe.hpp"
#include "checks/tls/group_probe.hpp"
#include "checks/tls/session_checks.hpp"
#include "checks/tls/session_probe.hpp"
#include "checks/tls/sigalg_probe.hpp"
#include "checks/tls/signature_algorithms.hpp"
#include "checks/tls/tls_checks.hpp"
#include "checks/tls/tls_probe.hpp"
#include "checks/tls/version_probe.hpp"
#include "checks/tls/vuln_probe.hpp"
#include "checks/tls/vulnerability.hpp"

namespace conformscan::checks {

void register_all_probes(core::ProbeRegistry& registry) {
    net::register_tcp_probe(registry);
    http::register_http_probe(registry);
    snmp::register_snmp_probe(registry);
    ssh::register_ssh_probe(registry);
    tls::register_tls_probe(registry);
    tls::register_version_probe(registry);
    tls::register_suite_probe(registry);
    tls::register_feature_probe(registry);
    tls::register_group_probe(registry);
    tls::register_sigalg_probe(registry);
    tls::register_vuln_probe(registry);
    tls::register_session_probe(registry);
}

void register_all_checks(core::CheckRegistry& registry) {
    // The net checks observe over TCP (the tcp and port_sweep probes): an SNMP
    // agent's UDP port is not theirs to judge unless a rule names the service.
    // The host's TCP ports are judged through its TCP targets.
    core::CheckRegistry over_tcp;
    net::register_net_checks(over_tcp);
    for (const auto* d : over_tcp.all()) {
        auto copy = *d;
        copy.skip_services.emplace_back("snmp");
        core::must_add(registry, std::move(copy));
    }
    snmp::register_snmp_checks(registry);
    ssh::register_ssh_checks(registry);
    generic::register_generic_checks(registry);
    // TLS and HTTP checks judge no ssh or snmp target unless a rule names the
    // service: a profile's TLS rules without applies_to must not send
    // ClientHellos to port 22, nor TCP connections to an SNMP agent's UDP port.
    core::CheckRegistry over_tls;
    http::register_http_checks(over_tls);
    tls::register_tls_checks(over_tls);
    core::must_add(over_tls, tls::signature_algorithms_check());
    core::must_add(over_tls, tls::vulnerability_check());
    tls::register_session_checks(over_tls);
    for (const auto* d : over_tls.all()) {
        auto copy = *d;
        copy.skip_services.insert(copy.skip_services.end(), {"ssh", "snmp"});
        core::must_add(registry, std::move(copy));
    }
}

}  // namespace conformscan::checks
