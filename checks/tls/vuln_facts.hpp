// Facts of the `tls_vulns` probe (vuln_probe.cpp): one verdict per known TLS
// vulnerability, each with the one line of evidence that decided it.
//   derived (no connection, from tls_versions/tls_suites/tls_features/tls_groups):
//     poodle, sweet32, freak, logjam, drown, crime, beast, rc4, insecure_renegotiation;
//   active (connections of their own, only when applicable):
//     heartbleed, ccs_injection, robot, ticketbleed.
// A verdict is "vulnerable" only on unambiguous evidence; anything the
// observations cannot decide is "inconclusive" (never a false positive).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::checks::tls {

inline constexpr std::string_view kVulnerable = "vulnerable";
inline constexpr std::string_view kNotVulnerable = "not_vulnerable";
inline constexpr std::string_view kInconclusive = "inconclusive";
inline constexpr std::string_view kVulnNotApplicable = "not_applicable";

struct VulnerabilityInfo {
    std::string_view name;   // "heartbleed": the fact key and the check's `names` value
    std::string_view title;  // "Heartbleed"
    std::vector<std::string_view> cve;
    bool active;  // costs connections of its own
};

// Every vulnerability the probe judges, in report order.
const std::vector<VulnerabilityInfo>& vulnerability_catalogue();
const VulnerabilityInfo* find_vulnerability(std::string_view name);
std::vector<std::string> vulnerability_names();

struct VulnerabilityFact {
    std::string status = std::string(kInconclusive);
    std::string evidence;          // one line: what decided it
    std::vector<std::string> cve;  // from the catalogue
    int connections = 0;           // connections this verdict cost (0 for derived ones)
    // Further lines where one is not enough (the ROBOT oracle table).
    std::vector<std::string> details;
};

struct TlsVulnsFacts {
    std::map<std::string, VulnerabilityFact> vulnerabilities;  // by name
    int connections = 0;
};

// A fact with the catalogue's CVEs filled in.
VulnerabilityFact make_vuln(std::string_view name, std::string_view status, std::string evidence,
                            int connections = 0);

void to_json(nlohmann::json& j, const VulnerabilityFact& f);
void from_json(const nlohmann::json& j, VulnerabilityFact& f);
void to_json(nlohmann::json& j, const TlsVulnsFacts& f);
void from_json(const nlohmann::json& j, TlsVulnsFacts& f);
// Never throws: saved reports may be old or edited.
core::Result<TlsVulnsFacts> parse_tls_vulns_facts(const nlohmann::json& j);

}  // namespace conformscan::checks::tls
