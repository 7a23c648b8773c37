// What the rules over the wire-level probes (tls_versions, tls_suites) share:
// the protocol version names, reading the facts, the `versions` parameter.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/tls/tls_scan_facts.hpp"
#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

inline constexpr const char* kTlsVersionsProbe = "tls_versions";
inline constexpr const char* kTlsSuitesProbe = "tls_suites";

// The versions the wire probes name, oldest first; also the parameter choices.
const std::vector<std::string>& protocol_version_names();
// Position in protocol_version_names() (compared without case); -1 when unknown.
int version_rank(std::string_view version);
// Sorts oldest first (unknown names last, in their order) and drops duplicates.
std::vector<std::string> sorted_versions(std::vector<std::string> versions);

// A string-list parameter whose values are protocol versions.
core::ParamSpec versions_param(std::string name, nlohmann::json default_value, std::string description);

// The target's facts of one wire probe, parsed; an error when absent or malformed.
core::Result<TlsVersionsFacts> load_versions_facts(const core::CheckContext& ctx);
core::Result<TlsSuitesFacts> load_suites_facts(const core::CheckContext& ctx);

// The per-version entries a rule judges: those named in `versions` (compared
// without case), or all of them when `versions` is empty.
std::vector<const VersionSuites*> select_versions(const TlsSuitesFacts& facts,
                                                  const std::vector<std::string>& versions);

// One factory per check type, each in its own file.
core::CheckDescriptor protocol_versions_check();
core::CheckDescriptor cipher_suites_check();
core::CheckDescriptor server_preference_check();
core::CheckDescriptor forward_secrecy_check();

}  // namespace conformscan::checks::tls
