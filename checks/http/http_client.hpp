// One HTTP/1.1 GET through libcurl, on the probe's terms: the connection goes
// to the target's address whatever the URL's host (no DNS), within the
// politeness limits, the timeout and the size caps; nothing is followed,
// nothing is reused, no proxy, only http and https.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "checks/http/wire/response_head.hpp"
#include "scanner/core/registry.hpp"
#include "scanner/core/result.hpp"

namespace conformscan::checks::http {

// Error codes of HttpClient::get (core::Error::code).
inline constexpr std::string_view kErrTlsVerify = "tls_verify";  // certificate or name did not verify
inline constexpr std::string_view kErrTransport = "transport";   // anything else curl reports
inline constexpr std::string_view kErrHead = "bad_head";  // the response head is malformed or too large

// A response head is at most this large (status line and every field);
// curl itself refuses a single field line over 100 KiB.
inline constexpr std::size_t kMaxHeadBytes = 64 * 1024;
// The body is read up to this many bytes, then the transfer stops.
inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;

struct Fetched {
    wire::http::ResponseHead head;
    std::size_t body_bytes = 0;
    bool body_truncated = false;
};

class HttpClient {
public:
    HttpClient(const core::Target& target, const core::ProbeOptions& options);

    // GET `url` (http or https), connecting to the target's address on
    // `port`. `verify`: check the certificate chain against options.ca_file
    // (the system store when empty) and the name against the URL's host.
    core::Result<Fetched> get(const std::string& url, std::uint16_t port, bool verify);

    // TCP connections opened so far.
    [[nodiscard]] std::size_t connections() const { return m_connections; }

private:
    const core::Target& m_target;
    const core::ProbeOptions& m_options;
    std::size_t m_connections = 0;
};

// The URL authority for a host: IPv6 literals in brackets.
std::string url_host(const std::string& host);

}  // namespace conformscan::checks::http
