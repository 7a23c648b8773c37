// The `tls_versions` probe: one raw hello per protocol version, SSLv2 to
// TLS 1.3, each offering only that version and every suite the IANA table
// knows for it, so the answer does not depend on the local TLS library.
#include "checks/tls/version_probe.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "checks/tls/raw_hello.hpp"
#include "checks/tls/tls_scan_facts.hpp"
#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;
using Outcome = HelloAttempt::Outcome;

namespace {

// Suites offered in the retry for servers that drop a hello with hundreds of
// suites: the ones deployed servers actually choose.
constexpr std::uint16_t kCommonSuites[] = {
    0xc02f, 0xc030, 0xc02b, 0xc02c, 0xcca8, 0xcca9, 0xc027, 0xc028, 0xc023, 0xc024, 0xc013, 0xc014,
    0xc009, 0xc00a, 0x009e, 0x009f, 0x0067, 0x006b, 0x0033, 0x0039, 0x009c, 0x009d, 0x003c, 0x003d,
    0x002f, 0x0035, 0x000a, 0x0005, 0x0004, 0xc012, 0xc008, 0x0016, 0x0013, 0x0066, 0x0041, 0x0084};


ProtocolSupport probe_sslv2(const core::Target& target, const core::ProbeOptions& options, int& connections,
                            Outcome& outcome) {
    std::array<std::uint8_t, 16> challenge{};
    for (std::size_t i = 0; i < challenge.size(); ++i) challenge[i] = static_cast<std::uint8_t>(0xA0 + i);
    // Every kind of the table: servers answer with the kinds they share with
    // the client, so the SERVER-HELLO then lists all the server offers.
    std::vector<std::uint32_t> kinds;
    for (const auto& k : wt::all_sslv2_ciphers()) kinds.push_back(k.code);
    ++connections;
    auto a = exchange_hello(target, options, wt::encode_sslv2_client_hello(kinds, challenge));
    outcome = a.outcome;
    ProtocolSupport p{"SSLv2", false, a.detail};
    // A server that answers SERVER-HELLO but offers no cipher kind has SSLv2
    // code enabled yet cannot complete it; DROWN still counts it (CVE-2016-0800)
    // but the version is not negotiable, so accepted stays false.
    if (a.outcome == Outcome::sslv2_server_hello && a.sslv2) {
        p.accepted = !a.sslv2->cipher_kinds.empty();
        for (auto kind : a.sslv2->cipher_kinds) p.sslv2_cipher_kinds.push_back(fmt::format("0x{:06x}", kind));
    }
    return p;
}

struct VersionRun {
    const core::Target& target;
    const core::ProbeOptions& options;
    int connections = 0;
    // A hello with every suite of the table already got a ServerHello, so
    // this server does not choke on the size of such a hello.
    bool full_hello_answered = false;
};

// Accepted when the server answers a hello that offers only `version` with a
// ServerHello (or HelloRetryRequest) for that very version.
ProtocolSupport probe_version(std::uint16_t version, VersionRun& run, Outcome& outcome) {
    auto spec = hello_for_version(version, run.target);
    spec.cipher_suites = version == wt::kTls13 ? tls13_suite_codes() : legacy_suite_codes();
    ++run.connections;
    auto a = exchange_hello(run.target, run.options, wt::encode_client_hello_records(spec));
    const bool full_answered = a.outcome == Outcome::server_hello && a.server_hello;
    if (full_answered) run.full_hello_answered = true;
    // Some servers drop a hello carrying hundreds of suites or a large
    // extension block: try once more with a short, common list, unless the
    // server already said plainly that it does not speak this version, or
    // refused with an alert after it had answered a hello as large as this
    // one (the short list is a subset of the full one, so a server that
    // parses the full list and refuses it has no suite of the short list
    // either).
    const bool definitive = a.outcome == Outcome::server_hello ||
                            (a.outcome == Outcome::alert && a.alert && a.alert->description == 70) ||
                            (a.outcome == Outcome::alert && run.full_hello_answered) ||
                            a.outcome == Outcome::connect_failed || a.outcome == Outcome::timeout;
    if (!definitive && version != wt::kTls13) {
        spec.cipher_suites.assign(std::begin(kCommonSuites), std::end(kCommonSuites));
        spec.signature_algorithms.resize(std::min<std::size_t>(spec.signature_algorithms.size(), 16));
        ++run.connections;
        auto retry = exchange_hello(run.target, run.options, wt::encode_client_hello_records(spec));
        if (retry.outcome == Outcome::server_hello) a = std::move(retry);
    }
    outcome = a.outcome;
    ProtocolSupport p{wt::version_name(version), false, a.detail, {}, {}};
    if (a.outcome == Outcome::server_hello && a.server_hello) {
        const auto& sh = *a.server_hello;
        p.accepted = sh.selected_version == version;
        if (!p.accepted)
            p.evidence = fmt::format("server answered with {} instead", wt::version_name(sh.selected_version));
        // The choice from the full list is the first step of tls_suites'
        // enumeration, which offers the very same hello.
        if (p.accepted && full_answered) p.first_suite = fmt::format("0x{:04x}", sh.cipher_suite);
    }
    return p;
}

core::ProbeRecord run_versions(const core::Target& target, const core::ProbeOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    TlsVersionsFacts facts;
    VersionRun run{target, options};
    Outcome outcome = Outcome::timeout;
    // TLS 1.2 and 1.3 first: every TLS server answers one of them somehow, so
    // silence to both means a listener that is not speaking TLS, and the older
    // versions need not wait out their timeouts too.
    int silent = 0;
    for (std::uint16_t v : {wt::kTls12, wt::kTls13, wt::kTls11, wt::kTls10, wt::kSsl3}) {
        facts.protocols.push_back(probe_version(v, run, outcome));
        facts.connections = run.connections;
        // A port that refuses connections will not open for the next version.
        if (outcome == Outcome::connect_failed)
            return core::ProbeRecord::failure("tls_versions", facts.protocols.back().evidence);
        silent += outcome == Outcome::timeout ? 1 : 0;
        if (silent == 2 && facts.protocols.size() == 2)
            return core::ProbeRecord::failure("tls_versions", fmt::format("no answer to TLS 1.2 or TLS 1.3 hellos within {} ms",
                                                                          options.timeout.count()));
    }
    facts.protocols.push_back(probe_sslv2(target, options, facts.connections, outcome));
    std::sort(facts.protocols.begin(), facts.protocols.end(), [](const ProtocolSupport& a, const ProtocolSupport& b) {
        return wt::version_from_name(a.version).value_or(0) < wt::version_from_name(b.version).value_or(0);
    });
    for (const auto& p : facts.protocols)
        if (p.accepted) {
            facts.accepted.push_back(p.version);
            facts.highest = p.version;
        }
    core::ProbeRecord record;
    record.probe = "tls_versions";
    record.data = facts;
    record.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return record;
}

}  // namespace

void register_version_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = "tls_versions";
    d.title = "Protocol versions accepted (SSLv2 to TLS 1.3), by raw handshakes";
    d.description =
        "One hello per version offering only that version and every suite known for it; accepted when the "
        "server answers with a ServerHello for that version. Independent of the local OpenSSL build.";
    d.facts = {"tls_versions.accepted", "tls_versions.highest", "tls_versions.protocols[*].evidence",
               "tls_versions.connections"};
    d.run = [](const core::Target& target, const core::ProbeOptions& options, const core::FactSet&) {
        return run_versions(target, options);
    };
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::tls
