// Fuzz target for the EncryptedExtensions parser (checks/tls/wire/encrypted_extensions.hpp):
// the input is read as a whole handshake message. Anything parsed must satisfy
// the bounds the parser promises.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "checks/tls/wire/encrypted_extensions.hpp"

namespace wire = conformscan::wire::tls;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);
    auto ee = wire::parse_encrypted_extensions_message(input);
    if (!ee) {
        if (ee.error().where.empty()) std::abort();  // every error names its field
        return 0;
    }
    if (data[0] != wire::kEncryptedExtensionsType) std::abort();
    // Each extension costs at least 4 bytes, after the 4-byte header and the 2-byte list length.
    if (6 + 4 * ee->extension_types.size() > size) std::abort();
    if (ee->supported_groups) {
        if (ee->supported_groups->empty()) std::abort();
        if (std::find(ee->extension_types.begin(), ee->extension_types.end(), 0x000a) == ee->extension_types.end())
            std::abort();
    }
    return 0;
}
