// X509 -> CertificateFacts: the presented chain as plain data, so that rules
// judge certificates without OpenSSL.
#pragma once

#include <string>

#include <openssl/x509.h>

#include "checks/tls/tls_facts.hpp"

namespace conformscan::checks::tls {

// Every member of CertificateFacts, from one certificate. Never fails: a field
// OpenSSL cannot decode stays empty. Takes a non-const X509 because OpenSSL
// caches decoded extensions in it.
CertificateFacts certificate_facts(X509* cert);

// RFC 2253 text of a name ("CN=example.net,O=Example"), ASCII only.
std::string name_text(const X509_NAME* name);

// The string as it is when it is valid UTF-8 without control characters,
// else escaped (core::escape_bytes): certificate strings come from the peer
// and the JSON writer refuses invalid UTF-8.
std::string safe_text(std::string_view bytes);

}  // namespace conformscan::checks::tls
