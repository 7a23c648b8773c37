// RFC 6520 §4: struct { HeartbeatMessageType type; uint16 payload_length;
// opaque payload[payload_length]; opaque padding[padding_length]; }.
#include "checks/tls/wire/heartbeat.hpp"

#include <fmt/format.h>

#include "checks/tls/wire/byte_writer.hpp"
#include "checks/tls/wire/reader_util.hpp"
#include "checks/tls/wire/record.hpp"
#include "scanner/core/byte_reader.hpp"

namespace conformscan::wire::tls {

namespace {
constexpr std::size_t kMaxPlaintext = 1u << 14;  // RFC 6520 §4: a HeartbeatMessage MUST NOT exceed 2^14
constexpr std::size_t kHeaderSize = 3;
}  // namespace

std::vector<std::uint8_t> encode_heartbeat_request(std::uint16_t record_version,
                                                   std::span<const std::uint8_t> payload,
                                                   std::uint16_t payload_length) {
    const bool well_formed = payload_length <= payload.size();
    const std::size_t padding = well_formed ? kHeartbeatMinPadding : 0;
    const std::size_t body = kHeaderSize + payload.size() + padding;
    if (body > kMaxPlaintext) return {};
    ByteWriter w;
    w.u8(static_cast<std::uint8_t>(ContentType::heartbeat));
    w.u16(record_version);
    w.u16(static_cast<std::uint16_t>(body));
    w.u8(heartbeat_type::kRequest);
    w.u16(payload_length);
    w.bytes(payload);
    w.zeros(padding);
    return std::move(w).take();
}

core::Result<HeartbeatMessage> parse_heartbeat_message(std::span<const std::uint8_t> fragment) {
    core::ByteReader reader(fragment, "HeartbeatMessage");
    HeartbeatMessage out;
    const std::size_t type_at = reader.absolute_offset();
    auto type = in_field(reader.u8(), "HeartbeatMessage.type");
    if (!type) return type.error();
    if (*type != heartbeat_type::kRequest && *type != heartbeat_type::kResponse)
        return core::make_error("bad_heartbeat_type", fmt::format("heartbeat message type {}", *type),
                                "HeartbeatMessage.type", type_at);
    out.type = *type;
    auto length = in_field(reader.u16(), "HeartbeatMessage.payload_length");
    if (!length) return length.error();
    out.payload_length = *length;
    auto payload = in_field(reader.bytes(*length), "HeartbeatMessage.payload");
    if (!payload) return payload.error();
    out.payload.assign(payload->begin(), payload->end());
    out.padding = reader.remaining();
    return out;
}

}  // namespace conformscan::wire::tls
