#include "checks/ssh/ssh_connection.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <openssl/rand.h>

namespace conformscan::checks::ssh {

namespace {

using wire::ssh::Msg;

// A connection's whole life (connect excepted) gets this many operation
// timeouts: banner, KEXINIT, and a DH exchange of up to 8192 bits.
constexpr int kTimeoutsPerConnection = 3;
// Bytes before the identification line: 32 lines of 1 KiB, and the line.
constexpr std::size_t kMaxBannerBytes = 32 * 1024 + 256;
// IGNORE / DEBUG messages skipped before the expected one.
constexpr int kMaxSkipped = 16;

}  // namespace

core::Result<SshConnection> SshConnection::open(const core::Target& target, const core::ProbeOptions& options) {
    auto sock = net::connect_target_raw(target, options);
    if (!sock) return sock.error();
    SshConnection c;
    c.m_socket = std::move(*sock);
    c.m_deadline = net::deadline_after(options.timeout * kTimeoutsPerConnection);
    const std::string ours = std::string(kClientIdentification) + "\r\n";
    if (auto sent = c.m_socket.send_all(
            std::span(reinterpret_cast<const std::uint8_t*>(ours.data()), ours.size()), c.m_deadline);
        !sent)
        return sent.error();
    // A server that talks SSH sends its line at once: one timeout for it.
    const auto banner_deadline = std::min(c.m_deadline, net::deadline_after(options.timeout));
    for (;;) {
        auto banner = wire::ssh::parse_banner(c.m_buffer);
        if (banner) {
            c.m_buffer.erase(c.m_buffer.begin(), c.m_buffer.begin() + static_cast<std::ptrdiff_t>(banner->consumed));
            c.m_banner = std::move(*banner);
            return c;
        }
        if (banner.error().code != wire::ssh::kIncomplete) return banner.error();
        if (c.m_buffer.size() >= kMaxBannerBytes)
            return core::make_error("banner", fmt::format("no identification line in the first {} bytes",
                                                          c.m_buffer.size()));
        if (auto more = c.fill(c.m_buffer.size() + 1, banner_deadline); !more) {
            if (!c.m_buffer.empty() && more.error().code != net::kErrTimeout)
                return core::make_error("banner",
                                        fmt::format("{} before an identification line; got \"{}\"",
                                                    more.error().message,
                                                    core::escape_bytes(std::span(c.m_buffer).first(
                                                        std::min<std::size_t>(c.m_buffer.size(), 80)))));
            return more.error();
        }
    }
}

core::Result<void> SshConnection::fill(std::size_t want, net::Deadline deadline) {
    std::uint8_t chunk[8192];
    while (m_buffer.size() < want) {
        auto n = m_socket.recv_some(chunk, deadline);
        if (!n) {
            if (n.error().code == net::kErrTimeout)
                return core::make_error(std::string(net::kErrTimeout),
                                        fmt::format("timed out with {} bytes received", m_buffer.size()));
            return n.error();
        }
        if (*n == 0) return core::make_error("closed", "the server closed the connection");
        m_buffer.insert(m_buffer.end(), chunk, chunk + *n);
    }
    return {};
}

core::Result<wire::ssh::Packet> SshConnection::read_packet() {
    for (int skipped = 0; skipped <= kMaxSkipped; ++skipped) {
        if (auto ok = fill(4); !ok) return ok.error();
        auto size = wire::ssh::packet_size(m_buffer);
        if (!size) return size.error();
        if (auto ok = fill(*size); !ok) return ok.error();
        auto packet = wire::ssh::parse_packet(m_buffer);
        if (!packet) return packet.error();
        m_buffer.erase(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(packet->consumed));
        if (packet->payload.empty()) return core::make_error("packet", "an empty payload");
        const auto msg = static_cast<Msg>(packet->payload[0]);
        if (msg == Msg::ignore || msg == Msg::debug) continue;
        if (msg == Msg::disconnect) {
            auto d = wire::ssh::parse_disconnect(packet->payload);
            if (!d) return d.error();
            return core::make_error("disconnect",
                                    fmt::format("the server disconnected (reason {}): {}", d->reason, d->description));
        }
        return packet;
    }
    return core::make_error("packet", fmt::format("more than {} IGNORE/DEBUG messages", kMaxSkipped));
}

core::Result<void> SshConnection::send_payload(std::span<const std::uint8_t> payload) {
    const auto packet = wire::ssh::encode_packet(payload);
    return m_socket.send_all(packet, m_deadline);
}

core::Result<wire::ssh::KexInit> SshConnection::read_kexinit() {
    auto packet = read_packet();
    if (!packet) return packet.error();
    return wire::ssh::parse_kexinit(packet->payload);
}

core::Result<KexOutcome> SshConnection::key_exchange(const wire::ssh::KexInit& server, const KexChoice& kex,
                                                     const std::string& host_key_algorithm, const GexRequest& gex,
                                                     bool stop_after_group) {
    wire::ssh::KexInit ours;
    if (RAND_bytes(ours.cookie.data(), static_cast<int>(ours.cookie.size())) != 1)
        return core::make_error("crypto", "no random bytes for the KEXINIT cookie");
    ours.kex = {kex.name};
    ours.host_key = {host_key_algorithm};
    ours.ciphers_c2s = server.ciphers_c2s;
    ours.ciphers_s2c = server.ciphers_s2c;
    ours.macs_c2s = server.macs_c2s;
    ours.macs_s2c = server.macs_s2c;
    ours.compression_c2s = server.compression_c2s;
    ours.compression_s2c = server.compression_s2c;
    if (auto sent = send_payload(wire::ssh::encode_kexinit(ours)); !sent) return sent.error();

    KexOutcome out;
    wire::ssh::Writer init;
    Msg reply_msg = Msg::kexdh_reply;
    if (kex.method == KexMethod::x25519 || kex.method == KexMethod::ecdh) {
        auto pub = ecdh_public(kex);
        if (!pub) return pub.error();
        init.u8(static_cast<std::uint8_t>(Msg::kexdh_init));  // SSH_MSG_KEX_ECDH_INIT (RFC 5656 §4)
        init.string(*pub);
    } else if (kex.method == KexMethod::dh_fixed) {
        const auto p = fixed_group_prime(kex.group_bits);
        const std::uint8_t g = 2;
        auto e = dh_public(p, std::span(&g, 1));
        if (!e) return e.error();
        init.u8(static_cast<std::uint8_t>(Msg::kexdh_init));
        init.mpint(*e);
    } else {
        // RFC 4419 §3: SSH_MSG_KEX_DH_GEX_REQUEST min, n, max.
        wire::ssh::Writer req;
        req.u8(static_cast<std::uint8_t>(Msg::gex_request));
        req.u32(gex.min);
        req.u32(gex.n);
        req.u32(gex.max);
        if (auto sent = send_payload(std::move(req).take()); !sent) return sent.error();
        auto packet = read_packet();
        if (!packet) return packet.error();
        auto group = wire::ssh::parse_gex_group(packet->payload);
        if (!group) return group.error();
        out.gex_modulus_bits = group->p_bits;
        if (stop_after_group) return out;
        auto e = dh_public(group->p, group->g);
        if (!e) return e.error();
        init.u8(static_cast<std::uint8_t>(Msg::gex_init));
        init.mpint(*e);
        reply_msg = Msg::gex_reply;
    }
    if (auto sent = send_payload(std::move(init).take()); !sent) return sent.error();
    auto packet = read_packet();
    if (!packet) return packet.error();
    auto reply = wire::ssh::parse_kex_reply(packet->payload, reply_msg);
    if (!reply) return reply.error();
    out.reply = std::move(*reply);
    return out;
}

}  // namespace conformscan::checks::ssh
