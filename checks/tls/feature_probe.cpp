// The `tls_features` probe. The extensions live in the clear only in a TLS
// 1.2 (or older) ServerHello, so the hellos offer the highest version up to
// TLS 1.2 that `tls_versions` found accepted. Hellos, in order:
//   1. features: every extension at once (renegotiation_info, EMS, ETM,
//      session_ticket, status_request, heartbeat, ALPN [h2, http/1.1]) and
//      compression [DEFLATE, NULL]; against a server that negotiates TLS 1.3
//      its random also shows the downgrade sentinel (RFC 8446 §4.1.3);
//   2. alpn: the protocol not selected in 1, offered alone (when 1 selected one);
//   3. cbc: CBC suites only, for encrypt_then_mac, when 1 picked an AEAD suite;
//   4. fallback: the next lower accepted version with TLS_FALLBACK_SCSV
//      (RFC 7507), when more than one version is accepted.
// Two to four connections, plus a retry of 1 for a server that drops large
// hellos.
#include "checks/tls/feature_probe.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "checks/tls/raw_hello.hpp"
#include "checks/tls/tls_feature_facts.hpp"
#include "checks/tls/tls_scan_facts.hpp"
#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;
using Outcome = HelloAttempt::Outcome;

namespace {

constexpr const char* kProbe = "tls_features";
constexpr std::uint8_t kDeflate = 1;                      // RFC 3749
constexpr std::uint8_t kAlertInappropriateFallback = 86;  // RFC 7507 §2
constexpr std::uint8_t kAlertProtocolVersion = 70;
constexpr std::uint8_t kAlertNoApplicationProtocol = 120;  // RFC 7301 §3.2
const std::vector<std::string> kAlpnOffer{"h2", "http/1.1"};

// For servers that drop a hello with hundreds of suites: the ones deployed
// servers choose, AEAD and CBC.
constexpr std::uint16_t kCommonSuites[] = {0xc02f, 0xc030, 0xc02b, 0xc02c, 0xcca8, 0xcca9, 0x009e, 0x009f,
                                           0x009c, 0x009d, 0xc027, 0xc028, 0xc023, 0xc024, 0xc013, 0xc014,
                                           0xc009, 0xc00a, 0x0067, 0x006b, 0x0033, 0x0039, 0x003c, 0x003d,
                                           0x002f, 0x0035, 0xc012, 0xc008, 0x0016, 0x000a, 0x0005, 0x0004};

bool is_cbc(std::uint16_t suite) {
    const auto* info = wt::find_cipher_suite(suite);
    return info != nullptr && info->mode == "CBC";
}

std::vector<std::uint16_t> cbc_suites() {
    std::vector<std::uint16_t> out;
    for (auto code : legacy_suite_codes())
        if (is_cbc(code)) out.push_back(code);
    return out;
}

// RFC 8422 §5.2: ECPointFormatList, a one-byte length and one byte per
// format. A malformed list is reported as such rather than guessed at.
std::vector<std::string> point_formats(const wt::ServerHello& sh) {
    const auto* e = sh.find(wt::ext::kEcPointFormats);
    if (e == nullptr) return {};
    const auto& d = e->data;
    if (d.empty() || d[0] == 0 || static_cast<std::size_t>(d[0]) + 1 != d.size()) return {"malformed"};
    std::vector<std::string> out;
    for (std::size_t i = 1; i < d.size(); ++i) {
        if (d[i] == 0) out.emplace_back("uncompressed");
        else if (d[i] == 1) out.emplace_back("ansiX962_compressed_prime");
        else if (d[i] == 2) out.emplace_back("ansiX962_compressed_char2");
        else out.push_back(fmt::format("format {}", d[i]));
    }
    return out;
}

struct Context {
    const core::Target& target;
    const core::ProbeOptions& options;
    TlsFeaturesFacts& facts;

    HelloAttempt hello(const wt::ClientHelloSpec& spec, std::string_view purpose) {
        ++facts.connections;
        auto a = exchange_hello(target, options, wt::encode_client_hello_records(spec));
        facts.hellos.push_back(fmt::format("{}: {}", purpose, a.detail));
        if (a.server_hello && facts.ec_point_formats.empty()) facts.ec_point_formats = point_formats(*a.server_hello);
        return a;
    }
    void na(std::string_view feature) {
        if (!facts.is_not_applicable(feature)) facts.not_applicable.emplace_back(feature);
    }
};

bool has_alert(const HelloAttempt& a, std::uint8_t description) {
    return a.outcome == Outcome::alert && a.alert && a.alert->description == description;
}

// The hello that asks for every extension at once.
wt::ClientHelloSpec features_spec(std::uint16_t version, const core::Target& target) {
    auto spec = hello_for_version(version, target);  // renegotiation_info, EMS, ETM, session_ticket
    // ECDHE CBC suites first: a server that follows the client's order then
    // answers encrypt_then_mac (CBC only) and ec_point_formats (ECC only)
    // in this one hello; the rest of the table follows in its order.
    spec.cipher_suites = legacy_suite_codes();
    std::stable_partition(spec.cipher_suites.begin(), spec.cipher_suites.end(), [](std::uint16_t code) {
        const auto* info = wt::find_cipher_suite(code);
        return info != nullptr && info->kex == "ECDHE" && info->mode == "CBC";
    });
    if (version == wt::kSsl3) return spec;  // SSL 3.0 servers may refuse any extension
    spec.status_request = true;
    spec.heartbeat = true;
    spec.alpn = kAlpnOffer;
    spec.compression_methods = {kDeflate, 0};
    return spec;
}

std::string compression_name(std::uint8_t method) {
    return method == kDeflate ? std::string("deflate") : fmt::format("method {}", method);
}

std::string heartbeat_mode_name(std::uint8_t mode) {
    // RFC 6520 §2: HeartbeatMode.
    if (mode == 1) return "peer_allowed_to_send";
    if (mode == 2) return "peer_not_allowed_to_send";
    return fmt::format("mode {}", mode);
}

// Hello 1, with a retry for servers that refuse it for its size or for ALPN.
// Returns the answer and leaves in `spec` the hello that was answered.
HelloAttempt first_hello(Context& ctx, wt::ClientHelloSpec& spec, bool& compression_offered) {
    auto a = ctx.hello(spec, "features");
    compression_offered = true;
    if (a.outcome == Outcome::server_hello || has_alert(a, kAlertProtocolVersion) ||
        a.outcome == Outcome::connect_failed || a.outcome == Outcome::timeout)
        return a;
    if (has_alert(a, kAlertNoApplicationProtocol)) {
        // RFC 7301 §3.2: the server supports neither protocol and says so.
        spec.alpn.clear();
        ctx.facts.notes.push_back(
            "the server refused ALPN [h2, http/1.1] with no_application_protocol (120)");
        return ctx.hello(spec, "features without ALPN");
    }
    // A server choking on hundreds of suites or an unknown compression method.
    spec.cipher_suites.assign(std::begin(kCommonSuites), std::end(kCommonSuites));
    spec.signature_algorithms.resize(std::min<std::size_t>(spec.signature_algorithms.size(), 16));
    spec.compression_methods = {0};
    compression_offered = false;
    return ctx.hello(spec, "features (short suite list, no DEFLATE)");
}

void read_extensions(TlsFeaturesFacts& f, const wt::ServerHello& sh) {
    f.secure_renegotiation = sh.secure_renegotiation;
    f.extended_master_secret = sh.extended_master_secret;
    f.session_ticket = sh.session_ticket;
    f.ocsp_stapling = sh.status_request;
    f.heartbeat = sh.heartbeat;
    if (sh.heartbeat_mode) f.heartbeat_mode = heartbeat_mode_name(*sh.heartbeat_mode);
}

// ALPN: which of h2 and http/1.1 the server selects when each is offered alone.
void probe_alpn(Context& ctx, const wt::ClientHelloSpec& answered, const wt::ServerHello& sh) {
    if (answered.alpn.empty() || !sh.alpn) return;  // neither selected (or refused)
    const auto& picked = *sh.alpn;
    if (std::find(kAlpnOffer.begin(), kAlpnOffer.end(), picked) == kAlpnOffer.end()) {
        // RFC 7301 §3.2: the server must select one of the client's protocols.
        ctx.facts.notes.push_back(
            fmt::format("the server selected ALPN \"{}\", which was not offered", picked));
        return;
    }
    ctx.facts.alpn.push_back(picked);
    auto spec = answered;
    spec.alpn = {picked == kAlpnOffer[0] ? kAlpnOffer[1] : kAlpnOffer[0]};
    spec.compression_methods = {0};
    auto a = ctx.hello(spec, fmt::format("alpn {} alone", spec.alpn[0]));
    if (a.outcome == Outcome::server_hello && a.server_hello) {
        if (a.server_hello->alpn == spec.alpn[0]) ctx.facts.alpn.push_back(spec.alpn[0]);
    } else if (!has_alert(a, kAlertNoApplicationProtocol) && a.outcome != Outcome::alert) {
        ctx.facts.notes.push_back(
            fmt::format("ALPN {} alone: no conclusive answer ({})", spec.alpn[0], a.detail));
    }
    std::sort(ctx.facts.alpn.begin(), ctx.facts.alpn.end(), [](const std::string& x, const std::string& y) {
        return std::find(kAlpnOffer.begin(), kAlpnOffer.end(), x) <
               std::find(kAlpnOffer.begin(), kAlpnOffer.end(), y);
    });
}

// RFC 7366 §2: encrypt_then_mac applies to CBC suites only; an AEAD pick says
// nothing, so ask again with CBC suites alone.
void probe_etm(Context& ctx, const wt::ClientHelloSpec& answered, const wt::ServerHello& sh) {
    auto& f = ctx.facts;
    if (is_cbc(sh.cipher_suite)) {
        f.encrypt_then_mac = std::string(sh.encrypt_then_mac ? kYes : kNo);
        return;
    }
    auto spec = answered;
    spec.cipher_suites = cbc_suites();
    spec.compression_methods = {0};
    auto a = ctx.hello(spec, "cbc suites only");
    if (a.outcome == Outcome::server_hello && a.server_hello && is_cbc(a.server_hello->cipher_suite)) {
        f.encrypt_then_mac = std::string(a.server_hello->encrypt_then_mac ? kYes : kNo);
    } else if (a.outcome == Outcome::alert || a.outcome == Outcome::closed) {
        f.encrypt_then_mac = std::string(kNotApplicable);
        f.notes.push_back("encrypt_then_mac: the server accepts no CBC suite (RFC 7366 concerns CBC only)");
        ctx.na(kFeatEncryptThenMac);
    } else {
        f.encrypt_then_mac = std::string(kUnknown);
        f.notes.push_back("encrypt_then_mac: the CBC-only hello got no conclusive answer: " + a.detail);
    }
}

// RFC 7507 §3: a server that supports a higher version than the one a hello
// carrying TLS_FALLBACK_SCSV offers MUST answer inappropriate_fallback.
void probe_fallback(Context& ctx, const std::vector<std::uint16_t>& accepted, bool short_list) {
    auto& f = ctx.facts;
    if (accepted.size() < 2) {
        f.fallback_scsv = std::string(kNotApplicable);
        f.notes.push_back("fallback_scsv: only one protocol version is accepted, nothing to fall back to");
        return;
    }
    const auto lower = accepted[accepted.size() - 2];
    auto spec = hello_for_version(lower, ctx.target);
    if (short_list)
        spec.cipher_suites.assign(std::begin(kCommonSuites), std::end(kCommonSuites));
    else
        spec.cipher_suites = legacy_suite_codes();
    spec.fallback_scsv = true;
    auto a = ctx.hello(spec, fmt::format("fallback {} with TLS_FALLBACK_SCSV", wt::version_name(lower)));
    if (has_alert(a, kAlertInappropriateFallback))
        f.fallback_scsv = "honoured";
    else if (a.outcome == Outcome::server_hello)
        f.fallback_scsv = "not_honoured";
    else {
        f.fallback_scsv = std::string(kUnknown);
        f.notes.push_back("fallback_scsv: neither inappropriate_fallback nor a ServerHello: " + a.detail);
    }
}

void mark_tls13_only(Context& ctx) {
    for (const auto& name : extension_feature_names()) ctx.na(name);
    ctx.na(kFeatCompression);
    ctx.facts.notes.push_back(
        "TLS 1.3 only: its extensions travel in the encrypted EncryptedExtensions and it has no compression, "
        "renegotiation or heartbeat in the clear; the TLS 1.2 features are not applicable");
}

core::ProbeRecord run_features(const core::Target& target, const core::ProbeOptions& options,
                               const core::FactSet& earlier) {
    const auto started = std::chrono::steady_clock::now();
    const auto* versions_record = earlier.get("tls_versions");
    if (versions_record == nullptr || versions_record->status != core::ProbeStatus::ok)
        return core::ProbeRecord::failure(
            kProbe, versions_record ? "tls_versions could not observe: " + versions_record->error
                                    : "tls_versions facts are missing");
    auto versions = parse_tls_versions_facts(versions_record->data);
    if (!versions) return core::ProbeRecord::failure(kProbe, versions.error().describe());

    std::vector<std::uint16_t> accepted;  // SSLv3 .. TLS 1.3, oldest first (SSLv2 has no SCSV or extensions)
    for (const auto& name : versions->accepted)
        if (auto v = wt::version_from_name(name); v && *v != wt::kSsl2) accepted.push_back(*v);
    std::sort(accepted.begin(), accepted.end());
    if (accepted.empty()) return core::ProbeRecord::failure(kProbe, "tls_versions found no accepted version");
    const bool tls13 = accepted.back() == wt::kTls13;
    std::optional<std::uint16_t> legacy;
    for (auto v : accepted)
        if (v <= wt::kTls12) legacy = v;

    TlsFeaturesFacts facts;
    Context ctx{target, options, facts};
    bool short_list = false;
    if (!legacy) {
        mark_tls13_only(ctx);
        facts.downgrade_sentinel = std::string(kNotApplicable);
    } else {
        facts.probed_version = wt::version_name(*legacy);
        auto spec = features_spec(*legacy, target);
        bool compression_offered = true;
        auto a = first_hello(ctx, spec, compression_offered);
        short_list = spec.cipher_suites.size() < legacy_suite_codes().size();
        if (a.outcome != Outcome::server_hello || !a.server_hello)
            return core::ProbeRecord::failure(
                kProbe, fmt::format("{} is accepted but the feature hello got no ServerHello: {}",
                                    facts.probed_version, a.detail));
        const auto& sh = *a.server_hello;
        if (*legacy == wt::kSsl3) {
            for (const auto& name : extension_feature_names()) ctx.na(name);
            facts.notes.push_back("SSL 3.0 is the highest legacy version: hellos carry no extensions");
        } else {
            read_extensions(facts, sh);
            probe_alpn(ctx, spec, sh);
            probe_etm(ctx, spec, sh);
        }
        if (sh.compression_method != 0) facts.compression.push_back(compression_name(sh.compression_method));
        if (!compression_offered) {
            // The retry could not offer DEFLATE: ask once more with it.
            auto with_deflate = spec;
            with_deflate.compression_methods = {kDeflate, 0};
            auto c = ctx.hello(with_deflate, "compression");
            if (c.outcome == Outcome::server_hello && c.server_hello) {
                if (c.server_hello->compression_method != 0)
                    facts.compression.push_back(compression_name(c.server_hello->compression_method));
            } else {
                facts.compression_observed = false;
                facts.notes.push_back("compression: a hello offering DEFLATE got no ServerHello: " +
                                      c.detail);
            }
        }
        // RFC 8446 §4.1.3: a TLS 1.3 server negotiating TLS 1.2 MUST (1.1 or
        // below: SHOULD) end its random with DOWNGRD01 (00).
        if (tls13) facts.downgrade_sentinel = sh.downgrade_sentinel.empty() ? "absent" : "present";
        if (tls13)
            facts.notes.push_back(
                "ocsp_stapling is read from the " + facts.probed_version +
                " ServerHello; a TLS 1.3 staple travels encrypted: see the tls probe's ocsp_stapled fact");
    }
    probe_fallback(ctx, accepted, short_list);

    core::ProbeRecord record;
    record.probe = kProbe;
    record.connections = static_cast<std::size_t>(facts.connections);
    record.data = facts;
    record.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return record;
}

}  // namespace

void register_feature_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = kProbe;
    d.title =
        "TLS extensions and behaviours (renegotiation, EMS, ETM, tickets, stapling, ALPN, heartbeat, "
        "compression, fallback SCSV, downgrade sentinel), by raw hellos";
    d.description =
        "One hello at the highest accepted version up to TLS 1.2 offering every extension and DEFLATE "
        "compression; then ALPN protocols alone, a CBC-only hello for encrypt_then_mac when the first pick "
        "was AEAD, and a hello at the next lower version with TLS_FALLBACK_SCSV. A TLS 1.3 server's answer "
        "to "
        "the TLS 1.2 hello shows its downgrade sentinel. TLS 1.3-only servers: the TLS 1.2 features are "
        "listed as not_applicable. Two to five connections.";
    d.facts = {"tls_features.probed_version",
               "tls_features.secure_renegotiation",
               "tls_features.extended_master_secret",
               "tls_features.encrypt_then_mac",
               "tls_features.session_ticket",
               "tls_features.ocsp_stapling",
               "tls_features.alpn",
               "tls_features.compression",
               "tls_features.heartbeat",
               "tls_features.ec_point_formats",
               "tls_features.fallback_scsv",
               "tls_features.downgrade_sentinel",
               "tls_features.not_applicable",
               "tls_features.connections"};
    d.depends_on = {"tls_versions"};
    d.run = run_features;
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::tls
