#include "checks/ssh/ssh_kex.hpp"

#include <algorithm>
#include <memory>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/err.h>

namespace conformscan::checks::ssh {

namespace {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BnFree {
    void operator()(BIGNUM* b) const { BN_free(b); }
};
struct BnCtxFree {
    void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

core::Error openssl_error(const char* what) {
    char buf[256] = {0};
    ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
    ERR_clear_error();
    return core::make_error("crypto", std::string(what) + ": " + buf);
}

std::vector<std::uint8_t> to_bytes(const BIGNUM* bn) {
    std::vector<std::uint8_t> out(static_cast<std::size_t>(BN_num_bytes(bn)));
    BN_bn2bin(bn, out.data());
    return out;
}

}  // namespace

std::optional<KexChoice> kex_choice(std::string_view name) {
    auto fixed = [&](std::size_t bits) { return KexChoice{std::string(name), KexMethod::dh_fixed, nullptr, bits}; };
    if (name == "curve25519-sha256" || name == "curve25519-sha256@libssh.org")
        return KexChoice{std::string(name), KexMethod::x25519};
    if (name == "ecdh-sha2-nistp256") return KexChoice{std::string(name), KexMethod::ecdh, "P-256"};
    if (name == "ecdh-sha2-nistp384") return KexChoice{std::string(name), KexMethod::ecdh, "P-384"};
    if (name == "ecdh-sha2-nistp521") return KexChoice{std::string(name), KexMethod::ecdh, "P-521"};
    if (name == "diffie-hellman-group1-sha1") return fixed(1024);
    if (name == "diffie-hellman-group14-sha1" || name == "diffie-hellman-group14-sha256") return fixed(2048);
    if (name == "diffie-hellman-group15-sha512") return fixed(3072);
    if (name == "diffie-hellman-group16-sha512") return fixed(4096);
    if (name == "diffie-hellman-group17-sha512") return fixed(6144);
    if (name == "diffie-hellman-group18-sha512") return fixed(8192);
    if (name == "diffie-hellman-group-exchange-sha256" || name == "diffie-hellman-group-exchange-sha1")
        return KexChoice{std::string(name), KexMethod::dh_gex};
    return std::nullopt;
}

const std::vector<std::string_view>& kex_preference() {
    // Cheapest first: an elliptic-curve exchange costs the server least.
    static const std::vector<std::string_view> order{
        "curve25519-sha256",           "curve25519-sha256@libssh.org",  "ecdh-sha2-nistp256",
        "ecdh-sha2-nistp384",          "ecdh-sha2-nistp521",            "diffie-hellman-group14-sha256",
        "diffie-hellman-group14-sha1", "diffie-hellman-group16-sha512", "diffie-hellman-group15-sha512",
        "diffie-hellman-group1-sha1",  "diffie-hellman-group17-sha512", "diffie-hellman-group18-sha512",
        "diffie-hellman-group-exchange-sha256", "diffie-hellman-group-exchange-sha1"};
    return order;
}

core::Result<std::vector<std::uint8_t>> ecdh_public(const KexChoice& choice) {
    if (choice.method == KexMethod::x25519) {
        PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
        if (!key) return openssl_error("X25519 key generation");
        std::vector<std::uint8_t> pub(32);
        std::size_t len = pub.size();
        if (EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &len) != 1 || len != 32)
            return openssl_error("X25519 public key");
        return pub;
    }
    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", choice.curve));
    if (!key) return openssl_error("EC key generation");
    unsigned char* point = nullptr;
    const std::size_t len = EVP_PKEY_get1_encoded_public_key(key.get(), &point);
    if (len == 0 || point == nullptr) return openssl_error("EC public point");
    std::vector<std::uint8_t> out(point, point + len);
    OPENSSL_free(point);
    return out;
}

core::Result<std::vector<std::uint8_t>> dh_public(std::span<const std::uint8_t> p_bytes,
                                                  std::span<const std::uint8_t> g_bytes) {
    BnPtr p(BN_bin2bn(p_bytes.data(), static_cast<int>(p_bytes.size()), nullptr));
    BnPtr g(BN_bin2bn(g_bytes.data(), static_cast<int>(g_bytes.size()), nullptr));
    BnPtr x(BN_new()), e(BN_new());
    std::unique_ptr<BN_CTX, BnCtxFree> ctx(BN_CTX_new());
    if (!p || !g || !x || !e || !ctx) return openssl_error("DH allocation");
    // A 512-bit exponent is ample for a value that is never used for keys;
    // it must only lie in 1 < e < p-1 (RFC 4253 §8), which g^x mod p does.
    const int xbits = std::min(512, BN_num_bits(p.get()) - 1);
    if (xbits < 16 || BN_rand(x.get(), xbits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
        BN_mod_exp(e.get(), g.get(), x.get(), p.get(), ctx.get()) != 1)
        return openssl_error("DH public value");
    return to_bytes(e.get());
}

std::vector<std::uint8_t> fixed_group_prime(std::size_t bits) {
    BnPtr p;
    switch (bits) {
        case 1024: p.reset(BN_get_rfc2409_prime_1024(nullptr)); break;
        case 2048: p.reset(BN_get_rfc3526_prime_2048(nullptr)); break;
        case 3072: p.reset(BN_get_rfc3526_prime_3072(nullptr)); break;
        case 4096: p.reset(BN_get_rfc3526_prime_4096(nullptr)); break;
        case 6144: p.reset(BN_get_rfc3526_prime_6144(nullptr)); break;
        case 8192: p.reset(BN_get_rfc3526_prime_8192(nullptr)); break;
        default: return {};
    }
    return p ? to_bytes(p.get()) : std::vector<std::uint8_t>{};
}

std::string fingerprint_sha256(std::span<const std::uint8_t> blob) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (EVP_Digest(blob.data(), blob.size(), digest, &dlen, EVP_sha256(), nullptr) != 1) return {};
    std::string b64(4 * ((dlen + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), digest, static_cast<int>(dlen));
    b64.resize(static_cast<std::size_t>(n));
    while (!b64.empty() && b64.back() == '=') b64.pop_back();
    return "SHA256:" + b64;
}

}  // namespace conformscan::checks::ssh
