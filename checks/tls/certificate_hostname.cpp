// tls.certificate.hostname: the leaf certificate names the server the client
// asked for, by the rules of RFC 6125 §6.4 (DNS names) and §6.4.4 (CN fallback),
// and RFC 5280 §4.2.1.6 (iPAddress SAN for IP literals).
#include <arpa/inet.h>

#include <array>

#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

// IPv4 or IPv6 literal in its canonical text (RFC 5952 for IPv6), or "" when
// the text is not an IP literal. Brackets around an IPv6 literal are allowed.
std::string normalise_ip(std::string_view text) {
    std::string s(text);
    if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
    std::array<unsigned char, 16> bin{};
    std::array<char, INET6_ADDRSTRLEN> out{};
    for (int family : {AF_INET, AF_INET6}) {
        if (inet_pton(family, s.c_str(), bin.data()) == 1 &&
            inet_ntop(family, bin.data(), out.data(), static_cast<socklen_t>(out.size())) != nullptr)
            return out.data();
    }
    return {};
}

// Lower case, one trailing dot dropped (RFC 6125 §6.4.1: compare case-insensitively;
// a fully qualified "example.com." names the same host).
std::string canonical_dns(std::string_view name) {
    auto s = ascii_lower(name);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

std::vector<std::string> labels_of(const std::string& name) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        auto dot = name.find('.', start);
        out.push_back(name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return out;
}

bool is_wildcard(const std::string& pattern) {
    return pattern.find('*') != std::string::npos;
}

// RFC 6125 §6.4.3: '*' only as the entire left-most label, standing for exactly
// one non-empty label; we also refuse patterns of fewer than three labels
// ("*.com", "*.example") which would cover a whole public suffix.
bool dns_matches(std::string_view presented, const std::string& reference, bool allow_wildcards) {
    const auto pattern = canonical_dns(presented);
    // A reference identity is a host name, never a pattern.
    if (pattern.empty() || reference.empty() || is_wildcard(reference)) return false;
    if (!is_wildcard(pattern)) return pattern == reference;
    if (!allow_wildcards) return false;
    const auto p = labels_of(pattern);
    const auto r = labels_of(reference);
    if (p.size() < 3 || p.front() != "*" || p.size() != r.size() || r.front().empty()) return false;
    for (std::size_t i = 1; i < p.size(); ++i)
        if (p[i].empty() || is_wildcard(p[i]) || p[i] != r[i]) return false;
    return true;
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_tls_facts_with_chain(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const bool allow_cn = params.value("allow_cn_fallback", false);
    const bool allow_wildcards = params.value("allow_wildcards", true);
    const auto& leaf = facts->chain.front();
    const bool from_sni = !facts->sni.empty();
    const std::string name = from_sni ? facts->sni : ctx.target.expected_name();

    Json observed{{"name", name},
                  {"name_source", from_sni ? "sni" : "target"},
                  {"subject", leaf.subject},
                  {"san_dns", leaf.san_dns},
                  {"san_ip", leaf.san_ip},
                  {"common_name", leaf.common_name}};
    const Json expected{
        {"name", name}, {"allow_cn_fallback", allow_cn}, {"allow_wildcards", allow_wildcards}};
    if (name.empty())
        return Outcome::error("no name to match the certificate against (no SNI and no host)", observed);

    auto matched = [&](std::string how, const std::string& what) {
        observed["matched_by"] = how;
        observed["matched"] = what;
        return Outcome::pass(fmt::format("the certificate matches {} ({} {})", name, how, what), observed,
                             expected);
    };

    if (const auto ip = normalise_ip(name); !ip.empty()) {
        // RFC 6125 §6.4 covers DNS names only; an IP reference identity is an
        // iPAddress SAN (RFC 5280 §4.2.1.6), compared as an address, not as text.
        for (const auto& candidate : leaf.san_ip)
            if (normalise_ip(candidate) == ip) return matched("san_ip", candidate);
        return Outcome::fail(fmt::format("the certificate has no IP address SAN for {} (SAN IP: [{}])", name,
                                         fmt::join(leaf.san_ip, ", ")),
                             observed, expected);
    }

    const auto reference = canonical_dns(name);
    for (const auto& candidate : leaf.san_dns)
        if (dns_matches(candidate, reference, allow_wildcards)) return matched("san_dns", candidate);

    // RFC 6125 §6.4.4: the CN is consulted only when there is no DNS-ID at all.
    if (leaf.san_dns.empty()) {
        if (allow_cn && dns_matches(leaf.common_name, reference, allow_wildcards))
            return matched("common_name", leaf.common_name);
        if (!allow_cn)
            return Outcome::fail(
                fmt::format("the certificate has no DNS name SAN, and the subject CN '{}' is not "
                            "consulted because allow_cn_fallback is false (RFC 6125 §6.4.4)",
                            leaf.common_name),
                observed, expected);
        return Outcome::fail(
            fmt::format("{} does not match the certificate's subject CN '{}' and there is no DNS "
                        "name SAN",
                        name, leaf.common_name),
            observed, expected);
    }

    std::string message = fmt::format("{} matches none of the certificate's DNS names [{}]", name,
                                      fmt::join(leaf.san_dns, ", "));
    if (!allow_wildcards) {
        for (const auto& candidate : leaf.san_dns)
            if (dns_matches(candidate, reference, true)) {
                message += fmt::format(" ({} would match, but allow_wildcards is false)", candidate);
                break;
            }
    }
    return Outcome::fail(std::move(message), observed, expected);
}

}  // namespace

core::CheckDescriptor hostname_check() {
    core::CheckDescriptor d;
    d.name = "tls.certificate.hostname";
    d.title = "The certificate names the server";
    d.description =
        "Matches the SNI name sent (else the target's host) against the leaf certificate: DNS names against "
        "the dNSName SANs per RFC 6125 §6.4 (case-insensitive, trailing dot ignored, '*' only as the whole "
        "left-most label of a pattern of at least three labels), IP literals against the iPAddress SANs "
        "(RFC 5280 §4.2.1.6). The subject CN is consulted only with allow_cn_fallback and only when the "
        "certificate has no dNSName SAN (RFC 6125 §6.4.4).";
    d.facts = {kTlsProbe};
    d.params = {
        core::ParamSpec{.name = "allow_cn_fallback",
                        .type = core::ParamType::boolean,
                        .description = "Match the subject CN when the certificate has no DNS name SAN.",
                        .default_value = false},
        core::ParamSpec{.name = "allow_wildcards",
                        .type = core::ParamType::boolean,
                        .description = "Accept a wildcard SAN such as *.example.net.",
                        .default_value = true},
    };
    d.examples = {"{}", "{allow_wildcards: false}", "{allow_cn_fallback: true}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
