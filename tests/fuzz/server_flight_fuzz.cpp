// Fuzz target for the flight reader and the server messages
// (checks/tls/wire/handshake.hpp): the first byte picks the chunk sizes the
// rest is fed in, as a network would split it; every complete handshake
// message is then parsed by type.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "checks/tls/wire/handshake.hpp"
#include "checks/tls/wire/hello.hpp"

namespace wire = conformscan::wire::tls;

namespace {

constexpr std::size_t kMaxTotal = 64 * 1024;
constexpr std::size_t kMaxMessage = 32 * 1024;

void parse_message(const wire::HandshakeMessage& m) {
    switch (m.type) {
        case wire::handshake_type::kServerHello:
            (void)wire::parse_server_hello(m.body);
            break;
        case wire::handshake_type::kCertificate:
            if (auto chain = wire::parse_certificate_list(m.body)) {
                for (const auto& cert : *chain)
                    if (cert.empty()) std::abort();
            }
            break;
        case wire::handshake_type::kServerKeyExchange:
            for (auto kind : {wire::KeyExchangeKind::dhe, wire::KeyExchangeKind::ecdhe})
                for (auto version : {wire::kTls10, wire::kTls12}) {
                    auto kx = wire::parse_server_key_exchange(m.body, kind, version);
                    if (kx && kx->dh_bits > static_cast<int>(8 * kx->dh_p.size())) std::abort();
                }
            break;
        default:
            break;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // Chunk sizes cycle through 1..16 times a step taken from the first byte.
    const std::size_t step = std::size_t{data[0]} % 64 + 1;
    const std::span<const std::uint8_t> input(data + 1, size - 1);

    wire::FlightReader reader(kMaxTotal, kMaxMessage);
    std::size_t at = 0;
    for (std::size_t i = 0; at < input.size(); ++i) {
        const std::size_t n = std::min(input.size() - at, step * (i % 16 + 1));
        auto fed = reader.feed(input.subspan(at, n));
        at += n;
        if (!fed) break;
    }
    if (reader.bytes_seen() > input.size()) std::abort();
    for (const auto& m : reader.flight().messages) {
        if (m.body.size() > kMaxMessage) std::abort();
        parse_message(m);
    }
    return 0;
}
