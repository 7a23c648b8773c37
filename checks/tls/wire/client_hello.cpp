// ClientHello encoding: RFC 8446 §4.1.2 and RFC 5246 §7.4.1.2.
#include <algorithm>
#include <string_view>
#include <utility>

#include "checks/tls/wire/byte_writer.hpp"
#include "checks/tls/wire/handshake.hpp"
#include "checks/tls/wire/hello.hpp"
#include "checks/tls/wire/key_share_values.hpp"

namespace conformscan::wire::tls {

namespace {

constexpr std::size_t kExtensionHeaderSize = 4;
constexpr std::size_t kMaxSessionId = 32;       // RFC 5246 §7.4.1.2 SessionID<0..32>
constexpr std::size_t kMaxFragment = 1u << 14;  // RFC 5246 §6.2.1 TLSPlaintext.length
constexpr std::uint8_t kSniHostName = 0;        // RFC 6066 §3 NameType host_name
constexpr std::uint8_t kStatusTypeOcsp = 1;     // RFC 6066 §8 CertificateStatusType ocsp
constexpr std::uint8_t kPeerAllowedToSend = 1;  // RFC 6520 §2 HeartbeatMode
constexpr std::uint8_t kPskDheKe = 1;           // RFC 8446 §4.2.9 PskKeyExchangeMode psk_dhe_ke

using Extensions = std::vector<Extension>;

// Builds one extension's body with a ByteWriter; an overflowing body makes
// the whole hello unencodable.
template <typename Fill>
void add(Extensions& out, bool& failed, std::uint16_t type, Fill fill) {
    ByteWriter w;
    fill(w);
    if (w.overflow()) failed = true;
    out.push_back(Extension{type, std::move(w).take()});
}

void add_empty(Extensions& out, std::uint16_t type) {
    out.push_back(Extension{type, {}});
}

void put_u16_list(ByteWriter& w, const std::vector<std::uint16_t>& values, std::size_t max_len = SIZE_MAX) {
    auto list = w.open(2);
    for (auto v : values) w.u16(v);
    w.close(list, max_len);
}

// The requested extensions, in the order the brief of this encoder fixes
// (close to what mainstream clients send), without padding.
Extensions build_extensions(const ClientHelloSpec& spec, bool& failed) {
    Extensions out;
    if (!spec.server_name.empty()) {
        // RFC 6066 §3: ServerNameList<1..2^16-1> of {NameType, HostName<1..2^16-1>}.
        add(out, failed, ext::kServerName, [&](ByteWriter& w) {
            auto list = w.open(2);
            w.u8(kSniHostName);
            auto name = w.open(2);
            w.bytes(
                {reinterpret_cast<const std::uint8_t*>(spec.server_name.data()), spec.server_name.size()});
            w.close(name);
            w.close(list);
        });
    }
    // RFC 8422 §5.1.2 ec_point_formats; RFC 4492/8422 define it for TLS 1.0 to
    // 1.2 only, and an SSLv3 server may choke on any extension, so the
    // default-on flag is not honoured in an SSLv3 hello.
    if (spec.ec_point_formats && spec.version != kSsl3) {
        add(out, failed, ext::kEcPointFormats, [](ByteWriter& w) {
            auto list = w.open(1);
            w.u8(0);  // uncompressed
            w.u8(1);  // ansiX962_compressed_prime
            w.u8(2);  // ansiX962_compressed_char2
            w.close(list);
        });
    }
    if (!spec.groups.empty()) {
        // RFC 8446 §4.2.7 NamedGroupList named_group_list<2..2^16-1>.
        add(out, failed, ext::kSupportedGroups, [&](ByteWriter& w) { put_u16_list(w, spec.groups); });
    }
    if (spec.session_ticket) add_empty(out, ext::kSessionTicket);     // RFC 5077 §3.2: empty ticket
    if (spec.encrypt_then_mac) add_empty(out, ext::kEncryptThenMac);  // RFC 7366 §2
    if (spec.extended_master_secret) add_empty(out, ext::kExtendedMasterSecret);  // RFC 7627 §5.1
    if (!spec.signature_algorithms.empty()) {
        // RFC 8446 §4.2.3 supported_signature_algorithms<2..2^16-2>.
        add(out, failed, ext::kSignatureAlgorithms,
            [&](ByteWriter& w) { put_u16_list(w, spec.signature_algorithms, 0xfffe); });
    }
    if (spec.status_request) {
        // RFC 6066 §8: ocsp, empty responder_id_list and request_extensions.
        add(out, failed, ext::kStatusRequest, [](ByteWriter& w) {
            w.u8(kStatusTypeOcsp);
            w.u16(0);
            w.u16(0);
        });
    }
    if (spec.signed_certificate_timestamp) add_empty(out, ext::kSct);  // RFC 6962 §3.3.1: empty
    if (!spec.alpn.empty()) {
        // RFC 7301 §3.1: ProtocolName<1..2^8-1> protocol_name_list<2..2^16-1>.
        add(out, failed, ext::kAlpn, [&](ByteWriter& w) {
            auto list = w.open(2);
            for (const auto& name : spec.alpn) {
                if (name.empty()) w.fail();
                auto n = w.open(1);
                w.bytes({reinterpret_cast<const std::uint8_t*>(name.data()), name.size()});
                w.close(n);
            }
            w.close(list);
        });
    }
    if (spec.heartbeat) {
        add(out, failed, ext::kHeartbeat, [](ByteWriter& w) { w.u8(kPeerAllowedToSend); });  // RFC 6520 §2
    }
    if (spec.renegotiation_info) {
        // RFC 5746 §3.4: renegotiated_connection<0..255>, empty on the first handshake.
        add(out, failed, ext::kRenegotiationInfo, [](ByteWriter& w) { w.u8(0); });
    }
    if (!spec.supported_versions.empty()) {
        // RFC 8446 §4.2.1: ProtocolVersion versions<2..254>.
        add(out, failed, ext::kSupportedVersions, [&](ByteWriter& w) {
            auto list = w.open(1);
            for (auto v : spec.supported_versions) w.u16(v);
            w.close(list, 254);
        });
    }
    if (spec.psk_key_exchange_modes) {
        // RFC 8446 §4.2.9: PskKeyExchangeMode ke_modes<1..255>.
        add(out, failed, ext::kPskKeyExchangeModes, [](ByteWriter& w) {
            auto list = w.open(1);
            w.u8(kPskDheKe);
            w.close(list);
        });
    }
    if (!spec.key_share_groups.empty()) {
        // RFC 8446 §4.2.8: KeyShareEntry client_shares<0..2^16-1>; groups
        // without a known value are skipped (an empty list is valid and asks
        // the server for a HelloRetryRequest).
        add(out, failed, ext::kKeyShare, [&](ByteWriter& w) {
            auto list = w.open(2);
            for (auto group : spec.key_share_groups) {
                const auto value = key_share_value(group);
                if (value.empty()) continue;
                w.u16(group);
                auto key = w.open(2);
                w.bytes(value);
                w.close(key);
            }
            w.close(list);
        });
    }
    if (!spec.cookie.empty()) {
        // RFC 8446 §4.2.2: opaque cookie<1..2^16-1>.
        add(out, failed, ext::kCookie, [&](ByteWriter& w) {
            auto c = w.open(2);
            w.bytes(spec.cookie);
            w.close(c);
        });
    }
    if (spec.early_data) add_empty(out, ext::kEarlyData);  // RFC 8446 §4.2.10: empty in ClientHello
    return out;
}

std::vector<std::uint8_t> encode_message(const ClientHelloSpec& spec, const Extensions& extensions) {
    ByteWriter w;
    w.u8(handshake_type::kClientHello);
    auto body = w.open(3);
    w.u16(spec.version);
    w.bytes(spec.random);
    auto session_id = w.open(1);
    w.bytes(spec.session_id);
    w.close(session_id, kMaxSessionId);

    // RFC 5246 §7.4.1.2: CipherSuite cipher_suites<2..2^16-2>; RFC 7507 §4 and
    // RFC 5746 §3.3: the SCSVs go in the suite list.
    auto suites = w.open(2);
    for (auto s : spec.cipher_suites) w.u16(s);
    if (spec.empty_renegotiation_info_scsv) w.u16(kEmptyRenegotiationInfoScsv);
    if (spec.fallback_scsv) w.u16(kFallbackScsv);
    w.close(suites, 0xfffe);

    // CompressionMethod compression_methods<1..2^8-1>.
    if (spec.compression_methods.empty()) w.fail();
    auto compression = w.open(1);
    w.bytes(spec.compression_methods);
    w.close(compression);

    // RFC 5246 §7.4.1.2: the extensions block may be absent; it is left out
    // when nothing is requested, which is what an SSLv3 server expects.
    if (!extensions.empty()) {
        auto block = w.open(2);
        for (const auto& e : extensions) {
            w.u16(e.type);
            auto data = w.open(2);
            w.bytes(e.data);
            w.close(data);
        }
        w.close(block);
    }
    w.close(body);
    return std::move(w).take();
}

}  // namespace

std::vector<std::uint8_t> encode_client_hello(const ClientHelloSpec& spec) {
    bool failed = false;
    Extensions extensions = build_extensions(spec, failed);
    if (failed) return {};
    auto message = encode_message(spec, extensions);
    if (message.empty() || spec.pad_to <= message.size()) return message;

    // RFC 7685 §3: padding is zero bytes; it goes last. Adding it costs its
    // 4-byte header, plus the 2-byte block length if there was no block, so
    // a shortfall smaller than that overshoots pad_to by the difference.
    const std::size_t overhead = kExtensionHeaderSize + (extensions.empty() ? 2 : 0);
    const std::size_t shortfall = spec.pad_to - message.size();
    extensions.push_back(Extension{
        ext::kPadding, std::vector<std::uint8_t>(shortfall > overhead ? shortfall - overhead : 0, 0)});
    return encode_message(spec, extensions);
}

std::vector<std::uint8_t> encode_client_hello_records(const ClientHelloSpec& spec) {
    const auto message = encode_client_hello(spec);
    std::vector<std::uint8_t> out;
    if (message.empty()) return out;
    // RFC 5246 §6.2.1: fragments of at most 2^14 bytes.
    for (std::size_t at = 0; at < message.size(); at += kMaxFragment) {
        const std::size_t len = std::min(kMaxFragment, message.size() - at);
        ByteWriter w;
        w.u8(static_cast<std::uint8_t>(ContentType::handshake));
        w.u16(spec.record_version);
        w.u16(static_cast<std::uint16_t>(len));
        w.bytes(std::span(message).subspan(at, len));
        const auto record = std::move(w).take();
        out.insert(out.end(), record.begin(), record.end());
    }
    return out;
}

}  // namespace conformscan::wire::tls
