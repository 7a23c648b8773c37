// The SSH binary packet protocol before any key is in use (RFC 4253 §6) and
// the SSH data types (RFC 4251 §5): pure parsers and encoders, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "scanner/core/byte_reader.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::wire::ssh {

// RFC 4253 §6.1 requires 35000-byte packets to be accepted; a key exchange
// reply with an 16384-bit RSA host key and an 8192-bit group still fits in a
// quarter of this. Anything longer is refused before it is read.
inline constexpr std::size_t kMaxPacket = 65536;

// Message numbers (RFC 4250 §4.1.2, RFC 4419, RFC 5656).
enum class Msg : std::uint8_t {
    disconnect = 1,
    ignore = 2,
    unimplemented = 3,
    debug = 4,
    kexinit = 20,
    newkeys = 21,
    kexdh_init = 30,   // also SSH_MSG_KEX_ECDH_INIT
    kexdh_reply = 31,  // also SSH_MSG_KEX_ECDH_REPLY and SSH_MSG_KEX_DH_GEX_GROUP
    gex_init = 32,
    gex_reply = 33,
    gex_request = 34,
};

struct Packet {
    std::uint32_t packet_length = 0;
    std::uint8_t padding_length = 0;
    std::vector<std::uint8_t> payload;
    std::size_t consumed = 0;  // 4 + packet_length
};

// The total size (4 + packet_length) a packet whose first bytes are `head`
// will have. Errors: "incomplete" (fewer than 4 bytes), "packet_length" (under
// 5 or over max_packet).
core::Result<std::size_t> packet_size(std::span<const std::uint8_t> head, std::size_t max_packet = kMaxPacket);
// Parses one unencrypted packet (no MAC) from the front of `data`. Errors as
// packet_size, and "padding" (RFC 4253 §6: at least 4 bytes, and less than
// the packet).
core::Result<Packet> parse_packet(std::span<const std::uint8_t> data, std::size_t max_packet = kMaxPacket);
// Wraps a payload with zero padding to a multiple of 8 (at least 4 bytes).
std::vector<std::uint8_t> encode_packet(std::span<const std::uint8_t> payload);

// ---- RFC 4251 §5 data types -------------------------------------------------

// string: uint32 length, then the bytes (bounded by the reader).
core::Result<std::span<const std::uint8_t>> read_string(core::ByteReader& r, std::size_t max_len = kMaxPacket);
core::Result<std::string> read_text(core::ByteReader& r, std::size_t max_len = kMaxPacket);
// name-list: comma-separated, non-empty US-ASCII names without commas.
core::Result<std::vector<std::string>> read_name_list(core::ByteReader& r);
core::Result<bool> read_bool(core::ByteReader& r);
// Significant bits of an mpint's two's-complement bytes (a positive value).
std::size_t mpint_bits(std::span<const std::uint8_t> mpint);

class Writer {
public:
    void u8(std::uint8_t v) { m_out.push_back(v); }
    void u32(std::uint32_t v);
    void boolean(bool v) { u8(v ? 1 : 0); }
    void raw(std::span<const std::uint8_t> data) {
        m_out.reserve(m_out.size() + data.size());
        for (std::uint8_t b : data) m_out.push_back(b);
    }
    void string(std::span<const std::uint8_t> data);
    void string(const std::string& text);
    void name_list(const std::vector<std::string>& names);
    // A positive integer given as unsigned big-endian bytes.
    void mpint(std::span<const std::uint8_t> magnitude);
    std::vector<std::uint8_t> take() && { return std::move(m_out); }

private:
    std::vector<std::uint8_t> m_out;
};

}  // namespace conformscan::wire::ssh
