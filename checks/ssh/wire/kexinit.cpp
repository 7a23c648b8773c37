#include "checks/ssh/wire/kexinit.hpp"

#include <fmt/format.h>

#include "checks/ssh/wire/packet.hpp"
#include "scanner/core/byte_reader.hpp"

namespace conformscan::wire::ssh {

core::Result<KexInit> parse_kexinit(std::span<const std::uint8_t> payload) {
    core::ByteReader r(payload, "KEXINIT");
    auto msg = r.u8();
    if (!msg) return msg.error();
    if (*msg != static_cast<std::uint8_t>(Msg::kexinit))
        return core::make_error("unexpected_message", fmt::format("message {} where KEXINIT (20) was expected", *msg),
                                "KEXINIT", 0);
    KexInit k;
    auto cookie = r.bytes(16);
    if (!cookie) return cookie.error();
    std::copy(cookie->begin(), cookie->end(), k.cookie.begin());
    struct Field {
        const char* name;
        std::vector<std::string>* list;
    };
    const Field fields[] = {{"kex_algorithms", &k.kex},
                            {"server_host_key_algorithms", &k.host_key},
                            {"encryption_algorithms_client_to_server", &k.ciphers_c2s},
                            {"encryption_algorithms_server_to_client", &k.ciphers_s2c},
                            {"mac_algorithms_client_to_server", &k.macs_c2s},
                            {"mac_algorithms_server_to_client", &k.macs_s2c},
                            {"compression_algorithms_client_to_server", &k.compression_c2s},
                            {"compression_algorithms_server_to_client", &k.compression_s2c},
                            {"languages_client_to_server", &k.languages_c2s},
                            {"languages_server_to_client", &k.languages_s2c}};
    for (const auto& f : fields) {
        core::ByteReader field(payload.subspan(r.position()), fmt::format("KEXINIT.{}", f.name), r.position());
        auto names = read_name_list(field);
        if (!names) return names.error();
        if (auto skipped = r.skip(field.position()); !skipped) return skipped.error();
        *f.list = std::move(*names);
    }
    auto follows = read_bool(r);
    if (!follows) return follows.error();
    k.first_kex_packet_follows = *follows;
    auto reserved = r.u32();
    if (!reserved) return reserved.error();
    k.reserved = *reserved;
    if (auto done = r.expect_done(); !done) return done.error();
    return k;
}

std::vector<std::uint8_t> encode_kexinit(const KexInit& k) {
    Writer w;
    w.u8(static_cast<std::uint8_t>(Msg::kexinit));
    w.raw(k.cookie);
    for (const auto* list : {&k.kex, &k.host_key, &k.ciphers_c2s, &k.ciphers_s2c, &k.macs_c2s, &k.macs_s2c,
                             &k.compression_c2s, &k.compression_s2c, &k.languages_c2s, &k.languages_s2c})
        w.name_list(*list);
    w.boolean(k.first_kex_packet_follows);
    w.u32(k.reserved);
    return std::move(w).take();
}

}  // namespace conformscan::wire::ssh
