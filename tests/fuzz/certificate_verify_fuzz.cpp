// Fuzz target for the CertificateVerify parser (checks/tls/wire/certificate_verify.hpp):
// the input is read as a whole handshake message and as a bare body. Anything
// parsed must satisfy the bounds the parser promises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "checks/tls/wire/certificate_verify.hpp"

namespace wire = conformscan::wire::tls;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);

    if (auto body = wire::parse_certificate_verify(input)) {
        if (body->signature.size() + 4 != size) std::abort();  // scheme, length, signature: nothing else
    } else if (body.error().where.empty()) {
        std::abort();  // every error names its field
    }

    if (auto message = wire::parse_certificate_verify_message(input)) {
        if (message->signature.size() + 8 != size || data[0] != wire::kCertificateVerifyType) std::abort();
    } else if (message.error().where.empty()) {
        std::abort();
    }
    return 0;
}
