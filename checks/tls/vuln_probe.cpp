#include "checks/tls/vuln_probe.hpp"

#include <chrono>

#include "checks/tls/vuln_active.hpp"
#include "checks/tls/vuln_derived.hpp"
#include "checks/tls/vuln_facts.hpp"

namespace conformscan::checks::tls {

namespace {

constexpr const char* kProbe = "tls_vulns";

core::ProbeRecord run_vulns(const core::Target& target, const core::ProbeOptions& options,
                            const core::FactSet& earlier) {
    const auto started = std::chrono::steady_clock::now();
    const auto facts = load_earlier_facts(earlier);
    if (!facts.versions) return core::ProbeRecord::failure(kProbe, facts.versions_error);

    TlsVulnsFacts out;
    out.vulnerabilities = derive_vulnerabilities(facts);
    if (facts.features && facts.features->probed_version == "SSLv3" &&
        out.vulnerabilities["crime"].status == kInconclusive)
        out.vulnerabilities["crime"] = test_crime_sslv3(target, options);
    out.vulnerabilities["heartbleed"] = test_heartbleed(target, options, facts);
    out.vulnerabilities["ccs_injection"] = test_ccs_injection(target, options, facts);
    out.vulnerabilities["robot"] = test_robot(target, options, facts);
    out.vulnerabilities["ticketbleed"] = test_ticketbleed(target, options, facts);
    for (const auto& [name, v] : out.vulnerabilities) out.connections += v.connections;

    core::ProbeRecord record;
    record.probe = kProbe;
    record.connections = static_cast<std::size_t>(out.connections);
    record.data = out;
    record.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return record;
}

}  // namespace

void register_vuln_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = kProbe;
    d.title = "Known TLS vulnerabilities, each with the evidence that decided it";
    d.description =
        "POODLE, SWEET32, FREAK, Logjam, DROWN, CRIME, BEAST, RC4 and insecure renegotiation are derived "
        "from "
        "the tls_versions, tls_suites, tls_features and tls_groups facts (no connection). Heartbleed, CCS "
        "injection, ROBOT and Ticketbleed are tested on connections of their own, each only when its "
        "precondition holds (heartbeat acknowledged; a version up to TLS 1.2; a TLS_RSA suite; session "
        "tickets), and CRIME when SSL 3.0 is the highest version (its feature hellos offer no DEFLATE): 0 to "
        "15 connections. Each verdict is vulnerable, not_vulnerable, inconclusive or not_applicable; "
        "ambiguous evidence is inconclusive, never vulnerable.";
    d.facts = {"tls_vulns.vulnerabilities.<name>.status",  "tls_vulns.vulnerabilities.<name>.evidence",
               "tls_vulns.vulnerabilities.<name>.cve",     "tls_vulns.vulnerabilities.<name>.connections",
               "tls_vulns.vulnerabilities.<name>.details", "tls_vulns.connections"};
    d.depends_on = {"tls_versions", "tls_suites", "tls_features", "tls_groups"};
    d.run = run_vulns;
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::tls
