// The `tls_groups` probe: the key exchange groups a server accepts, by raw
// handshakes, for the versions `tls_versions` found.
//
// * TLS 1.3: first one OpenSSL handshake whose key share is for secp384r1:
//   a server whose first choice that is not sends its own supported_groups
//   in EncryptedExtensions (RFC 8446 §4.2.7; OpenSSL-based servers do), which
//   is taken as its accepted TLS 1.3 groups (tls13_source
//   "encrypted_extensions"); the removal method below then runs over the
//   groups it did not list, to show that it accepts none of them. Without a
//   list: the removal method over every ecdhe, ffdhe and hybrid_pq group of
//   the IANA table (tls13_source "removal"). The hello lists the remaining groups in supported_groups
//   and sends an EMPTY key_share list, so the server has to answer with a
//   HelloRetryRequest naming the group it selected (RFC 8446 §4.1.4, §4.2.8:
//   client_shares "MAY be empty if the client is requesting a
//   HelloRetryRequest"). That group is recorded and removed; repeat until the
//   server refuses. No share is ever computed, so every group costs the same.
// * TLS 1.2 (or the highest version <= 1.2 accepted): tls_suites follows the
//   ECDHE groups and the DH prime along its own hellos (suite_groups.hpp);
//   this probe starts from what it saw and asks only what it left open,
//   usually nothing or one refused hello. Without those facts: offer only the ECDHE
//   suites with the remaining ecdhe groups, read up to the ServerKeyExchange
//   and take its named_group (RFC 8422 §5.4); remove, repeat.
// * DHE: one hello offering only the DHE suites, read the ServerKeyExchange
//   and record the size of dh_p. supported_groups then lists no RFC 7919
//   group, so the server sends the prime it gives legacy clients (RFC 7919
//   §4: a client listing FFDHE groups constrains the server's choice).
//
// Cost: TLS 1.3, 2 with a declared list (else groups accepted + 2); TLS 1.2,
// 0 to 2 after tls_suites, else groups accepted + 1; the DHE prime usually comes from a
// DHE suite offered along the ECDHE rounds (see enumerate_ecdhe), else + 1.
#include "checks/tls/group_probe.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include "checks/tls/group_declared.hpp"
#include "checks/tls/raw_hello.hpp"
#include "checks/tls/raw_key_exchange.hpp"
#include "checks/tls/tls_group_facts.hpp"
#include "checks/tls/tls_scan_facts.hpp"
#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;
using Outcome = HelloAttempt::Outcome;

namespace {

// A GREASE value (RFC 8701) with no key_share encoding: listing only it in
// key_share_groups makes the encoder send an empty client_shares list.
constexpr std::uint16_t kEmptyKeyShare = 0x0a0a;

// Explicit-curve pseudo-groups (RFC 8422 §5.1.1 deprecates them): a server
// choosing one would send parameters the ServerKeyExchange parser refuses.
constexpr std::uint16_t kExplicitPrime = 0xff01;
constexpr std::uint16_t kExplicitChar2 = 0xff02;

// The ECDHE suites deployed servers choose, for a retry when a server drops
// the hello with every ECDHE suite of the table.
constexpr std::uint16_t kCommonEcdheSuites[] = {0xc02f, 0xc030, 0xc02b, 0xc02c, 0xcca8, 0xcca9, 0xc027,
                                                0xc028, 0xc023, 0xc024, 0xc013, 0xc014, 0xc009, 0xc00a};

std::string group_name(std::uint16_t code) {
    const auto* g = wt::find_group(code);
    return g != nullptr ? std::string(g->name) : fmt::format("0x{:04x}", code);
}

std::vector<std::uint16_t> groups_of_kinds(std::initializer_list<std::string_view> kinds) {
    std::vector<std::uint16_t> out;
    for (const auto& g : wt::all_groups())
        if (std::find(kinds.begin(), kinds.end(), g.kind) != kinds.end() && g.code != kExplicitPrime &&
            g.code != kExplicitChar2)
            out.push_back(g.code);
    return out;
}

std::vector<std::uint16_t> legacy_suites_with_kex(std::string_view kex) {
    std::vector<std::uint16_t> out;
    for (const auto& s : wt::all_cipher_suites())
        if (!s.tls13 && s.kex == kex) out.push_back(s.code);
    return out;
}

struct Context {
    const core::Target& target;
    const core::ProbeOptions& options;
    TlsGroupsFacts& facts;

    void incomplete(std::string note) {
        facts.complete = false;
        if (!facts.note.empty()) facts.note += "; ";
        facts.note += note;
    }
};

// An answer that ends an enumeration without a verdict (silence, garbage, no
// connection) rather than a refusal.
bool refused(const HelloAttempt& a) {
    return a.outcome == Outcome::alert || a.outcome == Outcome::closed;
}

void enumerate_tls13(Context& ctx, std::vector<std::uint16_t> remaining) {
    const std::size_t limit = remaining.size() + 1;
    for (std::size_t round = 0; round < limit && !remaining.empty(); ++round) {
        auto spec = hello_for_version(wt::kTls13, ctx.target);
        spec.cipher_suites = tls13_suite_codes();
        spec.groups = remaining;
        spec.key_share_groups = {kEmptyKeyShare};
        ++ctx.facts.connections;
        const auto a = exchange_hello(ctx.target, ctx.options, wt::encode_client_hello_records(spec));
        if (refused(a)) return;  // no group left in common
        if (a.outcome != Outcome::server_hello || !a.server_hello) {
            ctx.incomplete("TLS 1.3: " + a.detail);
            return;
        }
        const auto& sh = *a.server_hello;
        if (sh.selected_version != wt::kTls13) {
            ctx.incomplete(
                fmt::format("TLS 1.3: the server switched to {}", wt::version_name(sh.selected_version)));
            return;
        }
        // HelloRetryRequest.selected_group, or (against RFC 8446 §4.2.8, as no
        // share was sent) a ServerHello's key_share group.
        if (!sh.key_share_group) {
            ctx.incomplete("TLS 1.3: " + a.detail + " names no group");
            return;
        }
        auto it = std::find(remaining.begin(), remaining.end(), *sh.key_share_group);
        if (it == remaining.end()) {
            // RFC 8446 §4.2.8: the selected group must be one of supported_groups.
            ctx.incomplete(fmt::format("TLS 1.3: the server selected {}, which was not offered",
                                       group_name(*sh.key_share_group)));
            return;
        }
        ctx.facts.tls13_groups.push_back(group_name(*it));
        remaining.erase(it);
    }
}

// TLS 1.3: the server's declared list when it sends one, and the removal
// method over every other group, which confirms (usually with one refused
// hello) that the server accepts nothing it did not declare; without a
// declared list, the removal method over every group.
void observe_tls13(Context& ctx) {
    auto candidates = groups_of_kinds({"ecdhe", "ffdhe", "hybrid_pq"});
    ++ctx.facts.connections;
    const auto declared = declared_tls13_groups(ctx.target, ctx.options);
    if (declared.groups.empty()) {
        ctx.facts.tls13_source = "removal";
        enumerate_tls13(ctx, std::move(candidates));
        return;
    }
    ctx.facts.tls13_source = "encrypted_extensions";
    for (auto code : declared.groups) {
        ctx.facts.tls13_groups.push_back(group_name(code));
        candidates.erase(std::remove(candidates.begin(), candidates.end(), code), candidates.end());
    }
    enumerate_tls13(ctx, std::move(candidates));
}

// One TLS <= 1.2 hello offering `suites` and `groups`, read to the ServerKeyExchange.
KeyExchangeAttempt kex_hello(Context& ctx, std::uint16_t version, const std::vector<std::uint16_t>& suites,
                             const std::vector<std::uint16_t>& groups) {
    auto spec = hello_for_version(version, ctx.target);
    spec.cipher_suites = suites;
    spec.groups = groups;
    ++ctx.facts.connections;
    return exchange_to_key_exchange(ctx.target, ctx.options, wt::encode_client_hello_records(spec));
}

// The parsed ServerKeyExchange of an attempt that chose a suite of `kex`; an
// error text when it cannot be had.
core::Result<wt::ServerKeyExchange> key_exchange_of(const KeyExchangeAttempt& k, std::uint16_t version,
                                                    std::string_view kex) {
    const auto& sh = *k.hello.server_hello;
    if (sh.selected_version != version)
        return core::make_error(
            "version", fmt::format("the server switched to {}", wt::version_name(sh.selected_version)));
    const auto* suite = wt::find_cipher_suite(sh.cipher_suite);
    if (suite == nullptr || suite->kex != kex)
        return core::make_error(
            "suite", fmt::format("the server chose suite 0x{:04x}, not a {} suite", sh.cipher_suite, kex));
    if (!k.server_key_exchange)
        return core::make_error("no_ske", k.server_hello_done
                                              ? std::string("ServerHelloDone without ServerKeyExchange")
                                              : k.detail);
    return wt::parse_server_key_exchange(*k.server_key_exchange,
                                         kex == "DHE" ? wt::KeyExchangeKind::dhe : wt::KeyExchangeKind::ecdhe,
                                         version);
}

// DHE rides along the ECDHE rounds, after the ECDHE suites, until the server
// picks a DHE suite (its prime is then read from that ServerKeyExchange).
// Once the server has picked an ECDHE_RSA suite while DHE suites were offered,
// a later DHE pick also ends the ECDHE enumeration: both a client-order server
// (ECDHE first in the list) and a server that ranks that ECDHE_RSA suite above
// every DHE suite pick DHE only when no remaining group can serve ECDHE_RSA,
// whose RSA certificate does not depend on the groups. That saves the refused
// round and the separate DHE hello. Returns true when DHE was settled
// (observed, or refused together with ECDHE).
//
// An ECDSA certificate's curve must stay in a TLS 1.2 supported_groups list
// (RFC 8422 §5.1), so a refusal after ECDHE_ECDSA picks does not prove the
// other groups refused: the groups those picks chose (`ecdsa_picks`, one of
// them the certificate's curve) are then kept at the end of every list. A
// client-order server picks one of them only when no group before them is
// accepted (complete); a server-order server may prefer it, which leaves the
// rest undecided (incomplete, with a note).
bool enumerate_ecdhe(Context& ctx, std::uint16_t version, std::vector<std::uint16_t> remaining, bool dhe_pending,
                     std::vector<std::uint16_t> ecdsa_picks = {}, bool client_order = false) {
    auto suites = legacy_suites_with_kex("ECDHE");
    const auto dhe_suites = legacy_suites_with_kex("DHE");
    // + the retry with fewer suites, + the DHE pick, + the retry with the ECDSA tail
    const std::size_t limit = remaining.size() + 4;
    bool retried = false;
    bool ecdhe_rsa_over_dhe = false;
    std::vector<std::uint16_t> tail;
    for (std::size_t round = 0; round < limit && !remaining.empty(); ++round) {
        const bool with_dhe = dhe_pending && !retried;
        auto offer = suites;
        if (with_dhe) offer.insert(offer.end(), dhe_suites.begin(), dhe_suites.end());
        auto groups = remaining;
        groups.insert(groups.end(), tail.begin(), tail.end());
        auto k = kex_hello(ctx, version, offer, groups);
        if (refused(k.hello)) {
            if (tail.empty() && !ecdsa_picks.empty()) {
                tail = ecdsa_picks;
                continue;
            }
            return with_dhe || !dhe_pending;  // no ECDHE with these groups, nor DHE when offered
        }
        if (k.hello.outcome != Outcome::server_hello || !k.hello.server_hello) {
            // Some servers drop a hello with a hundred suites: once, try the common ones.
            if (!retried && !suites.empty() && suites.size() > std::size(kCommonEcdheSuites)) {
                retried = true;
                suites.assign(std::begin(kCommonEcdheSuites), std::end(kCommonEcdheSuites));
                continue;
            }
            ctx.incomplete(fmt::format("{} ECDHE: {}", wt::version_name(version), k.hello.detail));
            return false;
        }
        const auto* picked = wt::find_cipher_suite(k.hello.server_hello->cipher_suite);
        if (with_dhe && picked != nullptr && picked->kex == "DHE" &&
            k.hello.server_hello->selected_version == version) {
            auto dhe = key_exchange_of(k, version, "DHE");
            if (!dhe) {
                ctx.incomplete(fmt::format("{} DHE: {}", wt::version_name(version), dhe.error().message));
                return true;
            }
            ctx.facts.dh_bits = dhe->dh_bits;
            dhe_pending = false;
            if (ecdhe_rsa_over_dhe) return true;
            continue;
        }
        auto ske = key_exchange_of(k, version, "ECDHE");
        if (!ske || !ske->named_group) {
            ctx.incomplete(fmt::format("{} ECDHE: {}", wt::version_name(version),
                                       ske ? std::string("no named group") : ske.error().message));
            return !dhe_pending;
        }
        auto it = std::find(remaining.begin(), remaining.end(), *ske->named_group);
        if (it == remaining.end() && std::find(tail.begin(), tail.end(), *ske->named_group) != tail.end()) {
            if (!client_order)
                ctx.incomplete(fmt::format(
                    "{} ECDHE: the server chose {}, kept offered for its ECDSA certificate, over {} other group(s); "
                    "with its own order that does not tell whether it accepts them",
                    wt::version_name(version), group_name(*ske->named_group), remaining.size()));
            return !dhe_pending;
        }
        if (it == remaining.end()) {
            // RFC 8422 §5.4: the curve must be one the client offered.
            ctx.incomplete(fmt::format("{} ECDHE: the server chose {}, which was not offered",
                                       wt::version_name(version), group_name(*ske->named_group)));
            return !dhe_pending;
        }
        if (with_dhe && picked != nullptr && picked->auth == "RSA") ecdhe_rsa_over_dhe = true;
        if (picked != nullptr && picked->auth == "ECDSA") ecdsa_picks.push_back(*it);
        ctx.facts.tls12_groups.push_back(group_name(*it));
        remaining.erase(it);
    }
    return !dhe_pending;
}

void observe_dhe(Context& ctx, std::uint16_t version) {
    auto k = kex_hello(ctx, version, legacy_suites_with_kex("DHE"), groups_of_kinds({"ecdhe"}));
    if (refused(k.hello)) return;  // no DHE suite: dh_bits stays 0
    if (k.hello.outcome != Outcome::server_hello || !k.hello.server_hello) {
        ctx.incomplete(fmt::format("{} DHE: {}", wt::version_name(version), k.hello.detail));
        return;
    }
    auto ske = key_exchange_of(k, version, "DHE");
    if (!ske) {
        ctx.incomplete(fmt::format("{} DHE: {}", wt::version_name(version), ske.error().message));
        return;
    }
    ctx.facts.dh_bits = ske->dh_bits;
}

// TLS 1.2 after tls_suites followed the groups along its enumeration (see
// suite_groups.hpp): take what it saw, and ask only what it left open — the
// ECDHE groups it did not see unless it proved none of them is accepted, and
// the DH prime when a DHE suite is accepted but its ServerKeyExchange was not
// read. An enumeration that accepted no ECDHE (or no DHE) suite settles that
// kind without a hello.
void continue_from_suites(Context& ctx, std::uint16_t version, const TlsSuitesFacts& suites) {
    const auto& seen = suites.key_exchange_seen;
    ctx.facts.tls12_groups = seen.ecdhe_groups;
    ctx.facts.dh_bits = seen.dh_bits;
    bool ecdhe_accepted = false;
    bool ecdhe_ecdsa_accepted = false;
    bool dhe_accepted = false;
    bool enumeration_complete = false;
    bool client_order = false;
    for (const auto& pv : suites.per_version) {
        if (pv.version != wt::version_name(version)) continue;
        enumeration_complete = pv.complete;
        // OpenSSL picks groups in the same order as suites (SSL_OP_CIPHER_SERVER_PREFERENCE).
        client_order = pv.preference == "client";
        for (const auto& s : pv.suites) {
            const auto* info = wt::find_cipher_suite(std::string_view(s.name));
            if (info == nullptr) continue;
            ecdhe_accepted = ecdhe_accepted || info->kex == "ECDHE";
            ecdhe_ecdsa_accepted = ecdhe_ecdsa_accepted || (info->kex == "ECDHE" && info->auth == "ECDSA");
            dhe_accepted = dhe_accepted || info->kex == "DHE";
        }
    }
    const bool dhe_pending = seen.dh_bits == 0 && (dhe_accepted || !enumeration_complete);
    const bool ecdhe_pending = !seen.ecdhe_complete && (ecdhe_accepted || !enumeration_complete);
    if (!ecdhe_pending) {
        if (dhe_pending) observe_dhe(ctx, version);
        return;
    }
    auto remaining = groups_of_kinds({"ecdhe"});
    std::vector<std::uint16_t> seen_codes;
    for (const auto& name : seen.ecdhe_groups)
        if (const auto* g = wt::find_group(std::string_view(name))) {
            remaining.erase(std::remove(remaining.begin(), remaining.end(), g->code), remaining.end());
            seen_codes.push_back(g->code);
        }
    // The certificate's curve is among the groups seen with an ECDSA suite.
    if (!ecdhe_ecdsa_accepted) seen_codes.clear();
    if (!enumerate_ecdhe(ctx, version, std::move(remaining), dhe_pending, std::move(seen_codes), client_order) &&
        dhe_pending)
        observe_dhe(ctx, version);
}

core::ProbeRecord run_groups(const core::Target& target, const core::ProbeOptions& options,
                             const core::FactSet& earlier) {
    const auto started = std::chrono::steady_clock::now();
    const auto* versions_record = earlier.get("tls_versions");
    if (versions_record == nullptr || versions_record->status != core::ProbeStatus::ok)
        return core::ProbeRecord::failure(
            "tls_groups", versions_record ? "tls_versions could not observe: " + versions_record->error
                                          : "tls_versions facts are missing");
    auto versions = parse_tls_versions_facts(versions_record->data);
    if (!versions) return core::ProbeRecord::failure("tls_groups", versions.error().describe());

    TlsGroupsFacts facts;
    Context ctx{target, options, facts};
    std::uint16_t legacy = 0;  // the highest accepted version in TLS 1.0 .. 1.2 (SSLv3 has no groups)
    bool tls13 = false;
    for (const auto& name : versions->accepted) {
        auto v = wt::version_from_name(name);
        if (!v) continue;
        if (*v == wt::kTls13) tls13 = true;
        if (*v >= wt::kTls10 && *v <= wt::kTls12) legacy = std::max(legacy, *v);
    }
    if (tls13) observe_tls13(ctx);
    if (legacy != 0) {
        facts.tls12_version = wt::version_name(legacy);
        const auto* suites_record = earlier.get("tls_suites");
        std::optional<TlsSuitesFacts> suites;
        if (suites_record != nullptr && suites_record->status == core::ProbeStatus::ok)
            if (auto parsed = parse_tls_suites_facts(suites_record->data)) suites = std::move(*parsed);
        if (suites && suites->key_exchange_seen.version == facts.tls12_version)
            continue_from_suites(ctx, legacy, *suites);
        else if (!enumerate_ecdhe(ctx, legacy, groups_of_kinds({"ecdhe"}), true))
            observe_dhe(ctx, legacy);
    }
    for (const auto* list : {&facts.tls13_groups, &facts.tls12_groups})
        for (const auto& g : *list)
            if (std::find(facts.accepted.begin(), facts.accepted.end(), g) == facts.accepted.end())
                facts.accepted.push_back(g);

    core::ProbeRecord record;
    record.probe = "tls_groups";
    record.data = facts;
    record.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return record;
}

}  // namespace

void register_group_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = "tls_groups";
    d.title = "Key exchange groups accepted (TLS 1.3 and ECDHE) and the DHE prime size, by raw handshakes";
    d.description =
        "TLS 1.3: one handshake whose key share is for secp384r1, so that the server lists its groups in "
        "EncryptedExtensions (RFC 8446 4.2.7); then offer every group it did not list (every group without a list) "
        "with an empty key_share, so that the server names its choice in a HelloRetryRequest; remove it and repeat "
        "until refused. TLS 1.2 (or the highest version <= 1.2): continue from the groups and DH prime tls_suites saw "
        "along its enumeration; without them, "
        "the same with the ECDHE suites, reading the named group from the ServerKeyExchange. The DHE suites "
        "ride after them until the server picks one, whose ServerKeyExchange gives the size of its DH prime.";
    d.facts = {"tls_groups.tls13_groups", "tls_groups.tls13_source", "tls_groups.tls12_groups", "tls_groups.dh_bits",
               "tls_groups.accepted",     "tls_groups.complete",     "tls_groups.connections"};
    d.depends_on = {"tls_versions", "tls_suites"};
    d.run = run_groups;
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::tls
