// tls.certificate.key: the public keys of the judged certificates are of an
// allowed type and strong enough (RFC 9325 §4.5: RSA ≥ 2048 bits, ECC ≥ 224;
// NIST SP 800-52r2 §3.2.1: RSA ≥ 2048 or ECDSA P-256/P-384).
#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

// One name per NIST curve, whatever the spelling (OpenSSL short name, SECG,
// FIPS 186 "P-256", SSH "nistp256"), so profiles may use any of them.
std::string canonical_curve(std::string_view name) {
    const auto s = ascii_lower(name);
    if (s == "prime256v1" || s == "secp256r1" || s == "p-256" || s == "p256" || s == "nistp256")
        return "prime256v1";
    if (s == "secp384r1" || s == "p-384" || s == "p384" || s == "nistp384") return "secp384r1";
    if (s == "secp521r1" || s == "p-521" || s == "p521" || s == "nistp521") return "secp521r1";
    if (s == "secp224r1" || s == "p-224" || s == "p224" || s == "nistp224") return "secp224r1";
    if (s == "prime192v1" || s == "secp192r1" || s == "p-192" || s == "p192" || s == "nistp192")
        return "prime192v1";
    return s;
}

struct Limits {
    long rsa_min_bits = 2048;
    long dsa_min_bits = 2048;
    long ec_min_bits = 256;
    std::vector<std::string> ec_curves;  // canonical; empty: any named curve
    std::vector<std::string> allowed_types;
};

std::vector<std::string> problems_of(const PublicKeyFacts& key, const Limits& limits) {
    std::vector<std::string> out;
    const auto type = ascii_lower(key.type);
    if (!contains_ci(limits.allowed_types, key.type))
        out.push_back(fmt::format("key type {} is not allowed", key.type.empty() ? "(unknown)" : key.type));
    auto too_small = [&](long minimum) {
        if (key.bits < minimum)
            out.push_back(fmt::format("{}-bit {} key is below {} bits", key.bits, key.type, minimum));
    };
    if (type == "rsa" || type == "rsa-pss") {
        too_small(limits.rsa_min_bits);
    } else if (type == "dsa") {
        too_small(limits.dsa_min_bits);
    } else if (type == "ec") {
        too_small(limits.ec_min_bits);
        if (key.curve.empty()) {
            // RFC 5480 §2.1.1: PKIX keys use namedCurve; explicit parameters are refused.
            out.push_back("EC key has no named curve");
        } else if (!limits.ec_curves.empty()) {
            const auto curve = canonical_curve(key.curve);
            bool found = false;
            for (const auto& allowed : limits.ec_curves) found = found || allowed == curve;
            if (!found) out.push_back(fmt::format("curve {} is not allowed", key.curve));
        }
    }
    // Ed25519 / Ed448 have a fixed strength; other types are gated by allowed_types only.
    return out;
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_tls_facts_with_chain(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    Limits limits;
    limits.rsa_min_bits = params.value("rsa_min_bits", 2048L);
    limits.dsa_min_bits = params.value("dsa_min_bits", 2048L);
    limits.ec_min_bits = params.value("ec_min_bits", 256L);
    for (const auto& c : string_list(params, "ec_curves")) limits.ec_curves.push_back(canonical_curve(c));
    limits.allowed_types = string_list(params, "allowed_types");
    const Scope scope = scope_of(params);

    Json judged = Json::array();
    Json offending = Json::array();
    std::string first_problem;
    for (const auto& c : select_certificates(*facts, scope)) {
        Json e = certificate_ref(c);
        e["type"] = c.cert->key.type;
        e["bits"] = c.cert->key.bits;
        if (!c.cert->key.curve.empty()) e["curve"] = c.cert->key.curve;
        const auto problems = problems_of(c.cert->key, limits);
        if (!problems.empty()) {
            e["problems"] = problems;
            if (first_problem.empty())
                first_problem = fmt::format("{}: {}", describe(c), fmt::join(problems, "; "));
            offending.push_back(e);
        }
        judged.push_back(std::move(e));
    }

    const Json observed{{"certificates", judged}};
    const Json expected{{"allowed_types", params.value("allowed_types", Json::array())},
                        {"rsa_min_bits", limits.rsa_min_bits},
                        {"dsa_min_bits", limits.dsa_min_bits},
                        {"ec_min_bits", limits.ec_min_bits},
                        {"ec_curves", params.value("ec_curves", Json::array())},
                        {"scope", to_string(scope)}};
    if (!offending.empty()) {
        std::string message = first_problem;
        if (offending.size() > 1)
            message += fmt::format(" (and {} more certificates fail)", offending.size() - 1);
        return Outcome::fail(std::move(message), Json{{"certificates", judged}, {"offending", offending}},
                             expected);
    }
    const auto& leaf = facts->chain.front().key;
    if (judged.size() == 1)
        return Outcome::pass(fmt::format("the leaf key ({} {} bits{}) meets the requirements", leaf.type,
                                         leaf.bits, leaf.curve.empty() ? "" : ", " + leaf.curve),
                             observed, expected);
    return Outcome::pass(fmt::format("all {} certificate keys meet the requirements", judged.size()),
                         observed, expected);
}

}  // namespace

core::CheckDescriptor key_check() {
    core::CheckDescriptor d;
    d.name = "tls.certificate.key";
    d.title = "Certificate keys are of an allowed type and size";
    d.description =
        "Fails for each judged certificate whose public key type is not allowed, whose RSA/RSA-PSS, DSA or "
        "EC "
        "key is shorter than the minimum, or whose EC curve is not listed (RFC 9325 §4.5, NIST SP 800-52r2 "
        "§3.2.1, BSI TR-02102-2). Curve names may be given as OpenSSL names or aliases (P-256, secp256r1).";
    d.facts = {kTlsProbe};
    d.params = {
        core::ParamSpec{.name = "rsa_min_bits",
                        .type = core::ParamType::integer,
                        .description = "Minimum modulus size of RSA and RSA-PSS keys.",
                        .default_value = 2048,
                        .minimum = 0},
        core::ParamSpec{.name = "dsa_min_bits",
                        .type = core::ParamType::integer,
                        .description = "Minimum modulus size of DSA keys.",
                        .default_value = 2048,
                        .minimum = 0},
        core::ParamSpec{.name = "ec_min_bits",
                        .type = core::ParamType::integer,
                        .description = "Minimum field size of EC keys.",
                        .default_value = 256,
                        .minimum = 0},
        core::ParamSpec{.name = "ec_curves",
                        .type = core::ParamType::string_list,
                        .description =
                            "Allowed named curves for EC keys (aliases such as P-256 accepted); an "
                            "empty list allows any named curve.",
                        .default_value = Json{"prime256v1", "secp384r1", "secp521r1"}},
        core::ParamSpec{.name = "allowed_types",
                        .type = core::ParamType::string_list,
                        .description = "Allowed public key types, as the tls probe names them.",
                        .default_value = Json{"RSA", "RSA-PSS", "EC", "Ed25519", "Ed448"}},
        scope_param(Scope::leaf),
    };
    d.examples = {"{}", "{rsa_min_bits: 3072, scope: chain}",
                  "{allowed_types: [EC], ec_curves: [P-256, P-384]}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
