#include "checks/tls/tls_scan_facts.hpp"

#include <exception>

#include <fmt/format.h>

#include "scanner/core/fact_json.hpp"

namespace conformscan::checks::tls {

using Json = nlohmann::json;
using core::fact_json::read_optional;
using core::fact_json::require_object;

void to_json(Json& j, const ProtocolSupport& f) {
    j = Json{{"version", f.version}, {"accepted", f.accepted}, {"evidence", f.evidence}};
    if (!f.first_suite.empty()) j["first_suite"] = f.first_suite;
    if (!f.sslv2_cipher_kinds.empty()) j["sslv2_cipher_kinds"] = f.sslv2_cipher_kinds;
}

void from_json(const Json& j, ProtocolSupport& f) {
    require_object(j, "protocol");
    read_optional(j, "version", f.version);
    read_optional(j, "accepted", f.accepted);
    read_optional(j, "evidence", f.evidence);
    read_optional(j, "first_suite", f.first_suite);
    read_optional(j, "sslv2_cipher_kinds", f.sslv2_cipher_kinds);
}

void to_json(Json& j, const TlsVersionsFacts& f) {
    j = Json{{"protocols", f.protocols},
             {"accepted", f.accepted},
             {"highest", f.highest},
             {"connections", f.connections}};
}

void from_json(const Json& j, TlsVersionsFacts& f) {
    require_object(j, "tls_versions facts");
    read_optional(j, "protocols", f.protocols);
    read_optional(j, "accepted", f.accepted);
    read_optional(j, "highest", f.highest);
    read_optional(j, "connections", f.connections);
}

void to_json(Json& j, const SuiteFact& f) {
    j = Json{{"name", f.name}, {"code", f.code}};
}

void from_json(const Json& j, SuiteFact& f) {
    require_object(j, "suite");
    read_optional(j, "name", f.name);
    read_optional(j, "code", f.code);
}

void to_json(Json& j, const VersionSuites& f) {
    j = Json{{"version", f.version},
             {"suites", f.suites},
             {"preference", f.preference},
             {"complete", f.complete},
             {"note", f.note}};
}

void from_json(const Json& j, VersionSuites& f) {
    require_object(j, "per-version suites");
    read_optional(j, "version", f.version);
    read_optional(j, "suites", f.suites);
    read_optional(j, "preference", f.preference);
    read_optional(j, "complete", f.complete);
    read_optional(j, "note", f.note);
}

void to_json(Json& j, const SuiteKeyExchangeSeen& f) {
    j = Json{{"version", f.version},
             {"ecdhe_groups", f.ecdhe_groups},
             {"ecdhe_complete", f.ecdhe_complete},
             {"dh_bits", f.dh_bits},
             {"note", f.note}};
}

void from_json(const Json& j, SuiteKeyExchangeSeen& f) {
    require_object(j, "key exchange seen");
    read_optional(j, "version", f.version);
    read_optional(j, "ecdhe_groups", f.ecdhe_groups);
    read_optional(j, "ecdhe_complete", f.ecdhe_complete);
    read_optional(j, "dh_bits", f.dh_bits);
    read_optional(j, "note", f.note);
}

void to_json(Json& j, const SuiteRobotRound& f) {
    j = Json{{"version", f.version}, {"suites", f.suites}, {"reactions", f.reactions}, {"failure", f.failure}};
}

void from_json(const Json& j, SuiteRobotRound& f) {
    require_object(j, "robot round");
    read_optional(j, "version", f.version);
    read_optional(j, "suites", f.suites);
    read_optional(j, "reactions", f.reactions);
    read_optional(j, "failure", f.failure);
}

void to_json(Json& j, const TlsSuitesFacts& f) {
    j = Json{{"per_version", f.per_version},
             {"accepted", f.accepted},
             {"key_exchange_seen", f.key_exchange_seen},
             {"robot_round", f.robot_round},
             {"connections", f.connections}};
}

void from_json(const Json& j, TlsSuitesFacts& f) {
    require_object(j, "tls_suites facts");
    read_optional(j, "per_version", f.per_version);
    read_optional(j, "accepted", f.accepted);
    read_optional(j, "key_exchange_seen", f.key_exchange_seen);
    read_optional(j, "robot_round", f.robot_round);
    read_optional(j, "connections", f.connections);
}

core::Result<TlsVersionsFacts> parse_tls_versions_facts(const Json& j) {
    return core::fact_json::parse_facts<TlsVersionsFacts>(j, "tls_versions");
}

core::Result<TlsSuitesFacts> parse_tls_suites_facts(const Json& j) {
    return core::fact_json::parse_facts<TlsSuitesFacts>(j, "tls_suites");
}

}  // namespace conformscan::checks::tls
