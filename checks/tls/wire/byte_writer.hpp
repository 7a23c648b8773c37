// ByteWriter: the encoding counterpart of core::ByteReader for the TLS wire
// encoders. Length-prefixed vectors are opened, filled and closed; closing
// back-fills the prefix and records an overflow when the contents do not fit
// the prefix (or the declared maximum), so an encoder can refuse a spec it
// cannot express instead of writing a wrapped length. Internal to the wire
// library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace conformscan::wire::tls {

class ByteWriter {
public:
    void u8(std::uint8_t v) { m_out.push_back(v); }
    void u16(std::uint16_t v) {
        m_out.push_back(static_cast<std::uint8_t>(v >> 8));
        m_out.push_back(static_cast<std::uint8_t>(v));
    }
    void u24(std::uint32_t v) {
        if (v > 0xffffff) m_overflow = true;
        m_out.push_back(static_cast<std::uint8_t>(v >> 16));
        m_out.push_back(static_cast<std::uint8_t>(v >> 8));
        m_out.push_back(static_cast<std::uint8_t>(v));
    }
    void bytes(std::span<const std::uint8_t> data) { m_out.insert(m_out.end(), data.begin(), data.end()); }
    void zeros(std::size_t n) { m_out.insert(m_out.end(), n, 0); }

    // Opens a vector with a `prefix_bytes` (1, 2 or 3) length prefix; returns
    // the handle to pass to close().
    struct Open {
        std::size_t at;
        int prefix_bytes;
    };
    Open open(int prefix_bytes) {
        const Open handle{m_out.size(), prefix_bytes};
        zeros(static_cast<std::size_t>(prefix_bytes));
        return handle;
    }
    // Back-fills the length; `max_len` is the TLS upper bound when it is
    // smaller than what the prefix can hold (session_id<0..32>).
    void close(Open handle, std::size_t max_len = SIZE_MAX) {
        const std::size_t len = m_out.size() - handle.at - static_cast<std::size_t>(handle.prefix_bytes);
        const std::size_t limit = (std::size_t{1} << (8 * handle.prefix_bytes)) - 1;
        if (len > limit || len > max_len) m_overflow = true;
        for (int i = 0; i < handle.prefix_bytes; ++i) {
            const int shift = 8 * (handle.prefix_bytes - 1 - i);
            m_out[handle.at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(len >> shift);
        }
    }

    [[nodiscard]] std::size_t size() const { return m_out.size(); }
    [[nodiscard]] bool overflow() const { return m_overflow; }
    void fail() { m_overflow = true; }
    // The bytes written, or nothing when any length did not fit.
    std::vector<std::uint8_t> take() && {
        return m_overflow ? std::vector<std::uint8_t>{} : std::move(m_out);
    }

private:
    std::vector<std::uint8_t> m_out;
    bool m_overflow = false;
};

}  // namespace conformscan::wire::tls
