// Chain verification, done apart from the handshake so that trust, validity
// dates and key/hash strength come out as separate facts.
#pragma once

#include <string>

#include <openssl/x509.h>

#include "checks/tls/tls_facts.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::checks::tls {

// Builds a path from the presented chain (leaf first; the rest only as
// untrusted candidates) to an anchor in `ca_file`, or in the system store when
// it is empty. Time checks and the security level are off, and every problem
// is recorded rather than only the first. Fails only when the trust store
// cannot be loaded.
core::Result<TlsFacts::Verification> verify_chain(STACK_OF(X509) * presented, const std::string& ca_file);

}  // namespace conformscan::checks::tls
