// ssh.host_key_size and ssh.dh_modulus_size: the sizes of the host keys the
// server proved in its key exchange replies, and of the Diffie-Hellman groups
// it offers (fixed groups, by name) and hands out (group exchange, observed).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checks/ssh/ssh_checks.hpp"

namespace conformscan::checks::ssh {

namespace {

using core::Outcome;
using Json = nlohmann::json;

Outcome host_key_size(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_ssh_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    if (auto missing = require_kexinit(*facts)) return *missing;
    const auto min_rsa = params.value("min_rsa_bits", std::size_t{2048});
    const auto min_ec = params.value("min_ec_bits", std::size_t{256});
    const auto min_dsa = params.value("min_dsa_bits", std::size_t{2048});
    const Json expected{{"min_rsa_bits", min_rsa}, {"min_ec_bits", min_ec}, {"min_dsa_bits", min_dsa}};
    Json keys = Json::array();
    std::vector<std::string> small;
    for (const auto& k : facts->host_keys) {
        keys.push_back({{"algorithm", k.algorithm}, {"type", k.type}, {"bits", k.bits}, {"curve", k.curve},
                        {"fingerprint", k.fingerprint_sha256}});
        std::size_t min = 0;
        if (k.family == "rsa") min = min_rsa;
        else if (k.family == "dsa") min = min_dsa;
        else if (k.family == "ecdsa" || k.family == "ed25519" || k.family == "ed448") min = min_ec;
        if (k.bits < min) small.push_back(fmt::format("{} {} bits (minimum {})", k.type, k.bits, min));
    }
    Json observed{{"host_keys", keys}, {"host_key_algorithms", facts->host_key_algorithms}};
    Json errors = Json::array();
    for (const auto& e : facts->errors)
        if (e.stage.rfind("host_key:", 0) == 0 || e.stage == "kex") errors.push_back(e);
    if (!errors.empty()) observed["errors"] = errors;
    if (!small.empty())
        return Outcome::fail(fmt::format("host keys below the minimum: {}", fmt::join(small, "; ")), observed, expected);
    if (facts->host_keys.empty())
        return Outcome::error("no host key was observed (see errors)", observed);
    if (!errors.empty())
        return Outcome::error(fmt::format("{} host key(s) conform but {} could not be read", facts->host_keys.size(),
                                          errors.size()),
                              observed);
    return Outcome::pass(fmt::format("all {} host keys meet the minimum sizes", facts->host_keys.size()), observed,
                         expected);
}

bool offers_gex(const SshFacts& f) {
    for (const auto& k : f.kex_algorithms)
        if (k.rfind("diffie-hellman-group-exchange-", 0) == 0) return true;
    return false;
}

Outcome dh_modulus_size(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_ssh_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    if (auto missing = require_kexinit(*facts)) return *missing;
    const auto min_bits = params.value("min_bits", std::size_t{2048});
    const bool fixed = params.value("include_fixed", true);
    const bool gex = params.value("include_gex", true);
    const Json expected{{"min_bits", min_bits}, {"include_fixed", fixed}, {"include_gex", gex}};
    Json observed{{"fixed_dh_bits", facts->fixed_dh_bits}, {"gex", facts->gex}};
    std::vector<std::string> small;
    if (fixed)
        for (auto bits : facts->fixed_dh_bits)
            if (bits < min_bits) small.push_back(fmt::format("a fixed {}-bit group is offered", bits));
    bool gex_seen = false;
    if (gex)
        for (const auto& g : facts->gex) {
            if (g.modulus_bits == 0) continue;
            gex_seen = true;
            if (g.modulus_bits < min_bits)
                small.push_back(fmt::format("{} answered a request ({}, {}, {}) with a {}-bit group", g.kex, g.min,
                                            g.n, g.max, g.modulus_bits));
        }
    if (!small.empty())
        return Outcome::fail(fmt::format("Diffie-Hellman groups below {} bits: {}", min_bits, fmt::join(small, "; ")),
                             observed, expected);
    if (gex && offers_gex(*facts) && !gex_seen)
        return Outcome::error("group exchange is offered but no group size was observed", observed);
    if ((!fixed || facts->fixed_dh_bits.empty()) && (!gex || !offers_gex(*facts)))
        return Outcome::pass("no finite-field Diffie-Hellman key exchange is offered", observed, expected);
    return Outcome::pass(fmt::format("every Diffie-Hellman group offered or served has at least {} bits", min_bits),
                         observed, expected);
}

core::ParamSpec bits_param(const char* name, const char* desc, int def) {
    return core::ParamSpec{.name = name, .type = core::ParamType::integer, .description = desc,
                           .default_value = def, .minimum = 0, .maximum = 65536};
}

}  // namespace

core::CheckDescriptor host_key_size_check() {
    auto d = ssh_descriptor("ssh.host_key_size", "SSH host keys are large enough");
    d.description =
        "Judges every host key the ssh probe read from a key exchange reply: RSA modulus bits against "
        "min_rsa_bits, DSA p against min_dsa_bits, ECDSA / Ed25519 / Ed448 size against min_ec_bits. Fails "
        "on any smaller key; errors when a host key offered could not be read.";
    d.params = {bits_param("min_rsa_bits", "Smallest RSA modulus accepted.", 2048),
                bits_param("min_ec_bits", "Smallest elliptic-curve key accepted (256: P-256, Ed25519).", 256),
                bits_param("min_dsa_bits", "Smallest DSA p accepted (ssh-dss keys are 1024 bits).", 2048)};
    d.examples = {"{}", "{min_rsa_bits: 3072}", "{min_rsa_bits: 4096, min_ec_bits: 384}"};
    d.evaluate = guarded("ssh.host_key_size", host_key_size);
    return d;
}

core::CheckDescriptor dh_modulus_size_check() {
    auto d = ssh_descriptor("ssh.dh_modulus_size", "SSH Diffie-Hellman groups are large enough");
    d.description =
        "Fails when a fixed group offered by name (diffie-hellman-group1 is 1024 bits, group14 2048, group16 "
        "4096 ...) or a group the server returned to a group-exchange request (RFC 4419) is smaller than "
        "min_bits. Passes when no finite-field DH is offered. Errors when group exchange is offered but no "
        "group size could be observed.";
    d.params = {bits_param("min_bits", "Smallest modulus accepted.", 2048),
                core::ParamSpec{.name = "include_fixed", .type = core::ParamType::boolean,
                                .description = "Judge the fixed groups offered by name.", .default_value = true},
                core::ParamSpec{.name = "include_gex", .type = core::ParamType::boolean,
                                .description = "Judge the groups served to group-exchange requests.",
                                .default_value = true}};
    d.examples = {"{}", "{min_bits: 3072}", "{min_bits: 3072, include_fixed: false}"};
    d.evaluate = guarded("ssh.dh_modulus_size", dh_modulus_size);
    return d;
}

}  // namespace conformscan::checks::ssh
