// Small helpers shared by the TLS wire parsers. Internal to the wire library.
#pragma once

#include <string_view>

#include "scanner/core/result.hpp"

namespace conformscan::wire::tls {

// Names the field an error occurred in: ByteReader errors carry the reader's
// context ("ServerHello"); callers want the field ("ServerHello.session_id").
// The offset is kept.
template <typename T>
core::Result<T> in_field(core::Result<T> result, std::string_view field) {
    if (result.ok()) return result;
    core::Error e = result.error();
    e.where = std::string(field);
    return e;
}

}  // namespace conformscan::wire::tls
