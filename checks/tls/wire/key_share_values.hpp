// Fixed, valid public values for ClientHello key_share entries (RFC 8446
// §4.2.8). The scanner never completes a TLS 1.3 handshake, so it needs no
// private key: only a value the server accepts long enough to answer with a
// ServerHello or HelloRetryRequest. Internal to the wire library.
#pragma once

#include <cstdint>
#include <vector>

namespace conformscan::wire::tls {

// IANA "TLS Supported Groups" code points with a key_share value here.
namespace group_code {
inline constexpr std::uint16_t kSecp256r1 = 23;
inline constexpr std::uint16_t kSecp384r1 = 24;
inline constexpr std::uint16_t kSecp521r1 = 25;
inline constexpr std::uint16_t kX25519 = 29;
inline constexpr std::uint16_t kX448 = 30;
inline constexpr std::uint16_t kFfdhe2048 = 0x0100;
inline constexpr std::uint16_t kFfdhe3072 = 0x0101;
inline constexpr std::uint16_t kFfdhe4096 = 0x0102;
inline constexpr std::uint16_t kFfdhe6144 = 0x0103;
inline constexpr std::uint16_t kFfdhe8192 = 0x0104;
inline constexpr std::uint16_t kSecp256r1MlKem768 = 0x11eb;
inline constexpr std::uint16_t kX25519MlKem768 = 0x11ec;
inline constexpr std::uint16_t kSecp384r1MlKem1024 = 0x11ed;
}  // namespace group_code

// The key_exchange bytes for `group`, or empty for a group without a known
// encoding (the ClientHello then offers no share for it).
std::vector<std::uint8_t> key_share_value(std::uint16_t group);

}  // namespace conformscan::wire::tls
