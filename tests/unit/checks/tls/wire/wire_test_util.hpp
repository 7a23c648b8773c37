// Helpers shared by the TLS wire tests: fixture loading and a test-only
// ClientHello parser (the product never parses ClientHellos).
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "scanner/core/byte_reader.hpp"

namespace conformscan::wire::tls::testing {

using Bytes = std::vector<std::uint8_t>;

// A file under tests/unit/data/tls/, or empty when it cannot be read.
inline Bytes load_tls_fixture(const std::string& name) {
    std::ifstream in(std::string(CONFORMSCAN_TEST_DATA) + "/tls/" + name, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct ParsedExtension {
    std::uint16_t type = 0;
    Bytes data;
};

struct ParsedClientHello {
    std::uint16_t version = 0;
    Bytes random;
    Bytes session_id;
    std::vector<std::uint16_t> suites;
    Bytes compression;
    bool has_extension_block = false;
    std::vector<ParsedExtension> extensions;

    [[nodiscard]] const ParsedExtension* find(std::uint16_t type) const {
        for (const auto& e : extensions)
            if (e.type == type) return &e;
        return nullptr;
    }
};

// Parses a ClientHello handshake message (with its 4-byte header); every
// length must match exactly.
inline core::Result<ParsedClientHello> parse_client_hello_for_test(const Bytes& message) {
    core::ByteReader outer(message, "ClientHello");
    auto type = outer.u8();
    if (!type) return type.error();
    if (*type != 1) return outer.error("bad_type", "not a ClientHello");
    auto len = outer.u24();
    if (!len) return len.error();
    auto body = outer.sub(*len, "ClientHello.body");
    if (!body) return body.error();
    if (auto d = outer.expect_done(); !d) return d.error();

    ParsedClientHello out;
    auto v = body->u16();
    if (!v) return v.error();
    out.version = *v;
    auto random = body->bytes(32);
    if (!random) return random.error();
    out.random.assign(random->begin(), random->end());
    auto sid = body->vector(1, 0, 32);
    if (!sid) return sid.error();
    out.session_id.assign(sid->begin(), sid->end());
    auto suites = body->vector(2, 2);
    if (!suites) return suites.error();
    if (suites->size() % 2) return body->error("bad_length", "odd suite list");
    for (std::size_t i = 0; i < suites->size(); i += 2)
        out.suites.push_back(static_cast<std::uint16_t>(((*suites)[i] << 8) | (*suites)[i + 1]));
    auto comp = body->vector(1, 1);
    if (!comp) return comp.error();
    out.compression.assign(comp->begin(), comp->end());
    if (body->done()) return out;
    out.has_extension_block = true;
    auto block_len = body->u16();
    if (!block_len) return block_len.error();
    auto block = body->sub(*block_len, "ClientHello.extensions");
    if (!block) return block.error();
    while (!block->done()) {
        auto t = block->u16();
        if (!t) return t.error();
        auto data = block->vector(2);
        if (!data) return data.error();
        out.extensions.push_back(ParsedExtension{*t, Bytes(data->begin(), data->end())});
    }
    if (auto d = body->expect_done(); !d) return d.error();
    return out;
}

}  // namespace conformscan::wire::tls::testing
