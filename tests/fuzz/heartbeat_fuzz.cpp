// Fuzz target for the heartbeat parser (checks/tls/wire/heartbeat.hpp) and the
// ClientHello extension appender (checks/tls/wire/client_flight.hpp): the
// input is read as a heartbeat record fragment and as an encoded ClientHello
// message. Anything parsed must satisfy the bounds the functions promise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "checks/tls/wire/client_flight.hpp"
#include "checks/tls/wire/heartbeat.hpp"

namespace wire = conformscan::wire::tls;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);

    if (auto msg = wire::parse_heartbeat_message(input)) {
        if (msg->payload.size() != msg->payload_length) std::abort();
        if (3 + msg->payload.size() + msg->padding != size) std::abort();
        if (msg->type != wire::heartbeat_type::kRequest && msg->type != wire::heartbeat_type::kResponse)
            std::abort();
    } else if (msg.error().where.empty()) {
        std::abort();  // every error names its field
    }

    const std::uint8_t ticket[] = {1, 2, 3};
    if (auto grown = wire::append_client_hello_extension(input, 35, ticket)) {
        if (grown->size() < size + 7 || grown->size() > size + 9) std::abort();
        const std::size_t body =
            (std::size_t{(*grown)[1]} << 16) | (std::size_t{(*grown)[2]} << 8) | (*grown)[3];
        if (body + 4 != grown->size()) std::abort();
    } else if (grown.error().where.empty()) {
        std::abort();
    }
    return 0;
}
