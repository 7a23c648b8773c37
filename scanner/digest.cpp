#include "scanner/digest.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <span>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "scanner/core/byte_reader.hpp"

namespace conformscan::scanner {

namespace {

using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

std::string hex_of(const unsigned char* digest, unsigned int len) {
    return core::to_hex(std::span<const std::uint8_t>(digest, len));
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    // EVP_Digest only fails on allocation failure; an empty string then marks
    // the digest as unknown rather than inventing one.
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1) return {};
    return hex_of(digest, len);
}

core::Result<std::string> sha256_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return core::make_error("io", fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
    MdCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        return core::make_error("crypto", "cannot initialise SHA-256");
    std::array<char, 64 * 1024> buffer{};
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto got = in.gcount();
        if (got > 0 && EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(got)) != 1)
            return core::make_error("crypto", "SHA-256 update failed");
    }
    if (in.bad()) return core::make_error("io", fmt::format("error while reading {}", file.string()));
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1)
        return core::make_error("crypto", "SHA-256 final failed");
    return hex_of(digest, len);
}

}  // namespace conformscan::scanner
