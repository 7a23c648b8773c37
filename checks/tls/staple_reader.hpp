// What a server staples to the handshake, read from an established OpenSSL
// connection for the `tls` probe: the OCSP response (RFC 6066 §8, RFC 6960)
// with its dates and whether it verifies against the presented issuer, and
// the Signed Certificate Timestamps (RFC 6962 §3.3) from the TLS extension,
// the stapled OCSP response and the certificate itself.
#pragma once

#include <openssl/ssl.h>

#include "checks/tls/tls_facts.hpp"

namespace conformscan::checks::tls {

// Asks for SCTs in the TLS extension (and, with it, for an OCSP staple).
// OpenSSL then parses SCTs from every source; the callback accepts them all,
// judging is for the rules. False when OpenSSL refuses.
bool request_scts(SSL* ssl);

// Fills the ocsp_* details and scts of `facts` from a completed handshake.
// The log signatures of the SCTs are not verified (no log list is kept).
void read_staples(SSL* ssl, TlsFacts& facts);

}  // namespace conformscan::checks::tls
