// One raw hello exchange that reads past the ServerHello: for TLS <= 1.2 the
// server's key exchange parameters (the DH prime, the ECDHE named group) come
// in ServerKeyExchange, after Certificate (RFC 5246 §7.4.3, RFC 8422 §5.4).
// A companion of exchange_hello (raw_hello.hpp), whose behaviour it leaves
// alone: the version and suite probes stop at the ServerHello.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checks/tls/raw_hello.hpp"
#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

struct KeyExchangeAttempt {
    // outcome server_hello once a ServerHello (or HelloRetryRequest) arrived,
    // whatever followed it; otherwise what ended the exchange before it.
    HelloAttempt hello;
    // The ServerKeyExchange body (after the 4-byte handshake header) when it
    // arrived before ServerHelloDone; parse it with parse_server_key_exchange.
    std::optional<std::vector<std::uint8_t>> server_key_exchange;
    bool server_hello_done = false;  // ServerHelloDone arrived without a ServerKeyExchange
    std::string detail;              // after a ServerHello: why the flight stopped short, if it did
};

// Sends `client_hello` and reads up to options.timeout. After a TLS <= 1.2
// ServerHello it keeps reading the server's first flight until
// ServerKeyExchange or ServerHelloDone, an alert, a close or the deadline.
// A HelloRetryRequest or a TLS 1.3 ServerHello ends it at once (the rest of
// that flight is encrypted). SSLv2 answers are not read (outcome malformed).
KeyExchangeAttempt exchange_to_key_exchange(const core::Target& target, const core::ProbeOptions& options,
                                            const std::vector<std::uint8_t>& client_hello);

}  // namespace conformscan::checks::tls
