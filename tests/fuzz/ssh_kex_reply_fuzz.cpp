// Fuzz target for the SSH key exchange reply parsers (checks/ssh/wire/
// kex_reply.hpp): KEX_ECDH_REPLY / KEXDH_REPLY, KEX_DH_GEX_GROUP / _REPLY,
// the host key blob inside, and DISCONNECT.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "checks/ssh/wire/kex_reply.hpp"
#include "checks/ssh/wire/packet.hpp"

namespace wire = conformscan::wire::ssh;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto packet = wire::parse_packet(std::span(data, size));
    if (!packet) return 0;
    const auto& payload = packet->payload;
    for (auto msg : {wire::Msg::kexdh_reply, wire::Msg::gex_reply}) {
        auto reply = wire::parse_kex_reply(payload, msg);
        if (!reply) {
            if (reply.error().code.empty()) std::abort();
            continue;
        }
        if (reply->host_key_blob.size() > size) std::abort();
        auto key = wire::parse_host_key(reply->host_key_blob);
        if (key && key->family.empty()) std::abort();
        if (key && key->family == "rsa" && key->bits > 8 * reply->host_key_blob.size()) std::abort();
    }
    auto group = wire::parse_gex_group(payload);
    if (group && (group->p_bits == 0 || group->p_bits > 8 * group->p.size())) std::abort();
    auto disconnect = wire::parse_disconnect(payload);
    if (!disconnect && disconnect.error().code.empty()) std::abort();
    return 0;
}
