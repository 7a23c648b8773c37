// TLS heartbeat messages (RFC 6520): the request the scanner sends and the
// parser for what comes back. A request whose payload_length exceeds the
// payload it carries is how Heartbleed (CVE-2014-0160) is observed: RFC 6520
// §4 requires such a message to be discarded silently; a vulnerable server
// answers with payload_length bytes copied from its memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "scanner/core/result.hpp"

namespace conformscan::wire::tls {

namespace heartbeat_type {
inline constexpr std::uint8_t kRequest = 1;   // RFC 6520 §3 heartbeat_request
inline constexpr std::uint8_t kResponse = 2;  // heartbeat_response
}  // namespace heartbeat_type

// RFC 6520 §4: padding_length is at least 16.
inline constexpr std::size_t kHeartbeatMinPadding = 16;

struct HeartbeatMessage {
    std::uint8_t type = 0;
    std::uint16_t payload_length = 0;
    std::vector<std::uint8_t> payload;  // payload_length bytes
    std::size_t padding = 0;            // bytes after the payload
};

// A heartbeat record (content type 24) of `record_version` holding a request
// with `payload` and the declared `payload_length`, with no padding when the
// declared length exceeds the payload (the message is then malformed on
// purpose), else with the RFC 6520 minimum of 16 zero bytes. Empty when the
// payload does not fit a record.
std::vector<std::uint8_t> encode_heartbeat_request(std::uint16_t record_version,
                                                   std::span<const std::uint8_t> payload,
                                                   std::uint16_t payload_length);

// Parses a heartbeat record's fragment. Errors: "truncated" (fewer bytes than
// the header or payload_length), "bad_heartbeat_type" (neither 1 nor 2);
// `where` names the field ("HeartbeatMessage.payload").
core::Result<HeartbeatMessage> parse_heartbeat_message(std::span<const std::uint8_t> fragment);

}  // namespace conformscan::wire::tls
