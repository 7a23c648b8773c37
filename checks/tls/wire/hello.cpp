#include "checks/tls/wire/hello.hpp"

#include <array>

#include <fmt/format.h>

namespace conformscan::wire::tls {

namespace {

struct VersionName {
    std::uint16_t code;
    std::string_view name;
};
// OpenSSL's spelling (SSL_get_version), which the `tls` facts use.
constexpr std::array kVersionNames{
    VersionName{kSsl2, "SSLv2"},    VersionName{kSsl3, "SSLv3"},    VersionName{kTls10, "TLSv1"},
    VersionName{kTls11, "TLSv1.1"}, VersionName{kTls12, "TLSv1.2"}, VersionName{kTls13, "TLSv1.3"},
};

}  // namespace

std::string version_name(std::uint16_t version) {
    for (const auto& v : kVersionNames)
        if (v.code == version) return std::string(v.name);
    return fmt::format("0x{:04x}", version);
}

std::optional<std::uint16_t> version_from_name(std::string_view name) {
    for (const auto& v : kVersionNames)
        if (v.name == name) return v.code;
    return std::nullopt;
}

const Extension* ServerHello::find(std::uint16_t type) const {
    for (const auto& e : extensions)
        if (e.type == type) return &e;
    return nullptr;
}

}  // namespace conformscan::wire::tls
