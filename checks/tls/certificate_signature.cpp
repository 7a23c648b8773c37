// tls.certificate.signature: no judged certificate is signed with a forbidden
// hash or algorithm (RFC 9155 §2-4: no MD5 or SHA-1 signatures; NIST SP
// 800-52r2 §3.2.1: no SHA-1 in server certificates).
#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

// "SHA-1", "sha_1" and "sha1" name the same hash; compare without case or separators.
std::string canonical_hash(std::string_view name) {
    std::string out;
    for (char ch : ascii_lower(name))
        if (ch != '-' && ch != '_') out.push_back(ch);
    return out;
}

// RFC 5280 §6.1: a trust anchor is an input to path validation, not a link of
// it, so the signature on a self-signed CA certificate is never relied on (the
// rationale RFC 9155 and CA/B BR §7.1.3 use to allow SHA-1 roots).
bool is_trust_anchor(const CertificateFacts& c) {
    return c.self_signed && c.is_ca;
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_tls_facts_with_chain(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const Scope scope = scope_of(params);
    std::vector<std::string> forbidden_hashes;
    for (const auto& h : string_list(params, "forbidden_hashes"))
        forbidden_hashes.push_back(canonical_hash(h));
    const auto forbidden_algorithms = string_list(params, "forbidden_algorithms");

    Json judged = Json::array();
    Json skipped = Json::array();
    Json offending = Json::array();
    std::string first_problem;
    for (const auto& c : select_certificates(*facts, scope)) {
        Json e = certificate_ref(c);
        e["algorithm"] = c.cert->signature.algorithm;
        e["hash"] = c.cert->signature.hash;
        if (scope == Scope::chain && is_trust_anchor(*c.cert)) {
            e["reason"] = "self-signed CA: its signature is not relied on";
            skipped.push_back(std::move(e));
            continue;
        }
        std::string problem;
        const auto hash = canonical_hash(c.cert->signature.hash);
        bool bad_hash = false;
        for (const auto& f : forbidden_hashes) bad_hash = bad_hash || (!hash.empty() && f == hash);
        if (bad_hash)
            problem = fmt::format("{} is signed with {} ({})", describe(c), c.cert->signature.algorithm,
                                  c.cert->signature.hash);
        else if (contains_ci(forbidden_algorithms, c.cert->signature.algorithm))
            problem = fmt::format("{} is signed with {}", describe(c), c.cert->signature.algorithm);
        if (!problem.empty()) {
            if (first_problem.empty()) first_problem = problem;
            offending.push_back(e);
        }
        judged.push_back(std::move(e));
    }

    Json observed{{"certificates", judged}};
    if (!skipped.empty()) observed["not_judged"] = skipped;
    const Json expected{{"forbidden_hashes", params.value("forbidden_hashes", Json::array())},
                        {"forbidden_algorithms", params.value("forbidden_algorithms", Json::array())},
                        {"scope", to_string(scope)}};
    if (!offending.empty()) {
        observed["offending"] = offending;
        std::string message = first_problem + ", which is forbidden";
        if (offending.size() > 1)
            message += fmt::format(" (and {} more certificates fail)", offending.size() - 1);
        return Outcome::fail(std::move(message), observed, expected);
    }
    if (judged.empty())
        return Outcome::pass(
            "only a self-signed CA certificate was presented, whose signature is not relied on", observed,
            expected);
    if (judged.size() == 1)
        return Outcome::pass(fmt::format("{} is signed with {}", describe({0, &facts->chain.front()}),
                                         facts->chain.front().signature.algorithm),
                             observed, expected);
    return Outcome::pass(
        fmt::format("none of the {} judged certificates uses a forbidden signature", judged.size()), observed,
        expected);
}

}  // namespace

core::CheckDescriptor signature_check() {
    core::CheckDescriptor d;
    d.name = "tls.certificate.signature";
    d.title = "Certificate signatures use no forbidden hash or algorithm";
    d.description =
        "Fails when a judged certificate is signed with a forbidden hash (compared case-insensitively; MD2, "
        "MD4, MD5 and SHA-1 by default, RFC 9155) or a forbidden signature algorithm (OpenSSL long name). In "
        "chain scope every presented certificate is judged except a self-signed CA, whose signature a "
        "verifier never relies on (RFC 5280 §6.1).";
    d.facts = {kTlsProbe};
    d.params = {
        core::ParamSpec{.name = "forbidden_hashes",
                        .type = core::ParamType::string_list,
                        .description = "Hashes that must not sign a judged certificate.",
                        .default_value = Json{"md2", "md4", "md5", "sha1"}},
        core::ParamSpec{.name = "forbidden_algorithms",
                        .type = core::ParamType::string_list,
                        .description =
                            "Signature algorithms (OpenSSL long names, e.g. dsaWithSHA1) that must "
                            "not sign a judged certificate.",
                        .default_value = Json::array()},
        scope_param(Scope::chain),
    };
    d.examples = {"{}", "{forbidden_hashes: [md5, sha1, sha224], scope: leaf}",
                  "{forbidden_algorithms: [dsaWithSHA256]}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
