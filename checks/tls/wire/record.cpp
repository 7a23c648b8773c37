#include "checks/tls/wire/record.hpp"

#include <array>

#include <fmt/format.h>

namespace conformscan::wire::tls {

namespace {

constexpr std::size_t kMaxQuotedChars = 48;

// RFC 8446 §6 AlertDescription, with the codes earlier versions defined and
// TLS 1.3 marks RESERVED (RFC 5246 §7.2, RFC 6101 §5.4.2, RFC 6066 §9,
// RFC 7301 §3.2). Kept sorted by code.
struct AlertName {
    std::uint8_t code;
    std::string_view name;
};
constexpr std::array kAlertNames{
    AlertName{0, "close_notify"},
    AlertName{10, "unexpected_message"},
    AlertName{20, "bad_record_mac"},
    AlertName{21, "decryption_failed"},  // RESERVED since TLS 1.2
    AlertName{22, "record_overflow"},
    AlertName{30, "decompression_failure"},  // RESERVED
    AlertName{40, "handshake_failure"},
    AlertName{41, "no_certificate"},  // SSL 3.0 only
    AlertName{42, "bad_certificate"},
    AlertName{43, "unsupported_certificate"},
    AlertName{44, "certificate_revoked"},
    AlertName{45, "certificate_expired"},
    AlertName{46, "certificate_unknown"},
    AlertName{47, "illegal_parameter"},
    AlertName{48, "unknown_ca"},
    AlertName{49, "access_denied"},
    AlertName{50, "decode_error"},
    AlertName{51, "decrypt_error"},
    AlertName{60, "export_restriction"},  // RESERVED
    AlertName{70, "protocol_version"},
    AlertName{71, "insufficient_security"},
    AlertName{80, "internal_error"},
    AlertName{86, "inappropriate_fallback"},  // RFC 7507 §2
    AlertName{90, "user_canceled"},
    AlertName{100, "no_renegotiation"},  // RESERVED
    AlertName{109, "missing_extension"},
    AlertName{110, "unsupported_extension"},
    AlertName{111, "certificate_unobtainable"},  // RFC 6066, RESERVED in TLS 1.3
    AlertName{112, "unrecognized_name"},
    AlertName{113, "bad_certificate_status_response"},
    AlertName{114, "bad_certificate_hash_value"},  // RFC 6066, RESERVED in TLS 1.3
    AlertName{115, "unknown_psk_identity"},
    AlertName{116, "certificate_required"},
    AlertName{120, "no_application_protocol"},
};

// SSLv2 message types (draft-hickman-netscape-ssl-00, "Protocol Messages").
constexpr std::array<std::string_view, 9> kSslv2MessageNames{
    "ERROR",         "CLIENT-HELLO",    "CLIENT-MASTER-KEY",   "CLIENT-FINISHED",    "SERVER-HELLO",
    "SERVER-VERIFY", "SERVER-FINISHED", "REQUEST-CERTIFICATE", "CLIENT-CERTIFICATE",
};

bool is_known_content_type(std::uint8_t t) {
    return t >= 20 && t <= 24;
}

// The first line of the data, escaped, at most kMaxQuotedChars characters.
std::string quoted_prefix(std::span<const std::uint8_t> data) {
    std::string out;
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (i > 0 && (data[i] == '\r' || data[i] == '\n')) break;
        const std::string piece = core::escape_bytes(data.subspan(i, 1));
        if (out.size() + piece.size() > kMaxQuotedChars) {
            out += "...";
            break;
        }
        out += piece;
    }
    return "'" + out + "'";
}

ServerBytes classify_tls(std::span<const std::uint8_t> data) {
    if (data.size() < kRecordHeaderSize)
        return {ServerBytesKind::malformed_tls,
                fmt::format("truncated TLS record header ({} of 5 bytes)", data.size())};
    core::ByteReader reader(data, "TLSPlaintext");
    auto header = parse_record_header(reader);
    if (!header) {
        if (header.error().code == "record_overflow")
            return {ServerBytesKind::malformed_tls,
                    fmt::format("malformed TLS record: {}", header.error().message)};
        return {ServerBytesKind::non_tls, "non-TLS data: " + quoted_prefix(data)};
    }
    const auto type = header->content_type;
    if (type == static_cast<std::uint8_t>(ContentType::alert) && header->length == 2) {
        auto body = reader.sub(std::min<std::size_t>(2, reader.remaining()), "Alert");
        if (body && body->remaining() == 2) {
            if (auto alert = parse_alert(*body)) return {ServerBytesKind::tls_alert, describe_alert(*alert)};
        }
        return {ServerBytesKind::tls_alert, "TLS alert record, truncated"};
    }
    return {ServerBytesKind::tls_record, fmt::format("TLS {} record ({}), version 0x{:04x}",
                                                     content_type_name(type), type, header->version)};
}

}  // namespace

core::Result<RecordHeader> parse_record_header(core::ByteReader& reader) {
    RecordHeader h;
    const std::size_t type_offset = reader.absolute_offset();
    auto type = reader.u8();
    if (!type) return type.error();
    if (!is_known_content_type(*type))
        return core::make_error("bad_content_type", fmt::format("unknown content type {}", *type),
                                reader.context(), type_offset);
    const std::size_t version_offset = reader.absolute_offset();
    auto version = reader.u16();
    if (!version) return version.error();
    if ((*version >> 8) != 3)
        return core::make_error("bad_version", fmt::format("record version 0x{:04x} is not 3.x", *version),
                                reader.context(), version_offset);
    const std::size_t length_offset = reader.absolute_offset();
    auto length = reader.u16();
    if (!length) return length.error();
    if (*length > kMaxRecordLength)
        return core::make_error("record_overflow",
                                fmt::format("length {} exceeds {}", *length, kMaxRecordLength),
                                reader.context(), length_offset);
    h.content_type = *type;
    h.version = *version;
    h.length = *length;
    return h;
}

core::Result<RecordHeader> parse_record_header(std::span<const std::uint8_t> data) {
    core::ByteReader reader(data, "TLSPlaintext");
    return parse_record_header(reader);
}

std::string_view content_type_name(std::uint8_t type) {
    switch (static_cast<ContentType>(type)) {
        case ContentType::change_cipher_spec:
            return "change_cipher_spec";
        case ContentType::alert:
            return "alert";
        case ContentType::handshake:
            return "handshake";
        case ContentType::application_data:
            return "application_data";
        case ContentType::heartbeat:
            return "heartbeat";
    }
    return "";
}

core::Result<Alert> parse_alert(core::ByteReader& reader) {
    const std::size_t level_offset = reader.absolute_offset();
    auto level = reader.u8();
    if (!level) return level.error();
    if (alert_level_name(*level).empty())
        return core::make_error("bad_alert_level", fmt::format("unknown alert level {}", *level),
                                reader.context(), level_offset);
    auto description = reader.u8();
    if (!description) return description.error();
    if (auto done = reader.expect_done(); !done) return done.error();
    return Alert{*level, *description};
}

std::string describe_alert(const Alert& alert) {
    std::string_view level = alert_level_name(alert.level);
    std::string_view name = alert_description_name(alert.description);
    return fmt::format("TLS alert: {} {} ({})", level.empty() ? fmt::format("level-{}", alert.level) : level,
                       name.empty() ? "unknown" : name, alert.description);
}

std::string_view alert_level_name(std::uint8_t level) {
    switch (level) {
        case static_cast<std::uint8_t>(AlertLevel::warning):
            return "warning";
        case static_cast<std::uint8_t>(AlertLevel::fatal):
            return "fatal";
        default:
            return "";
    }
}

std::string_view alert_description_name(std::uint8_t description) {
    for (const auto& a : kAlertNames)
        if (a.code == description) return a.name;
    return "";
}

core::Result<Sslv2Header> parse_sslv2_header(std::span<const std::uint8_t> data) {
    core::ByteReader reader(data, "SSLv2Record");
    auto first = reader.u16();
    if (!first) return first.error();
    if ((*first & 0x8000) == 0)
        return core::make_error("not_sslv2", "high bit of the first byte is clear", "SSLv2Record", 0);
    const auto length = static_cast<std::uint16_t>(*first & 0x7fff);
    if (length == 0) return core::make_error("not_sslv2", "zero record length", "SSLv2Record", 0);
    const std::size_t type_offset = reader.absolute_offset();
    auto type = reader.u8();
    if (!type) return type.error();
    if (*type >= kSslv2MessageNames.size())
        return core::make_error("not_sslv2", fmt::format("unknown message type {}", *type), "SSLv2Record",
                                type_offset);
    return Sslv2Header{length, *type};
}

ServerBytes classify_server_bytes(std::span<const std::uint8_t> data) {
    if (data.empty()) return {ServerBytesKind::empty, "no data"};
    if (is_known_content_type(data[0]) && (data.size() < 2 || data[1] == 3)) return classify_tls(data);
    if (data[0] & 0x80) {
        if (auto v2 = parse_sslv2_header(data))
            return {ServerBytesKind::sslv2,
                    fmt::format("SSLv2 record: {} ({}), length {}", kSslv2MessageNames[v2->message_type],
                                v2->message_type, v2->length)};
    }
    return {ServerBytesKind::non_tls, "non-TLS data: " + quoted_prefix(data)};
}

std::string describe_server_bytes(std::span<const std::uint8_t> data) {
    return classify_server_bytes(data).description;
}

}  // namespace conformscan::wire::tls
