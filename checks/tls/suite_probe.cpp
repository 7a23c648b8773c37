// The `tls_suites` probe: every suite the server accepts under each version
// `tls_versions` found, by the removal method — offer every candidate, note
// the one chosen, offer the rest again, until the server refuses. The order
// of choices is the server's order when it enforces one; a last hello with
// the accepted suites reversed tells server order from client order. Cost per
// version: accepted suites + 2 handshakes.
#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "checks/tls/raw_hello.hpp"
#include "checks/tls/tls_scan_facts.hpp"
#include "checks/tls/version_probe.hpp"
#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;
using Outcome = HelloAttempt::Outcome;

namespace {

// Servers that drop a hello with hundreds of suites get them in chunks.
constexpr std::size_t kChunk = 32;

struct Enumeration {
    std::vector<std::uint16_t> chosen;  // in the order the server chose them
    bool complete = true;
    std::string note;
    bool first_attempt_answered = false;
};

struct Context {
    const core::Target& target;
    const core::ProbeOptions& options;
    int connections = 0;

    HelloAttempt hello(std::uint16_t version, const std::vector<std::uint16_t>& suites) {
        auto spec = hello_for_version(version, target);
        spec.cipher_suites = suites;
        ++connections;
        return exchange_hello(target, options, wt::encode_client_hello_records(spec));
    }
};

Enumeration enumerate(Context& ctx, std::uint16_t version, std::vector<std::uint16_t> remaining) {
    Enumeration e;
    const std::size_t limit = remaining.size() + 1;
    for (std::size_t round = 0; round < limit && !remaining.empty(); ++round) {
        auto a = ctx.hello(version, remaining);
        if (a.outcome == Outcome::server_hello && a.server_hello) {
            if (round == 0) e.first_attempt_answered = true;
            const auto& sh = *a.server_hello;
            if (sh.selected_version != version) {
                e.complete = false;
                e.note = fmt::format("server switched to {} while enumerating", wt::version_name(sh.selected_version));
                return e;
            }
            auto it = std::find(remaining.begin(), remaining.end(), sh.cipher_suite);
            if (it == remaining.end()) {
                // RFC 8446 §4.1.3 / RFC 5246 §7.4.1.3: the suite must be one offered.
                e.complete = false;
                e.note = fmt::format("server chose suite 0x{:04x}, which was not offered", sh.cipher_suite);
                return e;
            }
            e.chosen.push_back(sh.cipher_suite);
            remaining.erase(it);
            continue;
        }
        if (a.outcome == Outcome::alert || a.outcome == Outcome::closed) return e;  // nothing more in common
        e.complete = false;
        e.note = a.detail;
        return e;
    }
    return e;
}

std::string preference_of(Context& ctx, std::uint16_t version, const std::vector<std::uint16_t>& chosen) {
    if (chosen.size() < 2) return "unknown";
    std::vector<std::uint16_t> reversed(chosen.rbegin(), chosen.rend());
    auto a = ctx.hello(version, reversed);
    if (a.outcome != Outcome::server_hello || !a.server_hello) return "unknown";
    if (a.server_hello->cipher_suite == chosen.front()) return "server";
    if (a.server_hello->cipher_suite == reversed.front()) return "client";
    return "unknown";
}

VersionSuites probe_one_version(Context& ctx, std::uint16_t version) {
    const auto candidates = version == wt::kTls13 ? tls13_suite_codes() : legacy_suite_codes();
    auto e = enumerate(ctx, version, candidates);
    bool chunked = false;
    if (!e.first_attempt_answered && candidates.size() > kChunk) {
        // The full list got no ServerHello although the version is accepted:
        // retry in chunks (a server choking on large hellos).
        chunked = true;
        e = Enumeration{};
        for (std::size_t i = 0; i < candidates.size(); i += kChunk) {
            std::vector<std::uint16_t> chunk(candidates.begin() + static_cast<long>(i),
                                             candidates.begin() + static_cast<long>(std::min(i + kChunk, candidates.size())));
            auto part = enumerate(ctx, version, std::move(chunk));
            e.chosen.insert(e.chosen.end(), part.chosen.begin(), part.chosen.end());
            if (!part.complete) {
                e.complete = false;
                e.note = part.note;
            }
        }
    }
    VersionSuites out;
    out.version = wt::version_name(version);
    out.complete = e.complete;
    out.note = e.note;
    for (auto code : e.chosen) {
        const auto* info = wt::find_cipher_suite(code);
        out.suites.push_back({info ? std::string(info->name) : fmt::format("0x{:04x}", code), fmt::format("0x{:04x}", code)});
    }
    // Chunks hide the order across chunks; ask the server directly.
    out.preference = preference_of(ctx, version, e.chosen);
    if (chunked && out.note.empty()) out.note = "the full suite list was refused; enumerated in chunks";
    return out;
}

core::ProbeRecord run_suites(const core::Target& target, const core::ProbeOptions& options,
                             const core::FactSet& earlier) {
    const auto started = std::chrono::steady_clock::now();
    const auto* versions_record = earlier.get("tls_versions");
    if (versions_record == nullptr || versions_record->status != core::ProbeStatus::ok)
        return core::ProbeRecord::failure(
            "tls_suites", versions_record ? "tls_versions could not observe: " + versions_record->error
                                          : "tls_versions facts are missing");
    auto versions = parse_tls_versions_facts(versions_record->data);
    if (!versions) return core::ProbeRecord::failure("tls_suites", versions.error().describe());

    Context ctx{target, options};
    TlsSuitesFacts facts;
    for (const auto& name : versions->accepted) {
        auto v = wt::version_from_name(name);
        if (!v || *v == wt::kSsl2) continue;  // SSLv2 cipher kinds come with its SERVER-HELLO
        facts.per_version.push_back(probe_one_version(ctx, *v));
    }
    for (const auto& pv : facts.per_version)
        for (const auto& s : pv.suites)
            if (std::find(facts.accepted.begin(), facts.accepted.end(), s.name) == facts.accepted.end())
                facts.accepted.push_back(s.name);
    facts.connections = ctx.connections;
    core::ProbeRecord record;
    record.probe = "tls_suites";
    record.data = facts;
    record.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return record;
}

}  // namespace

void register_suite_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = "tls_suites";
    d.title = "Cipher suites accepted per version, and whose order decides, by raw handshakes";
    d.description =
        "For each version tls_versions accepted: offer every suite known for it, remove the one chosen, repeat "
        "until refused; then offer the accepted suites reversed to tell server order from client order.";
    d.facts = {"tls_suites.accepted", "tls_suites.per_version[*].suites[*].name", "tls_suites.per_version[*].preference",
               "tls_suites.connections"};
    d.depends_on = {"tls_versions"};
    d.run = run_suites;
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::tls
