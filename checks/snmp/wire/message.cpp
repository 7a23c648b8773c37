#include "checks/snmp/wire/message.hpp"

#include <fmt/format.h>

namespace conformscan::wire::snmp {

using core::make_error;
using core::Result;

namespace {

constexpr std::int64_t kMaxInt32 = 2147483647;

Result<Value> parse_value(BerReader& r) {
    auto tlv = r.next();
    if (!tlv) return tlv.error();
    Value v;
    v.tag = tlv->tag;
    switch (tlv->tag) {
        case tag::kInteger: {
            auto i = decode_integer(*tlv, "VarBind.value");
            if (!i) return i.error();
            // RFC 2578 §7.1.1: Integer32 is 32 bits.
            if (*i < -kMaxInt32 - 1 || *i > kMaxInt32)
                return make_error("bad_integer", "an INTEGER beyond 32 bits", "VarBind.value", tlv->offset);
            v.integer = *i;
            break;
        }
        case tag::kCounter32:
        case tag::kGauge32:
        case tag::kTimeTicks:
        case tag::kCounter64: {
            auto u = r.unsigned_value(*tlv);
            if (!u) return u.error();
            v.unsigned_value = *u;
            break;
        }
        case tag::kOid: {
            auto o = decode_oid(*tlv, "VarBind.value");
            if (!o) return o.error();
            v.oid = std::move(*o);
            break;
        }
        case tag::kIpAddress:
            if (tlv->content.size() != 4)
                return make_error("bad_value", fmt::format("an IpAddress of {} bytes", tlv->content.size()),
                                  "VarBind.value", tlv->offset);
            v.bytes.assign(tlv->content.begin(), tlv->content.end());
            break;
        case tag::kOctetString:
        case tag::kOpaque:
            v.bytes.assign(tlv->content.begin(), tlv->content.end());
            break;
        case tag::kNull:
        case tag::kNoSuchObject:
        case tag::kNoSuchInstance:
        case tag::kEndOfMibView:
            if (!tlv->content.empty())
                return make_error("bad_value", fmt::format("a {} with contents", value_type_name(tlv->tag)),
                                  "VarBind.value", tlv->offset);
            break;
        default:
            return make_error("bad_value", fmt::format("a varbind value of unknown type 0x{:02x}", tlv->tag),
                              "VarBind.value", tlv->offset);
    }
    return v;
}

Result<Pdu> parse_pdu(BerReader& outer) {
    auto peek = outer;  // a copy: look at the tag before entering
    auto head = peek.next();
    if (!head) return head.error();
    const std::uint8_t type = head->tag;
    if (type == pdu::kTrapV1) return outer.error("unsupported_pdu", "an SNMPv1 Trap-PDU");
    if (type < pdu::kGetRequest || type > pdu::kReport)
        return outer.error("unexpected_tag",
                           fmt::format("expected a PDU (0xa0-0xa8), got tag 0x{:02x}", type));
    auto r = outer.enter(type, "PDU");
    if (!r) return r.error();
    Pdu p;
    p.type = type;
    auto id = r->integer("request-id");
    if (!id) return id.error();
    auto status = r->integer("error-status");
    if (!status) return status.error();
    auto index = r->integer("error-index");
    if (!index) return index.error();
    p.request_id = *id;
    p.error_status = *status;
    p.error_index = *index;
    auto list = r->enter(tag::kSequence, "variable-bindings");
    if (!list) return list.error();
    while (!list->done()) {
        auto vb = list->enter(tag::kSequence, "VarBind");
        if (!vb) return vb.error();
        auto name = vb->oid("name");
        if (!name) return name.error();
        auto value = parse_value(*vb);
        if (!value) return value.error();
        if (auto d = vb->expect_done(); !d) return d.error();
        p.varbinds.push_back({std::move(*name), std::move(*value)});
    }
    if (auto d = r->expect_done(); !d) return d.error();
    return p;
}

Result<std::vector<std::uint8_t>> bounded_octets(BerReader& r, const char* what, std::size_t max) {
    auto s = r.octet_string(what);
    if (!s) return s.error();
    if (s->size() > max)
        return r.error("bad_length", fmt::format("{} of {} bytes (at most {})", what, s->size(), max));
    return s;
}

Result<std::int64_t> ranged(BerReader& r, const char* what, std::int64_t lo, std::int64_t hi) {
    auto v = r.integer(what);
    if (!v) return v.error();
    if (*v < lo || *v > hi)
        return r.error("bad_value", fmt::format("{} {} outside [{}, {}]", what, *v, lo, hi));
    return v;
}

Result<UsmParameters> parse_usm(BerReader& holder, const Tlv& octets) {
    auto inner = holder.enter_octets(octets, "msgSecurityParameters");
    if (!inner) return inner.error();
    auto r = inner->enter(tag::kSequence, "UsmSecurityParameters");
    if (!r) return r.error();
    UsmParameters u;
    // RFC 3411 §5 SnmpEngineID: 5..32 octets (empty in a discovery request).
    auto engine = bounded_octets(*r, "msgAuthoritativeEngineID", 32);
    if (!engine) return engine.error();
    auto boots = ranged(*r, "msgAuthoritativeEngineBoots", 0, kMaxInt32);
    if (!boots) return boots.error();
    auto time = ranged(*r, "msgAuthoritativeEngineTime", 0, kMaxInt32);
    if (!time) return time.error();
    auto user = bounded_octets(*r, "msgUserName", 32);
    if (!user) return user.error();
    auto auth = bounded_octets(*r, "msgAuthenticationParameters", 64);
    if (!auth) return auth.error();
    auto priv = bounded_octets(*r, "msgPrivacyParameters", 64);
    if (!priv) return priv.error();
    if (auto d = r->expect_done(); !d) return d.error();
    if (auto d = inner->expect_done(); !d) return d.error();
    u.engine_id = std::move(*engine);
    u.engine_boots = *boots;
    u.engine_time = *time;
    u.user_name = std::move(*user);
    u.auth_params = std::move(*auth);
    u.priv_params = std::move(*priv);
    return u;
}

}  // namespace

Result<std::int64_t> peek_version(std::span<const std::uint8_t> data) {
    BerReader top(data, "SNMP");
    auto msg = top.enter(tag::kSequence, "Message");
    if (!msg) return msg.error();
    return msg->integer("version");
}

Result<CommunityMessage> parse_community_message(std::span<const std::uint8_t> data) {
    BerReader top(data, "SNMP");
    auto msg = top.enter(tag::kSequence, "Message");
    if (!msg) return msg.error();
    if (auto d = top.expect_done(); !d) return d.error();
    CommunityMessage m;
    auto version = msg->integer("version");
    if (!version) return version.error();
    if (*version != kVersion1 && *version != kVersion2c)
        return msg->error("unsupported_version",
                          fmt::format("version {} is not SNMPv1 (0) or SNMPv2c (1)", *version));
    m.version = *version;
    auto community = msg->octet_string("community");
    if (!community) return community.error();
    m.community = std::move(*community);
    auto p = parse_pdu(*msg);
    if (!p) return p.error();
    m.pdu = std::move(*p);
    if (auto d = msg->expect_done(); !d) return d.error();
    return m;
}

Result<V3Message> parse_v3_message(std::span<const std::uint8_t> data) {
    BerReader top(data, "SNMP");
    auto msg = top.enter(tag::kSequence, "SNMPv3Message");
    if (!msg) return msg.error();
    if (auto d = top.expect_done(); !d) return d.error();
    auto version = msg->integer("msgVersion");
    if (!version) return version.error();
    if (*version != kVersion3)
        return msg->error("unsupported_version", fmt::format("msgVersion {} is not SNMPv3 (3)", *version));
    V3Message m;
    {
        auto header = msg->enter(tag::kSequence, "msgGlobalData");
        if (!header) return header.error();
        // RFC 3412 §6: msgID and msgMaxSize are INTEGER (0..2147483647) and (484..2147483647).
        auto id = ranged(*header, "msgID", 0, kMaxInt32);
        if (!id) return id.error();
        auto max_size = ranged(*header, "msgMaxSize", 484, kMaxInt32);
        if (!max_size) return max_size.error();
        auto flags = header->octet_string("msgFlags");
        if (!flags) return flags.error();
        if (flags->size() != 1)
            return header->error("bad_value", fmt::format("msgFlags of {} bytes (SIZE(1))", flags->size()));
        auto model = ranged(*header, "msgSecurityModel", 1, kMaxInt32);
        if (!model) return model.error();
        if (auto d = header->expect_done(); !d) return d.error();
        m.msg_id = *id;
        m.max_size = *max_size;
        m.flags = (*flags)[0];
        m.security_model = *model;
    }
    auto params = msg->expect(tag::kOctetString, "msgSecurityParameters");
    if (!params) return params.error();
    if (m.security_model == kSecurityModelUsm) {
        auto usm = parse_usm(*msg, *params);
        if (!usm) return usm.error();
        m.usm = std::move(*usm);
    }
    if ((m.flags & kFlagPriv) != 0) {
        auto encrypted = msg->expect(tag::kOctetString, "encryptedPDU");
        if (!encrypted) return encrypted.error();
        m.encrypted = true;
    } else {
        auto scoped = msg->enter(tag::kSequence, "ScopedPDU");
        if (!scoped) return scoped.error();
        auto engine = bounded_octets(*scoped, "contextEngineID", 32);
        if (!engine) return engine.error();
        auto name = bounded_octets(*scoped, "contextName", 32);
        if (!name) return name.error();
        auto p = parse_pdu(*scoped);
        if (!p) return p.error();
        if (auto d = scoped->expect_done(); !d) return d.error();
        m.context_engine_id = std::move(*engine);
        m.context_name = std::move(*name);
        m.pdu = std::move(*p);
    }
    if (auto d = msg->expect_done(); !d) return d.error();
    return m;
}

Bytes encode_get_request(std::int64_t version, const std::string& community, std::int32_t request_id,
                         const std::vector<Oid>& names) {
    std::vector<Bytes> binds;
    for (const auto& n : names)
        binds.push_back(encode_constructed(tag::kSequence, {encode_oid(n), encode_null()}));
    Bytes pdu =
        encode_constructed(pdu::kGetRequest, {encode_integer(request_id), encode_integer(0),
                                              encode_integer(0), encode_constructed(tag::kSequence, binds)});
    return encode_constructed(tag::kSequence, {encode_integer(version), encode_octet_string(community), pdu});
}

Bytes encode_v3_discovery(std::int32_t msg_id, std::int32_t request_id, std::int32_t max_size) {
    const std::uint8_t flags[] = {kFlagReportable};
    Bytes header =
        encode_constructed(tag::kSequence, {encode_integer(msg_id), encode_integer(max_size),
                                            encode_octet_string(flags), encode_integer(kSecurityModelUsm)});
    Bytes usm = encode_constructed(tag::kSequence,
                                   {encode_octet_string(std::string{}), encode_integer(0), encode_integer(0),
                                    encode_octet_string(std::string{}), encode_octet_string(std::string{}),
                                    encode_octet_string(std::string{})});
    Bytes pdu = encode_constructed(pdu::kGetRequest,
                                   {encode_integer(request_id), encode_integer(0), encode_integer(0),
                                    encode_constructed(tag::kSequence, std::vector<Bytes>{})});
    Bytes scoped = encode_constructed(
        tag::kSequence, {encode_octet_string(std::string{}), encode_octet_string(std::string{}), pdu});
    return encode_constructed(tag::kSequence,
                              {encode_integer(kVersion3), header, encode_octet_string(usm), scoped});
}

std::string pdu_type_name(std::uint8_t type) {
    switch (type) {
        case pdu::kGetRequest:
            return "GetRequest";
        case pdu::kGetNextRequest:
            return "GetNextRequest";
        case pdu::kResponse:
            return "Response";
        case pdu::kSetRequest:
            return "SetRequest";
        case pdu::kTrapV1:
            return "Trap";
        case pdu::kGetBulkRequest:
            return "GetBulkRequest";
        case pdu::kInformRequest:
            return "InformRequest";
        case pdu::kTrapV2:
            return "SNMPv2-Trap";
        case pdu::kReport:
            return "Report";
        default:
            return fmt::format("0x{:02x}", type);
    }
}

std::string error_status_name(std::int64_t status) {
    static constexpr const char* kNames[] = {"noError",
                                             "tooBig",
                                             "noSuchName",
                                             "badValue",
                                             "readOnly",
                                             "genErr",
                                             "noAccess",
                                             "wrongType",
                                             "wrongLength",
                                             "wrongEncoding",
                                             "wrongValue",
                                             "noCreation",
                                             "inconsistentValue",
                                             "resourceUnavailable",
                                             "commitFailed",
                                             "undoFailed",
                                             "authorizationError",
                                             "notWritable",
                                             "inconsistentName"};
    if (status >= 0 && status < static_cast<std::int64_t>(std::size(kNames))) return kNames[status];
    return fmt::format("error-status {}", status);
}

std::string value_type_name(std::uint8_t t) {
    switch (t) {
        case tag::kInteger:
            return "INTEGER";
        case tag::kOctetString:
            return "OCTET STRING";
        case tag::kNull:
            return "NULL";
        case tag::kOid:
            return "OBJECT IDENTIFIER";
        case tag::kIpAddress:
            return "IpAddress";
        case tag::kCounter32:
            return "Counter32";
        case tag::kGauge32:
            return "Gauge32";
        case tag::kTimeTicks:
            return "TimeTicks";
        case tag::kOpaque:
            return "Opaque";
        case tag::kCounter64:
            return "Counter64";
        case tag::kNoSuchObject:
            return "noSuchObject";
        case tag::kNoSuchInstance:
            return "noSuchInstance";
        case tag::kEndOfMibView:
            return "endOfMibView";
        default:
            return fmt::format("0x{:02x}", t);
    }
}

std::string usm_stats_name(const Oid& oid) {
    static const Oid kPrefix = {1, 3, 6, 1, 6, 3, 15, 1, 1};
    static constexpr const char* kNames[] = {"",
                                             "usmStatsUnsupportedSecLevels",
                                             "usmStatsNotInTimeWindows",
                                             "usmStatsUnknownUserNames",
                                             "usmStatsUnknownEngineIDs",
                                             "usmStatsWrongDigests",
                                             "usmStatsDecryptionErrors"};
    if (oid.size() != kPrefix.size() + 2 || !std::equal(kPrefix.begin(), kPrefix.end(), oid.begin()) ||
        oid.back() != 0)
        return {};
    const auto n = oid[kPrefix.size()];
    return n >= 1 && n <= 6 ? kNames[n] : std::string{};
}

const Oid& sys_descr_oid() {
    static const Oid kOid = {1, 3, 6, 1, 2, 1, 1, 1, 0};
    return kOid;
}

const Oid& usm_stats_unknown_engine_ids_oid() {
    static const Oid kOid = {1, 3, 6, 1, 6, 3, 15, 1, 1, 4, 0};
    return kOid;
}

}  // namespace conformscan::wire::snmp
