#include "checks/register_all.hpp"

#include "checks/generic/generic_checks.hpp"
#include "checks/http/http_checks.hpp"
#include "checks/http/http_probe.hpp"
#include "checks/net/net_checks.hpp"
#include "checks/net/tcp_probe.hpp"
#include "checks/snmp/snmp_checks.hpp"
#include "checks/snmp/snmp_probe.hpp"
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
    net::register_net_checks(registry);
    http::register_http_checks(registry);
    snmp::register_snmp_checks(registry);
    tls::register_tls_checks(registry);
    core::must_add(registry, tls::signature_algorithms_check());
    core::must_add(registry, tls::vulnerability_check());
    tls::register_session_checks(registry);
    generic::register_generic_checks(registry);
}

}  // namespace conformscan::checks
