// tls.signature_algorithms: the signature schemes a server signs its
// handshake with (tls_sigalgs facts) are allowed, not forbidden by name or by
// property, and use a hash of at least min_hash_bits.
//
// Properties (from the IANA table, checks/tls/wire/iana_tables.hpp):
//   md5, sha1, sha224 — the scheme's hash;
//   dsa               — a DSA signature;
//   rsa_pkcs1_tls13   — an rsa_pkcs1_* scheme signing a TLS 1.3 handshake;
//   not_recommended   — the IANA "Recommended" column is not Y;
//   discouraged       — the IANA "Recommended" column is D;
//   unknown           — a code point the table does not know.
// min_hash_bits judges the hash's output size (md5 128, sha1 160, sha224 224,
// sha256 256, ...); schemes with no separate hash (ed25519, ed448, ML-DSA:
// "intrinsic") are not judged by it.
//
// References:
//   RFC 8446 §4.2.3: rsa_pkcs1_* and SHA-1 schemes are not for TLS 1.3
//     handshake signatures (RSASSA-PSS there); §4.4.3: CertificateVerify
//     uses a scheme the client offered.
//   RFC 5246 §7.4.1.4.1: without signature_algorithms a TLS 1.2 server uses
//     SHA-1; with it, the server's scheme MUST be one listed.
//   RFC 9155: MD5 and SHA-1 MUST NOT be used in TLS 1.2 digital signatures.
//   RFC 9325 §4.2 (clause number unverified): SHA-1 is not to be used.
#include "checks/tls/signature_algorithms.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/scan_common.hpp"
#include "checks/tls/sigalg_facts.hpp"
#include "checks/tls/suite_common.hpp"
#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;
namespace wt = wire::tls;

constexpr const char* kTlsSigalgsProbe = "tls_sigalgs";

std::optional<std::uint16_t> scheme_code(std::string_view name) {
    if (const auto* s = wt::find_signature_scheme(name)) return s->code;
    auto code = parse_suite_code(name);
    if (code && *code <= 0xffff) return static_cast<std::uint16_t>(*code);
    return std::nullopt;
}

core::Result<std::set<std::uint16_t>> resolve_schemes(const std::vector<std::string>& names,
                                                      std::string_view param) {
    std::set<std::uint16_t> out;
    for (const auto& n : names) {
        auto code = scheme_code(n);
        if (!code)
            return core::make_error("bad_param",
                                    fmt::format("{}: \"{}\" is not a TLS signature scheme (IANA name such as "
                                                "rsa_pss_rsae_sha256, or a quoted code point such as \"0x0804\")",
                                                param, n),
                                    std::string(param));
        out.insert(*code);
    }
    return out;
}

// Output size of the scheme's hash; 0 when it has none of its own.
int hash_bits(std::string_view hash) {
    if (hash == "md5") return 128;
    if (hash == "sha1") return 160;
    if (hash == "sha224") return 224;
    if (hash == "sha256" || hash == "sm3" || hash == "streebog256") return 256;
    if (hash == "sha384") return 384;
    if (hash == "sha512" || hash == "streebog512") return 512;
    return 0;
}

struct Policy {
    std::set<std::uint16_t> allowed;
    std::set<std::uint16_t> forbidden;
    std::vector<std::string> properties;
    long min_hash_bits = 0;
    bool forbid_unoffered = true;
};

std::vector<std::string> properties_of(const std::string& version, const wt::SignatureSchemeInfo* s) {
    if (s == nullptr) return {"unknown", "not_recommended"};
    std::vector<std::string> out;
    if (s->hash == "md5") out.push_back("md5");
    if (s->hash == "sha1") out.push_back("sha1");
    if (s->hash == "sha224") out.push_back("sha224");
    if (s->signature == "dsa") out.push_back("dsa");
    if (s->signature == "rsa_pkcs1" && version == "TLSv1.3") out.push_back("rsa_pkcs1_tls13");
    if (s->recommended != 'Y') out.push_back("not_recommended");
    if (s->recommended == 'D') out.push_back("discouraged");
    return out;
}

std::vector<std::string> reasons(const Policy& p, const std::string& version, const std::string& name) {
    std::vector<std::string> out;
    const auto code = scheme_code(name);
    const auto* s = code ? wt::find_signature_scheme(*code) : nullptr;
    for (const auto& prop : properties_of(version, s))
        if (std::find(p.properties.begin(), p.properties.end(), prop) != p.properties.end()) out.push_back(prop);
    if (s != nullptr && p.min_hash_bits > 0) {
        const int bits = hash_bits(s->hash);
        if (bits > 0 && bits < p.min_hash_bits)
            out.push_back(fmt::format("hash bits {} < {}", bits, p.min_hash_bits));
    }
    if (code && p.forbidden.count(*code) != 0) out.push_back("forbidden");
    if (!p.allowed.empty() && (!code || p.allowed.count(*code) == 0)) out.push_back("not_allowed");
    return out;
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    const auto* record = ctx.facts.get(kTlsSigalgsProbe);
    if (record == nullptr) return Outcome::error("no tls_sigalgs facts for this target");
    auto facts = parse_tls_sigalgs_facts(record->data);
    if (!facts) return Outcome::error(facts.error().describe());

    Policy p;
    auto allowed = resolve_schemes(string_list(params, "allowed"), "allowed");
    if (!allowed) return Outcome::error(allowed.error().describe());
    auto forbidden = resolve_schemes(string_list(params, "forbidden"), "forbidden");
    if (!forbidden) return Outcome::error(forbidden.error().describe());
    p.allowed = std::move(*allowed);
    p.forbidden = std::move(*forbidden);
    p.properties = string_list(params, "forbid_properties");
    p.min_hash_bits = params.value("min_hash_bits", 0L);
    p.forbid_unoffered = params.value("forbid_unoffered", true);
    const auto versions = string_list(params, "versions");

    const Json expected{{"versions", params.value("versions", Json::array())},
                        {"allowed", params.value("allowed", Json::array())},
                        {"forbidden", params.value("forbidden", Json::array())},
                        {"forbid_properties", p.properties},
                        {"min_hash_bits", p.min_hash_bits},
                        {"forbid_unoffered", p.forbid_unoffered}};
    Json observed{{"per_version", Json::array()}};
    Json offending = Json::array();
    std::vector<std::string> lines;
    std::vector<std::string> gaps;  // what keeps a pass from being certain
    int judged_versions = 0;
    std::size_t judged_schemes = 0;
    const bool sha1_forbidden = std::find(p.properties.begin(), p.properties.end(), "sha1") != p.properties.end();

    for (const auto& pv : facts->per_version) {
        if (!versions.empty() && !contains_ci(versions, pv.version)) continue;
        observed["per_version"].push_back({{"version", pv.version},
                                           {"observable", pv.observable},
                                           {"schemes", pv.schemes},
                                           {"sha1", pv.sha1},
                                           {"unoffered", pv.unoffered},
                                           {"complete", pv.complete}});
        if (!pv.observable) continue;
        ++judged_versions;
        judged_schemes += pv.schemes.size();
        const auto judge = [&](const std::string& name, bool unoffered) {
            auto why = reasons(p, pv.version, name);
            if (unoffered && p.forbid_unoffered) why.push_back("unoffered");
            if (why.empty()) return;
            offending.push_back({{"version", pv.version}, {"scheme", name}, {"reasons", why}});
            lines.push_back(fmt::format("{} {} {} ({})", pv.version,
                                        unoffered ? "signs, unasked, with" : "signs with", name,
                                        fmt::join(why, ", ")));
        };
        for (const auto& name : pv.schemes) judge(name, false);
        if (!pv.unoffered.empty()) judge(pv.unoffered, true);
        if (!pv.complete) gaps.push_back(fmt::format("{}: {}", pv.version, pv.note));
        else if (sha1_forbidden && pv.sha1 == "unknown")
            gaps.push_back(fmt::format("{}: whether SHA-1 is accepted is unknown", pv.version));
    }
    observed["offending"] = offending;
    if (!lines.empty()) return Outcome::fail(fmt::format("{}", fmt::join(lines, "; ")), observed, expected);
    if (!gaps.empty())
        return Outcome::error(
            fmt::format("nothing offends, but the observation is incomplete: {}", fmt::join(gaps, "; ")), observed);
    if (judged_versions == 0)
        return Outcome::not_applicable(
            "no handshake signature observed (TLS 1.2 with ECDHE/DHE suites or TLS 1.3 not accepted)");
    return Outcome::pass(fmt::format("{} signature scheme(s) over {} version(s); every one meets the requirements",
                                     judged_schemes, judged_versions),
                         observed, expected);
}

// Names are checked when the profile loads: a misspelt name in `forbidden`
// would otherwise forbid nothing, silently.
core::Result<void> validate(const Json& params) {
    for (const char* key : {"allowed", "forbidden"})
        if (auto r = resolve_schemes(string_list(params, key), key); !r) return r.error();
    return {};
}

}  // namespace

const std::vector<std::string>& sigalg_property_names() {
    static const std::vector<std::string> names{"md5", "sha1", "sha224", "dsa", "rsa_pkcs1_tls13",
                                                "not_recommended", "discouraged", "unknown"};
    return names;
}

core::CheckDescriptor signature_algorithms_check() {
    core::CheckDescriptor d;
    d.name = "tls.signature_algorithms";
    d.title = "Signature schemes the server signs its handshake with are allowed and strong enough";
    d.description =
        "Judges the schemes the server signed TLS 1.2 ServerKeyExchange and TLS 1.3 CertificateVerify with "
        "(tls_sigalgs facts): each must be in `allowed` (when given), not in `forbidden`, have none of "
        "`forbid_properties` (md5, sha1, sha224, dsa, rsa_pkcs1_tls13, not_recommended, discouraged, "
        "unknown, from the IANA table) and a hash of at least min_hash_bits. A scheme the server signed with "
        "although it was not offered fails while forbid_unoffered is true. Fails listing each offending "
        "scheme with its version and reasons; an error when nothing offends but the enumeration stopped "
        "early; not applicable when no signature was observable (static RSA only). RFC 8446 §4.2.3, §4.4.3; "
        "RFC 5246 §7.4.1.4.1; RFC 9155.";
    d.facts = {kTlsSigalgsProbe};
    d.params = {
        versions_param("versions", Json::array(),
                       "Versions to judge (TLSv1.2, TLSv1.3); empty: every version observed."),
        core::ParamSpec{.name = "allowed",
                        .type = core::ParamType::string_list,
                        .description = "Schemes the server may sign with (IANA names or quoted code points such "
                                       "as \"0x0804\"); empty: no allow-list.",
                        .default_value = Json::array()},
        core::ParamSpec{.name = "forbidden",
                        .type = core::ParamType::string_list,
                        .description = "Schemes the server must not sign with (IANA names or quoted code points).",
                        .default_value = Json::array()},
        core::ParamSpec{.name = "forbid_properties",
                        .type = core::ParamType::string_list,
                        .description = "Properties no accepted scheme may have: md5, sha1, sha224 (its hash), "
                                       "dsa, rsa_pkcs1_tls13 (rsa_pkcs1 in a TLS 1.3 handshake), "
                                       "not_recommended / discouraged (IANA Recommended not Y / D), unknown.",
                        .default_value = Json::array({"md5", "sha1", "rsa_pkcs1_tls13"}),
                        .choices = sigalg_property_names()},
        core::ParamSpec{.name = "min_hash_bits",
                        .type = core::ParamType::integer,
                        .description = "Minimum output size of each scheme's hash (sha1 160, sha256 256); "
                                       "schemes without a separate hash (ed25519, ed448) are not judged; 0: none.",
                        .default_value = 0,
                        .minimum = 0},
        core::ParamSpec{.name = "forbid_unoffered",
                        .type = core::ParamType::boolean,
                        .description = "Fail when the server signed with a scheme the client did not offer.",
                        .default_value = true},
    };
    d.examples = {
        "{forbid_properties: [md5, sha1, rsa_pkcs1_tls13]}",
        "{min_hash_bits: 256, forbid_properties: [dsa, not_recommended]}",
        "{versions: [TLSv1.3], allowed: [rsa_pss_rsae_sha256, rsa_pss_rsae_sha384, ecdsa_secp256r1_sha256, ed25519]}",
        "{forbidden: [rsa_pkcs1_sha1, ecdsa_sha1, \"0x0303\"]}",
    };
    d.validate = validate;
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
