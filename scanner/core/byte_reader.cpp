#include "scanner/core/byte_reader.hpp"

#include <fmt/format.h>

namespace conformscan::core {

Error ByteReader::error(std::string code, std::string message) const {
    return make_error(std::move(code), std::move(message), m_context, absolute_offset());
}

Result<std::uint8_t> ByteReader::u8() {
    if (remaining() < 1) return error("truncated", "expected 1 byte, 0 left");
    return m_data[m_pos++];
}

Result<std::uint16_t> ByteReader::u16() {
    if (remaining() < 2) return error("truncated", fmt::format("expected 2 bytes, {} left", remaining()));
    const auto v = static_cast<std::uint16_t>((m_data[m_pos] << 8) | m_data[m_pos + 1]);
    m_pos += 2;
    return v;
}

Result<std::uint32_t> ByteReader::u24() {
    if (remaining() < 3) return error("truncated", fmt::format("expected 3 bytes, {} left", remaining()));
    const auto v = (std::uint32_t{m_data[m_pos]} << 16) | (std::uint32_t{m_data[m_pos + 1]} << 8) |
                   std::uint32_t{m_data[m_pos + 2]};
    m_pos += 3;
    return v;
}

Result<std::uint32_t> ByteReader::u32() {
    if (remaining() < 4) return error("truncated", fmt::format("expected 4 bytes, {} left", remaining()));
    const auto v = (std::uint32_t{m_data[m_pos]} << 24) | (std::uint32_t{m_data[m_pos + 1]} << 16) |
                   (std::uint32_t{m_data[m_pos + 2]} << 8) | std::uint32_t{m_data[m_pos + 3]};
    m_pos += 4;
    return v;
}

Result<std::span<const std::uint8_t>> ByteReader::bytes(std::size_t n) {
    if (remaining() < n) return error("truncated", fmt::format("expected {} bytes, {} left", n, remaining()));
    auto out = m_data.subspan(m_pos, n);
    m_pos += n;
    return out;
}

Result<std::span<const std::uint8_t>> ByteReader::vector(int prefix_bytes, std::size_t min_len,
                                                         std::size_t max_len) {
    std::size_t len = 0;
    switch (prefix_bytes) {
        case 1: { auto r = u8(); if (!r) return r.error(); len = *r; break; }
        case 2: { auto r = u16(); if (!r) return r.error(); len = *r; break; }
        case 3: { auto r = u24(); if (!r) return r.error(); len = *r; break; }
        default: return error("internal", "length prefix must be 1, 2 or 3 bytes");
    }
    if (len < min_len || len > max_len)
        return error("bad_length", fmt::format("length {} outside [{}, {}]", len, min_len, max_len));
    return bytes(len);
}

Result<ByteReader> ByteReader::sub(std::size_t n, std::string context) {
    const std::size_t start = absolute_offset();
    auto span = bytes(n);
    if (!span) return span.error();
    return ByteReader(*span, std::move(context), start);
}

Result<void> ByteReader::skip(std::size_t n) {
    auto r = bytes(n);
    if (!r) return r.error();
    return {};
}

Result<void> ByteReader::expect_done() const {
    if (!done()) return error("trailing_data", fmt::format("{} unexpected trailing bytes", remaining()));
    return {};
}

std::string to_hex(std::span<const std::uint8_t> data) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (auto b : data) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0xF]);
    }
    return out;
}

std::string escape_bytes(std::span<const std::uint8_t> data) {
    std::string out;
    for (auto b : data) {
        if (b == '\\') out += "\\\\";
        else if (b == '\n') out += "\\n";
        else if (b == '\r') out += "\\r";
        else if (b == '\t') out += "\\t";
        else if (b >= 0x20 && b < 0x7F) out.push_back(static_cast<char>(b));
        else out += fmt::format("\\x{:02x}", b);
    }
    return out;
}

}  // namespace conformscan::core
