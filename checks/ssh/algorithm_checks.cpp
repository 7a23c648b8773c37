// ssh.kex_algorithms, ssh.host_key_algorithms, ssh.ciphers, ssh.macs: every
// name the server offers is judged against an allow list, a forbid list, and
// forbidden properties from the algorithm table (ssh_algorithms.cpp); a
// `required` list asks that at least one of its names is offered.
#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checks/ssh/ssh_algorithms.hpp"
#include "checks/ssh/ssh_checks.hpp"

namespace conformscan::checks::ssh {

namespace {

using core::Outcome;
using Json = nlohmann::json;

struct Direction {
    const char* label;  // "" for one-way lists
    const std::vector<std::string>* names;
};

std::vector<Direction> lists_of(const SshFacts& f, AlgorithmKind kind) {
    switch (kind) {
        case AlgorithmKind::kex: return {{"", &f.kex_algorithms}};
        case AlgorithmKind::host_key: return {{"", &f.host_key_algorithms}};
        case AlgorithmKind::cipher: return {{"client_to_server", &f.ciphers_c2s}, {"server_to_client", &f.ciphers_s2c}};
        case AlgorithmKind::mac: return {{"client_to_server", &f.macs_c2s}, {"server_to_client", &f.macs_s2c}};
        case AlgorithmKind::compression:
            return {{"client_to_server", &f.compression_c2s}, {"server_to_client", &f.compression_s2c}};
    }
    return {};
}

std::vector<std::string> strings(const Json& params, const char* key) {
    return params.value(key, std::vector<std::string>{});
}

bool in(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

Outcome judge(const core::CheckContext& ctx, const Json& params, AlgorithmKind kind, const char* what) {
    auto facts = load_ssh_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    if (auto missing = require_kexinit(*facts)) return *missing;
    const auto allowed = strings(params, "allowed");
    const auto forbidden = strings(params, "forbidden");
    const auto properties = strings(params, "forbidden_properties");
    const auto required = strings(params, "required");

    Json observed = Json::object();
    Json violations = Json::array();
    std::set<std::string> offered;
    std::set<std::string> bad_names;
    for (const auto& dir : lists_of(*facts, kind)) {
        observed[*dir.label ? dir.label : "offered"] = *dir.names;
        for (const auto& name : *dir.names) {
            if (kind == AlgorithmKind::kex && is_kex_marker(name)) continue;
            offered.insert(name);
            std::vector<std::string> reasons;
            if (!allowed.empty() && !in(allowed, name)) reasons.emplace_back("not in the allowed list");
            if (in(forbidden, name)) reasons.emplace_back("forbidden by name");
            for (const auto& p : properties)
                if (has_property(kind, name, p)) reasons.push_back(p);
            if (reasons.empty() || !bad_names.insert(name).second) continue;
            Json v{{"name", name}, {"reasons", reasons}, {"properties", properties_of(kind, name)}};
            if (*dir.label) v["direction"] = dir.label;
            violations.push_back(std::move(v));
        }
    }
    if (kind == AlgorithmKind::kex) {
        observed["strict_kex_marker"] = facts->strict_kex;
        observed["ext_info"] = facts->ext_info;
    }
    Json expected{{"allowed", allowed}, {"forbidden", forbidden}, {"forbidden_properties", properties},
                  {"required", required}};
    std::vector<std::string> missing_required;
    if (!required.empty() &&
        std::none_of(required.begin(), required.end(), [&](const auto& r) { return offered.count(r) != 0; }))
        missing_required = required;
    if (!violations.empty() || !missing_required.empty()) {
        observed["violations"] = violations;
        std::vector<std::string> parts;
        if (!bad_names.empty())
            parts.push_back(fmt::format("the server offers {} {} it should not: {}", bad_names.size(), what,
                                        fmt::join(bad_names, ", ")));
        if (!missing_required.empty())
            parts.push_back(fmt::format("none of the required {} is offered ({})", what,
                                        fmt::join(missing_required, ", ")));
        return Outcome::fail(fmt::format("{}", fmt::join(parts, "; ")), observed, expected);
    }
    return Outcome::pass(fmt::format("all {} offered {} conform: {}", offered.size(), what, fmt::join(offered, ", ")),
                         observed, expected);
}

Outcome kex(const core::CheckContext& c, const Json& p) { return judge(c, p, AlgorithmKind::kex, "key exchange algorithms"); }
Outcome host_key(const core::CheckContext& c, const Json& p) {
    return judge(c, p, AlgorithmKind::host_key, "host key algorithms");
}
Outcome cipher(const core::CheckContext& c, const Json& p) { return judge(c, p, AlgorithmKind::cipher, "ciphers"); }
Outcome mac(const core::CheckContext& c, const Json& p) { return judge(c, p, AlgorithmKind::mac, "MACs"); }

core::Result<void> validate(const Json& params) {
    for (const char* key : {"allowed", "forbidden", "forbidden_properties", "required"})
        if (!params.value(key, std::vector<std::string>{}).empty()) return {};
    return core::make_error("params", "give at least one of allowed, forbidden, forbidden_properties, required");
}

core::CheckDescriptor list_check(const char* name, const char* title, const char* what, std::vector<std::string> examples,
                                 core::Outcome (*rule)(const core::CheckContext&, const Json&)) {
    auto d = ssh_descriptor(name, title);
    d.description = fmt::format(
        "Fails when the server's KEXINIT offers {} outside `allowed` (when given), named in `forbidden`, or "
        "having one of `forbidden_properties` (from the SSH algorithm table: sha1, md5, cbc, weak_cipher, "
        "encrypt_and_mac, small_tag, non_pq, nist_curve, dsa, rfc9142_must_not, rfc9142_should_not, "
        "rfc9142_unlisted, unknown), or when none of `required` is offered. Both directions are judged. "
        "The strict-KEX and ext-info markers are not key exchanges and are never judged here. Errors when "
        "no KEXINIT was observed.",
        what);
    auto list_param = [](const char* n, const char* desc) {
        return core::ParamSpec{.name = n, .type = core::ParamType::string_list, .description = desc,
                               .default_value = Json::array()};
    };
    d.params = {list_param("allowed", "Only these names may be offered (empty: no allow list)."),
                list_param("forbidden", "These names must not be offered."),
                core::ParamSpec{.name = "forbidden_properties",
                                .type = core::ParamType::string_list,
                                .description = "Names with any of these properties must not be offered.",
                                .default_value = Json::array(),
                                .choices = property_names()},
                list_param("required", "At least one of these names must be offered (empty: none required).")};
    d.examples = std::move(examples);
    d.validate = validate;
    d.evaluate = guarded(name, rule);
    return d;
}

}  // namespace

core::CheckDescriptor kex_algorithms_check() {
    return list_check("ssh.kex_algorithms", "SSH key exchange algorithms conform", "key exchange algorithms",
                      {"{forbidden_properties: [sha1, rfc9142_must_not, rfc9142_should_not]}",
                       "{allowed: [curve25519-sha256, ecdh-sha2-nistp256, diffie-hellman-group16-sha512]}",
                       "{forbidden_properties: [non_pq]}",
                       "{required: [mlkem768x25519-sha256, sntrup761x25519-sha512@openssh.com]}"},
                      kex);
}

core::CheckDescriptor host_key_algorithms_check() {
    return list_check("ssh.host_key_algorithms", "SSH host key algorithms conform", "host key algorithms",
                      {"{forbidden_properties: [sha1, dsa]}", "{forbidden: [ssh-rsa, ssh-dss]}"}, host_key);
}

core::CheckDescriptor ciphers_check() {
    return list_check("ssh.ciphers", "SSH ciphers conform", "ciphers",
                      {"{forbidden_properties: [cbc, weak_cipher]}",
                       "{allowed: [chacha20-poly1305@openssh.com, aes256-gcm@openssh.com, aes128-gcm@openssh.com, "
                       "aes256-ctr, aes192-ctr, aes128-ctr]}"},
                      cipher);
}

core::CheckDescriptor macs_check() {
    return list_check("ssh.macs", "SSH MACs conform", "MACs",
                      {"{forbidden_properties: [sha1, md5, encrypt_and_mac]}",
                       "{allowed: [hmac-sha2-256-etm@openssh.com, hmac-sha2-512-etm@openssh.com]}"},
                      mac);
}

}  // namespace conformscan::checks::ssh
