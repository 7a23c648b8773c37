// Records to handshake messages (RFC 5246 §6.2.1, RFC 8446 §5.1), and the
// TLS <= 1.2 Certificate and ServerKeyExchange bodies.
#include "checks/tls/wire/handshake.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checks/tls/wire/hello.hpp"
#include "checks/tls/wire/reader_util.hpp"

namespace conformscan::wire::tls {

namespace {

constexpr std::size_t kHandshakeHeaderSize = 4;  // msg_type(1) + length(3)
constexpr std::uint8_t kNamedCurve = 3;          // RFC 8422 §5.4 ECCurveType named_curve

int bit_length(std::span<const std::uint8_t> be) {
    std::size_t i = 0;
    while (i < be.size() && be[i] == 0) ++i;
    if (i == be.size()) return 0;
    int top = 0;
    for (std::uint8_t b = be[i]; b != 0; b >>= 1) ++top;
    return static_cast<int>((be.size() - i - 1) * 8) + top;
}

}  // namespace

FlightReader::FlightReader(std::size_t max_total, std::size_t max_message)
    : m_max_total(max_total), m_max_message(max_message) {}

core::Result<void> FlightReader::feed(std::span<const std::uint8_t> bytes) {
    if (m_failed) return *m_failed;
    const std::size_t offset = m_total;
    m_total += bytes.size();
    if (m_total > m_max_total) {
        m_failed =
            core::make_error("flight_too_large", fmt::format("server sent more than {} bytes", m_max_total),
                             "ServerFlight", offset);
        return *m_failed;
    }
    if (m_after_fatal) return {};
    m_pending.insert(m_pending.end(), bytes.begin(), bytes.end());
    auto r = consume_records();
    if (!r) m_failed = r.error();
    return r;
}

bool FlightReader::has(std::uint8_t type) const {
    if (m_flight.alert) return true;
    return std::any_of(m_flight.messages.begin(), m_flight.messages.end(),
                       [type](const HandshakeMessage& m) { return m.type == type; });
}

core::Result<void> FlightReader::consume_records() {
    std::size_t used = 0;
    while (m_pending.size() - used >= kRecordHeaderSize) {
        // Offsets in errors count from the first byte the server sent.
        const std::size_t record_at = m_total - m_pending.size() + used;
        const auto rest = std::span<const std::uint8_t>(m_pending).subspan(used);
        core::ByteReader reader(rest, "TLSPlaintext", record_at);
        auto header = parse_record_header(reader);
        if (!header) return header.error();
        if (reader.remaining() < header->length) break;  // wait for the rest of the record
        auto fragment = reader.bytes(header->length);
        if (!fragment) return fragment.error();

        const auto type = static_cast<ContentType>(header->content_type);
        // RFC 8446 §5.1: handshake messages MUST NOT be interleaved with other
        // record types; a partial message followed by anything else is broken.
        if (type != ContentType::handshake && !m_handshake.empty())
            return core::make_error("interleaved_record",
                                    fmt::format("{} record inside a fragmented handshake message",
                                                content_type_name(header->content_type)),
                                    "TLSPlaintext", record_at);
        // After ChangeCipherSpec every handshake and alert record is encrypted
        // (RFC 5246 §7.1); TLS 1.3 encrypts under the application_data type.
        const bool encrypted = m_flight.change_cipher_spec;
        switch (type) {
            case ContentType::handshake:
                if (encrypted) {
                    m_flight.encrypted_records = true;
                } else if (auto r = consume_handshake_bytes(*fragment, record_at + kRecordHeaderSize); !r) {
                    return r;
                }
                break;
            case ContentType::alert:
                if (encrypted) {
                    m_flight.encrypted_records = true;
                } else {
                    core::ByteReader body(*fragment, "Alert", record_at + kRecordHeaderSize);
                    auto alert = parse_alert(body);
                    if (!alert) return alert.error();
                    if (!m_flight.alert) m_flight.alert = *alert;
                    if (alert->level == 2) {
                        m_after_fatal = true;
                        m_pending.clear();
                        return {};
                    }
                }
                break;
            case ContentType::change_cipher_spec:
                m_flight.change_cipher_spec = true;
                break;
            case ContentType::application_data:
                m_flight.encrypted_records = true;
                break;
            case ContentType::heartbeat:
                m_flight.heartbeat = true;
                break;
        }
        used += kRecordHeaderSize + header->length;
    }
    m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(used));
    return {};
}

core::Result<void> FlightReader::consume_handshake_bytes(std::span<const std::uint8_t> fragment,
                                                         std::size_t fragment_offset) {
    // RFC 5246 §6.2.1: no zero-length handshake fragments.
    if (fragment.empty())
        return core::make_error("empty_fragment", "zero-length handshake record", "TLSPlaintext",
                                fragment_offset);
    m_handshake.insert(m_handshake.end(), fragment.begin(), fragment.end());
    std::size_t used = 0;
    while (m_handshake.size() - used >= kHandshakeHeaderSize) {
        const auto rest = std::span<const std::uint8_t>(m_handshake).subspan(used);
        core::ByteReader reader(rest, "Handshake");
        auto type = reader.u8();
        auto length = reader.u24();
        if (!type || !length) break;  // unreachable: four bytes are there
        if (*length > m_max_message)
            return core::make_error("message_too_large",
                                    fmt::format("handshake message type {} of {} bytes exceeds {}", *type,
                                                *length, m_max_message),
                                    "Handshake", fragment_offset);
        if (reader.remaining() < *length) break;  // the rest comes in later records
        auto body = reader.bytes(*length);
        if (!body) return body.error();
        m_flight.messages.push_back(
            HandshakeMessage{*type, std::vector<std::uint8_t>(body->begin(), body->end())});
        used += kHandshakeHeaderSize + *length;
    }
    m_handshake.erase(m_handshake.begin(), m_handshake.begin() + static_cast<std::ptrdiff_t>(used));
    return {};
}

core::Result<std::vector<std::vector<std::uint8_t>>> parse_certificate_list(
    std::span<const std::uint8_t> body) {
    // RFC 5246 §7.4.2: ASN.1Cert certificate_list<0..2^24-1>; opaque ASN.1Cert<1..2^24-1>.
    core::ByteReader reader(body, "Certificate");
    auto list_len = in_field(reader.u24(), "Certificate.certificate_list");
    if (!list_len) return list_len.error();
    auto list =
        in_field(reader.sub(*list_len, "Certificate.certificate_list"), "Certificate.certificate_list");
    if (!list) return list.error();
    if (auto done = reader.expect_done(); !done) return done.error();

    std::vector<std::vector<std::uint8_t>> out;
    while (!list->done()) {
        auto cert = in_field(list->vector(3, 1), "Certificate.certificate_list");
        if (!cert) return cert.error();
        out.emplace_back(cert->begin(), cert->end());
    }
    return out;
}

namespace {

core::Result<void> parse_dh_params(core::ByteReader& reader, ServerKeyExchange& out) {
    // RFC 5246 §7.4.3 ServerDHParams: dh_p<1..2^16-1>, dh_g<1..2^16-1>, dh_Ys<1..2^16-1>.
    auto p = in_field(reader.vector(2, 1), "ServerKeyExchange.dh_p");
    if (!p) return p.error();
    auto g = in_field(reader.vector(2, 1), "ServerKeyExchange.dh_g");
    if (!g) return g.error();
    auto ys = in_field(reader.vector(2, 1), "ServerKeyExchange.dh_Ys");
    if (!ys) return ys.error();
    out.dh_p.assign(p->begin(), p->end());
    out.dh_g.assign(g->begin(), g->end());
    out.dh_bits = bit_length(*p);
    return {};
}

core::Result<void> parse_ec_params(core::ByteReader& reader, ServerKeyExchange& out) {
    // RFC 8422 §5.4 ServerECDHParams: ECParameters curve_params; ECPoint public.
    const std::size_t at = reader.absolute_offset();
    auto curve_type = in_field(reader.u8(), "ServerKeyExchange.curve_type");
    if (!curve_type) return curve_type.error();
    // RFC 8422 §5.1.1: explicit_prime (1) and explicit_char2 (2) are deprecated
    // and MUST NOT be used; only named_curve (3) is accepted.
    if (*curve_type != kNamedCurve)
        return core::make_error("explicit_curve",
                                fmt::format("curve type {} is not named_curve (3)", *curve_type),
                                "ServerKeyExchange.curve_type", at);
    auto group = in_field(reader.u16(), "ServerKeyExchange.named_curve");
    if (!group) return group.error();
    auto point = in_field(reader.vector(1, 1), "ServerKeyExchange.public");
    if (!point) return point.error();
    out.named_group = *group;
    out.ec_point.assign(point->begin(), point->end());
    return {};
}

}  // namespace

core::Result<ServerKeyExchange> parse_server_key_exchange(std::span<const std::uint8_t> body,
                                                          KeyExchangeKind kind, std::uint16_t version) {
    core::ByteReader reader(body, "ServerKeyExchange");
    ServerKeyExchange out;
    out.kind = kind;
    switch (kind) {
        case KeyExchangeKind::dhe:
            if (auto r = parse_dh_params(reader, out); !r) return r.error();
            break;
        case KeyExchangeKind::ecdhe:
            if (auto r = parse_ec_params(reader, out); !r) return r.error();
            break;
        case KeyExchangeKind::other:
            return core::make_error("unsupported_key_exchange", "only DHE and ECDHE parameters are parsed",
                                    "ServerKeyExchange", 0);
    }
    // Anonymous suites (DH_anon, ECDH_anon) send the parameters alone.
    if (reader.done()) return out;
    // RFC 5246 §7.4.3 / §4.7: digitally-signed, with a SignatureAndHashAlgorithm
    // in TLS 1.2 only (RFC 4346 and earlier sign without naming the algorithm).
    if (version == kTls12) {
        auto scheme = in_field(reader.u16(), "ServerKeyExchange.algorithm");
        if (!scheme) return scheme.error();
        out.signature_scheme = *scheme;
    }
    auto signature = in_field(reader.vector(2), "ServerKeyExchange.signature");
    if (!signature) return signature.error();
    if (auto done = reader.expect_done(); !done) return done.error();
    return out;
}

}  // namespace conformscan::wire::tls
