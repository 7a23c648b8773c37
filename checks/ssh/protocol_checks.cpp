// ssh.protocol_version, ssh.strict_kex and ssh.banner: what the
// identification string and the KEXINIT markers say.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checks/ssh/ssh_checks.hpp"

namespace conformscan::checks::ssh {

namespace {

using core::Outcome;
using Json = nlohmann::json;

Outcome protocol_version(const core::CheckContext& ctx, const Json&) {
    auto facts = load_ssh_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const Json observed{{"banner", facts->banner}, {"proto_version", facts->proto_version},
                        {"ssh1_only", facts->ssh1_only}};
    const Json expected{{"proto_version", "2.0"}};
    if (facts->proto_version == "2.0")
        return Outcome::pass("the server speaks SSH-2 only (SSH-2.0)", observed, expected);
    if (facts->proto_version == "1.99")
        return Outcome::fail("the server announces SSH-1.99: it still accepts SSH-1 clients (RFC 4253 §5.1)",
                             observed, expected);
    if (facts->ssh1_only)
        return Outcome::fail(fmt::format("the server speaks only SSH-{}, which RFC 4253 §5 leaves behind",
                                         facts->proto_version),
                             observed, expected);
    return Outcome::fail(fmt::format("the server announces protocol version '{}', not 2.0", facts->proto_version),
                         observed, expected);
}

// Terrapin (CVE-2023-48795) needs chacha20-poly1305 or an -etm MAC with a
// CBC cipher; strict KEX closes it when both sides support it.
std::vector<std::string> terrapin_modes(const SshFacts& f) {
    std::vector<std::string> modes;
    auto has = [](const std::vector<std::string>& v, auto pred) { return std::any_of(v.begin(), v.end(), pred); };
    for (const auto* ciphers : {&f.ciphers_c2s, &f.ciphers_s2c})
        if (has(*ciphers, [](const std::string& c) { return c == "chacha20-poly1305@openssh.com"; })) {
            modes.emplace_back("chacha20-poly1305@openssh.com");
            break;
        }
    const bool cbc = has(f.ciphers_c2s, [](const std::string& c) { return c.find("-cbc") != std::string::npos; }) ||
                     has(f.ciphers_s2c, [](const std::string& c) { return c.find("-cbc") != std::string::npos; });
    const bool etm = has(f.macs_c2s, [](const std::string& m) { return m.find("-etm@") != std::string::npos; }) ||
                     has(f.macs_s2c, [](const std::string& m) { return m.find("-etm@") != std::string::npos; });
    if (cbc && etm) modes.emplace_back("CBC cipher with an -etm MAC");
    return modes;
}

Outcome strict_kex(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_ssh_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    if (auto missing = require_kexinit(*facts)) return *missing;
    const bool only_vulnerable = params.value("only_when_vulnerable_modes", false);
    const auto modes = terrapin_modes(*facts);
    const Json observed{{"strict_kex", facts->strict_kex}, {"terrapin_modes", modes},
                        {"kex_algorithms", facts->kex_algorithms}};
    const Json expected{{"strict_kex", true}, {"only_when_vulnerable_modes", only_vulnerable}};
    if (facts->strict_kex)
        return Outcome::pass("the server offers strict key exchange (kex-strict-s-v00@openssh.com), which "
                             "closes Terrapin (CVE-2023-48795)",
                             observed, expected);
    if (only_vulnerable && modes.empty())
        return Outcome::pass("no strict key exchange, but neither chacha20-poly1305 nor CBC with -etm MACs is "
                             "offered, so Terrapin (CVE-2023-48795) does not apply",
                             observed, expected);
    return Outcome::fail(
        modes.empty() ? std::string("the server does not offer strict key exchange (kex-strict-s-v00@openssh.com)")
                      : fmt::format("the server does not offer strict key exchange and offers {}: open to Terrapin "
                                    "(CVE-2023-48795)",
                                    fmt::join(modes, " and ")),
        observed, expected);
}

bool has_digit(const std::string& s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

Outcome banner(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_ssh_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const bool allow_version = params.value("allow_version", false);
    const bool allow_comments = params.value("allow_comments", false);
    const Json observed{{"banner", facts->banner}, {"software_version", facts->software_version},
                        {"comments", facts->comments}, {"pre_banner_lines", facts->pre_banner_lines}};
    const Json expected{{"allow_version", allow_version}, {"allow_comments", allow_comments}};
    std::vector<std::string> problems;
    if (!allow_version && has_digit(facts->software_version))
        problems.push_back(fmt::format("the software version '{}' names a release", facts->software_version));
    if (!allow_comments && !facts->comments.empty())
        problems.push_back(fmt::format("the comments '{}' disclose more (distribution, patch level)",
                                       facts->comments));
    if (!problems.empty())
        return Outcome::fail(fmt::format("the banner \"{}\" discloses software details: {}", facts->banner,
                                         fmt::join(problems, "; ")),
                             observed, expected);
    return Outcome::pass(fmt::format("the banner \"{}\" discloses no version", facts->banner), observed, expected);
}

}  // namespace

core::CheckDescriptor protocol_version_check() {
    auto d = ssh_descriptor("ssh.protocol_version", "The SSH server speaks SSH-2 only");
    d.description =
        "Passes when the identification string announces protoversion 2.0; fails on SSH-1.99 (SSH-1 still "
        "accepted) and on SSH-1.x (SSH-1 only), RFC 4253 §5.";
    d.examples = {"{}"};
    d.evaluate = guarded("ssh.protocol_version", protocol_version);
    return d;
}

core::CheckDescriptor strict_kex_check() {
    auto d = ssh_descriptor("ssh.strict_kex", "The SSH server offers strict key exchange (Terrapin)");
    d.description =
        "Passes when the server's KEXINIT carries kex-strict-s-v00@openssh.com (OpenSSH 9.6's countermeasure "
        "to Terrapin, CVE-2023-48795). With only_when_vulnerable_modes, a server without it still passes when "
        "it offers neither chacha20-poly1305@openssh.com nor a CBC cipher together with an -etm MAC.";
    d.params = {core::ParamSpec{.name = "only_when_vulnerable_modes", .type = core::ParamType::boolean,
                                .description = "Fail only when a mode Terrapin attacks is offered.",
                                .default_value = false}};
    d.examples = {"{}", "{only_when_vulnerable_modes: true}"};
    d.evaluate = guarded("ssh.strict_kex", strict_kex);
    return d;
}

core::CheckDescriptor banner_check() {
    auto d = ssh_descriptor("ssh.banner", "The SSH banner discloses no software version");
    d.description =
        "Fails when the identification string's softwareversion contains a digit (a release such as "
        "OpenSSH_9.2p1) unless allow_version, or when it carries comments (\"Debian-2+deb12u3\") unless "
        "allow_comments. OpenSSH always sends its version; Debian's DebianBanner no drops the comments.";
    d.params = {core::ParamSpec{.name = "allow_version", .type = core::ParamType::boolean,
                                .description = "Accept a version in softwareversion.", .default_value = false},
                core::ParamSpec{.name = "allow_comments", .type = core::ParamType::boolean,
                                .description = "Accept comments after the softwareversion.",
                                .default_value = false}};
    d.examples = {"{}", "{allow_version: true}", "{allow_version: true, allow_comments: true}"};
    d.evaluate = guarded("ssh.banner", banner);
    return d;
}

}  // namespace conformscan::checks::ssh
