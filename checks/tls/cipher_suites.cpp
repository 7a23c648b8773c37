// tls.cipher_suites: every suite the server accepts under the judged versions
// is free of the forbidden properties, strong enough and, when an allow-list
// is given, on it. The properties come from the IANA table at judging time.
//   RFC 9325 §4.1: implementations MUST NOT negotiate the NULL cipher suites,
//     RC4 suites, or suites offering less than 112 bits of security; SHOULD
//     NOT negotiate suites based on static RSA key transport (nor static DH).
//   RFC 7465 §2: RC4 suites MUST NOT be offered or negotiated.
//   RFC 8446 §9.1: the mandatory-to-implement TLS 1.3 suites (AES_128_GCM);
//     every TLS 1.3 suite is AEAD with ephemeral key exchange.
#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/scan_common.hpp"
#include "checks/tls/suite_common.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

struct Policy {
    std::vector<std::string> forbid_properties;
    long min_bits = 0;
    std::vector<SuiteSelector> allowed;
    std::vector<SuiteSelector> forbidden;
};

// Why one suite offends. A suite the table does not know has no properties
// to condemn it: only the allow-list can.
std::vector<std::string> reasons(const Policy& p, const JudgedSuite& s) {
    std::vector<std::string> out;
    if (s.known) {
        for (const auto& property : p.forbid_properties)
            if (has_property(s, property)) out.push_back(property);
        // RFC 9325 §4.1: < 112 bits MUST NOT (a profile sets min_bits: 112 or more).
        if (p.min_bits > 0 && s.bits < p.min_bits)
            out.push_back(fmt::format("bits {} < {}", s.bits, p.min_bits));
        if (matches_any(s, p.forbidden)) out.push_back("forbidden");
    }
    if (!p.allowed.empty() && !matches_any(s, p.allowed)) out.push_back("not_allowed");
    return out;
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_suites_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    Policy policy;
    policy.forbid_properties = string_list(params, "forbid_properties");
    policy.min_bits = params.value("min_bits", 0L);
    auto allowed = resolve_selectors(string_list(params, "allowed"), "allowed");
    if (!allowed) return Outcome::error(allowed.error().describe());
    auto forbidden = resolve_selectors(string_list(params, "forbidden"), "forbidden");
    if (!forbidden) return Outcome::error(forbidden.error().describe());
    policy.allowed = std::move(*allowed);
    policy.forbidden = std::move(*forbidden);

    const Json expected{{"forbid_properties", policy.forbid_properties},
                        {"min_bits", policy.min_bits},
                        {"allowed", params.value("allowed", Json::array())},
                        {"forbidden", params.value("forbidden", Json::array())},
                        {"versions", params.value("versions", Json::array())}};
    return judge_accepted_suites(
        *facts, string_list(params, "versions"), [&](const JudgedSuite& s) { return reasons(policy, s); },
        expected, "meet the requirements");
}

// Suite names are checked when the profile loads: a misspelt name in
// `forbidden` would otherwise forbid nothing, silently.
core::Result<void> validate(const Json& params) {
    for (const char* key : {"allowed", "forbidden"})
        if (auto r = resolve_selectors(string_list(params, key), key); !r) return r.error();
    return {};
}

}  // namespace

core::CheckDescriptor cipher_suites_check() {
    core::CheckDescriptor d;
    d.name = "tls.cipher_suites";
    d.title = "Accepted cipher suites have no forbidden property and are allowed";
    d.description =
        "Judges every suite the server accepts under the judged versions, by the properties of the IANA "
        "table (NULL, export, RC4, static RSA, no forward secrecy, CBC, ...), its effective strength, and "
        "name lists (IANA or OpenSSL names, or code points such as \"0xc02f\"). Fails listing each offending "
        "suite with its version, name and the properties that condemn it; a suite unknown to the table fails "
        "only the allow-list and is listed under \"unknown\". An error when an enumeration stopped early and "
        "nothing offends. RFC 9325 §4.1, RFC 7465, RFC 8446 §9.1.";
    d.facts = {kTlsSuitesProbe};
    d.params = {
        core::ParamSpec{
            .name = "forbid_properties",
            .type = core::ParamType::string_list,
            .description =
                "Suite properties that condemn a suite (from the IANA table); write \"null\" quoted in "
                "YAML, where a bare null is no string.",
            .default_value = Json::array(),
            .choices = suite_property_names()},
        core::ParamSpec{
            .name = "min_bits",
            .type = core::ParamType::integer,
            .description = "Minimum effective symmetric strength in bits (3DES counts 112); 0: none.",
            .default_value = 0,
            .minimum = 0},
        core::ParamSpec{.name = "allowed",
                        .type = core::ParamType::string_list,
                        .description =
                            "Suites the server may accept (IANA or OpenSSL names, or quoted code points); an "
                            "empty list sets no allow-list.",
                        .default_value = Json::array()},
        core::ParamSpec{.name = "forbidden",
                        .type = core::ParamType::string_list,
                        .description =
                            "Suites the server must not accept (IANA or OpenSSL names, or quoted code "
                            "points).",
                        .default_value = Json::array()},
        versions_param(
            "versions", Json::array(),
            "Protocol versions whose suites are judged; an empty list judges every accepted version."),
    };
    d.examples = {
        "{forbid_properties: [\"null\", anonymous, export, rc4, des, 3des], min_bits: 112}",
        "{forbid_properties: [no_forward_secrecy, static_rsa, cbc], versions: [TLSv1.2]}",
        "{allowed: [TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, ECDHE-RSA-AES128-GCM-SHA256]}",
        "{forbidden: [\"0x000a\", TLS_RSA_WITH_RC4_128_SHA], forbid_properties: [not_recommended]}",
    };
    d.validate = validate;
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
