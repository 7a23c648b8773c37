// BER (ITU-T X.690 §8) as SNMP uses it: definite lengths, one-byte tags, and
// the universal and SNMP application types of RFC 3416 §3 / RFC 2578 §7.1.
//
// Reading goes through core::ByteReader: every TLV's length is checked
// against the bytes its enclosing TLV declared, and BerReader::enter() gives
// a reader confined to a constructed value's contents, one nesting level
// deeper. SNMP messages nest at most six levels (message, PDU, varbind
// list, varbind; USM parameters inside an OCTET STRING), so kMaxBerDepth
// refuses anything deeper before reading it.
//
// Refused: the indefinite length form (0x80; X.690 §8.1.3.6, and SNMP's
// RFC 3417 §8 allows definite lengths only), a length in more than four
// bytes, a length beyond the bytes left, high tag numbers (0x1f form: no
// SNMP type uses one), INTEGERs longer than the type allows, and OID
// sub-identifiers beyond 32 bits or with a leading 0x80 pad.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "scanner/core/byte_reader.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::wire::snmp {

// Tags (identifier octets) used by SNMP.
namespace tag {
inline constexpr std::uint8_t kInteger = 0x02;
inline constexpr std::uint8_t kOctetString = 0x04;
inline constexpr std::uint8_t kNull = 0x05;
inline constexpr std::uint8_t kOid = 0x06;
inline constexpr std::uint8_t kSequence = 0x30;
// RFC 2578 §7.1 application types
inline constexpr std::uint8_t kIpAddress = 0x40;
inline constexpr std::uint8_t kCounter32 = 0x41;
inline constexpr std::uint8_t kGauge32 = 0x42;
inline constexpr std::uint8_t kTimeTicks = 0x43;
inline constexpr std::uint8_t kOpaque = 0x44;
inline constexpr std::uint8_t kCounter64 = 0x46;
// RFC 3416 §3 exceptions in a varbind's value
inline constexpr std::uint8_t kNoSuchObject = 0x80;
inline constexpr std::uint8_t kNoSuchInstance = 0x81;
inline constexpr std::uint8_t kEndOfMibView = 0x82;
}  // namespace tag

inline constexpr int kMaxBerDepth = 8;
// RFC 2578 §3.5: at most 128 sub-identifiers, each at most 2^32-1.
inline constexpr std::size_t kMaxOidArcs = 128;

using Oid = std::vector<std::uint32_t>;

// "1.3.6.1.2.1.1.1.0"
std::string oid_to_string(const Oid& oid);
// Parses dotted decimal; at least two arcs, the first 0..2, the second < 40
// under 0 and 1 (X.690 §8.19.4).
core::Result<Oid> oid_from_string(const std::string& text);

struct Tlv {
    std::uint8_t tag = 0;
    std::span<const std::uint8_t> content;
    std::size_t offset = 0;          // of the identifier octet in the outermost buffer
    std::size_t content_offset = 0;  // of the first contents octet
};

class BerReader {
public:
    BerReader(std::span<const std::uint8_t> data, std::string context, std::size_t base_offset = 0,
              int depth = 0)
        : m_reader(data, std::move(context), base_offset), m_depth(depth) {}

    [[nodiscard]] bool done() const { return m_reader.done(); }
    [[nodiscard]] std::size_t remaining() const { return m_reader.remaining(); }
    [[nodiscard]] int depth() const { return m_depth; }

    // The next TLV, whatever its tag.
    core::Result<Tlv> next();
    // The next TLV, which must carry `expected`.
    core::Result<Tlv> expect(std::uint8_t expected, const char* what);
    // A reader over the contents of the next TLV, which must be constructed
    // with tag `expected` (SEQUENCE, a PDU); one level deeper.
    core::Result<BerReader> enter(std::uint8_t expected, const char* what);
    // A reader over bytes that hold BER themselves (the USM parameters
    // inside msgSecurityParameters' OCTET STRING); one level deeper.
    core::Result<BerReader> enter_octets(const Tlv& octets, const char* what) const;

    core::Result<std::int64_t> integer(const char* what);              // INTEGER, at most 8 bytes
    core::Result<std::uint64_t> unsigned_value(const Tlv& tlv) const;  // Counter32/64, Gauge, TimeTicks
    core::Result<std::vector<std::uint8_t>> octet_string(const char* what);
    core::Result<void> null(const char* what);
    core::Result<Oid> oid(const char* what);

    core::Result<void> expect_done() const { return m_reader.expect_done(); }
    [[nodiscard]] core::Error error(std::string code, std::string message) const {
        return m_reader.error(std::move(code), std::move(message));
    }

private:
    core::ByteReader m_reader;
    int m_depth = 0;
};

// Contents decoders, usable on a Tlv from next().
core::Result<std::int64_t> decode_integer(const Tlv& tlv, const std::string& where);
core::Result<std::uint64_t> decode_unsigned(const Tlv& tlv, std::size_t max_bits, const std::string& where);
core::Result<Oid> decode_oid(const Tlv& tlv, const std::string& where);

// ---- encoding ---------------------------------------------------------------

using Bytes = std::vector<std::uint8_t>;

// A TLV with the shortest definite length form (X.690 §8.1.3).
Bytes encode_tlv(std::uint8_t tag, std::span<const std::uint8_t> content);
Bytes encode_integer(std::int64_t value);
Bytes encode_octet_string(std::span<const std::uint8_t> value);
Bytes encode_octet_string(const std::string& value);
Bytes encode_null();
Bytes encode_oid(const Oid& oid);
// Concatenates the parts and wraps them in `tag` (SEQUENCE by default).
Bytes encode_constructed(std::uint8_t tag, std::initializer_list<Bytes> parts);
Bytes encode_constructed(std::uint8_t tag, const std::vector<Bytes>& parts);

}  // namespace conformscan::wire::snmp
