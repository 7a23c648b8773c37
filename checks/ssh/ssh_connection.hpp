// One SSH connection of the ssh probe: identification exchange, unencrypted
// packets, and a key exchange up to the server's reply. Every read is bounded
// in bytes and by one deadline for the whole connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checks/net/socket.hpp"
#include "checks/ssh/ssh_kex.hpp"
#include "checks/ssh/wire/banner.hpp"
#include "checks/ssh/wire/kex_reply.hpp"
#include "checks/ssh/wire/kexinit.hpp"
#include "checks/ssh/wire/packet.hpp"
#include "scanner/core/registry.hpp"

namespace conformscan::checks::ssh {

// What this client says it is (RFC 4253 §4.2).
inline constexpr const char* kClientIdentification = "SSH-2.0-conformscan_probe";

struct GexRequest {
    std::uint32_t min = 1024, n = 2048, max = 8192;
};

struct KexOutcome {
    std::optional<wire::ssh::KexReply> reply;  // empty when stopped after the group (stop_after_group)
    std::size_t gex_modulus_bits = 0;
};

class SshConnection {
public:
    // Connects within the politeness limits, sends our identification and
    // reads the server's.
    static core::Result<SshConnection> open(const core::Target& target, const core::ProbeOptions& options);

    [[nodiscard]] const wire::ssh::Banner& banner() const { return m_banner; }
    // The next packet that is not IGNORE or DEBUG; a DISCONNECT is an error
    // carrying the server's reason.
    core::Result<wire::ssh::Packet> read_packet();
    core::Result<void> send_payload(std::span<const std::uint8_t> payload);
    core::Result<wire::ssh::KexInit> read_kexinit();

    // Sends our KEXINIT offering only `kex` and `host_key_algorithm` (and
    // every cipher, MAC and compression the server offered), then runs the
    // exchange until the server's reply. With stop_after_group, a group
    // exchange stops once the server has named its group.
    core::Result<KexOutcome> key_exchange(const wire::ssh::KexInit& server, const KexChoice& kex,
                                          const std::string& host_key_algorithm, const GexRequest& gex,
                                          bool stop_after_group = false);

private:
    core::Result<void> fill(std::size_t want, net::Deadline deadline);
    core::Result<void> fill(std::size_t want) { return fill(want, m_deadline); }

    net::TcpSocket m_socket;
    net::Deadline m_deadline{};
    wire::ssh::Banner m_banner;
    std::vector<std::uint8_t> m_buffer;  // received, not yet parsed
};

}  // namespace conformscan::checks::ssh
