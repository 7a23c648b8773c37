// The SSH identification string exchange (RFC 4253 §4.2): pure parser, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "scanner/core/result.hpp"

namespace conformscan::wire::ssh {

// Error code when the bytes end before the identification line does: the
// caller reads more (within its own bounds) and parses again.
inline constexpr const char* kIncomplete = "incomplete";

struct BannerLimits {
    // RFC 4253 §4.2: the identification string is at most 255 characters,
    // CR LF included.
    std::size_t max_line = 255;
    // §4.2 lets a server send other lines first; a bound keeps a server that
    // talks forever from holding the probe.
    std::size_t max_pre_lines = 32;
    std::size_t max_pre_line = 1024;
};

struct Banner {
    std::string line;              // the identification line without CR LF
    std::string proto_version;     // "2.0", "1.99", "1.5"
    std::string software_version;  // "OpenSSH_9.2p1"
    std::string comments;          // after the first space: "Debian-2+deb12u3"
    bool crlf = true;              // ended in CR LF (false: a bare LF, which OpenSSH accepts)
    std::vector<std::string> pre_lines;  // lines before it, escaped (core::escape_bytes)
    std::size_t consumed = 0;      // bytes up to and including the line's LF
};

// Parses the server's first bytes. Errors: kIncomplete (need more bytes),
// "line_too_long", "too_many_lines", "nul_byte", "malformed" (an SSH- line
// without protoversion-softwareversion).
core::Result<Banner> parse_banner(std::span<const std::uint8_t> data, const BannerLimits& limits = {});

// "SSH-1.x" other than 1.99: the server speaks only SSH-1 (RFC 4253 §5).
bool is_ssh1_only(const std::string& proto_version);

}  // namespace conformscan::wire::ssh
