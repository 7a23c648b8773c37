// The `tls_suites` probe: every suite the server accepts under each version
// `tls_versions` found, by the removal method — offer every candidate, note
// the one chosen, offer the rest again, until the server refuses. The order
// of choices is the server's order when it enforces one. The first choice
// comes from tls_versions, which offered the same hello (first_suite); once
// two suites are known, the chosen ones ride reversed at the end of each
// hello, which tells server order from client order and, for a client-order
// server, ends the enumeration in the same hello (see enumerate()). Cost per
// version: accepted suites, or accepted suites + 1 for a server-order server
// whose picks follow the offered order. SSLv2 kinds come from tls_versions'
// SERVER-HELLO at no cost.
#include <algorithm>
#include <chrono>
#include <optional>

#include <fmt/format.h>

#include "checks/tls/raw_hello.hpp"
#include "checks/tls/raw_key_exchange.hpp"
#include "checks/tls/suite_common.hpp"
#include "checks/tls/suite_groups.hpp"
#include "checks/tls/suite_robot.hpp"
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
    std::string preference;  // "" while undecided
};

struct Context {
    const core::Target& target;
    const core::ProbeOptions& options;
    int connections = 0;
    std::optional<SuiteRobotRunner> robot;

    HelloAttempt hello(std::uint16_t version, const std::vector<std::uint16_t>& suites) {
        auto spec = hello_for_version(version, target);
        spec.cipher_suites = suites;
        ++connections;
        return exchange_hello(target, options, wt::encode_client_hello_records(spec));
    }

    // A hello listing `groups`, read on to the ServerKeyExchange; through the
    // ROBOT runner while its round needs variants (suite_robot.hpp).
    KeyExchangeAttempt hello_to_key_exchange(std::uint16_t version, const std::vector<std::uint16_t>& suites,
                                             const std::vector<std::uint16_t>& groups) {
        auto spec = hello_for_version(version, target);
        spec.cipher_suites = suites;
        spec.groups = groups;
        ++connections;
        if (robot && robot->version() == version && robot->wants_more()) return robot->exchange(target, options, spec);
        return exchange_to_key_exchange(target, options, wt::encode_client_hello_records(spec));
    }

    // One round of the enumeration; with a tracker, the groups follow it (see
    // suite_groups.hpp) and a held answer comes back as nullopt.
    std::optional<HelloAttempt> round(std::uint16_t version, const std::vector<std::uint16_t>& offer,
                                      SuiteGroupTracker* tracker) {
        if (tracker == nullptr) return hello(version, offer);
        auto groups = tracker->groups_for();
        auto k = hello_to_key_exchange(version, offer, groups);
        auto verdict = tracker->on_answer(k, groups, offer);
        if (verdict == SuiteGroupTracker::Verdict::retry_all) {
            groups = tracker->groups_for();
            k = hello_to_key_exchange(version, offer, groups);
            verdict = tracker->on_answer(k, groups, offer);
        }
        if (verdict == SuiteGroupTracker::Verdict::hold) return std::nullopt;
        return std::move(k.hello);
    }
};

// The removal method over `remaining`, in its order. `seed` is the suite the
// server chose from this very hello before (tls_versions offered it), so the
// first round is already done.
//
// Once two suites are known (x1 chosen from the full list, then x2), each
// hello also carries the chosen suites reversed AFTER the remaining ones:
//   * a server that follows the client's order picks the first remaining
//     suite it accepts, or, when none is left, the last chosen one
//     (chosen.back()): that answer proves client order AND ends the
//     enumeration, in the hello that would otherwise only have been refused;
//   * a server that follows its own order picks x1, its favourite among all
//     suites it accepts: server order is proven; later hellos drop the tail.
// Without the tail, a pick earlier in the offered order than the pick before
// it already rules out client order (a client-order server picks the first
// accepted suite of the list, so its picks only move forwards).
Enumeration enumerate(Context& ctx, std::uint16_t version, std::vector<std::uint16_t> remaining,
                      std::optional<std::uint16_t> seed, bool order_tests, SuiteGroupTracker* tracker = nullptr) {
    Enumeration e;
    const std::vector<std::uint16_t> offered_order = remaining;
    const auto position = [&](std::uint16_t code) {
        return std::find(offered_order.begin(), offered_order.end(), code) - offered_order.begin();
    };
    const auto record = [&](std::uint16_t code) {
        if (order_tests && e.preference.empty() && !e.chosen.empty() && position(code) < position(e.chosen.back()))
            e.preference = "server";
        e.chosen.push_back(code);
        remaining.erase(std::find(remaining.begin(), remaining.end(), code));
    };
    if (seed && std::find(remaining.begin(), remaining.end(), *seed) != remaining.end()) {
        e.first_attempt_answered = true;
        record(*seed);
    }
    const std::size_t limit = remaining.size() + 3;  // + the order test, + the end, + a held answer
    for (std::size_t round = 0; round < limit && !remaining.empty(); ++round) {
        const bool test = order_tests && e.preference.empty() && e.chosen.size() >= 2;
        auto offer = remaining;
        if (test) offer.insert(offer.end(), e.chosen.rbegin(), e.chosen.rend());
        auto answer = ctx.round(version, offer, tracker);
        if (!answer) continue;  // held: the suite stays in the offer and comes back in its place
        auto& a = *answer;
        if (a.outcome == Outcome::server_hello && a.server_hello) {
            if (e.chosen.empty()) e.first_attempt_answered = true;
            const auto& sh = *a.server_hello;
            if (sh.selected_version != version) {
                e.complete = false;
                e.note = fmt::format("server switched to {} while enumerating", wt::version_name(sh.selected_version));
                return e;
            }
            if (std::find(remaining.begin(), remaining.end(), sh.cipher_suite) != remaining.end()) {
                record(sh.cipher_suite);
                continue;
            }
            if (test && sh.cipher_suite == e.chosen.front()) {
                e.preference = "server";
                continue;
            }
            if (test && sh.cipher_suite == e.chosen.back()) {
                e.preference = "client";
                return e;  // a client-order server accepts none of the remaining suites
            }
            if (test && std::find(e.chosen.begin(), e.chosen.end(), sh.cipher_suite) != e.chosen.end()) {
                e.preference = "unknown";  // neither order explains the pick; enumerate on without the tail
                continue;
            }
            // RFC 8446 §4.1.3 / RFC 5246 §7.4.1.3: the suite must be one offered.
            e.complete = false;
            e.note = fmt::format("server chose suite 0x{:04x}, which was not offered", sh.cipher_suite);
            return e;
        }
        if (test && (a.outcome == Outcome::alert || a.outcome == Outcome::closed)) {
            // The hello carried suites the server accepted before.
            e.complete = false;
            e.note = "server refused a hello that carried suites it had accepted: " + a.detail;
            return e;
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

SuiteFact suite_fact(std::uint16_t code) {
    const auto* info = wt::find_cipher_suite(code);
    return {info ? std::string(info->name) : fmt::format("0x{:04x}", code), fmt::format("0x{:04x}", code)};
}

VersionSuites probe_one_version(Context& ctx, std::uint16_t version, std::optional<std::uint16_t> seed,
                                SuiteGroupTracker* tracker) {
    const auto candidates = version == wt::kTls13 ? tls13_suite_codes() : legacy_suite_codes();
    auto e = enumerate(ctx, version, candidates, seed, true, tracker);
    bool chunked = false;
    if (!e.first_attempt_answered && candidates.size() > kChunk) {
        // The full list got no ServerHello although the version is accepted:
        // retry in chunks (a server choking on large hellos).
        chunked = true;
        e = Enumeration{};
        for (std::size_t i = 0; i < candidates.size(); i += kChunk) {
            std::vector<std::uint16_t> chunk(candidates.begin() + static_cast<long>(i),
                                             candidates.begin() + static_cast<long>(std::min(i + kChunk, candidates.size())));
            auto part = enumerate(ctx, version, std::move(chunk), std::nullopt, false);
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
    for (auto code : e.chosen) out.suites.push_back(suite_fact(code));
    // Chunks hide the order across chunks; ask the server directly.
    out.preference = !e.preference.empty() ? e.preference : preference_of(ctx, version, e.chosen);
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
    // The groups are followed under the version tls_groups judges TLS 1.2
    // groups with: the highest accepted from TLS 1.0 to 1.2.
    std::optional<SuiteGroupTracker> tracker;
    for (const auto& name : versions->accepted)
        if (auto v = wt::version_from_name(name); v && *v >= wt::kTls10 && *v <= wt::kTls12 &&
                                                   (!tracker || *v > tracker->version()))
            tracker.emplace(*v);
    if (tracker && options.planned("tls_vulns")) ctx.robot.emplace(tracker->version());
    for (const auto& name : versions->accepted) {
        auto v = wt::version_from_name(name);
        if (!v) continue;
        const ProtocolSupport* seen = nullptr;
        for (const auto& p : versions->protocols)
            if (p.version == name) seen = &p;
        if (*v == wt::kSsl2) {
            if (seen != nullptr && !seen->sslv2_cipher_kinds.empty()) facts.per_version.push_back(sslv2_version_suites(*seen));
            continue;
        }
        std::optional<std::uint16_t> seed;
        if (seen != nullptr)
            if (auto code = parse_suite_code(seen->first_suite); code && *code <= 0xFFFF)
                seed = static_cast<std::uint16_t>(*code);
        facts.per_version.push_back(
            probe_one_version(ctx, *v, seed, tracker && tracker->version() == *v ? &*tracker : nullptr));
    }
    if (tracker) facts.key_exchange_seen = tracker->seen();
    if (ctx.robot) facts.robot_round = ctx.robot->round();
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
        "until refused, starting from the suite tls_versions saw chosen; the accepted suites ride reversed at the end "
        "of each hello to tell server order from client order. SSLv2: the cipher kinds of the SERVER-HELLO. "
        "When tls_vulns is planned, each TLS_RSA pick carries on with one ROBOT padding variant (robot_round).";
    d.facts = {"tls_suites.accepted", "tls_suites.per_version[*].suites[*].name", "tls_suites.per_version[*].preference",
               "tls_suites.key_exchange_seen", "tls_suites.robot_round", "tls_suites.connections"};
    d.depends_on = {"tls_versions"};
    d.run = run_suites;
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::tls
