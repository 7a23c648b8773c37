// Facts of the `http` probe: what one GET to the target's own URL, and the
// same-host redirects after it, answered. Plain data with a lossless JSON
// form (facts.http in the report); the check types read only this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::checks::http {

inline constexpr const char* kHttpProbe = "http";

struct HttpHeader {
    std::string name;   // lower-case
    std::string value;  // as sent; Set-Cookie values redacted (see redact_set_cookie)
};

// One Set-Cookie, as a user agent reads it (RFC 6265 §5.2). The cookie's
// value is not kept: reports travel, session identifiers must not.
struct HttpCookie {
    std::string name;
    std::size_t value_bytes = 0;
    bool secure = false;
    bool http_only = false;
    std::string same_site;  // "Strict" | "Lax" | "None" | "" (absent or unrecognised)
    std::optional<std::string> same_site_raw;
    std::optional<std::string> domain;
    std::optional<std::string> path;
    std::optional<std::int64_t> max_age;
    std::optional<std::string> expires;  // ISO 8601 UTC, when the date parsed
    std::optional<std::string> expires_raw;
    std::vector<std::string> ignored;  // attributes a UA ignores
};

// One response of the chain.
struct HttpResponse {
    std::string url;
    int status = 0;
    std::string http_version;  // "1.1"
    std::vector<HttpHeader> headers;
    std::vector<HttpCookie> cookies;
    std::vector<std::string> cookie_errors;  // Set-Cookie values a UA ignores entirely, and why
    std::string location;                    // the Location field as sent, "" when none
    std::string location_url;                // resolved against `url`; "" when unresolvable or none
    std::string location_scheme;
    std::string location_host;
    std::uint16_t location_port = 0;
    bool location_same_host = false;   // location_host is the target's name
    bool followed = false;             // the next response in the chain answers location_url
    std::string note;                  // why a redirect was not followed
    std::optional<bool> tls_verified;  // https only
    std::string tls_verify_error;      // why verification failed (the headers then come unverified)
    std::size_t body_bytes = 0;        // read, up to the cap
    bool body_truncated = false;       // the body went past the cap and the read stopped there
};

struct HttpError {
    std::string url;
    std::string reason;
};

struct HttpFacts {
    std::string scheme;  // "http" | "https": the target's service decides (see http_probe.cpp)
    std::string url;     // the first request's URL (Host and SNI: the target's name)
    // The target's own answer (chain[0]), repeated here for short fact paths.
    int status = 0;
    std::vector<HttpHeader> headers;
    std::vector<HttpCookie> cookies;
    std::optional<bool> tls_verified;
    std::vector<HttpResponse> chain;  // every response, in order
    std::string final_url;
    int final_status = 0;
    std::vector<HttpError> errors;  // a redirect that could not be fetched
    std::size_t requests = 0;
};

// "sid=<32 bytes>; Path=/; Secure": the value replaced by its length.
std::string redact_set_cookie(const std::string& value);

void to_json(nlohmann::json& j, const HttpHeader& h);
void from_json(const nlohmann::json& j, HttpHeader& h);
void to_json(nlohmann::json& j, const HttpCookie& c);
void from_json(const nlohmann::json& j, HttpCookie& c);
void to_json(nlohmann::json& j, const HttpResponse& r);
void from_json(const nlohmann::json& j, HttpResponse& r);
void to_json(nlohmann::json& j, const HttpError& e);
void from_json(const nlohmann::json& j, HttpError& e);
void to_json(nlohmann::json& j, const HttpFacts& f);
void from_json(const nlohmann::json& j, HttpFacts& f);
// from_json that never throws.
core::Result<HttpFacts> parse_http_facts(const nlohmann::json& j);

}  // namespace conformscan::checks::http
