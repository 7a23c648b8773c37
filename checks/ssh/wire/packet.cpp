#include "checks/ssh/wire/packet.hpp"

#include <fmt/format.h>

namespace conformscan::wire::ssh {

namespace {
constexpr std::size_t kMaxNames = 512;
constexpr std::size_t kMaxNameList = 16384;
}  // namespace

core::Result<std::size_t> packet_size(std::span<const std::uint8_t> head, std::size_t max_packet) {
    core::ByteReader r(head, "ssh.packet");
    if (head.size() < 4) return core::make_error("incomplete", "fewer than 4 bytes of packet_length", "ssh.packet", 0);
    auto len = r.u32();
    if (!len) return len.error();
    // RFC 4253 §6: padding_length (1) + at least 4 bytes of padding.
    if (*len < 5 || *len > max_packet)
        return core::make_error("packet_length",
                                fmt::format("packet_length {} is outside 5..{}", *len, max_packet), "ssh.packet", 0);
    return std::size_t{*len} + 4;
}

core::Result<Packet> parse_packet(std::span<const std::uint8_t> data, std::size_t max_packet) {
    auto size = packet_size(data, max_packet);
    if (!size) return size.error();
    if (data.size() < *size)
        return core::make_error("incomplete", fmt::format("{} of {} packet bytes", data.size(), *size), "ssh.packet", 0);
    core::ByteReader r(data.first(*size), "ssh.packet");
    Packet p;
    p.packet_length = *r.u32();
    auto pad = r.u8();
    if (!pad) return pad.error();
    p.padding_length = *pad;
    if (p.padding_length < 4 || std::size_t{p.padding_length} + 1 > p.packet_length)
        return r.error("padding", fmt::format("padding_length {} in a packet of {} bytes (RFC 4253 §6: at least 4, "
                                              "and less than the packet)",
                                              p.padding_length, p.packet_length));
    auto payload = r.bytes(p.packet_length - 1 - p.padding_length);
    if (!payload) return payload.error();
    p.payload.assign(payload->begin(), payload->end());
    if (auto skipped = r.skip(p.padding_length); !skipped) return skipped.error();
    p.consumed = *size;
    return p;
}

std::vector<std::uint8_t> encode_packet(std::span<const std::uint8_t> payload) {
    std::size_t padding = 8 - ((payload.size() + 5) % 8);
    if (padding < 4) padding += 8;
    Writer w;
    w.u32(static_cast<std::uint32_t>(payload.size() + padding + 1));
    w.u8(static_cast<std::uint8_t>(padding));
    w.raw(payload);
    std::vector<std::uint8_t> out = std::move(w).take();
    out.insert(out.end(), padding, 0);
    return out;
}

core::Result<std::span<const std::uint8_t>> read_string(core::ByteReader& r, std::size_t max_len) {
    auto len = r.u32();
    if (!len) return len.error();
    if (*len > max_len || *len > r.remaining())
        return r.error("string_length",
                       fmt::format("{}: string length {} with {} bytes left", r.context(), *len, r.remaining()));
    return r.bytes(*len);
}

core::Result<std::string> read_text(core::ByteReader& r, std::size_t max_len) {
    auto s = read_string(r, max_len);
    if (!s) return s.error();
    return std::string(s->begin(), s->end());
}

core::Result<std::vector<std::string>> read_name_list(core::ByteReader& r) {
    const std::size_t at = r.absolute_offset();
    auto s = read_string(r, kMaxNameList);
    if (!s) return s.error();
    std::vector<std::string> names;
    if (s->empty()) return names;
    std::string current;
    auto finish = [&]() -> core::Result<void> {
        if (current.empty())
            return core::make_error("name_list", "an empty name in a name-list (RFC 4251 §5)", r.context(), at);
        if (names.size() >= kMaxNames)
            return core::make_error("name_list", fmt::format("more than {} names", kMaxNames), r.context(), at);
        names.push_back(std::move(current));
        current.clear();
        return {};
    };
    for (std::uint8_t c : *s) {
        if (c == ',') {
            if (auto ok = finish(); !ok) return ok.error();
        } else if (c <= 0x20 || c >= 0x7f) {
            return core::make_error("name_list", fmt::format("byte 0x{:02x} in a name (RFC 4251 §6: printable US-ASCII)", c),
                                    r.context(), at);
        } else {
            current.push_back(static_cast<char>(c));
        }
    }
    if (auto ok = finish(); !ok) return ok.error();
    return names;
}

core::Result<bool> read_bool(core::ByteReader& r) {
    auto b = r.u8();
    if (!b) return b.error();
    return *b != 0;
}

std::size_t mpint_bits(std::span<const std::uint8_t> mpint) {
    std::size_t i = 0;
    while (i < mpint.size() && mpint[i] == 0) ++i;
    if (i == mpint.size()) return 0;
    std::size_t bits = (mpint.size() - i - 1) * 8;
    for (std::uint8_t top = mpint[i]; top != 0; top >>= 1) ++bits;
    return bits;
}

void Writer::u32(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) m_out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void Writer::string(std::span<const std::uint8_t> data) {
    u32(static_cast<std::uint32_t>(data.size()));
    raw(data);
}

void Writer::string(const std::string& text) {
    string(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

void Writer::name_list(const std::vector<std::string>& names) {
    std::string joined;
    for (const auto& n : names) {
        if (!joined.empty()) joined.push_back(',');
        joined += n;
    }
    string(joined);
}

void Writer::mpint(std::span<const std::uint8_t> magnitude) {
    std::size_t i = 0;
    while (i < magnitude.size() && magnitude[i] == 0) ++i;
    const auto digits = magnitude.subspan(i);
    const bool pad = !digits.empty() && (digits[0] & 0x80) != 0;  // keep it positive
    u32(static_cast<std::uint32_t>(digits.size() + (pad ? 1 : 0)));
    if (pad) u8(0);
    raw(digits);
}

}  // namespace conformscan::wire::ssh
