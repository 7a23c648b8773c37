// SSH_MSG_KEXINIT (RFC 4253 §7.1): pure parser and encoder.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "scanner/core/result.hpp"

namespace conformscan::wire::ssh {

struct KexInit {
    std::array<std::uint8_t, 16> cookie{};
    std::vector<std::string> kex;
    std::vector<std::string> host_key;
    std::vector<std::string> ciphers_c2s;
    std::vector<std::string> ciphers_s2c;
    std::vector<std::string> macs_c2s;
    std::vector<std::string> macs_s2c;
    std::vector<std::string> compression_c2s;
    std::vector<std::string> compression_s2c;
    std::vector<std::string> languages_c2s;
    std::vector<std::string> languages_s2c;
    bool first_kex_packet_follows = false;
    std::uint32_t reserved = 0;
};

// Parses a KEXINIT payload (message number included). Errors name the field
// ("KEXINIT.kex_algorithms") and the offset; trailing bytes are an error.
core::Result<KexInit> parse_kexinit(std::span<const std::uint8_t> payload);
std::vector<std::uint8_t> encode_kexinit(const KexInit& k);

}  // namespace conformscan::wire::ssh
