// SNMP messages: SNMPv1 (RFC 1157) and SNMPv2c (RFC 1901) community
// messages, and the SNMPv3 message (RFC 3412 §6) with USM security
// parameters (RFC 3414 §2.4) as far as engine discovery needs them
// (RFC 3414 §4: a reportable, unauthenticated request with an empty user
// and engine id, answered by a Report of usmStatsUnknownEngineIDs that
// carries the agent's msgAuthoritativeEngineID, boots and time).
//
//   Message   ::= SEQUENCE { version INTEGER, community OCTET STRING, data PDU }
//   PDU       ::= [tag] IMPLICIT SEQUENCE { request-id INTEGER, error-status INTEGER,
//                                           error-index INTEGER, variable-bindings VarBindList }
//   VarBind   ::= SEQUENCE { name OBJECT IDENTIFIER, value ... }
//   SNMPv3Message ::= SEQUENCE { msgVersion INTEGER (3), msgGlobalData HeaderData,
//                                msgSecurityParameters OCTET STRING, msgData ScopedPduData }
//
// Pure functions over bytes; every read through BerReader (ber.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checks/snmp/wire/ber.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::wire::snmp {

// msgVersion / version values (RFC 3584 §2.1: 0 is SNMPv1, 1 SNMPv2c, 3 SNMPv3).
inline constexpr std::int64_t kVersion1 = 0;
inline constexpr std::int64_t kVersion2c = 1;
inline constexpr std::int64_t kVersion3 = 3;

// PDU tags (RFC 3416 §3; RFC 1157 §4.1 for the v1 Trap).
namespace pdu {
inline constexpr std::uint8_t kGetRequest = 0xA0;
inline constexpr std::uint8_t kGetNextRequest = 0xA1;
inline constexpr std::uint8_t kResponse = 0xA2;
inline constexpr std::uint8_t kSetRequest = 0xA3;
inline constexpr std::uint8_t kTrapV1 = 0xA4;
inline constexpr std::uint8_t kGetBulkRequest = 0xA5;
inline constexpr std::uint8_t kInformRequest = 0xA6;
inline constexpr std::uint8_t kTrapV2 = 0xA7;
inline constexpr std::uint8_t kReport = 0xA8;
}  // namespace pdu

// RFC 3412 §6.4 msgFlags bits.
inline constexpr std::uint8_t kFlagAuth = 0x01;
inline constexpr std::uint8_t kFlagPriv = 0x02;
inline constexpr std::uint8_t kFlagReportable = 0x04;
inline constexpr std::int64_t kSecurityModelUsm = 3;

// The value of a varbind, decoded as far as its type says.
struct Value {
    std::uint8_t tag = tag::kNull;
    std::vector<std::uint8_t> bytes;              // OCTET STRING, IpAddress, Opaque: the contents
    std::optional<std::int64_t> integer;          // INTEGER
    std::optional<std::uint64_t> unsigned_value;  // Counter32, Gauge32, TimeTicks, Counter64
    std::optional<Oid> oid;                       // OBJECT IDENTIFIER
};

struct VarBind {
    Oid name;
    Value value;
};

struct Pdu {
    std::uint8_t type = pdu::kGetRequest;
    std::int64_t request_id = 0;
    std::int64_t error_status = 0;  // non-repeaters in a GetBulkRequest
    std::int64_t error_index = 0;   // max-repetitions in a GetBulkRequest
    std::vector<VarBind> varbinds;
};

struct CommunityMessage {
    std::int64_t version = kVersion1;
    std::vector<std::uint8_t> community;
    Pdu pdu;
};

// RFC 3414 §2.4 UsmSecurityParameters.
struct UsmParameters {
    std::vector<std::uint8_t> engine_id;  // msgAuthoritativeEngineID
    std::int64_t engine_boots = 0;
    std::int64_t engine_time = 0;
    std::vector<std::uint8_t> user_name;
    std::vector<std::uint8_t> auth_params;
    std::vector<std::uint8_t> priv_params;
};

struct V3Message {
    std::int64_t msg_id = 0;
    std::int64_t max_size = 0;
    std::uint8_t flags = 0;
    std::int64_t security_model = kSecurityModelUsm;
    std::optional<UsmParameters> usm;  // when security_model is USM
    bool encrypted = false;            // privFlag: the scoped PDU is an encrypted OCTET STRING, not read
    std::vector<std::uint8_t> context_engine_id;
    std::vector<std::uint8_t> context_name;
    std::optional<Pdu> pdu;  // absent when encrypted
};

// The version field of any SNMP message (the first INTEGER in the outer SEQUENCE).
core::Result<std::int64_t> peek_version(std::span<const std::uint8_t> data);
// A whole SNMPv1 or SNMPv2c message; trailing bytes are an error. The v1
// Trap-PDU (a different layout) is refused as unsupported.
core::Result<CommunityMessage> parse_community_message(std::span<const std::uint8_t> data);
// A whole SNMPv3 message. The USM parameters are parsed when the security
// model is USM (3); an encrypted scoped PDU is left unread.
core::Result<V3Message> parse_v3_message(std::span<const std::uint8_t> data);

// A GetRequest for `names` (values NULL) in an SNMPv1 or v2c message.
Bytes encode_get_request(std::int64_t version, const std::string& community, std::int32_t request_id,
                         const std::vector<Oid>& names);
// The RFC 3414 §4 discovery request: msgFlags reportable only, USM with an
// empty engine id and user, boots and time 0, and an empty GetRequest in a
// scoped PDU with empty context engine id and name.
Bytes encode_v3_discovery(std::int32_t msg_id, std::int32_t request_id, std::int32_t max_size = 65507);

// "GetRequest", "Response", "Report", ...; "0xNN" when unknown.
std::string pdu_type_name(std::uint8_t type);
// RFC 3416 §3 error-status names: "noError", "tooBig", "noSuchName", ...
std::string error_status_name(std::int64_t status);
// "noSuchObject", "OCTET STRING", "Counter32", ...
std::string value_type_name(std::uint8_t tag);
// RFC 3414 §5 usmStats counters (1.3.6.1.6.3.15.1.1.N.0): "usmStatsUnknownEngineIDs", ...; "" otherwise.
std::string usm_stats_name(const Oid& oid);

// sysDescr.0 (RFC 3418) and usmStatsUnknownEngineIDs.0 (RFC 3414 §5).
const Oid& sys_descr_oid();
const Oid& usm_stats_unknown_engine_ids_oid();

}  // namespace conformscan::wire::snmp
