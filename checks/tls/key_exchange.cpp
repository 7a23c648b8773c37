// tls.key_exchange: the key exchange groups a server accepts (tls_groups
// facts) are strong enough, allowed, not forbidden, and include a hybrid
// post-quantum group when required; the DHE prime is large enough.
//
// Semantics of the strength parameters (one each, no overlap):
//   min_ec_security_bits judges every elliptic-curve group (kind ecdhe, gost,
//     and the classical ECDH half of a hybrid_pq group) by the IANA table's
//     classical security estimate (GroupInfo.bits: secp256r1 128, x25519 128,
//     secp224r1 112, secp192r1 96). Default 112.
//   min_dh_bits judges finite-field DH by the size of the prime: dh_bits (the
//     prime the server sends with DHE suites in TLS <= 1.2) and the RFC 7919
//     ffdheN groups accepted in TLS 1.3 (N bits). Default 2048.
//
// References:
//   RFC 9325 §4.1: suites offering less than 112 bits of security MUST NOT be
//     negotiated; FFDHE SHOULD NOT be used in TLS 1.2 (not judged here:
//     dh_bits > 0 is what a profile forbids with min_dh_bits or a separate rule).
//   RFC 9325 §4.2.1 (clause number unverified): curves secp256r1 and x25519
//     SHOULD be supported; §4.5 (unverified): DH groups of at least 2048 bits,
//     EC curves of at least 224 bits.
//   RFC 7919 §3, §4: the named FFDHE groups and how a server chooses one.
//   RFC 8446 §4.2.7: supported_groups (named groups, incl. ffdhe in TLS 1.3).
//   NIST SP 800-57 Part 1 Rev. 5 §5.6.1.1 Table 2: 112 bits of security is
//     FFC with a 2048-bit p or ECC with a 224..255-bit field.
#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/key_exchange.hpp"
#include "checks/tls/suite_common.hpp"
#include "checks/tls/tls_group_facts.hpp"
#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;
namespace wt = wire::tls;

constexpr const char* kTlsGroupsProbe = "tls_groups";

// A group named in a profile or recorded by the probe: an IANA or OpenSSL
// name, or a "0x001d" code point.
std::optional<std::uint16_t> group_code(std::string_view name) {
    if (const auto* g = wt::find_group(name)) return g->code;
    auto code = parse_suite_code(name);
    if (code && *code <= 0xffff) return static_cast<std::uint16_t>(*code);
    return std::nullopt;
}

core::Result<std::set<std::uint16_t>> resolve_groups(const std::vector<std::string>& names,
                                                     std::string_view param) {
    std::set<std::uint16_t> out;
    for (const auto& n : names) {
        auto code = group_code(n);
        if (!code)
            return core::make_error("bad_param",
                                    fmt::format("{}: \"{}\" is not a TLS group (IANA or OpenSSL name, or a "
                                                "quoted code point such as \"0x001d\")",
                                                param, n),
                                    std::string(param));
        out.insert(*code);
    }
    return out;
}

struct Policy {
    std::set<std::uint16_t> allowed;
    std::set<std::uint16_t> forbidden;
    long min_dh_bits = 2048;
    long min_ec_security_bits = 112;
    bool require_pq_hybrid = false;
};

// ffdhe2048 -> 2048 (RFC 7919 §A names the prime size).
int ffdhe_prime_bits(const wt::GroupInfo& g) {
    if (g.kind != "ffdhe") return 0;
    std::string_view n = g.name;
    n.remove_prefix(std::string_view("ffdhe").size());
    int bits = 0;
    for (char c : n) {
        if (c < '0' || c > '9') return 0;
        bits = bits * 10 + (c - '0');
    }
    return bits;
}

bool elliptic(const wt::GroupInfo& g) {
    return g.kind == "ecdhe" || g.kind == "gost" || g.kind == "hybrid_pq";
}

std::vector<std::string> reasons(const Policy& p, const std::string& name) {
    std::vector<std::string> out;
    const auto code = group_code(name);
    const auto* g = code ? wt::find_group(*code) : nullptr;
    if (g != nullptr) {
        if (elliptic(*g) && g->bits < p.min_ec_security_bits)
            out.push_back(fmt::format("security bits {} < {}", g->bits, p.min_ec_security_bits));
        if (const int bits = ffdhe_prime_bits(*g); bits > 0 && bits < p.min_dh_bits)
            out.push_back(fmt::format("prime bits {} < {}", bits, p.min_dh_bits));
    }
    if (code && p.forbidden.count(*code) != 0) out.push_back("forbidden");
    if (!p.allowed.empty() && (!code || p.allowed.count(*code) == 0)) out.push_back("not_allowed");
    return out;
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    const auto* record = ctx.facts.get(kTlsGroupsProbe);
    if (record == nullptr) return Outcome::error("no tls_groups facts for this target");
    auto facts = parse_tls_groups_facts(record->data);
    if (!facts) return Outcome::error(facts.error().describe());

    Policy p;
    auto allowed = resolve_groups(string_list(params, "allowed_groups"), "allowed_groups");
    if (!allowed) return Outcome::error(allowed.error().describe());
    auto forbidden = resolve_groups(string_list(params, "forbidden_groups"), "forbidden_groups");
    if (!forbidden) return Outcome::error(forbidden.error().describe());
    p.allowed = std::move(*allowed);
    p.forbidden = std::move(*forbidden);
    p.min_dh_bits = params.value("min_dh_bits", 2048L);
    p.min_ec_security_bits = params.value("min_ec_security_bits", 112L);
    p.require_pq_hybrid = params.value("require_pq_hybrid", false);

    const Json expected{{"allowed_groups", params.value("allowed_groups", Json::array())},
                        {"forbidden_groups", params.value("forbidden_groups", Json::array())},
                        {"min_dh_bits", p.min_dh_bits},
                        {"min_ec_security_bits", p.min_ec_security_bits},
                        {"require_pq_hybrid", p.require_pq_hybrid}};
    Json observed{{"tls13_groups", facts->tls13_groups},
                  {"tls12_groups", facts->tls12_groups},
                  {"tls12_version", facts->tls12_version},
                  {"dh_bits", facts->dh_bits}};

    Json offending = Json::array();
    std::vector<std::string> lines;
    const auto judge = [&](const std::vector<std::string>& groups, const char* where) {
        for (const auto& name : groups) {
            auto why = reasons(p, name);
            if (why.empty()) continue;
            offending.push_back({{"group", name}, {"version", where}, {"reasons", why}});
            lines.push_back(fmt::format("{} accepts {} ({})", where, name, fmt::join(why, ", ")));
        }
    };
    judge(facts->tls13_groups, "TLSv1.3");
    const std::string legacy = facts->tls12_version.empty() ? std::string("TLSv1.2") : facts->tls12_version;
    judge(facts->tls12_groups, legacy.c_str());
    if (facts->dh_bits > 0 && facts->dh_bits < p.min_dh_bits) {
        offending.push_back(
            {{"group", "DHE"},
             {"version", legacy},
             {"reasons", {fmt::format("prime bits {} < {}", facts->dh_bits, p.min_dh_bits)}}});
        lines.push_back(
            fmt::format("{} DHE uses a {}-bit prime (< {})", legacy, facts->dh_bits, p.min_dh_bits));
    }
    if (p.require_pq_hybrid) {
        const bool hybrid =
            std::any_of(facts->tls13_groups.begin(), facts->tls13_groups.end(), [](const auto& n) {
                const auto* g = wt::find_group(std::string_view(n));
                return g != nullptr && g->kind == "hybrid_pq";
            });
        if (!hybrid) {
            offending.push_back({{"group", nullptr}, {"version", "TLSv1.3"}, {"reasons", {"no_pq_hybrid"}}});
            lines.push_back(facts->tls13_groups.empty()
                                ? "no TLS 1.3 group is accepted, so no hybrid post-quantum one"
                                : "no hybrid post-quantum group is accepted for TLS 1.3");
        }
    }
    observed["offending"] = offending;
    if (!lines.empty()) return Outcome::fail(fmt::format("{}", fmt::join(lines, "; ")), observed, expected);
    if (!facts->complete) {
        observed["note"] = facts->note;
        return Outcome::error("nothing offends, but the group enumeration stopped early: " + facts->note,
                              observed);
    }
    if (facts->accepted.empty() && facts->dh_bits == 0)
        return Outcome::not_applicable("no ephemeral key exchange group observed (no TLS 1.3, ECDHE or DHE)");
    return Outcome::pass(
        fmt::format(
            "{} group(s) accepted{}; every one meets the requirements", facts->accepted.size(),
            facts->dh_bits > 0 ? fmt::format(", DHE with a {}-bit prime", facts->dh_bits) : std::string()),
        observed, expected);
}

// Group names are checked when the profile loads: a misspelt name in
// forbidden_groups would otherwise forbid nothing, silently.
core::Result<void> validate(const Json& params) {
    for (const char* key : {"allowed_groups", "forbidden_groups"})
        if (auto r = resolve_groups(string_list(params, key), key); !r) return r.error();
    return {};
}

}  // namespace

core::CheckDescriptor key_exchange_check() {
    core::CheckDescriptor d;
    d.name = "tls.key_exchange";
    d.title = "Accepted key exchange groups and the DHE prime are strong enough and allowed";
    d.description =
        "Judges the groups the server accepts for TLS 1.3 and for ECDHE in TLS <= 1.2 and the size of its "
        "DHE "
        "prime (tls_groups facts). Elliptic-curve groups (and the ECDH half of hybrids) must reach "
        "min_ec_security_bits by the IANA table's classical estimate; the DHE prime and ffdheN groups must "
        "reach min_dh_bits. Name lists take IANA or OpenSSL names or quoted code points. Fails listing each "
        "offending group with its version and reasons; an error when the enumeration stopped early and "
        "nothing "
        "offends. RFC 9325 §4.1, §4.2.1; RFC 7919; RFC 8446 §4.2.7; NIST SP 800-57 Part 1 Table 2.";
    d.facts = {kTlsGroupsProbe};
    d.params = {
        core::ParamSpec{.name = "allowed_groups",
                        .type = core::ParamType::string_list,
                        .description =
                            "Groups the server may accept (IANA or OpenSSL names, or quoted code points "
                            "such as \"0x001d\"); an empty list sets no allow-list. The DHE prime is "
                            "judged by min_dh_bits only.",
                        .default_value = Json::array()},
        core::ParamSpec{.name = "forbidden_groups",
                        .type = core::ParamType::string_list,
                        .description =
                            "Groups the server must not accept (IANA or OpenSSL names, or quoted code "
                            "points).",
                        .default_value = Json::array()},
        core::ParamSpec{
            .name = "min_dh_bits",
            .type = core::ParamType::integer,
            .description = "Minimum size in bits of the DHE prime and of accepted ffdheN groups; 0: none.",
            .default_value = 2048,
            .minimum = 0},
        core::ParamSpec{.name = "min_ec_security_bits",
                        .type = core::ParamType::integer,
                        .description =
                            "Minimum classical security of each accepted elliptic-curve group (IANA "
                            "table: secp256r1 and x25519 128, secp224r1 112, secp192r1 96); 0: none.",
                        .default_value = 112,
                        .minimum = 0},
        core::ParamSpec{.name = "require_pq_hybrid",
                        .type = core::ParamType::boolean,
                        .description =
                            "Some hybrid post-quantum group (X25519MLKEM768, ...) must be accepted for "
                            "TLS 1.3.",
                        .default_value = false},
    };
    d.examples = {
        "{min_dh_bits: 2048, min_ec_security_bits: 112}",
        "{allowed_groups: [x25519, secp256r1, secp384r1], min_dh_bits: 3072}",
        "{forbidden_groups: [secp192r1, \"0x0015\"], require_pq_hybrid: true}",
    };
    d.validate = validate;
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
