// One raw hello exchange: connect, send a ClientHello we encoded ourselves,
// read what the server answers up to its ServerHello (or alert, close,
// silence), hang up. The wire-level probes are built from these attempts, so
// what they see does not depend on what the local OpenSSL will negotiate.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checks/tls/wire/handshake.hpp"
#include "checks/tls/wire/hello.hpp"
#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

struct HelloAttempt {
    enum class Outcome {
        server_hello,        // a ServerHello (or HelloRetryRequest) arrived
        sslv2_server_hello,  // an SSLv2 SERVER-HELLO arrived
        alert,               // the server refused with an alert
        closed,              // the server hung up without a word
        timeout,             // the server said nothing in time
        malformed,           // the server sent something that is not a TLS answer
        connect_failed,      // no TCP connection
    };
    Outcome outcome = Outcome::timeout;
    std::optional<wire::tls::ServerHello> server_hello;
    std::optional<wire::tls::Sslv2ServerHello> sslv2;
    std::optional<wire::tls::Alert> alert;
    std::string detail;  // one line of evidence: "ServerHello TLSv1.2, suite 0xc02f", "alert: fatal protocol_version (70)"
};

// Sends `client_hello` (complete records) and waits up to options.timeout.
HelloAttempt exchange_hello(const core::Target& target, const core::ProbeOptions& options,
                            const std::vector<std::uint8_t>& client_hello);

// The name a hello should carry in SNI: the target's SNI, else its host when
// that is a DNS name (RFC 6066 §3: literal IP addresses are not permitted).
std::string sni_for(const core::Target& target);

// A fresh ClientHello spec for `version` with the usual extensions; the caller
// sets the suites. For TLS 1.3 the spec carries supported_versions and a key share.
wire::tls::ClientHelloSpec hello_for_version(std::uint16_t version, const core::Target& target);

// Every TLS <= 1.2 suite of the IANA table (no TLS 1.3 suites, no SCSVs), and
// the five TLS 1.3 suites.
std::vector<std::uint16_t> legacy_suite_codes();
std::vector<std::uint16_t> tls13_suite_codes();

}  // namespace conformscan::checks::tls
