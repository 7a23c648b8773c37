// The `http` probe.
//
// Scheme: a target of service `http` is asked over plain HTTP; every other
// service (https, tls, or whatever a rule's applies_to lets through) over
// HTTPS. One inventory entry per listener: {port: 80, service: http} is the
// plain listener that http.redirect_to_https judges, {port: 443, service:
// https} the TLS one that http.hsts, http.headers and http.cookies judge.
//
// Host and SNI are the target's expected name (sni, else host); every
// connection goes to the target's address (no DNS). Redirects are followed by
// hand, at most kMaxRedirects, only to http/https URLs on the same host name
// (any port: a plain listener's redirect to its HTTPS sibling is the normal
// case); an off-host Location is recorded and not followed.
//
// Over https the certificate is verified against --ca-file (else the system
// store). When verification fails the same GET is repeated unverified, so
// that headers are still observed, and the response says so (tls_verified:
// false, tls_verify_error); the tls probe's rules judge the certificate.
#include "checks/http/http_probe.hpp"

#include <chrono>
#include <exception>
#include <memory>
#include <set>

#include <curl/curl.h>
#include <fmt/format.h>

#include "checks/http/http_client.hpp"
#include "checks/http/http_facts.hpp"
#include "checks/http/wire/set_cookie.hpp"
#include "checks/http/wire/text.hpp"

namespace conformscan::checks::http {

namespace {

// RFC 9110 §15.4: a client ought to detect cyclical redirections. Five hops
// cover what a sane site chains (http -> https -> canonical path); browsers
// allow 20, but each hop here costs a connection to the operator's server.
constexpr int kMaxRedirects = 5;

using Clock = std::chrono::steady_clock;

bool is_redirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string strip_dot(std::string host) {
    if (!host.empty() && host.back() == '.') host.pop_back();
    return host;
}

bool same_host(const std::string& a, const std::string& b) {
    auto unbracket = [](const std::string& h) {
        return h.size() >= 2 && h.front() == '[' && h.back() == ']' ? h.substr(1, h.size() - 2) : h;
    };
    return wire::http::iequals(strip_dot(unbracket(a)), strip_dot(unbracket(b)));
}

struct UrlDeleter {
    void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

std::string url_part(CURLU* u, CURLUPart part, unsigned flags = 0) {
    char* s = nullptr;
    if (curl_url_get(u, part, &s, flags) != CURLUE_OK || s == nullptr) return {};
    std::string out(s);
    curl_free(s);
    return out;
}

// Resolves the Location against the response's URL (RFC 9110 §10.2.2: a
// URI-reference) with curl's URL parser, and records where it points.
void resolve_location(HttpResponse& r, const std::string& expected_name) {
    std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
    if (!u || curl_url_set(u.get(), CURLUPART_URL, r.url.c_str(), 0) != CURLUE_OK ||
        curl_url_set(u.get(), CURLUPART_URL, r.location.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
        r.note = "the Location is not a URI reference this probe can resolve";
        return;
    }
    r.location_url = url_part(u.get(), CURLUPART_URL);
    r.location_scheme = wire::http::to_lower(url_part(u.get(), CURLUPART_SCHEME));
    r.location_host = wire::http::to_lower(url_part(u.get(), CURLUPART_HOST));
    const std::string port = url_part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
    r.location_port = port.empty() ? 0 : static_cast<std::uint16_t>(std::stoul(port));
    r.location_same_host = same_host(r.location_host, expected_name);
}

HttpCookie cookie_of(const wire::http::SetCookie& c) {
    HttpCookie out;
    out.name = c.name;
    out.value_bytes = c.value.size();
    out.secure = c.secure;
    out.http_only = c.http_only;
    out.same_site = c.same_site;
    out.same_site_raw = c.same_site_raw;
    out.domain = c.domain;
    out.path = c.path;
    out.max_age = c.max_age;
    if (c.expires) out.expires = wire::http::format_epoch(*c.expires);
    out.expires_raw = c.expires_raw;
    out.ignored = c.ignored;
    return out;
}

HttpResponse response_of(const std::string& url, const Fetched& f) {
    HttpResponse r;
    r.url = url;
    r.status = f.head.status;
    r.http_version = fmt::format("{}.{}", f.head.version_major, f.head.version_minor);
    for (const auto& field : f.head.fields) {
        if (field.name == "set-cookie") {
            auto c = wire::http::parse_set_cookie(field.value);
            if (c)
                r.cookies.push_back(cookie_of(*c));
            else
                r.cookie_errors.push_back(c.error().message);
            r.headers.push_back({field.name, redact_set_cookie(field.value)});
        } else {
            r.headers.push_back({field.name, field.value});
        }
        if (field.name == "location" && r.location.empty()) r.location = field.value;
    }
    r.body_bytes = f.body_bytes;
    r.body_truncated = f.body_truncated;
    return r;
}

// One GET; over https, unverified again when verification fails.
core::Result<HttpResponse> fetch(HttpClient& client, const std::string& url, const std::string& scheme,
                                 std::uint16_t port, std::size_t& requests) {
    ++requests;
    auto got = client.get(url, port, true);
    if (!got && got.error().code == kErrTlsVerify) {
        const std::string why = got.error().message;
        ++requests;
        got = client.get(url, port, false);
        if (!got) return got.error();
        auto r = response_of(url, *got);
        r.tls_verified = false;
        r.tls_verify_error = why;
        return r;
    }
    if (!got) return got.error();
    auto r = response_of(url, *got);
    if (scheme == "https") r.tls_verified = true;
    return r;
}

core::ProbeRecord run_http_probe(const core::Target& target, const core::ProbeOptions& options) {
    const auto started = Clock::now();
    auto finish = [&](core::ProbeRecord record, std::size_t connections) {
        record.probe = kHttpProbe;
        record.connections = connections;
        record.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        return record;
    };
    if (!target.starttls.empty())
        return finish(
            core::ProbeRecord::failure(kHttpProbe, fmt::format("the http probe does not speak HTTP after "
                                                               "a STARTTLS ({}) dialog",
                                                               target.starttls)),
            0);

    HttpClient client(target, options);
    HttpFacts facts;
    const std::string& name = target.expected_name();
    facts.scheme = target.service == "http" ? "http" : "https";
    facts.url = fmt::format("{}://{}:{}/", facts.scheme, url_host(name), target.port);

    std::string url = facts.url, scheme = facts.scheme;
    std::uint16_t port = target.port;
    std::set<std::string> visited;
    for (int hop = 0;; ++hop) {
        visited.insert(url);
        auto r = fetch(client, url, scheme, port, facts.requests);
        if (!r) {
            if (hop == 0) {
                auto record =
                    core::ProbeRecord::failure(kHttpProbe, fmt::format("GET {}: {}", url, r.error().message));
                return finish(std::move(record), client.connections());
            }
            facts.errors.push_back({url, r.error().message});
            facts.chain.back().note = fmt::format("following the redirect failed: {}", r.error().message);
            facts.chain.back().followed = false;
            break;
        }
        facts.chain.push_back(std::move(*r));
        auto& last = facts.chain.back();
        if (!is_redirect(last.status) || last.location.empty()) break;
        resolve_location(last, name);
        if (!last.note.empty()) break;
        if (last.location_scheme != "http" && last.location_scheme != "https") {
            last.note = fmt::format("not followed: scheme '{}'", last.location_scheme);
            break;
        }
        if (!last.location_same_host) {
            last.note = fmt::format("not followed: '{}' is another host than '{}'", last.location_host, name);
            break;
        }
        if (visited.count(last.location_url) != 0) {
            last.note = "not followed: a redirect loop";
            break;
        }
        if (hop == kMaxRedirects) {
            last.note = fmt::format("not followed: more than {} redirects", kMaxRedirects);
            break;
        }
        last.followed = true;
        url = last.location_url;
        scheme = last.location_scheme;
        port = last.location_port;
    }

    const auto& first = facts.chain.front();
    facts.status = first.status;
    facts.headers = first.headers;
    facts.cookies = first.cookies;
    facts.tls_verified = first.tls_verified;
    facts.final_url = facts.chain.back().url;
    facts.final_status = facts.chain.back().status;

    core::ProbeRecord record;
    record.status = core::ProbeStatus::ok;
    record.data = facts;
    return finish(std::move(record), client.connections());
}

}  // namespace

void register_http_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = kHttpProbe;
    d.title = "HTTP response headers, cookies and redirects";
    d.description =
        "GETs the target's root URL over plain HTTP (service http) or HTTPS (any other service) with the "
        "target's name as Host and SNI, connecting to the target's address; records the status, every "
        "response header (names lower-cased, repeats kept, Set-Cookie values redacted), the cookies as a "
        "browser reads them, and the redirect chain, following at most 5 redirects on the same host. "
        "Bodies are read up to 64 KiB, heads up to 64 KiB. A certificate that does not verify is noted "
        "and the headers fetched unverified.";
    d.facts = {"http.scheme",           "http.url",
               "http.status",           "http.headers[*].name",
               "http.headers[*].value", "http.cookies[*].secure",
               "http.chain[*].status",  "http.chain[*].location",
               "http.final_url",        "http.final_status",
               "http.tls_verified",     "http.errors"};
    d.run = [](const core::Target& target, const core::ProbeOptions& options, const core::FactSet&) {
        try {
            return run_http_probe(target, options);
        } catch (const std::exception& e) {
            return core::ProbeRecord::failure(kHttpProbe, fmt::format("internal error: {}", e.what()));
        }
    };
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::http
