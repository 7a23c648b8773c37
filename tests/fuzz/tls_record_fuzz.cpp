// Fuzz target for the TLS record layer parsers (checks/tls/wire/record.hpp):
// the classifier of a server's first bytes, and every parser on a bounded
// cursor, walking the input as a sequence of records.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "checks/tls/wire/record.hpp"

namespace wire = conformscan::wire::tls;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);

    const std::string description = wire::describe_server_bytes(input);
    // The description goes into reports: printable ASCII, bounded.
    for (char c : description)
        if (c < 0x20 || c > 0x7e) std::abort();
    if (description.size() > 200) std::abort();

    (void)wire::parse_sslv2_header(input);

    conformscan::core::ByteReader reader(input, "fuzz");
    while (!reader.done()) {
        auto header = wire::parse_record_header(reader);
        if (!header) break;
        if (header->length > wire::kMaxRecordLength) std::abort();
        auto body = reader.sub(header->length, "record");
        if (!body) break;
        if (header->content_type == static_cast<std::uint8_t>(wire::ContentType::alert)) {
            if (auto alert = wire::parse_alert(*body)) (void)wire::describe_alert(*alert);
        }
    }
    return 0;
}
