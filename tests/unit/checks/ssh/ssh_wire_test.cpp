// The SSH wire parsers on bytes captured from the lab's sshd (Debian OpenSSH
// 9.2p1; tests/fuzz/capture/capture_ssh.py wrote tests/unit/data/ssh/), and
// on malformed and truncated input.
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "checks/ssh/wire/banner.hpp"
#include "checks/ssh/wire/kex_reply.hpp"
#include "checks/ssh/wire/kexinit.hpp"
#include "checks/ssh/wire/packet.hpp"

namespace conformscan::wire::ssh {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes fixture(const std::string& name) {
    std::ifstream in(std::string(CONFORMSCAN_TEST_DATA) + "/ssh/" + name, std::ios::binary);
    EXPECT_TRUE(in.good()) << name;
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

Bytes bytes(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

// A captured stream: the banner, then the KEXINIT packet.
struct Captured {
    Banner banner;
    KexInit kexinit;
};

Captured parse_capture(const std::string& name) {
    const auto data = fixture(name + ".banner_kexinit.bin");
    auto b = parse_banner(data);
    EXPECT_TRUE(b.ok()) << b.error().describe();
    auto p = parse_packet(std::span(data).subspan(b->consumed));
    EXPECT_TRUE(p.ok()) << p.error().describe();
    EXPECT_EQ(b->consumed + p->consumed, data.size());
    auto k = parse_kexinit(p->payload);
    EXPECT_TRUE(k.ok()) << k.error().describe();
    return {*b, *k};
}

HostKey reply_key(const std::string& name, Msg msg = Msg::kexdh_reply) {
    const auto data = fixture(name + ".reply.bin");
    auto p = parse_packet(data);
    EXPECT_TRUE(p.ok()) << p.error().describe();
    auto r = parse_kex_reply(p->payload, msg);
    EXPECT_TRUE(r.ok()) << r.error().describe();
    auto k = parse_host_key(r->host_key_blob);
    EXPECT_TRUE(k.ok()) << k.error().describe();
    return *k;
}

TEST(SshBanner, OpenSshLine) {
    auto b = parse_banner(bytes("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\nrest"));
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->proto_version, "2.0");
    EXPECT_EQ(b->software_version, "OpenSSH_9.2p1");
    EXPECT_EQ(b->comments, "Debian-2+deb12u3");
    EXPECT_TRUE(b->crlf);
    EXPECT_EQ(b->consumed, 40u);
}

TEST(SshBanner, PreBannerLinesAndBareLf) {
    auto b = parse_banner(bytes("hello there\r\nsecond\nSSH-2.0-X\n"));
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->pre_lines, (std::vector<std::string>{"hello there", "second"}));
    EXPECT_FALSE(b->crlf);
    EXPECT_EQ(b->software_version, "X");
}

TEST(SshBanner, Ssh1Versions) {
    auto v1 = parse_banner(bytes("SSH-1.5-FakeSSH1\r\n"));
    ASSERT_TRUE(v1.ok());
    EXPECT_TRUE(is_ssh1_only(v1->proto_version));
    auto v199 = parse_banner(bytes("SSH-1.99-OpenSSH_3.9p1\r\n"));
    ASSERT_TRUE(v199.ok());
    EXPECT_FALSE(is_ssh1_only(v199->proto_version));
    EXPECT_FALSE(is_ssh1_only("2.0"));
}

TEST(SshBanner, Errors) {
    EXPECT_EQ(parse_banner(bytes("SSH-2.0-Open")).error().code, kIncomplete);
    EXPECT_EQ(parse_banner(bytes("")).error().code, kIncomplete);
    EXPECT_EQ(parse_banner(bytes("SSH-2.0-" + std::string(260, 'a') + "\r\n")).error().code, "line_too_long");
    // 253 characters + CR LF = 255: the RFC 4253 §4.2 maximum is accepted.
    EXPECT_TRUE(parse_banner(bytes("SSH-2.0-" + std::string(245, 'a') + "\r\n")).ok());
    EXPECT_EQ(parse_banner(bytes("SSH-2.0-" + std::string(246, 'a') + "\r\n")).error().code, "line_too_long");
    EXPECT_EQ(parse_banner(bytes(std::string("SSH-2.0-a\0b\r\n", 13))).error().code, "nul_byte");
    EXPECT_EQ(parse_banner(bytes("SSH-2.0\r\n")).error().code, "malformed");
    EXPECT_EQ(parse_banner(bytes("SSH-x.y-a\r\n")).error().code, "malformed");
    EXPECT_EQ(parse_banner(bytes("SSH-2.0-\r\n")).error().code, "malformed");
    std::string many;
    for (int i = 0; i < 40; ++i) many += "line\r\n";
    EXPECT_EQ(parse_banner(bytes(many + "SSH-2.0-X\r\n")).error().code, "too_many_lines");
    EXPECT_EQ(parse_banner(bytes(std::string(2000, 'x'))).error().code, "line_too_long");
}

TEST(SshPacket, Bounds) {
    EXPECT_EQ(packet_size(Bytes{0, 0}).error().code, "incomplete");
    EXPECT_EQ(packet_size(Bytes{0xff, 0xff, 0xff, 0xff}).error().code, "packet_length");
    EXPECT_EQ(packet_size(Bytes{0, 0, 0, 4}).error().code, "packet_length");
    EXPECT_EQ(*packet_size(Bytes{0, 0, 0, 12}), 16u);
    // padding_length 2: below RFC 4253 §6's minimum of 4.
    EXPECT_EQ(parse_packet(Bytes{0, 0, 0, 12, 2, 20, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0}).error().code, "padding");
    // padding_length 12 in a 12-byte packet: no room for itself.
    EXPECT_EQ(parse_packet(Bytes{0, 0, 0, 12, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).error().code, "padding");
    EXPECT_EQ(parse_packet(Bytes{0, 0, 0, 12, 4, 20}).error().code, "incomplete");
}

TEST(SshPacket, EncodeRoundTrip) {
    const Bytes payload{21};
    const auto packet = encode_packet(payload);
    EXPECT_EQ(packet.size() % 8, 0u);
    auto p = parse_packet(packet);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->payload, payload);
    EXPECT_GE(p->padding_length, 4);
}

TEST(SshKexInit, CapturedHardened) {
    const auto c = parse_capture("hardened-ed25519");
    EXPECT_EQ(c.banner.software_version, "OpenSSH_9.2p1");
    EXPECT_EQ(c.kexinit.kex, (std::vector<std::string>{"sntrup761x25519-sha512@openssh.com", "curve25519-sha256",
                                                       "curve25519-sha256@libssh.org",
                                                       "kex-strict-s-v00@openssh.com"}));
    EXPECT_EQ(c.kexinit.host_key, (std::vector<std::string>{"ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"}));
    EXPECT_EQ(c.kexinit.ciphers_c2s, (std::vector<std::string>{"chacha20-poly1305@openssh.com",
                                                               "aes256-gcm@openssh.com", "aes128-gcm@openssh.com"}));
    EXPECT_EQ(c.kexinit.macs_s2c,
              (std::vector<std::string>{"hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com"}));
    EXPECT_EQ(c.kexinit.compression_c2s, (std::vector<std::string>{"none", "zlib@openssh.com"}));
    EXPECT_FALSE(c.kexinit.first_kex_packet_follows);
}

TEST(SshKexInit, CapturedWeak) {
    const auto c = parse_capture("weak-rsa1024");
    EXPECT_EQ(c.kexinit.kex.front(), "diffie-hellman-group1-sha1");
    EXPECT_EQ(c.kexinit.ciphers_s2c, (std::vector<std::string>{"aes128-cbc", "3des-cbc", "aes128-ctr"}));
    EXPECT_EQ(c.kexinit.macs_c2s, (std::vector<std::string>{"hmac-sha1", "hmac-md5"}));
}

TEST(SshKexInit, EncodeRoundTrip) {
    const auto c = parse_capture("default-ecdsa");
    auto again = parse_kexinit(encode_kexinit(c.kexinit));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->kex, c.kexinit.kex);
    EXPECT_EQ(again->macs_s2c, c.kexinit.macs_s2c);
}

TEST(SshKexInit, EveryTruncationIsAnError) {
    const auto data = fixture("hardened-ed25519.banner_kexinit.bin");
    auto b = parse_banner(data);
    ASSERT_TRUE(b.ok());
    auto p = parse_packet(std::span(data).subspan(b->consumed));
    ASSERT_TRUE(p.ok());
    for (std::size_t n = 0; n < p->payload.size(); ++n) {
        auto k = parse_kexinit(std::span(p->payload).first(n));
        ASSERT_FALSE(k.ok()) << n;
        EXPECT_FALSE(k.error().where.empty());
    }
    auto extra = p->payload;
    extra.push_back(0);
    EXPECT_FALSE(parse_kexinit(extra).ok());
}

TEST(SshKexInit, MalformedNameLists) {
    Writer w;
    w.u8(20);
    for (int i = 0; i < 16; ++i) w.u8(0);
    w.string(std::string("curve25519-sha256,,x"));
    auto k = parse_kexinit(std::move(w).take());
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error().code, "name_list");
    EXPECT_EQ(k.error().where, "KEXINIT.kex_algorithms");
    Writer huge;
    huge.u8(20);
    for (int i = 0; i < 16; ++i) huge.u8(0);
    huge.u32(0xfffffff0);
    EXPECT_EQ(parse_kexinit(std::move(huge).take()).error().code, "string_length");
    EXPECT_EQ(parse_kexinit(Bytes{21}).error().code, "unexpected_message");
}

TEST(SshKexReply, CapturedHostKeys) {
    auto ed = reply_key("hardened-ed25519");
    EXPECT_EQ(ed.type, "ssh-ed25519");
    EXPECT_EQ(ed.bits, 256u);
    auto rsa = reply_key("hardened-rsa4096");
    EXPECT_EQ(rsa.family, "rsa");
    EXPECT_EQ(rsa.bits, 4096u);
    EXPECT_EQ(reply_key("weak-rsa1024").bits, 1024u);
    auto dss = reply_key("weak-dss");
    EXPECT_EQ(dss.family, "dsa");
    EXPECT_EQ(dss.bits, 1024u);
    auto ec = reply_key("default-ecdsa");
    EXPECT_EQ(ec.curve, "nistp256");
    EXPECT_EQ(ec.bits, 256u);
}

TEST(SshKexReply, CapturedSignatureAlgorithm) {
    const auto data = fixture("hardened-rsa4096.reply.bin");
    auto p = parse_packet(data);
    ASSERT_TRUE(p.ok());
    auto r = parse_kex_reply(p->payload, Msg::kexdh_reply);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->signature_algorithm, "rsa-sha2-512");
    EXPECT_EQ(r->server_public.size(), 32u);  // X25519
    for (std::size_t n = 0; n < p->payload.size(); ++n)
        EXPECT_FALSE(parse_kex_reply(std::span(p->payload).first(n), Msg::kexdh_reply).ok()) << n;
    EXPECT_EQ(parse_kex_reply(p->payload, Msg::gex_reply).error().code, "unexpected_message");
}

TEST(SshKexReply, CapturedGexGroup) {
    const auto data = fixture("gex-group.reply.bin");
    auto p = parse_packet(data);
    ASSERT_TRUE(p.ok());
    auto g = parse_gex_group(p->payload);
    ASSERT_TRUE(g.ok()) << g.error().describe();
    EXPECT_EQ(g->p_bits, 2048u);
    EXPECT_EQ(g->g.size(), 1u);
}

TEST(SshKexReply, MalformedHostKeys) {
    Writer ed;
    ed.string(std::string("ssh-ed25519"));
    ed.string(Bytes(31, 1));
    EXPECT_EQ(parse_host_key(std::move(ed).take()).error().code, "host_key");
    Writer ec;
    ec.string(std::string("ecdsa-sha2-nistp256"));
    ec.string(std::string("nistp384"));
    ec.string(Bytes(97, 4));
    EXPECT_EQ(parse_host_key(std::move(ec).take()).error().code, "host_key");
    Writer unknown;
    unknown.string(std::string("x-unknown@example.org"));
    auto k = parse_host_key(std::move(unknown).take());
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k->family, "other");
    EXPECT_FALSE(parse_host_key(Bytes{0, 0, 1}).ok());
}

TEST(SshDisconnect, ReasonAndText) {
    Writer w;
    w.u8(1);
    w.u32(3);
    w.string(std::string("no matching key exchange\x01"));
    w.string(std::string(""));
    auto d = parse_disconnect(std::move(w).take());
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->reason, 3u);
    EXPECT_EQ(d->description, "no matching key exchange\\x01");
}

TEST(SshTypes, MpintBits) {
    EXPECT_EQ(mpint_bits(Bytes{}), 0u);
    EXPECT_EQ(mpint_bits(Bytes{0, 0x80, 0}), 16u);
    EXPECT_EQ(mpint_bits(Bytes{0x01}), 1u);
    Writer w;
    w.mpint(Bytes{0x80, 1});
    EXPECT_EQ(std::move(w).take(), (Bytes{0, 0, 0, 3, 0, 0x80, 1}));
}

}  // namespace
}  // namespace conformscan::wire::ssh
