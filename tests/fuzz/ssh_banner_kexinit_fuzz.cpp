// Fuzz target for the SSH identification, packet and KEXINIT parsers
// (checks/ssh/wire/): the bytes a server sends first. Anything parsed must
// keep the parsers' promises; every error must name its code and place.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "checks/ssh/wire/banner.hpp"
#include "checks/ssh/wire/kexinit.hpp"
#include "checks/ssh/wire/packet.hpp"

namespace wire = conformscan::wire::ssh;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> in(data, size);
    auto banner = wire::parse_banner(in);
    if (!banner) {
        if (banner.error().code.empty() || banner.error().where.empty()) std::abort();
        return 0;
    }
    if (banner->consumed > size || banner->line.size() > 253 || banner->line.rfind("SSH-", 0) != 0) std::abort();
    auto packet = wire::parse_packet(in.subspan(banner->consumed));
    if (!packet) {
        if (packet.error().code.empty()) std::abort();
        return 0;
    }
    if (packet->consumed > size - banner->consumed || packet->padding_length < 4) std::abort();
    auto kexinit = wire::parse_kexinit(packet->payload);
    if (!kexinit) {
        if (kexinit.error().code.empty() || kexinit.error().where.empty()) std::abort();
        return 0;
    }
    for (const auto& name : kexinit->kex)
        if (name.empty() || name.find(',') != std::string::npos) std::abort();
    // What parses re-encodes to something that parses the same.
    auto again = wire::parse_kexinit(wire::encode_kexinit(*kexinit));
    if (!again || again->kex != kexinit->kex || again->macs_s2c != kexinit->macs_s2c) std::abort();
    return 0;
}
