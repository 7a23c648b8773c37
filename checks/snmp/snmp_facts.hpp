// Facts of the `snmp` probe: which (community, version) pairs answered a GET
// of sysDescr.0, and whether SNMPv3 answered engine discovery. Plain data
// with a lossless JSON form (facts.snmp in the report); the check types read
// only this.
//
// Communities are secrets. A community that is a well-known default
// (public, private, and the vendor defaults in communities.cpp) is recorded
// as it is; any other is recorded as "<masked>" with its fingerprint, the
// first 8 hex digits of SHA-256("conformscan-snmp-community:" + community),
// so that the operator can tell which of the profile's communities answered
// and `evaluate` can match a profile's list, while the report does not carry
// the string (32 bits cannot confirm a guess of a strong community offline).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::checks::snmp {

inline constexpr const char* kSnmpProbe = "snmp";

// How one request ended.
inline constexpr const char* kAnswered = "answered";    // a well-formed reply to it
inline constexpr const char* kSilent = "silent";        // no reply within the time, after every try
inline constexpr const char* kRefused = "refused";      // ICMP port unreachable: nothing listens
inline constexpr const char* kMalformed = "malformed";  // only datagrams that are not a reply to it
inline constexpr const char* kError = "error";          // a local failure (send)

struct CommunityAttempt {
    std::string version;    // "v1" | "v2c"
    std::string community;  // as sent for well-known defaults, else "<masked>"
    bool masked = false;
    std::string fingerprint;  // community_fingerprint(community)
    std::string outcome;      // kAnswered, kSilent, ...
    bool answered = false;
    std::string error_status;              // of the Response: "noError", "noSuchName", ...
    std::string value_type;                // of sysDescr.0's varbind: "OCTET STRING", "noSuchObject", ...
    std::optional<std::string> sys_descr;  // printable rendering, at most 255 bytes (RFC 3418 SIZE (0..255))
    std::size_t tries = 0;
    std::string detail;  // why malformed / error
};

struct V3Discovery {
    std::string outcome;
    bool answered = false;
    std::string engine_id;  // msgAuthoritativeEngineID, lower-case hex
    std::optional<std::int64_t> engine_boots;
    std::optional<std::int64_t> engine_time;
    std::string pdu;     // "Report" (RFC 3414 §4), or whatever PDU type came back
    std::string report;  // the counter the Report names: "usmStatsUnknownEngineIDs"
    std::optional<std::uint64_t> report_value;
    std::size_t tries = 0;
    std::string detail;
};

struct SnmpFacts {
    std::vector<CommunityAttempt> communities;  // per community, v1 then v2c, in the input list's order
    V3Discovery v3;
    bool answered = false;                       // some version answered something
    std::vector<std::string> versions_answered;  // of "v1", "v2c", "v3"
    std::size_t exchanges = 0;                   // datagrams sent (each a politeness permit)
    std::int64_t wait_ms = 0;                    // how long each try waited for a reply
    std::size_t max_tries = 0;
};

// "conformscan-snmp-community:" prefix, SHA-256, first 8 hex digits.
std::string community_fingerprint(const std::string& community);
// True for the well-known defaults that are recorded in clear.
bool is_well_known_community(const std::string& community);
// What facts and evidence show for a community.
std::string community_label(const std::string& community);

void to_json(nlohmann::json& j, const CommunityAttempt& a);
void from_json(const nlohmann::json& j, CommunityAttempt& a);
void to_json(nlohmann::json& j, const V3Discovery& v);
void from_json(const nlohmann::json& j, V3Discovery& v);
void to_json(nlohmann::json& j, const SnmpFacts& f);
void from_json(const nlohmann::json& j, SnmpFacts& f);
// from_json that never throws.
core::Result<SnmpFacts> parse_snmp_facts(const nlohmann::json& j);

}  // namespace conformscan::checks::snmp
