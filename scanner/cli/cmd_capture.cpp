// `conformscan profiles capture`: a profile that a known-good reference host
// passes — its TLS versions, suites and groups, or its SSH algorithms — for
// operators whose baseline is "configured like our hardened gateway"
// (ssh-audit's -M, generalised). The host is observed with the ordinary probes
// (the same scope rule as `scan --target`: only the host named), the profile is
// written as YAML, loaded back through the profile loader and written
// atomically; `scan --profile FILE` then judges other hosts against it.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "conformscan_version.hpp"
#include "reports/atomic_file.hpp"
#include "scanner/cli/app_context.hpp"
#include "scanner/engine.hpp"
#include "scanner/inventory.hpp"

namespace conformscan::cli {

namespace {

using Json = nlohmann::json;

constexpr const char* kTlsServices =
    "[https, tls, smtps, submissions, imaps, pop3s, ldaps, ftps, xmpps, smtp, submission, lmtp, imap, pop3, ftp, "
    "ldap, xmpp, xmpp-server, postgres, mysql, nntp, sieve]";

struct CaptureOptions {
    std::string target;
    std::string service = "tls";
    std::string sni;
    std::string starttls;
    std::string ca_file;
    std::string out;
    std::string id;
    std::string title;
    double timeout_s = 5.0;
};

core::Rule synthetic_rule(const AppContext& ctx, const std::string& id, const std::string& check) {
    const auto* d = ctx.checks.find(check);
    if (d == nullptr) throw UsageError(fmt::format("check '{}' is not in this build", check));
    core::Rule r;
    r.id = id;
    r.title = id;
    r.check = check;
    for (const auto& p : d->params) r.params[p.name] = p.default_value;
    return r;
}

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string flow_list(const std::vector<std::string>& items) {
    std::vector<std::string> q;
    for (const auto& i : items) q.push_back(quoted(i));
    return fmt::format("[{}]", fmt::join(q, ", "));
}

std::vector<std::string> strings_at(const Json& data, const char* key) {
    std::vector<std::string> out;
    if (!data.contains(key) || !data[key].is_array()) return out;
    for (const auto& v : data[key])
        if (v.is_string() && std::find(out.begin(), out.end(), v.get<std::string>()) == out.end())
            out.push_back(v.get<std::string>());
    return out;
}

std::vector<std::string> union_of(std::vector<std::string> a, const std::vector<std::string>& b) {
    for (const auto& x : b)
        if (std::find(a.begin(), a.end(), x) == a.end()) a.push_back(x);
    return a;
}

struct RuleText {
    std::string id, title, severity, dimension, layer, plane, services, check, with, clause, summary, fix_key, fix;
};

std::string rule_yaml(const RuleText& r, const std::string& reference) {
    return fmt::format(R"(
  - id: {}
    title: {}
    severity: {}
    dimension: {}
    layer: {}
    plane: {}
    applies_to: {{services: {}}}
    check: {}
    with: {}
    references:
      - {{document: {}, clause: {}}}
    guideline:
      summary: {}
      {}: {}
)",
                       r.id, quoted(r.title), r.severity, r.dimension, r.layer, r.plane, r.services, r.check, r.with,
                       quoted(reference), quoted(r.clause), quoted(r.summary), r.fix_key, quoted(r.fix));
}

const core::ProbeRecord& need(const core::TargetRecord& record, const char* probe) {
    const auto* r = record.facts.get(probe);
    if (r == nullptr) throw UsageError(fmt::format("capture: the {} probe did not run on {}", probe, record.target.id));
    if (r->status != core::ProbeStatus::ok)
        throw UsageError(fmt::format("capture: the {} probe could not observe {}: {}", probe, record.target.id,
                                     r->error));
    return *r;
}

std::vector<RuleText> tls_rules(const core::TargetRecord& record) {
    std::vector<RuleText> out;
    const auto versions = strings_at(need(record, "tls_versions").data, "accepted");
    if (versions.empty()) throw UsageError(fmt::format("capture: {} accepted no TLS version", record.target.id));
    out.push_back({"CAPTURE-TLS-VERSIONS", "Only the protocol versions the reference host accepts", "high",
                   "data-confidentiality", "applications", "end-user", kTlsServices, "tls.protocol_versions",
                   fmt::format("{{allowed: {}}}", flow_list(versions)), "tls_versions.accepted",
                   "Accept the same protocol versions as the reference host.", "nginx",
                   fmt::format("ssl_protocols {};", fmt::join(versions, " "))});
    const auto suites = strings_at(need(record, "tls_suites").data, "accepted");
    out.push_back({"CAPTURE-TLS-SUITES", "Only the cipher suites the reference host accepts", "high",
                   "data-confidentiality", "applications", "end-user", kTlsServices, "tls.cipher_suites",
                   fmt::format("{{allowed: {}}}", flow_list(suites)), "tls_suites.accepted",
                   "Accept the same cipher suites as the reference host.", "general",
                   fmt::format("IANA suites of the reference host: {}", fmt::join(suites, ", "))});
    const auto& groups = need(record, "tls_groups").data;
    const auto accepted_groups = strings_at(groups, "accepted");
    const auto dh_bits = groups.value("dh_bits", 0);
    out.push_back({"CAPTURE-TLS-GROUPS", "Only the key exchange groups the reference host accepts", "high",
                   "data-confidentiality", "applications", "end-user", kTlsServices, "tls.key_exchange",
                   fmt::format("{{allowed_groups: {}, min_dh_bits: {}}}", flow_list(accepted_groups),
                               dh_bits > 0 ? dh_bits : 2048),
                   "tls_groups.accepted", "Accept the same key exchange groups as the reference host.", "nginx",
                   fmt::format("ssl_ecdh_curve {};", fmt::join(accepted_groups, ":"))});
    return out;
}

std::vector<RuleText> ssh_rules(const core::TargetRecord& record) {
    const auto& d = need(record, "ssh").data;
    if (!d.value("kexinit_received", false))
        throw UsageError(fmt::format("capture: {} sent no SSH KEXINIT: {}", record.target.id,
                                     d.value("kexinit_error", std::string())));
    const auto kex = strings_at(d, "kex_algorithms");
    const auto host_keys = strings_at(d, "host_key_algorithms");
    const auto ciphers = union_of(strings_at(d, "ciphers_c2s"), strings_at(d, "ciphers_s2c"));
    const auto macs = union_of(strings_at(d, "macs_c2s"), strings_at(d, "macs_s2c"));
    std::vector<RuleText> out;
    const char* ssh = "[ssh]";
    out.push_back({"CAPTURE-SSH-KEX", "Only the key exchange methods the reference host offers", "high",
                   "data-confidentiality", "infrastructure", "management", ssh, "ssh.kex_algorithms",
                   fmt::format("{{allowed: {}}}", flow_list(kex)), "ssh.kex_algorithms",
                   "Offer the same key exchange methods as the reference host.", "openssh",
                   fmt::format("KexAlgorithms {}", fmt::join(kex, ","))});
    out.push_back({"CAPTURE-SSH-HOSTKEY", "Only the host key algorithms the reference host offers", "high",
                   "authentication", "infrastructure", "management", ssh, "ssh.host_key_algorithms",
                   fmt::format("{{allowed: {}}}", flow_list(host_keys)), "ssh.host_key_algorithms",
                   "Offer the same host key algorithms as the reference host.", "openssh",
                   fmt::format("HostKeyAlgorithms {}", fmt::join(host_keys, ","))});
    out.push_back({"CAPTURE-SSH-CIPHERS", "Only the ciphers the reference host offers", "high",
                   "data-confidentiality", "infrastructure", "management", ssh, "ssh.ciphers",
                   fmt::format("{{allowed: {}}}", flow_list(ciphers)), "ssh.ciphers_c2s, ssh.ciphers_s2c",
                   "Offer the same ciphers as the reference host.", "openssh",
                   fmt::format("Ciphers {}", fmt::join(ciphers, ","))});
    out.push_back({"CAPTURE-SSH-MACS", "Only the MACs the reference host offers", "high", "data-integrity",
                   "infrastructure", "management", ssh, "ssh.macs", fmt::format("{{allowed: {}}}", flow_list(macs)),
                   "ssh.macs_c2s, ssh.macs_s2c", "Offer the same MACs as the reference host.", "openssh",
                   fmt::format("MACs {}", fmt::join(macs, ","))});
    int min_rsa = 0;
    for (const auto& k : d.value("host_keys", Json::array()))
        if (k.value("family", "") == "rsa") {
            const int bits = k.value("bits", 0);
            if (min_rsa == 0 || bits < min_rsa) min_rsa = bits;
        }
    if (min_rsa > 0)
        out.push_back({"CAPTURE-SSH-HOSTKEY-SIZE", fmt::format("RSA host keys of at least {} bits", min_rsa), "high",
                       "authentication", "infrastructure", "management", ssh, "ssh.host_key_size",
                       fmt::format("{{min_rsa_bits: {}}}", min_rsa), "ssh.host_keys[*].bits",
                       "Use host keys as large as the reference host's.", "openssh",
                       fmt::format("ssh-keygen -t rsa -b {} -f /etc/ssh/ssh_host_rsa_key", min_rsa)});
    if (std::find(kex.begin(), kex.end(), "kex-strict-s-v00@openssh.com") != kex.end())
        out.push_back({"CAPTURE-SSH-STRICT-KEX", "Strict key exchange, as the reference host offers it", "medium",
                       "data-integrity", "infrastructure", "management", ssh, "ssh.strict_kex", "{}",
                       "ssh.kex_algorithms", "Run an SSH server release with strict KEX (Terrapin fix).", "openssh",
                       "Upgrade to OpenSSH 9.6+ or a vendor release with the CVE-2023-48795 fix"});
    return out;
}

int run_capture(AppContext& ctx, const CaptureOptions& o) {
    ctx.setup_logging();
    if (o.timeout_s <= 0 || o.timeout_s > 600) throw UsageError("--timeout must be between 0 and 600 seconds");
    auto target = scanner::parse_target_spec(o.target, o.service);
    if (!target) throw UsageError(fmt::format("--target {}: {}", o.target, target.error().describe()));
    if (!o.sni.empty()) target->sni = o.sni;
    if (!o.starttls.empty()) target->starttls = o.starttls == "none" ? "" : o.starttls;
    const bool ssh = target->service == "ssh";
    std::string id = o.id;
    const auto id_ok = [](const std::string& s) {
        return !s.empty() && std::isalnum(static_cast<unsigned char>(s[0])) != 0 &&
               std::all_of(s.begin(), s.end(), [](char c) {
                   return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
               });
    };
    if (!id.empty() && !id_ok(id))
        throw UsageError(fmt::format("--id {}: expected lower-case letters, digits, '.', '_' or '-'", id));
    if (id.empty()) {
        for (char c : fmt::format("captured-{}-{}", target->host, target->port))
            id += (std::isalnum(static_cast<unsigned char>(c)) != 0) ? static_cast<char>(std::tolower(c)) : '-';
    }

    // A profile whose rules need exactly the probes to run.
    core::Profile probe_profile;
    probe_profile.id = "capture";
    if (ssh) {
        probe_profile.rules.push_back(synthetic_rule(ctx, "SSH", "ssh.kex_algorithms"));
    } else {
        probe_profile.rules.push_back(synthetic_rule(ctx, "V", "tls.protocol_versions"));
        probe_profile.rules.push_back(synthetic_rule(ctx, "S", "tls.cipher_suites"));
        probe_profile.rules.push_back(synthetic_rule(ctx, "G", "tls.key_exchange"));
    }
    for (auto& r : probe_profile.rules) r.from_profile = probe_profile.id;

    scanner::ObserveOptions observe;
    observe.concurrency = 1;
    observe.probe.timeout = std::chrono::milliseconds(static_cast<long>(o.timeout_s * 1000));
    observe.probe.ca_file = o.ca_file;
    observe.probe.limiter = std::make_shared<core::ConnectionLimiter>(4, 0);
    observe.resolve = [](core::Target& t) { return scanner::resolve_target(t); };
    const auto now = core::now();
    auto plan = scanner::make_plan({*target}, {probe_profile}, ctx.checks, ctx.probes, now);
    if (!plan) throw UsageError(plan.error().describe());
    const auto records = scanner::observe(*plan, ctx.probes, observe);
    if (records.empty()) throw UsageError("capture: nothing was observed");
    const auto& record = records.front();

    const auto rules = ssh ? ssh_rules(record) : tls_rules(record);
    const auto date = core::format_time(now).substr(0, 10);
    const auto reference = fmt::format("Reference host {}", record.target.id);
    std::string yaml = fmt::format(
        R"(# Captured by conformscan {} from {} (service {}) on {}:
# the configuration that host offered, as allow-lists. A host configured like
# it passes; anything it does not offer fails. Review before use; edit freely.
profile:
  id: {}
  title: {}
  version: 1.0.0
  status: draft
  description: >-
    Captured from the reference host {} on {}: {}.
  derived_from:
    - {{document: {}, edition: "{}"}}
  changelog:
    - {{version: 1.0.0, date: {}, changes: {}}}

rules:)",
        kVersion, record.target.id, record.target.service, core::format_time(now), id,
        quoted(o.title.empty() ? fmt::format("Configured like {}", record.target.id) : o.title), record.target.id,
        date,
        ssh ? "its key exchange, host key, cipher and MAC algorithms" : "its TLS versions, cipher suites and groups",
        quoted(reference), date, date, quoted(fmt::format("Captured from {}.", record.target.id)));
    for (const auto& r : rules) yaml += rule_yaml(r, reference);

    // What is written must load: the loader validates every parameter.
    const std::filesystem::path out(o.out);
    const auto check_path = out.parent_path() / (out.filename().string() + ".check.yaml");
    if (auto w = reports::write_file_atomic(check_path, yaml); !w) throw UsageError(w.error().describe());
    auto loaded = ctx.loader().load_file(check_path);
    std::error_code ec;
    std::filesystem::remove(check_path, ec);
    if (!loaded) {
        spdlog::error("captured profile does not load: {}", loaded.error().describe());
        return kExitInternal;
    }
    if (auto w = reports::write_file_atomic(out, yaml); !w) throw UsageError(w.error().describe());
    if (!ctx.quiet)
        fmt::print("{}: profile {} with {} rules captured from {}\n", o.out, id, loaded->rules.size(),
                   record.target.id);
    return kExitClean;
}

}  // namespace

void setup_capture(CLI::App& profiles, AppContext& ctx) {
    auto o = std::make_shared<CaptureOptions>();
    auto* cmd = profiles.add_subcommand(
        "capture", "Write a profile that a reference host passes: its TLS versions, suites and groups, or its SSH "
                   "algorithms, as allow-lists");
    cmd->add_option("-t,--target", o->target, "Reference host HOST:PORT[/SERVICE] (ssh for SSH; else TLS)")
        ->required();
    cmd->add_option("--service", o->service, "Service when not given in the spec")->capture_default_str();
    cmd->add_option("--sni", o->sni, "Server name for SNI");
    cmd->add_option("--starttls", o->starttls, "STARTTLS protocol before TLS, or none (default: the service's own)");
    cmd->add_option("--ca-file", o->ca_file, "PEM trust anchors (for the certificate probe)");
    cmd->add_option("-o,--out", o->out, "The profile file to write")->required();
    cmd->add_option("--id", o->id, "Profile id (default: captured-HOST-PORT)");
    cmd->add_option("--title", o->title, "Profile title");
    cmd->add_option("--timeout", o->timeout_s, "Per-operation network timeout in seconds")->capture_default_str();
    cmd->callback([&ctx, o]() { ctx.exit_code = run_capture(ctx, *o); });
}

}  // namespace conformscan::cli
