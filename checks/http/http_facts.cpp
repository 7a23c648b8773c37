#include "checks/http/http_facts.hpp"

#include <fmt/format.h>

#include "scanner/core/fact_json.hpp"

namespace conformscan::checks::http {

using Json = nlohmann::json;
using core::fact_json::read_optional;
using core::fact_json::require_object;

namespace {

template <typename T>
void put_optional(Json& j, const char* key, const std::optional<T>& v) {
    if (v) j[key] = *v;
}

template <typename T>
void get_optional(const Json& j, const char* key, std::optional<T>& out) {
    auto it = j.find(key);
    if (it != j.end() && !it->is_null()) out = it->get<T>();
}

}  // namespace

std::string redact_set_cookie(const std::string& value) {
    const auto semi = value.find(';');
    const std::string pair = value.substr(0, semi);
    const std::string rest = semi == std::string::npos ? std::string{} : value.substr(semi);
    const auto eq = pair.find('=');
    if (eq == std::string::npos) return value;  // no value to hide: a UA ignores it anyway
    std::size_t b = eq + 1, e = pair.size();
    while (b < e && (pair[b] == ' ' || pair[b] == '\t')) ++b;
    while (e > b && (pair[e - 1] == ' ' || pair[e - 1] == '\t')) --e;
    return fmt::format("{}=<{} bytes>{}", pair.substr(0, eq), e - b, rest);
}

void to_json(Json& j, const HttpHeader& h) {
    j = Json{{"name", h.name}, {"value", h.value}};
}
void from_json(const Json& j, HttpHeader& h) {
    require_object(j, "an http header");
    j.at("name").get_to(h.name);
    read_optional(j, "value", h.value);
}

void to_json(Json& j, const HttpCookie& c) {
    j = Json{{"name", c.name},          {"value_bytes", c.value_bytes}, {"secure", c.secure},
             {"httponly", c.http_only}, {"samesite", c.same_site},      {"ignored", c.ignored}};
    put_optional(j, "samesite_raw", c.same_site_raw);
    put_optional(j, "domain", c.domain);
    put_optional(j, "path", c.path);
    put_optional(j, "max_age", c.max_age);
    put_optional(j, "expires", c.expires);
    put_optional(j, "expires_raw", c.expires_raw);
}
void from_json(const Json& j, HttpCookie& c) {
    require_object(j, "a cookie");
    j.at("name").get_to(c.name);
    read_optional(j, "value_bytes", c.value_bytes);
    read_optional(j, "secure", c.secure);
    read_optional(j, "httponly", c.http_only);
    read_optional(j, "samesite", c.same_site);
    read_optional(j, "ignored", c.ignored);
    get_optional(j, "samesite_raw", c.same_site_raw);
    get_optional(j, "domain", c.domain);
    get_optional(j, "path", c.path);
    get_optional(j, "max_age", c.max_age);
    get_optional(j, "expires", c.expires);
    get_optional(j, "expires_raw", c.expires_raw);
}

void to_json(Json& j, const HttpResponse& r) {
    j = Json{{"url", r.url},
             {"status", r.status},
             {"http_version", r.http_version},
             {"headers", r.headers},
             {"cookies", r.cookies},
             {"cookie_errors", r.cookie_errors},
             {"location", r.location},
             {"location_url", r.location_url},
             {"location_scheme", r.location_scheme},
             {"location_host", r.location_host},
             {"location_port", r.location_port},
             {"location_same_host", r.location_same_host},
             {"followed", r.followed},
             {"note", r.note},
             {"tls_verify_error", r.tls_verify_error},
             {"body_bytes", r.body_bytes},
             {"body_truncated", r.body_truncated}};
    put_optional(j, "tls_verified", r.tls_verified);
}
void from_json(const Json& j, HttpResponse& r) {
    require_object(j, "an http response");
    j.at("status").get_to(r.status);
    read_optional(j, "url", r.url);
    read_optional(j, "http_version", r.http_version);
    read_optional(j, "headers", r.headers);
    read_optional(j, "cookies", r.cookies);
    read_optional(j, "cookie_errors", r.cookie_errors);
    read_optional(j, "location", r.location);
    read_optional(j, "location_url", r.location_url);
    read_optional(j, "location_scheme", r.location_scheme);
    read_optional(j, "location_host", r.location_host);
    read_optional(j, "location_port", r.location_port);
    read_optional(j, "location_same_host", r.location_same_host);
    read_optional(j, "followed", r.followed);
    read_optional(j, "note", r.note);
    read_optional(j, "tls_verify_error", r.tls_verify_error);
    read_optional(j, "body_bytes", r.body_bytes);
    read_optional(j, "body_truncated", r.body_truncated);
    get_optional(j, "tls_verified", r.tls_verified);
}

void to_json(Json& j, const HttpError& e) {
    j = Json{{"url", e.url}, {"reason", e.reason}};
}
void from_json(const Json& j, HttpError& e) {
    require_object(j, "an http error");
    read_optional(j, "url", e.url);
    read_optional(j, "reason", e.reason);
}

void to_json(Json& j, const HttpFacts& f) {
    j = Json{{"scheme", f.scheme},       {"url", f.url},
             {"status", f.status},       {"headers", f.headers},
             {"cookies", f.cookies},     {"chain", f.chain},
             {"final_url", f.final_url}, {"final_status", f.final_status},
             {"errors", f.errors},       {"requests", f.requests}};
    put_optional(j, "tls_verified", f.tls_verified);
}
void from_json(const Json& j, HttpFacts& f) {
    require_object(j, "http facts");
    // The scheme and the chain are what every http rule reads.
    j.at("scheme").get_to(f.scheme);
    j.at("chain").get_to(f.chain);
    read_optional(j, "url", f.url);
    read_optional(j, "status", f.status);
    read_optional(j, "headers", f.headers);
    read_optional(j, "cookies", f.cookies);
    read_optional(j, "final_url", f.final_url);
    read_optional(j, "final_status", f.final_status);
    read_optional(j, "errors", f.errors);
    read_optional(j, "requests", f.requests);
    get_optional(j, "tls_verified", f.tls_verified);
}

core::Result<HttpFacts> parse_http_facts(const Json& j) {
    auto f = core::fact_json::parse_facts<HttpFacts>(j, kHttpProbe);
    if (f && f->chain.empty())
        return core::make_error("bad_facts", "malformed http facts: the chain is empty", "facts.http");
    return f;
}

}  // namespace conformscan::checks::http
