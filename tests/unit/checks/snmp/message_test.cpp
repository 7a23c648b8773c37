// SNMP messages, on bytes captured from the lab's net-snmp 5.9.3 snmpd
// (tests/unit/data/snmp/capture.py) and on malformed variants of them.
#include "checks/snmp/wire/message.hpp"

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "scanner/core/byte_reader.hpp"

namespace conformscan::wire::snmp {
namespace {

using B = std::vector<std::uint8_t>;

B fixture(const std::string& name) {
    std::ifstream in(std::string(CONFORMSCAN_TEST_DATA) + "/snmp/" + name, std::ios::binary);
    EXPECT_TRUE(in.good()) << name;
    return B((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string text(const B& b) {
    return std::string(b.begin(), b.end());
}

TEST(SnmpMessage, V1ResponseCarriesSysDescr) {
    auto m = parse_community_message(fixture("v1_get_sysdescr.resp.bin"));
    ASSERT_TRUE(m.ok()) << m.error().describe();
    EXPECT_EQ(m->version, kVersion1);
    EXPECT_EQ(text(m->community), "public");
    EXPECT_EQ(m->pdu.type, pdu::kResponse);
    EXPECT_EQ(m->pdu.request_id, 0x1234);
    EXPECT_EQ(m->pdu.error_status, 0);
    ASSERT_EQ(m->pdu.varbinds.size(), 1u);
    EXPECT_EQ(m->pdu.varbinds[0].name, sys_descr_oid());
    EXPECT_EQ(m->pdu.varbinds[0].value.tag, tag::kOctetString);
    EXPECT_EQ(text(m->pdu.varbinds[0].value.bytes), "conformscan lab snmpd public");
}

TEST(SnmpMessage, V2cResponseCarriesSysDescr) {
    auto m = parse_community_message(fixture("v2c_get_sysdescr.resp.bin"));
    ASSERT_TRUE(m.ok()) << m.error().describe();
    EXPECT_EQ(m->version, kVersion2c);
    EXPECT_EQ(m->pdu.request_id, 0x2345);
    EXPECT_EQ(text(m->pdu.varbinds.at(0).value.bytes), "conformscan lab snmpd public");
}

TEST(SnmpMessage, MissingObjectInV1IsNoSuchNameAndInV2cNoSuchObject) {
    auto v1 = parse_community_message(fixture("v1_get_missing.resp.bin"));
    ASSERT_TRUE(v1.ok()) << v1.error().describe();
    EXPECT_EQ(error_status_name(v1->pdu.error_status), "noSuchName");
    EXPECT_EQ(v1->pdu.error_index, 1);
    EXPECT_EQ(v1->pdu.varbinds.at(0).value.tag, tag::kNull);
    auto v2 = parse_community_message(fixture("v2c_get_missing.resp.bin"));
    ASSERT_TRUE(v2.ok()) << v2.error().describe();
    EXPECT_EQ(v2->pdu.error_status, 0);
    EXPECT_EQ(value_type_name(v2->pdu.varbinds.at(0).value.tag), "noSuchObject");
}

TEST(SnmpMessage, OurGetRequestsAreByteForByteTheCapturedOnes) {
    // capture.py's independent encoder wrote these requests and snmpd answered them.
    EXPECT_EQ(encode_get_request(kVersion1, "public", 0x1234, {sys_descr_oid()}),
              fixture("v1_get_sysdescr.req.bin"));
    EXPECT_EQ(encode_get_request(kVersion2c, "public", 0x2345, {sys_descr_oid()}),
              fixture("v2c_get_sysdescr.req.bin"));
    EXPECT_EQ(encode_v3_discovery(0x5678, 0x6789), fixture("v3_discovery.req.bin"));
    auto req = parse_community_message(fixture("v1_get_sysdescr.req.bin"));
    ASSERT_TRUE(req.ok());
    EXPECT_EQ(req->pdu.type, pdu::kGetRequest);
    EXPECT_EQ(req->pdu.varbinds.at(0).value.tag, tag::kNull);
}

TEST(SnmpMessage, V3DiscoveryReportFromTheV3OnlyAgent) {
    auto m = parse_v3_message(fixture("v3_discovery_v3only.resp.bin"));
    ASSERT_TRUE(m.ok()) << m.error().describe();
    EXPECT_EQ(m->msg_id, 0x5678);
    EXPECT_EQ(m->security_model, kSecurityModelUsm);
    EXPECT_EQ(m->flags & (kFlagAuth | kFlagPriv), 0);
    ASSERT_TRUE(m->usm.has_value());
    // net-snmp's engine ids: 0x80 | enterprise 8072 (0x1f88), format 0x80 (net-snmp random), 12 bytes.
    EXPECT_EQ(m->usm->engine_id.size(), 17u);
    EXPECT_EQ(core::to_hex(std::span<const std::uint8_t>(m->usm->engine_id.data(), 5)), "80001f8880");
    EXPECT_GE(m->usm->engine_boots, 1);
    EXPECT_TRUE(m->usm->user_name.empty());
    ASSERT_TRUE(m->pdu.has_value());
    EXPECT_EQ(m->pdu->type, pdu::kReport);
    EXPECT_EQ(m->pdu->request_id, 0x6789);
    ASSERT_EQ(m->pdu->varbinds.size(), 1u);
    EXPECT_EQ(m->pdu->varbinds[0].name, usm_stats_unknown_engine_ids_oid());
    EXPECT_EQ(usm_stats_name(m->pdu->varbinds[0].name), "usmStatsUnknownEngineIDs");
    EXPECT_EQ(m->pdu->varbinds[0].value.tag, tag::kCounter32);
    EXPECT_TRUE(m->pdu->varbinds[0].value.unsigned_value.has_value());
    EXPECT_EQ(m->usm->engine_id, m->context_engine_id);
}

TEST(SnmpMessage, V3DiscoveryReportFromTheCommunityAgent) {
    auto m = parse_v3_message(fixture("v3_discovery_public.resp.bin"));
    ASSERT_TRUE(m.ok()) << m.error().describe();
    EXPECT_EQ(m->pdu->type, pdu::kReport);
    EXPECT_FALSE(m->usm->engine_id.empty());
}

TEST(SnmpMessage, PeekVersion) {
    EXPECT_EQ(*peek_version(fixture("v1_get_sysdescr.resp.bin")), kVersion1);
    EXPECT_EQ(*peek_version(fixture("v2c_get_sysdescr.resp.bin")), kVersion2c);
    EXPECT_EQ(*peek_version(fixture("v3_discovery_v3only.resp.bin")), kVersion3);
    EXPECT_EQ(parse_community_message(fixture("v3_discovery_v3only.resp.bin")).error().code,
              "unsupported_version");
    EXPECT_EQ(parse_v3_message(fixture("v1_get_sysdescr.resp.bin")).error().code, "unsupported_version");
}

TEST(SnmpMessage, EveryTruncationIsAnError) {
    for (const char* name : {"v1_get_sysdescr.resp.bin", "v3_discovery_v3only.resp.bin"}) {
        const auto full = fixture(name);
        for (std::size_t n = 0; n < full.size(); ++n) {
            B cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
            EXPECT_FALSE(parse_community_message(cut).ok()) << name << " cut at " << n;
            EXPECT_FALSE(parse_v3_message(cut).ok()) << name << " cut at " << n;
        }
    }
}

TEST(SnmpMessage, TrailingBytesAreRefused) {
    auto data = fixture("v2c_get_sysdescr.resp.bin");
    data.push_back(0x00);
    EXPECT_EQ(parse_community_message(data).error().code, "trailing_data");
}

TEST(SnmpMessage, InnerLengthBeyondItsParentIsRefused) {
    auto data = fixture("v2c_get_sysdescr.resp.bin");
    // The community OCTET STRING (offset 5: 04 06 "public") claims 0x7f bytes.
    ASSERT_EQ(data[5], 0x04);
    data[6] = 0x7F;
    auto m = parse_community_message(data);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().code, "bad_length");
    EXPECT_EQ(m.error().offset, 5u);
}

TEST(SnmpMessage, IndefiniteOuterLengthIsRefused) {
    auto data = fixture("v1_get_sysdescr.resp.bin");
    data[1] = 0x80;
    EXPECT_EQ(parse_community_message(data).error().code, "indefinite_length");
}

TEST(SnmpMessage, V1TrapAndUnknownPdusAreRefused) {
    auto data = fixture("v1_get_sysdescr.resp.bin");
    data[13] = pdu::kTrapV1;
    EXPECT_EQ(parse_community_message(data).error().code, "unsupported_pdu");
    data[13] = 0xA9;
    EXPECT_EQ(parse_community_message(data).error().code, "unexpected_tag");
}

TEST(SnmpMessage, V3HeaderBoundsAreChecked) {
    auto data = fixture("v3_discovery_v3only.resp.bin");
    // msgFlags (04 01 00 at offset 16) of two bytes would run into msgSecurityModel.
    ASSERT_EQ(data[16], 0x04);
    auto bad = data;
    bad[17] = 0x02;
    EXPECT_FALSE(parse_v3_message(bad).ok());
    // msgMaxSize below 484.
    const std::uint8_t reportable[] = {kFlagReportable};
    auto small = encode_constructed(
        tag::kSequence,
        {encode_integer(3),
         encode_constructed(tag::kSequence, {encode_integer(1), encode_integer(100),
                                             encode_octet_string(reportable), encode_integer(3)})});
    EXPECT_EQ(parse_v3_message(small).error().code, "bad_value");
}

TEST(SnmpMessage, UsmEngineIdLongerThan32BytesIsRefused) {
    const B engine(33, 0x80);
    auto usm = encode_constructed(tag::kSequence,
                                  {encode_octet_string(engine), encode_integer(1), encode_integer(1),
                                   encode_octet_string(std::string{}), encode_octet_string(std::string{}),
                                   encode_octet_string(std::string{})});
    const std::uint8_t flags[] = {0x00};
    auto header = encode_constructed(tag::kSequence, {encode_integer(7), encode_integer(65507),
                                                      encode_octet_string(flags), encode_integer(3)});
    auto pdu = encode_constructed(pdu::kReport, {encode_integer(1), encode_integer(0), encode_integer(0),
                                                 encode_constructed(tag::kSequence, std::vector<Bytes>{})});
    auto scoped = encode_constructed(tag::kSequence,
                                     {encode_octet_string(engine), encode_octet_string(std::string{}), pdu});
    auto msg =
        encode_constructed(tag::kSequence, {encode_integer(3), header, encode_octet_string(usm), scoped});
    auto m = parse_v3_message(msg);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().code, "bad_length");
}

TEST(SnmpMessage, EncryptedScopedPduIsLeftUnread) {
    auto usm = encode_constructed(
        tag::kSequence, {encode_octet_string(std::string("\x80\x00\x1f\x88\x80", 5)), encode_integer(3),
                         encode_integer(9), encode_octet_string(std::string("user")),
                         encode_octet_string(B(12, 1)), encode_octet_string(B(8, 2))});
    const std::uint8_t flags[] = {0x03};
    auto header = encode_constructed(tag::kSequence, {encode_integer(7), encode_integer(65507),
                                                      encode_octet_string(flags), encode_integer(3)});
    auto msg = encode_constructed(tag::kSequence, {encode_integer(3), header, encode_octet_string(usm),
                                                   encode_octet_string(B(40, 0xAB))});
    auto m = parse_v3_message(msg);
    ASSERT_TRUE(m.ok()) << m.error().describe();
    EXPECT_TRUE(m->encrypted);
    EXPECT_FALSE(m->pdu.has_value());
    EXPECT_EQ(m->usm->engine_boots, 3);
    EXPECT_EQ(text(m->usm->user_name), "user");
}

}  // namespace
}  // namespace conformscan::wire::snmp
