#include "checks/ssh/wire/kex_reply.hpp"

#include <fmt/format.h>

#include "scanner/core/byte_reader.hpp"

namespace conformscan::wire::ssh {

namespace {

core::Result<void> expect_msg(core::ByteReader& r, Msg expected) {
    auto msg = r.u8();
    if (!msg) return msg.error();
    if (*msg != static_cast<std::uint8_t>(expected))
        return r.error("unexpected_message",
                       fmt::format("message {} where {} was expected", *msg, static_cast<int>(expected)));
    return {};
}

std::vector<std::uint8_t> copy(std::span<const std::uint8_t> s) {
    return {s.begin(), s.end()};
}

constexpr std::size_t kMaxKeyBlob = 16384;

}  // namespace

core::Result<KexReply> parse_kex_reply(std::span<const std::uint8_t> payload, Msg expected) {
    core::ByteReader r(payload, expected == Msg::gex_reply ? "KEX_DH_GEX_REPLY" : "KEX_ECDH_REPLY");
    if (auto ok = expect_msg(r, expected); !ok) return ok.error();
    KexReply out;
    auto key = read_string(r, kMaxKeyBlob);
    if (!key) return key.error();
    out.host_key_blob = copy(*key);
    auto pub = read_string(r);
    if (!pub) return pub.error();
    out.server_public = copy(*pub);
    auto sig = read_string(r);
    if (!sig) return sig.error();
    out.signature_bytes = sig->size();
    core::ByteReader sr(*sig, "signature");
    auto alg = read_text(sr, 256);
    if (!alg) return alg.error();
    out.signature_algorithm = std::move(*alg);
    if (auto done = r.expect_done(); !done) return done.error();
    return out;
}

core::Result<GexGroup> parse_gex_group(std::span<const std::uint8_t> payload) {
    core::ByteReader r(payload, "KEX_DH_GEX_GROUP");
    if (auto ok = expect_msg(r, Msg::kexdh_reply); !ok) return ok.error();
    GexGroup g;
    auto p = read_string(r, 2048);  // 16384-bit modulus at most
    if (!p) return p.error();
    auto gen = read_string(r, 2048);
    if (!gen) return gen.error();
    if (auto done = r.expect_done(); !done) return done.error();
    g.p = copy(*p);
    g.g = copy(*gen);
    g.p_bits = mpint_bits(*p);
    if (g.p_bits == 0 || (!g.p.empty() && (g.p[0] & 0x80) != 0))
        return core::make_error("bad_group", "the group's modulus is not a positive mpint", "KEX_DH_GEX_GROUP", 1);
    return g;
}

core::Result<HostKey> parse_host_key(std::span<const std::uint8_t> blob) {
    core::ByteReader r(blob, "host_key");
    auto type = read_text(r, 128);
    if (!type) return type.error();
    HostKey k;
    k.type = *type;
    std::string base = k.type;
    if (const auto at = base.find("-cert-v01@openssh.com"); at != std::string::npos) {
        // An OpenSSH certificate (PROTOCOL.certkeys): the type, a nonce, then the key's own fields.
        k.certificate = true;
        base = base.substr(0, at);
        auto nonce = read_string(r);
        if (!nonce) return nonce.error();
    }
    if (base == "ssh-rsa") {
        k.family = "rsa";
        auto e = read_string(r);
        if (!e) return e.error();
        auto n = read_string(r, 4096);
        if (!n) return n.error();
        k.bits = mpint_bits(*n);
    } else if (base == "ssh-dss") {
        k.family = "dsa";
        auto p = read_string(r, 4096);
        if (!p) return p.error();
        k.bits = mpint_bits(*p);
    } else if (base.rfind("ecdsa-sha2-", 0) == 0) {
        k.family = "ecdsa";
        auto curve = read_text(r, 64);
        if (!curve) return curve.error();
        k.curve = *curve;
        auto q = read_string(r, 256);
        if (!q) return q.error();
        // RFC 5656 §3.1: Q is an uncompressed point, 04 || x || y.
        if (q->size() >= 3 && (*q)[0] == 4) k.bits = (q->size() - 1) / 2 * 8;
        if (k.curve == "nistp521") k.bits = 521;
        if (base != "ecdsa-sha2-" + k.curve)
            return core::make_error("host_key", fmt::format("curve '{}' inside a '{}' key", k.curve, base),
                                    "host_key", 0);
    } else if (base == "ssh-ed25519") {
        k.family = "ed25519";
        auto pk = read_string(r, 64);
        if (!pk) return pk.error();
        if (pk->size() != 32)
            return core::make_error("host_key", fmt::format("an ed25519 key of {} bytes", pk->size()), "host_key", 0);
        k.bits = 256;
    } else if (base == "ssh-ed448") {
        k.family = "ed448";
        k.bits = 456;
    } else {
        k.family = "other";
    }
    return k;
}

core::Result<Disconnect> parse_disconnect(std::span<const std::uint8_t> payload) {
    core::ByteReader r(payload, "DISCONNECT");
    if (auto ok = expect_msg(r, Msg::disconnect); !ok) return ok.error();
    Disconnect d;
    auto reason = r.u32();
    if (!reason) return reason.error();
    d.reason = *reason;
    auto text = read_string(r, 1024);
    if (!text) return text.error();
    d.description = core::escape_bytes(*text);
    return d;
}

}  // namespace conformscan::wire::ssh
