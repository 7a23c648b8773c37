#include "checks/tls/wire/key_share_values.hpp"

#include <algorithm>
#include <array>
#include <iterator>

namespace conformscan::wire::tls {

namespace {

// The generator G of each NIST curve in uncompressed form (0x04 || x || y),
// SEC 2 v2 §2.4.2, §2.5.1, §2.6.1 (printed by `openssl ecparam -name <curve>
// -param_enc explicit -text`). G is on the curve and not the identity, so it
// passes every public-key validation (RFC 8446 §4.2.8.2, SP 800-56A §5.6.2.3).
constexpr std::array<std::uint8_t, 65> kP256Generator{
    0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5, 0x63, 0xa4, 0x40, 0xf2,
    0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4, 0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96, 0x4f,
    0xe3, 0x42, 0xe2, 0xfe, 0x1a, 0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce,
    0x33, 0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5};
constexpr std::array<std::uint8_t, 97> kP384Generator{
    0x04, 0xaa, 0x87, 0xca, 0x22, 0xbe, 0x8b, 0x05, 0x37, 0x8e, 0xb1, 0xc7, 0x1e, 0xf3, 0x20, 0xad, 0x74,
    0x6e, 0x1d, 0x3b, 0x62, 0x8b, 0xa7, 0x9b, 0x98, 0x59, 0xf7, 0x41, 0xe0, 0x82, 0x54, 0x2a, 0x38, 0x55,
    0x02, 0xf2, 0x5d, 0xbf, 0x55, 0x29, 0x6c, 0x3a, 0x54, 0x5e, 0x38, 0x72, 0x76, 0x0a, 0xb7, 0x36, 0x17,
    0xde, 0x4a, 0x96, 0x26, 0x2c, 0x6f, 0x5d, 0x9e, 0x98, 0xbf, 0x92, 0x92, 0xdc, 0x29, 0xf8, 0xf4, 0x1d,
    0xbd, 0x28, 0x9a, 0x14, 0x7c, 0xe9, 0xda, 0x31, 0x13, 0xb5, 0xf0, 0xb8, 0xc0, 0x0a, 0x60, 0xb1, 0xce,
    0x1d, 0x7e, 0x81, 0x9d, 0x7a, 0x43, 0x1d, 0x7c, 0x90, 0xea, 0x0e, 0x5f};
constexpr std::array<std::uint8_t, 133> kP521Generator{
    0x04, 0x00, 0xc6, 0x85, 0x8e, 0x06, 0xb7, 0x04, 0x04, 0xe9, 0xcd, 0x9e, 0x3e, 0xcb, 0x66, 0x23, 0x95,
    0xb4, 0x42, 0x9c, 0x64, 0x81, 0x39, 0x05, 0x3f, 0xb5, 0x21, 0xf8, 0x28, 0xaf, 0x60, 0x6b, 0x4d, 0x3d,
    0xba, 0xa1, 0x4b, 0x5e, 0x77, 0xef, 0xe7, 0x59, 0x28, 0xfe, 0x1d, 0xc1, 0x27, 0xa2, 0xff, 0xa8, 0xde,
    0x33, 0x48, 0xb3, 0xc1, 0x85, 0x6a, 0x42, 0x9b, 0xf9, 0x7e, 0x7e, 0x31, 0xc2, 0xe5, 0xbd, 0x66, 0x01,
    0x18, 0x39, 0x29, 0x6a, 0x78, 0x9a, 0x3b, 0xc0, 0x04, 0x5c, 0x8a, 0x5f, 0xb4, 0x2c, 0x7d, 0x1b, 0xd9,
    0x98, 0xf5, 0x44, 0x49, 0x57, 0x9b, 0x44, 0x68, 0x17, 0xaf, 0xbd, 0x17, 0x27, 0x3e, 0x66, 0x2c, 0x97,
    0xee, 0x72, 0x99, 0x5e, 0xf4, 0x26, 0x40, 0xc5, 0x50, 0xb9, 0x01, 0x3f, 0xad, 0x07, 0x61, 0x35, 0x3c,
    0x70, 0x86, 0xa2, 0x72, 0xc2, 0x40, 0x88, 0xbe, 0x94, 0x76, 0x9f, 0xd1, 0x66, 0x50};

// RFC 7748 §4.1, §4.2: the base points u = 9 (X25519) and u = 5 (X448),
// little-endian. Any 32/56 bytes are a valid public value, but an all-zero
// value gives an all-zero shared secret that RFC 7748 §6 lets the peer refuse.
constexpr std::size_t kX25519Size = 32;
constexpr std::uint8_t kX25519BasePoint = 9;
constexpr std::size_t kX448Size = 56;
constexpr std::uint8_t kX448BasePoint = 5;

// FIPS 203 §8, table 3: encapsulation key sizes 384k + 32.
constexpr std::size_t kMlKem768EkSize = 1184;
constexpr std::size_t kMlKem1024EkSize = 1568;

std::vector<std::uint8_t> little_endian_point(std::size_t size, std::uint8_t u) {
    std::vector<std::uint8_t> out(size, 0);
    out[0] = u;
    return out;
}

// RFC 7919 §5.1: the peer checks 1 < Y < p - 1; Y = 2 passes for every
// ffdhe group. Left-padded to the size of p (RFC 8446 §4.2.8.1).
std::vector<std::uint8_t> ffdhe_two(std::size_t size) {
    std::vector<std::uint8_t> out(size, 0);
    out.back() = 2;
    return out;
}

// An ML-KEM encapsulation key ByteEncode12(t) || rho with t = 0 and a fixed
// rho. It passes the FIPS 203 §7.2 modulus check (every coefficient < q),
// which random bytes would almost surely fail, so a server can encapsulate
// to it. It is not a key anybody holds: the handshake is never completed. A
// server is still free to refuse it (e.g. a check for weak keys); the probe
// then sees an alert.
std::vector<std::uint8_t> mlkem_encapsulation_key(std::size_t size) {
    std::vector<std::uint8_t> out(size, 0);
    for (std::size_t i = 0; i < 32; ++i) out[size - 32 + i] = static_cast<std::uint8_t>(i + 1);
    return out;
}

// back_inserter rather than insert(): GCC 12 at -O2 reports a false
// -Wstringop-overflow for vector::insert into an empty vector.
template <std::size_t N>
void append(std::vector<std::uint8_t>& out, const std::array<std::uint8_t, N>& bytes) {
    std::copy(bytes.begin(), bytes.end(), std::back_inserter(out));
}
void append(std::vector<std::uint8_t>& out, const std::vector<std::uint8_t>& bytes) {
    std::copy(bytes.begin(), bytes.end(), std::back_inserter(out));
}

}  // namespace

std::vector<std::uint8_t> key_share_value(std::uint16_t group) {
    std::vector<std::uint8_t> out;
    switch (group) {
        case group_code::kSecp256r1:
            append(out, kP256Generator);
            break;
        case group_code::kSecp384r1:
            append(out, kP384Generator);
            break;
        case group_code::kSecp521r1:
            append(out, kP521Generator);
            break;
        case group_code::kX25519:
            out = little_endian_point(kX25519Size, kX25519BasePoint);
            break;
        case group_code::kX448:
            out = little_endian_point(kX448Size, kX448BasePoint);
            break;
        case group_code::kFfdhe2048:
            out = ffdhe_two(2048 / 8);
            break;
        case group_code::kFfdhe3072:
            out = ffdhe_two(3072 / 8);
            break;
        case group_code::kFfdhe4096:
            out = ffdhe_two(4096 / 8);
            break;
        case group_code::kFfdhe6144:
            out = ffdhe_two(6144 / 8);
            break;
        case group_code::kFfdhe8192:
            out = ffdhe_two(8192 / 8);
            break;
        // draft-kwiatkowski-tls-ecdhe-mlkem §4.1: X25519MLKEM768 puts the
        // ML-KEM key first; the NIST-curve hybrids put the ECDH point first.
        case group_code::kX25519MlKem768:
            out = mlkem_encapsulation_key(kMlKem768EkSize);
            append(out, little_endian_point(kX25519Size, kX25519BasePoint));
            break;
        case group_code::kSecp256r1MlKem768:
            append(out, kP256Generator);
            append(out, mlkem_encapsulation_key(kMlKem768EkSize));
            break;
        case group_code::kSecp384r1MlKem1024:
            append(out, kP384Generator);
            append(out, mlkem_encapsulation_key(kMlKem1024EkSize));
            break;
        default:
            break;
    }
    return out;
}

}  // namespace conformscan::wire::tls
