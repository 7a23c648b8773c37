// The vulnerabilities the earlier wire probes' facts decide without a
// connection of their own (POODLE, SWEET32, FREAK, Logjam, DROWN, CRIME,
// BEAST, RC4, insecure renegotiation), and the facts the active tests start
// from. Pure: facts in, verdicts out.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "checks/tls/tls_feature_facts.hpp"
#include "checks/tls/tls_group_facts.hpp"
#include "checks/tls/tls_scan_facts.hpp"
#include "checks/tls/vuln_facts.hpp"
#include "scanner/core/facts.hpp"

namespace conformscan::checks::tls {

// The earlier probes' facts, each parsed, or why it is missing.
struct EarlierFacts {
    std::optional<TlsVersionsFacts> versions;
    std::optional<TlsSuitesFacts> suites;
    std::optional<TlsFeaturesFacts> features;
    std::optional<TlsGroupsFacts> groups;
    std::string versions_error, suites_error, features_error, groups_error;
};

EarlierFacts load_earlier_facts(const core::FactSet& earlier);

// One verdict per derived vulnerability, by name.
std::map<std::string, VulnerabilityFact> derive_vulnerabilities(const EarlierFacts& facts);

// Suite properties the verdicts use (by IANA name, or SSLv2 cipher kind name).
bool is_cbc_suite(const std::string& name);
bool is_64bit_block_suite(const std::string& name);
bool is_rc4_suite(const std::string& name);
bool is_rsa_export_suite(const std::string& name);
bool is_dhe_export_suite(const std::string& name);
bool is_dhe_suite(const std::string& name);
// TLS_RSA_WITH_*: RSA key transport, the Bleichenbacher (ROBOT) surface.
bool is_rsa_key_transport_suite(const std::string& name);

}  // namespace conformscan::checks::tls
