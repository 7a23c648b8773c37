// Facts of the `tls_sigalgs` probe (sigalg_probe.cpp): the signature schemes a
// server signs its handshake with, per protocol version.
//   TLSv1.2 — read from ServerKeyExchange (in the clear), so only observable
//             when the server accepts an ECDHE or DHE suite; a server with
//             static-RSA suites only signs nothing (observable = false);
//   TLSv1.3 — read from CertificateVerify, through a full handshake.
// Schemes are recorded by IANA name ("rsa_pss_rsae_sha256"), or "0x1234" for
// a code point the table does not know; their properties (hash, signature
// kind, IANA "Recommended") come from the IANA table at judging time.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::checks::tls {

struct VersionSigalgs {
    std::string version;               // "TLSv1.2" or "TLSv1.3"
    bool observable = true;            // false: no handshake of this version carries a signature
    std::vector<std::string> schemes;  // accepted, in the order the server chose them
    // "server" (the server's order decides), "client" (ours does), "unknown"
    // (fewer than two schemes, or no clear answer).
    std::string preference = "unknown";
    // "accepted" (the server signed with a SHA-1 scheme we offered), "refused"
    // (it did not when offered only SHA-1 schemes, or none was left when the
    // enumeration ended), "unknown" (the enumeration stopped early),
    // "not_observable".
    std::string sha1 = "unknown";
    // A scheme the server signed with although it was not offered
    // (RFC 5246 §7.4.1.4.1, RFC 8446 §4.4.3 forbid it); "" when none.
    std::string unoffered;
    bool complete = true;  // false when the enumeration stopped early
    std::string note;      // why it is incomplete or not observable
    int connections = 0;
};

struct TlsSigalgsFacts {
    std::vector<VersionSigalgs> per_version;  // TLSv1.2 and TLSv1.3 when accepted, in that order
    std::vector<std::string> accepted;        // union of the schemes, in per_version order
    bool sha1_accepted = false;               // some version's sha1 is "accepted"
    int connections = 0;
};

void to_json(nlohmann::json& j, const VersionSigalgs& f);
void from_json(const nlohmann::json& j, VersionSigalgs& f);
void to_json(nlohmann::json& j, const TlsSigalgsFacts& f);
void from_json(const nlohmann::json& j, TlsSigalgsFacts& f);
// Never throws: saved reports may be old or edited.
core::Result<TlsSigalgsFacts> parse_tls_sigalgs_facts(const nlohmann::json& j);

}  // namespace conformscan::checks::tls
