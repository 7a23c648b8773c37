// ByteReader: the one bounded cursor through which wire data is read
// (s2n's stuffer, Botan's TLS_Data_Reader). Every read checks the bytes left;
// sub() confines a nested structure to its declared length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/core/result.hpp"

namespace conformscan::core {

class ByteReader {
public:
    ByteReader(std::span<const std::uint8_t> data, std::string context, std::size_t base_offset = 0)
        : m_data(data), m_context(std::move(context)), m_base(base_offset) {}

    [[nodiscard]] std::size_t remaining() const { return m_data.size() - m_pos; }
    [[nodiscard]] std::size_t position() const { return m_pos; }
    // Offset of the cursor within the outermost buffer, for error messages.
    [[nodiscard]] std::size_t absolute_offset() const { return m_base + m_pos; }
    [[nodiscard]] bool done() const { return remaining() == 0; }
    [[nodiscard]] const std::string& context() const { return m_context; }

    Result<std::uint8_t> u8();
    Result<std::uint16_t> u16();
    Result<std::uint32_t> u24();
    Result<std::uint32_t> u32();
    Result<std::span<const std::uint8_t>> bytes(std::size_t n);
    // A length-prefixed vector (TLS `opaque x<a..b>`): the prefix is 1, 2 or 3 bytes.
    Result<std::span<const std::uint8_t>> vector(int prefix_bytes, std::size_t min_len = 0,
                                                 std::size_t max_len = SIZE_MAX);
    // A reader over the next `n` bytes; this reader moves past them.
    Result<ByteReader> sub(std::size_t n, std::string context);
    Result<void> skip(std::size_t n);
    // Succeeds only when every byte has been consumed.
    Result<void> expect_done() const;

    [[nodiscard]] Error error(std::string code, std::string message) const;

private:
    std::span<const std::uint8_t> m_data;
    std::string m_context;
    std::size_t m_base = 0;
    std::size_t m_pos = 0;
};

// Lower-case hex of the bytes, for evidence and logs.
std::string to_hex(std::span<const std::uint8_t> data);
// Printable rendering of a banner: ASCII kept, everything else as \xNN.
std::string escape_bytes(std::span<const std::uint8_t> data);

}  // namespace conformscan::core
