#include "checks/tls/wire/encrypted_extensions.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "checks/tls/wire/hello.hpp"
#include "checks/tls/wire/reader_util.hpp"
#include "scanner/core/byte_reader.hpp"

namespace conformscan::wire::tls {

namespace {

// A u16-length-prefixed block as a reader of its own.
core::Result<core::ByteReader> sub_vector(core::ByteReader& reader, std::string_view field) {
    auto length = in_field(reader.u16(), field);
    if (!length) return length.error();
    return in_field(reader.sub(*length, std::string(field)), field);
}

// RFC 8446 §4.2.7: struct { NamedGroup named_group_list<2..2^16-1>; } NamedGroupList;
core::Result<std::vector<std::uint16_t>> parse_named_group_list(core::ByteReader& reader) {
    const auto at = reader.absolute_offset();
    auto list = in_field(reader.vector(2), "EncryptedExtensions.supported_groups");
    if (!list) return list.error();
    if (list->empty() || list->size() % 2 != 0)
        return core::make_error("malformed", fmt::format("a NamedGroupList of {} bytes", list->size()),
                                "EncryptedExtensions.supported_groups", at);
    if (auto done = in_field(reader.expect_done(), "EncryptedExtensions.supported_groups"); !done)
        return done.error();
    std::vector<std::uint16_t> groups;
    for (std::size_t i = 0; i < list->size(); i += 2)
        groups.push_back(static_cast<std::uint16_t>((*list)[i] << 8 | (*list)[i + 1]));
    return groups;
}

}  // namespace

core::Result<EncryptedExtensions> parse_encrypted_extensions_message(std::span<const std::uint8_t> message) {
    core::ByteReader reader(message, "Handshake");
    auto type = in_field(reader.u8(), "Handshake.msg_type");
    if (!type) return type.error();
    if (*type != kEncryptedExtensionsType)
        return core::make_error("unexpected_message",
                                fmt::format("handshake type {} is not encrypted_extensions (8)", *type),
                                "Handshake.msg_type", 0);
    auto length = in_field(reader.u24(), "Handshake.length");
    if (!length) return length.error();
    auto body = in_field(reader.sub(*length, "EncryptedExtensions"), "Handshake.length");
    if (!body) return body.error();
    if (auto done = in_field(reader.expect_done(), "Handshake"); !done) return done.error();

    auto extensions = in_field(sub_vector(*body, "EncryptedExtensions.extensions"), "EncryptedExtensions.extensions");
    if (!extensions) return extensions.error();
    if (auto done = in_field(body->expect_done(), "EncryptedExtensions"); !done) return done.error();

    EncryptedExtensions out;
    while (!extensions->done()) {
        auto ext_type = in_field(extensions->u16(), "EncryptedExtensions.extensions.type");
        if (!ext_type) return ext_type.error();
        const auto at = extensions->absolute_offset();
        auto data = sub_vector(*extensions, "EncryptedExtensions.extensions.data");
        if (!data) return data.error();
        if (std::find(out.extension_types.begin(), out.extension_types.end(), *ext_type) != out.extension_types.end())
            return core::make_error("duplicate_extension", fmt::format("extension {} sent twice", *ext_type),
                                    "EncryptedExtensions.extensions", at);
        out.extension_types.push_back(*ext_type);
        if (*ext_type == ext::kSupportedGroups) {
            auto groups = parse_named_group_list(*data);
            if (!groups) return groups.error();
            out.supported_groups = std::move(*groups);
        }
    }
    return out;
}

}  // namespace conformscan::wire::tls
