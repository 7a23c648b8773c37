// The vulnerability tests that need connections of their own — Heartbleed,
// CCS injection, ROBOT, Ticketbleed — each run only when the earlier facts
// show its precondition. The judge_* functions are the pure decisions, given
// what the server did; the test_* functions do the I/O and call them.
//
// Decisions (no false positives: anything ambiguous is inconclusive):
//   Heartbleed (CVE-2014-0160): after the server's first flight, a heartbeat
//     request declaring 4096 payload bytes but carrying 16. A response with
//     more payload than was sent is vulnerable (the surplus is server memory);
//     an alert, a close or silence is not (RFC 6520 §4: such a request MUST be
//     discarded silently).
//   CCS injection (CVE-2014-0224): two ChangeCipherSpec records before any key
//     exchange. A vulnerable OpenSSL accepts the first and fails to decrypt the
//     second under its null master secret: alert bad_record_mac (20) or
//     decryption_failed (21). unexpected_message (10) or any other alert, or a
//     close, is a rejection; silence is inconclusive.
//   ROBOT: the five ClientKeyExchange variants of the ROBOT paper (§3), each
//     followed by ChangeCipherSpec and Finished on its own connection. The same
//     answer to all five is not vulnerable; different answers, the same in a
//     second round, are an oracle (vulnerable, with the table); answers that
//     change between rounds are inconclusive.
//   Ticketbleed (CVE-2016-9244): a ClientHello with a ticket the server issued
//     and a 16-byte session id. A 32-byte session id echoed back that starts
//     with ours is vulnerable (16 bytes of server memory); exactly ours is not;
//     a fresh session (the ticket not taken) is inconclusive.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "checks/tls/vuln_derived.hpp"
#include "checks/tls/vuln_facts.hpp"
#include "checks/tls/vuln_session.hpp"
#include "checks/tls/wire/client_flight.hpp"
#include "checks/tls/wire/hello.hpp"

namespace conformscan::checks::tls {

inline constexpr std::size_t kHeartbeatSentPayload = 16;
// Small enough for the response (payload, 3-byte header, 16 bytes of padding)
// to fit one record, as a vulnerable server sends it (RFC 6520 §4: 2^14 at most).
inline constexpr std::uint16_t kHeartbeatClaimedLength = 0x1000;

VulnerabilityFact judge_heartbleed(const Reaction& reaction, std::size_t sent_payload, int connections);
VulnerabilityFact judge_ccs_injection(const Reaction& reaction, int connections);
// `rounds[r][v]` is Reaction::describe() for variant v (kRobotVariants order) of round r.
VulnerabilityFact judge_robot(const std::vector<std::vector<std::string>>& rounds, int connections);
VulnerabilityFact judge_ticketbleed(std::span<const std::uint8_t> sent_session_id,
                                    const wire::tls::ServerHello& answer, int connections);

// The version and suites the active hellos offer: the highest accepted version
// from SSLv3 to TLS 1.2 and its accepted suites. version 0 when none.
struct LegacyHello {
    std::uint16_t version = 0;
    std::vector<std::uint16_t> suites;
};
LegacyHello legacy_hello(const EarlierFacts& facts, bool (*suite_filter)(const std::string&) = nullptr);

VulnerabilityFact test_heartbleed(const core::Target& target, const core::ProbeOptions& options,
                                  const EarlierFacts& facts);
VulnerabilityFact test_ccs_injection(const core::Target& target, const core::ProbeOptions& options,
                                     const EarlierFacts& facts);
VulnerabilityFact test_robot(const core::Target& target, const core::ProbeOptions& options,
                             const EarlierFacts& facts);

// One ROBOT variant on a session that reached ServerHelloDone after a
// TLS_RSA pick: the ClientKeyExchange for `variant` under the leaf's RSA key,
// ChangeCipherSpec and an opaque Finished, then the server's reaction.
// `hello_version` is the version the ClientHello offered (RFC 5246 §7.4.7.1).
struct RobotAttempt {
    std::string reaction;  // Reaction::describe(), or empty with `failure`
    std::string failure;
};
RobotAttempt robot_variant_on(RawSession& session, std::uint16_t hello_version, wire::tls::RobotVariant variant,
                              std::chrono::milliseconds wait);
VulnerabilityFact test_ticketbleed(const core::Target& target, const core::ProbeOptions& options,
                                   const EarlierFacts& facts);
// CRIME where tls_features could not see compression: its hellos to a server
// whose highest version is SSL 3.0 offer no DEFLATE. One SSL 3.0 hello that
// offers DEFLATE and NULL (RFC 3749 §2; SSL 3.0 has the same field).
VulnerabilityFact test_crime_sslv3(const core::Target& target, const core::ProbeOptions& options);

}  // namespace conformscan::checks::tls
