#include "checks/tls/vuln_facts.hpp"

#include <algorithm>

#include "scanner/core/fact_json.hpp"

namespace conformscan::checks::tls {

using Json = nlohmann::json;
using core::fact_json::read_optional;
using core::fact_json::require_object;

const std::vector<VulnerabilityInfo>& vulnerability_catalogue() {
    // CVE identifiers as NVD lists them for each attack; ROBOT has one per
    // affected implementation (the ROBOT paper's list).
    static const std::vector<VulnerabilityInfo> catalogue{
        {"heartbleed", "Heartbleed", {"CVE-2014-0160"}, true},
        {"ccs_injection", "CCS injection", {"CVE-2014-0224"}, true},
        {"robot",
         "ROBOT (Bleichenbacher oracle)",
         {"CVE-2017-6168", "CVE-2017-13098", "CVE-2017-13099", "CVE-2017-17382", "CVE-2017-17427",
          "CVE-2017-17428", "CVE-2017-1000385", "CVE-2016-6883", "CVE-2012-5081"},
         true},
        {"ticketbleed", "Ticketbleed", {"CVE-2016-9244"}, true},
        {"poodle", "POODLE (SSL 3.0)", {"CVE-2014-3566"}, false},
        {"sweet32", "SWEET32 (64-bit block ciphers)", {"CVE-2016-2183", "CVE-2016-6329"}, false},
        {"freak", "FREAK (RSA_EXPORT)", {"CVE-2015-0204"}, false},
        {"logjam", "Logjam (DHE_EXPORT)", {"CVE-2015-4000"}, false},
        {"drown", "DROWN (SSLv2)", {"CVE-2016-0800"}, false},
        {"crime", "CRIME (TLS compression)", {"CVE-2012-4929"}, false},
        {"beast", "BEAST (CBC in SSL 3.0 / TLS 1.0)", {"CVE-2011-3389"}, false},
        {"rc4", "RC4", {"CVE-2013-2566", "CVE-2015-2808"}, false},
        {"insecure_renegotiation", "Insecure renegotiation (no RFC 5746)", {"CVE-2009-3555"}, false},
    };
    return catalogue;
}

const VulnerabilityInfo* find_vulnerability(std::string_view name) {
    const auto& all = vulnerability_catalogue();
    auto it =
        std::find_if(all.begin(), all.end(), [&](const VulnerabilityInfo& v) { return v.name == name; });
    return it == all.end() ? nullptr : &*it;
}

std::vector<std::string> vulnerability_names() {
    std::vector<std::string> out;
    for (const auto& v : vulnerability_catalogue()) out.emplace_back(v.name);
    return out;
}

VulnerabilityFact make_vuln(std::string_view name, std::string_view status, std::string evidence,
                            int connections) {
    VulnerabilityFact f;
    f.status = std::string(status);
    f.evidence = std::move(evidence);
    f.connections = connections;
    if (const auto* info = find_vulnerability(name))
        for (auto c : info->cve) f.cve.emplace_back(c);
    return f;
}

void to_json(Json& j, const VulnerabilityFact& f) {
    j = Json{{"status", f.status},
             {"evidence", f.evidence},
             {"cve", f.cve},
             {"connections", f.connections},
             {"details", f.details}};
}

void from_json(const Json& j, VulnerabilityFact& f) {
    require_object(j, "vulnerability");
    read_optional(j, "status", f.status);
    read_optional(j, "evidence", f.evidence);
    read_optional(j, "cve", f.cve);
    read_optional(j, "connections", f.connections);
    read_optional(j, "details", f.details);
}

void to_json(Json& j, const TlsVulnsFacts& f) {
    Json by_name = Json::object();
    for (const auto& [name, fact] : f.vulnerabilities) by_name[name] = fact;
    j = Json{{"vulnerabilities", by_name}, {"connections", f.connections}};
}

void from_json(const Json& j, TlsVulnsFacts& f) {
    require_object(j, "tls_vulns facts");
    read_optional(j, "vulnerabilities", f.vulnerabilities);
    read_optional(j, "connections", f.connections);
}

core::Result<TlsVulnsFacts> parse_tls_vulns_facts(const Json& j) {
    return core::fact_json::parse_facts<TlsVulnsFacts>(j, "tls_vulns");
}

}  // namespace conformscan::checks::tls
