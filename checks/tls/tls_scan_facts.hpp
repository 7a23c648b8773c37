// Facts of the wire-level TLS probes, which speak raw handshakes and so see
// what the local OpenSSL no longer negotiates:
//   tls_versions — which of SSLv2 ... TLS 1.3 the server accepts;
//   tls_suites   — every suite accepted under each accepted version, and
//                  whether the server or the client order decides.
// Suites are recorded by IANA name and code point; their properties (forward
// secrecy, export, CBC, ...) come from the IANA table at judging time.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::checks::tls {

struct ProtocolSupport {
    std::string version;   // "SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"
    bool accepted = false;
    std::string evidence;  // what decided it: "ServerHello TLSv1.2, suite 0xc02f", "alert protocol_version (70)", ...
    // The suite the server chose when offered every suite known for this
    // version ("0xc02f"); "" when not accepted or when only a shorter retry
    // was answered. tls_suites starts its enumeration from it.
    std::string first_suite;
    // SSLv2 only: the cipher kinds listed in the SERVER-HELLO ("0x0700c0").
    std::vector<std::string> sslv2_cipher_kinds;
};

struct TlsVersionsFacts {
    std::vector<ProtocolSupport> protocols;  // one entry per version probed, oldest first
    std::vector<std::string> accepted;       // accepted versions, oldest first
    std::string highest;                     // "" when none
    int connections = 0;
};

struct SuiteFact {
    std::string name;  // IANA name, or "0x1234" when the table does not know it
    std::string code;  // "0xc02f"
};

struct VersionSuites {
    std::string version;
    std::vector<SuiteFact> suites;  // accepted; in the server's order of choice
    std::string preference;         // "server", "client" or "unknown" (fewer than two suites)
    bool complete = true;           // false when the enumeration stopped early (limit or error)
    std::string note;               // why it is incomplete
};

// What the suite enumeration learnt about key exchange on the way, for
// tls_groups to start from: under `version` (the highest accepted <= TLS 1.2)
// each hello listed only the ECDHE groups not yet seen, and the
// ServerKeyExchange of each ECDHE or DHE pick was read (see suite_groups.hpp).
struct SuiteKeyExchangeSeen {
    std::string version;                    // "" when no version was followed
    std::vector<std::string> ecdhe_groups;  // accepted ECDHE groups, in the order seen
    bool ecdhe_complete = false;  // proven: no other ECDHE group of the table is accepted
    int dh_bits = 0;              // DH prime size of a DHE pick; 0 when none was read
    std::string note;             // why following the groups stopped early, if it did
};

// The first round of the ROBOT test (vuln_robot.cpp), run along the suite
// enumeration when tls_vulns is planned: after a TLS_RSA pick, the
// connection goes on with one ClientKeyExchange padding variant (in
// kRobotVariants order) instead of hanging up, so a server that answers
// every variant alike costs tls_vulns no connection.
struct SuiteRobotRound {
    std::string version;                 // the version the hellos offered; "" when not run
    std::vector<std::string> suites;     // the TLS_RSA suite picked for each variant ("0x002f")
    std::vector<std::string> reactions;  // Reaction::describe() per variant
    std::string failure;                 // why the round stopped short, if it did
};

struct TlsSuitesFacts {
    std::vector<VersionSuites> per_version;  // one per accepted version
    std::vector<std::string> accepted;       // union of accepted suite names
    SuiteKeyExchangeSeen key_exchange_seen;
    SuiteRobotRound robot_round;
    int connections = 0;
};

void to_json(nlohmann::json& j, const ProtocolSupport& f);
void from_json(const nlohmann::json& j, ProtocolSupport& f);
void to_json(nlohmann::json& j, const TlsVersionsFacts& f);
void from_json(const nlohmann::json& j, TlsVersionsFacts& f);
void to_json(nlohmann::json& j, const SuiteFact& f);
void from_json(const nlohmann::json& j, SuiteFact& f);
void to_json(nlohmann::json& j, const VersionSuites& f);
void to_json(nlohmann::json& j, const SuiteKeyExchangeSeen& f);
void to_json(nlohmann::json& j, const SuiteRobotRound& f);
void from_json(const nlohmann::json& j, SuiteRobotRound& f);
void from_json(const nlohmann::json& j, SuiteKeyExchangeSeen& f);
void from_json(const nlohmann::json& j, VersionSuites& f);
void to_json(nlohmann::json& j, const TlsSuitesFacts& f);
void from_json(const nlohmann::json& j, TlsSuitesFacts& f);
// Never throw: saved reports may be old or edited.
core::Result<TlsVersionsFacts> parse_tls_versions_facts(const nlohmann::json& j);
core::Result<TlsSuitesFacts> parse_tls_suites_facts(const nlohmann::json& j);

}  // namespace conformscan::checks::tls
