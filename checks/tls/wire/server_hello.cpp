// ServerHello and HelloRetryRequest parsing: RFC 8446 §4.1.3, RFC 5246
// §7.4.1.3 (and RFC 6101 §5.6.1.3 for SSLv3, which has no extensions).
#include <algorithm>
#include <array>
#include <optional>

#include <fmt/format.h>

#include "checks/tls/wire/hello.hpp"
#include "checks/tls/wire/reader_util.hpp"

namespace conformscan::wire::tls {

namespace {

// RFC 8446 §4.1.3: a HelloRetryRequest's random is SHA-256("HelloRetryRequest").
constexpr std::array<std::uint8_t, 32> kHelloRetryRequestRandom{
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

// RFC 8446 §4.1.3: the last 8 bytes of a TLS 1.3 server's random when it
// negotiates TLS 1.2 ("DOWNGRD" 01) or TLS 1.1 and below ("DOWNGRD" 00).
constexpr std::array<std::uint8_t, 7> kDowngradePrefix{0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44};

constexpr std::size_t kMaxSessionId = 32;

std::string downgrade_sentinel(const std::array<std::uint8_t, 32>& random) {
    const auto tail = std::span(random).last(8);
    if (!std::equal(kDowngradePrefix.begin(), kDowngradePrefix.end(), tail.begin())) return "";
    if (tail[7] == 0x01) return "TLS12";
    if (tail[7] == 0x00) return "TLS11";
    return "";
}

// The extensions as sent, and where each one's data starts in the body.
struct ParsedExtensions {
    std::vector<Extension> extensions;
    std::vector<std::size_t> data_offsets;
};

core::Result<ParsedExtensions> parse_extensions(core::ByteReader& reader) {
    constexpr std::string_view kWhere = "ServerHello.extensions";
    ParsedExtensions parsed;
    auto& out = parsed.extensions;
    auto len = in_field(reader.u16(), kWhere);
    if (!len) return len.error();
    auto block = in_field(reader.sub(*len, std::string(kWhere)), kWhere);
    if (!block) return block.error();
    while (!block->done()) {
        const std::size_t at = block->absolute_offset();
        auto type = block->u16();
        if (!type) return type.error();
        auto data = block->vector(2);
        if (!data) return data.error();
        parsed.data_offsets.push_back(block->absolute_offset() - data->size());
        // RFC 8446 §4.2: no more than one extension of each type.
        if (std::any_of(out.begin(), out.end(), [&](const Extension& e) { return e.type == *type; }))
            return core::make_error("duplicate_extension", fmt::format("extension {} appears twice", *type),
                                    std::string(kWhere), at);
        out.push_back(Extension{*type, std::vector<std::uint8_t>(data->begin(), data->end())});
    }
    return parsed;
}

// Readers over the extensions' data, named after the extension
// ("ServerHello.key_share") and positioned at its offset in the body.
class ExtensionReaders {
public:
    ExtensionReaders(const ServerHello& hello, const std::vector<std::size_t>& offsets)
        : m_hello(hello), m_offsets(offsets) {}

    std::optional<core::ByteReader> find(std::uint16_t type, std::string_view name) const {
        for (std::size_t i = 0; i < m_hello.extensions.size(); ++i) {
            const auto& e = m_hello.extensions[i];
            if (e.type == type)
                return core::ByteReader(e.data, fmt::format("ServerHello.{}", name), m_offsets[i]);
        }
        return std::nullopt;
    }

private:
    const ServerHello& m_hello;
    const std::vector<std::size_t>& m_offsets;
};

core::Result<void> derive_versions_and_shares(ServerHello& hello, const ExtensionReaders& exts) {
    if (auto r = exts.find(ext::kSupportedVersions, "supported_versions")) {
        // RFC 8446 §4.2.1: the server sends one selected_version.
        auto v = r->u16();
        if (!v) return v.error();
        if (auto done = r->expect_done(); !done) return done.error();
        hello.selected_version = *v;
    }
    if (auto r = exts.find(ext::kKeyShare, "key_share")) {
        auto group = r->u16();
        if (!group) return group.error();
        if (!hello.hello_retry_request) {
            // RFC 8446 §4.2.8: KeyShareEntry server_share {group, key_exchange<1..2^16-1>}.
            auto key = r->vector(2, 1);
            if (!key) return key.error();
        }  // else KeyShareHelloRetryRequest: selected_group only.
        if (auto done = r->expect_done(); !done) return done.error();
        hello.key_share_group = *group;
    }
    if (auto r = exts.find(ext::kCookie, "cookie")) {
        // RFC 8446 §4.2.2: opaque cookie<1..2^16-1>.
        auto cookie = r->vector(2, 1);
        if (!cookie) return cookie.error();
        if (auto done = r->expect_done(); !done) return done.error();
        hello.cookie.assign(cookie->begin(), cookie->end());
    }
    return {};
}

core::Result<void> derive_features(ServerHello& hello, const ExtensionReaders& exts) {
    if (auto r = exts.find(ext::kAlpn, "alpn")) {
        // RFC 7301 §3.1: the server's protocol_name_list holds exactly one name.
        const std::size_t names_at = r->absolute_offset() + 2;
        auto list = r->vector(2, 2);
        if (!list) return list.error();
        if (auto done = r->expect_done(); !done) return done.error();
        core::ByteReader names(*list, "ServerHello.alpn", names_at);
        auto name = names.vector(1, 1);
        if (!name) return name.error();
        if (!names.done()) return names.error("bad_alpn", "the server selected more than one protocol");
        hello.alpn = std::string(name->begin(), name->end());
    }
    if (auto r = exts.find(ext::kRenegotiationInfo, "renegotiation_info")) {
        // RFC 5746 §3.6: renegotiated_connection<0..255>, empty on a first handshake.
        auto conn = r->vector(1);
        if (!conn) return conn.error();
        if (auto done = r->expect_done(); !done) return done.error();
        hello.secure_renegotiation = true;
    }
    struct Flag {
        std::uint16_t type;
        std::string_view name;
        bool ServerHello::*member;
    };
    // Empty extension_data in the ServerHello: RFC 7627 §5.1, RFC 7366 §2,
    // RFC 5077 §3.2, RFC 6066 §8.
    constexpr std::array kFlags{
        Flag{ext::kExtendedMasterSecret, "extended_master_secret", &ServerHello::extended_master_secret},
        Flag{ext::kEncryptThenMac, "encrypt_then_mac", &ServerHello::encrypt_then_mac},
        Flag{ext::kSessionTicket, "session_ticket", &ServerHello::session_ticket},
        Flag{ext::kStatusRequest, "status_request", &ServerHello::status_request},
    };
    for (const auto& flag : kFlags) {
        if (auto r = exts.find(flag.type, flag.name)) {
            if (auto empty = r->expect_done(); !empty) return empty.error();
            hello.*flag.member = true;
        }
    }
    if (auto r = exts.find(ext::kHeartbeat, "heartbeat")) {
        // RFC 6520 §2: HeartbeatMode mode; 1 peer_allowed_to_send, 2 peer_not_allowed_to_send.
        auto mode = r->u8();
        if (!mode) return mode.error();
        if (auto done = r->expect_done(); !done) return done.error();
        hello.heartbeat = true;
        hello.heartbeat_mode = *mode;
    }
    return {};
}

}  // namespace

core::Result<ServerHello> parse_server_hello(std::span<const std::uint8_t> body) {
    core::ByteReader reader(body, "ServerHello");
    ServerHello hello;

    auto version = in_field(reader.u16(), "ServerHello.legacy_version");
    if (!version) return version.error();
    hello.legacy_version = *version;
    hello.selected_version = *version;

    auto random = in_field(reader.bytes(32), "ServerHello.random");
    if (!random) return random.error();
    std::copy(random->begin(), random->end(), hello.random.begin());

    auto session_id = in_field(reader.vector(1, 0, kMaxSessionId), "ServerHello.session_id");
    if (!session_id) return session_id.error();
    hello.session_id.assign(session_id->begin(), session_id->end());

    auto suite = in_field(reader.u16(), "ServerHello.cipher_suite");
    if (!suite) return suite.error();
    hello.cipher_suite = *suite;

    auto compression = in_field(reader.u8(), "ServerHello.compression_method");
    if (!compression) return compression.error();
    hello.compression_method = *compression;

    // RFC 5246 §7.4.1.3: the extensions block is optional (and SSLv3 has none).
    std::vector<std::size_t> offsets;
    if (!reader.done()) {
        auto extensions = parse_extensions(reader);
        if (!extensions) return extensions.error();
        hello.extensions = std::move(extensions->extensions);
        offsets = std::move(extensions->data_offsets);
    }
    if (auto done = reader.expect_done(); !done) return done.error();

    hello.hello_retry_request = hello.random == kHelloRetryRequestRandom;
    if (!hello.hello_retry_request) hello.downgrade_sentinel = downgrade_sentinel(hello.random);
    const ExtensionReaders exts(hello, offsets);
    if (auto r = derive_versions_and_shares(hello, exts); !r) return r.error();
    if (auto r = derive_features(hello, exts); !r) return r.error();
    return hello;
}

}  // namespace conformscan::wire::tls
