// Fuzz target for the hello parsers (checks/tls/wire/hello.hpp): the input is
// read as a ServerHello body and as an SSLv2 SERVER-HELLO message. Anything
// parsed must satisfy the bounds the parsers promise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "checks/tls/wire/hello.hpp"

namespace wire = conformscan::wire::tls;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);

    if (auto hello = wire::parse_server_hello(input)) {
        if (hello->session_id.size() > 32) std::abort();
        std::size_t ext_bytes = 0;
        for (const auto& e : hello->extensions) ext_bytes += 4 + e.data.size();
        if (ext_bytes > size) std::abort();
        for (std::size_t i = 0; i < hello->extensions.size(); ++i)
            if (hello->find(hello->extensions[i].type) != &hello->extensions[i])
                std::abort();  // no duplicates
        if (hello->alpn && (hello->alpn->empty() || hello->alpn->size() > 255)) std::abort();
        (void)wire::version_name(hello->selected_version);
    } else if (hello.error().where.empty()) {
        std::abort();  // every error names its field
    }

    if (auto v2 = wire::parse_sslv2_server_hello(input)) {
        if (v2->certificate.size() + 3 * v2->cipher_kinds.size() + v2->connection_id.size() + 11 != size)
            std::abort();
    }
    return 0;
}
