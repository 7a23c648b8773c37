#include "checks/snmp/wire/ber.hpp"

#include <charconv>

#include <fmt/format.h>

namespace conformscan::wire::snmp {

using core::make_error;
using core::Result;

std::string oid_to_string(const Oid& oid) {
    std::string out;
    for (std::size_t i = 0; i < oid.size(); ++i) {
        if (i != 0) out.push_back('.');
        out += std::to_string(oid[i]);
    }
    return out;
}

Result<Oid> oid_from_string(const std::string& text) {
    Oid out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto dot = text.find('.', pos);
        const auto end = dot == std::string::npos ? text.size() : dot;
        std::uint32_t arc = 0;
        const char* first = text.data() + pos;
        const char* last = text.data() + end;
        auto [ptr, ec] = std::from_chars(first, last, arc);
        if (first == last || ec != std::errc{} || ptr != last)
            return make_error("bad_oid", fmt::format("'{}' is not a dotted-decimal OID", text), "oid");
        out.push_back(arc);
        if (out.size() > kMaxOidArcs) return make_error("bad_oid", "more than 128 sub-identifiers", "oid");
        if (dot == std::string::npos) break;
        pos = dot + 1;
    }
    if (out.size() < 2 || out[0] > 2 || (out[0] < 2 && out[1] >= 40) ||
        (out[0] == 2 && out[1] > 0xFFFFFFFFu - 80))
        return make_error("bad_oid", fmt::format("'{}' is not a valid OID (X.690 §8.19.4)", text), "oid");
    return out;
}

Result<Tlv> BerReader::next() {
    Tlv tlv;
    tlv.offset = m_reader.absolute_offset();
    auto id = m_reader.u8();
    if (!id) return id.error();
    if ((*id & 0x1F) == 0x1F) return error("bad_tag", fmt::format("high tag number form 0x{:02x}", *id));
    tlv.tag = *id;
    auto first = m_reader.u8();
    if (!first) return first.error();
    std::size_t length = *first;
    // Errors name the TLV's first byte, where its header starts.
    if (*first == 0x80)
        return make_error("indefinite_length", "indefinite length form (SNMP needs definite lengths)",
                          m_reader.context(), tlv.offset);
    if (*first > 0x80) {
        const int n = *first & 0x7F;
        if (n > 4)
            return make_error("bad_length", fmt::format("a length in {} bytes", n), m_reader.context(),
                              tlv.offset);
        length = 0;
        for (int i = 0; i < n; ++i) {
            auto b = m_reader.u8();
            if (!b) return b.error();
            length = (length << 8) | *b;
        }
    }
    if (length > m_reader.remaining())
        return make_error(
            "bad_length",
            fmt::format("TLV 0x{:02x} declares {} bytes, {} left", tlv.tag, length, m_reader.remaining()),
            m_reader.context(), tlv.offset);
    tlv.content_offset = m_reader.absolute_offset();
    auto content = m_reader.bytes(length);
    if (!content) return content.error();
    tlv.content = *content;
    return tlv;
}

Result<Tlv> BerReader::expect(std::uint8_t expected, const char* what) {
    const auto at = m_reader.absolute_offset();
    auto tlv = next();
    if (!tlv) return tlv.error();
    if (tlv->tag != expected)
        return make_error("unexpected_tag",
                          fmt::format("{}: expected tag 0x{:02x}, got 0x{:02x}", what, expected, tlv->tag),
                          m_reader.context(), at);
    return tlv;
}

Result<BerReader> BerReader::enter(std::uint8_t expected, const char* what) {
    if (m_depth + 1 > kMaxBerDepth)
        return error("too_deep", fmt::format("{}: nesting deeper than {} levels", what, kMaxBerDepth));
    if ((expected & 0x20) == 0)
        return error("internal", fmt::format("{}: tag 0x{:02x} is not constructed", what, expected));
    auto tlv = expect(expected, what);
    if (!tlv) return tlv.error();
    return BerReader(tlv->content, fmt::format("{}.{}", m_reader.context(), what), tlv->content_offset,
                     m_depth + 1);
}

Result<BerReader> BerReader::enter_octets(const Tlv& octets, const char* what) const {
    if (m_depth + 1 > kMaxBerDepth)
        return error("too_deep", fmt::format("{}: nesting deeper than {} levels", what, kMaxBerDepth));
    return BerReader(octets.content, fmt::format("{}.{}", m_reader.context(), what), octets.content_offset,
                     m_depth + 1);
}

Result<std::int64_t> decode_integer(const Tlv& tlv, const std::string& where) {
    const auto& c = tlv.content;
    if (c.empty()) return make_error("bad_integer", "an INTEGER with no contents octets", where, tlv.offset);
    if (c.size() > 8)
        return make_error("bad_integer", fmt::format("an INTEGER of {} bytes", c.size()), where, tlv.offset);
    std::uint64_t v = (c[0] & 0x80) != 0 ? ~std::uint64_t{0} : 0;
    for (auto b : c) v = (v << 8) | b;
    return static_cast<std::int64_t>(v);
}

Result<std::uint64_t> decode_unsigned(const Tlv& tlv, std::size_t max_bits, const std::string& where) {
    const auto& c = tlv.content;
    if (c.empty())
        return make_error("bad_integer", "an unsigned value with no contents octets", where, tlv.offset);
    if ((c[0] & 0x80) != 0)
        return make_error("bad_integer", "a negative encoding of an unsigned type", where, tlv.offset);
    // One leading zero octet may precede a value whose top bit is set.
    std::size_t start = c.size() > 1 && c[0] == 0 ? 1 : 0;
    if ((c.size() - start) * 8 > max_bits)
        return make_error("bad_integer",
                          fmt::format("an unsigned value of {} bytes for {} bits", c.size(), max_bits), where,
                          tlv.offset);
    std::uint64_t v = 0;
    for (std::size_t i = start; i < c.size(); ++i) v = (v << 8) | c[i];
    return v;
}

Result<Oid> decode_oid(const Tlv& tlv, const std::string& where) {
    const auto& c = tlv.content;
    if (c.empty())
        return make_error("bad_oid", "an OBJECT IDENTIFIER with no contents octets", where, tlv.offset);
    Oid out;
    std::uint64_t arc = 0;
    bool in_arc = false;
    for (std::size_t i = 0; i < c.size(); ++i) {
        if (!in_arc && c[i] == 0x80)
            return make_error("bad_oid", "a sub-identifier padded with 0x80 (X.690 §8.19.2)", where,
                              tlv.offset);
        arc = (arc << 7) | (c[i] & 0x7F);
        if (arc > 0xFFFFFFFFull + 80)
            return make_error("bad_oid", "a sub-identifier beyond 32 bits", where, tlv.offset);
        in_arc = (c[i] & 0x80) != 0;
        if (in_arc) continue;
        if (out.empty()) {
            // X.690 §8.19.4: the first sub-identifier packs the first two arcs.
            const std::uint64_t first = arc < 40 ? 0 : arc < 80 ? 1 : 2;
            out.push_back(static_cast<std::uint32_t>(first));
            const std::uint64_t second = arc - first * 40;
            if (second > 0xFFFFFFFFull)
                return make_error("bad_oid", "a sub-identifier beyond 32 bits", where, tlv.offset);
            out.push_back(static_cast<std::uint32_t>(second));
        } else {
            if (arc > 0xFFFFFFFFull)
                return make_error("bad_oid", "a sub-identifier beyond 32 bits", where, tlv.offset);
            out.push_back(static_cast<std::uint32_t>(arc));
        }
        if (out.size() > kMaxOidArcs)
            return make_error("bad_oid", "more than 128 sub-identifiers", where, tlv.offset);
        arc = 0;
    }
    if (in_arc) return make_error("bad_oid", "the last sub-identifier is cut short", where, tlv.offset);
    return out;
}

Result<std::int64_t> BerReader::integer(const char* what) {
    auto tlv = expect(tag::kInteger, what);
    if (!tlv) return tlv.error();
    return decode_integer(*tlv, fmt::format("{}.{}", m_reader.context(), what));
}

Result<std::uint64_t> BerReader::unsigned_value(const Tlv& tlv) const {
    const std::size_t bits = tlv.tag == tag::kCounter64 ? 64 : 32;
    return decode_unsigned(tlv, bits, m_reader.context());
}

Result<std::vector<std::uint8_t>> BerReader::octet_string(const char* what) {
    auto tlv = expect(tag::kOctetString, what);
    if (!tlv) return tlv.error();
    return std::vector<std::uint8_t>(tlv->content.begin(), tlv->content.end());
}

Result<void> BerReader::null(const char* what) {
    auto tlv = expect(tag::kNull, what);
    if (!tlv) return tlv.error();
    if (!tlv->content.empty())
        return make_error("bad_null",
                          fmt::format("{}: a NULL with {} contents octets", what, tlv->content.size()),
                          m_reader.context(), tlv->offset);
    return {};
}

Result<Oid> BerReader::oid(const char* what) {
    auto tlv = expect(tag::kOid, what);
    if (!tlv) return tlv.error();
    return decode_oid(*tlv, fmt::format("{}.{}", m_reader.context(), what));
}

// ---- encoding ---------------------------------------------------------------

Bytes encode_tlv(std::uint8_t tag, std::span<const std::uint8_t> content) {
    Bytes out;
    out.reserve(content.size() + 6);
    out.push_back(tag);
    const std::size_t n = content.size();
    if (n < 0x80) {
        out.push_back(static_cast<std::uint8_t>(n));
    } else {
        std::uint8_t len[4];
        int k = 0;
        for (std::size_t v = n; v != 0 && k < 4; v >>= 8) len[k++] = static_cast<std::uint8_t>(v & 0xFF);
        out.push_back(static_cast<std::uint8_t>(0x80 | k));
        while (k > 0) out.push_back(len[--k]);
    }
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

Bytes encode_integer(std::int64_t value) {
    // X.690 §8.3.2: the shortest two's complement form.
    std::uint8_t buf[8];
    auto u = static_cast<std::uint64_t>(value);
    for (int i = 7; i >= 0; --i) {
        buf[i] = static_cast<std::uint8_t>(u & 0xFF);
        u >>= 8;
    }
    int start = 0;
    while (start < 7 && ((buf[start] == 0x00 && (buf[start + 1] & 0x80) == 0) ||
                         (buf[start] == 0xFF && (buf[start + 1] & 0x80) != 0)))
        ++start;
    return encode_tlv(tag::kInteger,
                      std::span<const std::uint8_t>(buf + start, static_cast<std::size_t>(8 - start)));
}

Bytes encode_octet_string(std::span<const std::uint8_t> value) {
    return encode_tlv(tag::kOctetString, value);
}

Bytes encode_octet_string(const std::string& value) {
    return encode_tlv(
        tag::kOctetString,
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
}

Bytes encode_null() {
    return encode_tlv(tag::kNull, {});
}

Bytes encode_oid(const Oid& oid) {
    Bytes content;
    auto put_arc = [&content](std::uint64_t arc) {
        std::uint8_t tmp[10];
        int k = 0;
        do {
            tmp[k++] = static_cast<std::uint8_t>(arc & 0x7F);
            arc >>= 7;
        } while (arc != 0);
        while (k > 1) content.push_back(static_cast<std::uint8_t>(0x80 | tmp[--k]));
        content.push_back(tmp[0]);
    };
    if (oid.size() >= 2) {
        put_arc(std::uint64_t{oid[0]} * 40 + oid[1]);
        for (std::size_t i = 2; i < oid.size(); ++i) put_arc(oid[i]);
    }
    return encode_tlv(tag::kOid, content);
}

Bytes encode_constructed(std::uint8_t tag, const std::vector<Bytes>& parts) {
    Bytes content;
    for (const auto& p : parts) content.insert(content.end(), p.begin(), p.end());
    return encode_tlv(tag, content);
}

Bytes encode_constructed(std::uint8_t tag, std::initializer_list<Bytes> parts) {
    return encode_constructed(tag, std::vector<Bytes>(parts));
}

}  // namespace conformscan::wire::snmp
