// Verdicts derived from the earlier probes' facts. Each names, in one line,
// the observation that decided it. A suite enumeration that stopped early
// cannot prove an absence, so "none found" in an incomplete list is
// inconclusive, never not_vulnerable.
#include "checks/tls/vuln_derived.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;

namespace {

template <typename Facts, typename Parse>
void load_one(const core::FactSet& earlier, const char* probe, Parse parse, std::optional<Facts>& out,
              std::string& error) {
    const auto* record = earlier.get(probe);
    if (record == nullptr) {
        error = fmt::format("{} facts are missing", probe);
        return;
    }
    if (record->status != core::ProbeStatus::ok) {
        error = fmt::format("{} could not observe: {}", probe, record->error);
        return;
    }
    auto parsed = parse(record->data);
    if (!parsed) {
        error = parsed.error().describe();
        return;
    }
    out = std::move(parsed).value();
}

bool sslv2_kind_has(const std::string& name, std::initializer_list<std::string_view> parts) {
    if (name.rfind("SSL_CK_", 0) != 0) return false;
    return std::any_of(parts.begin(), parts.end(),
                       [&](std::string_view p) { return name.find(p) != std::string::npos; });
}

bool accepted(const TlsVersionsFacts& v, std::string_view version) {
    return std::find(v.accepted.begin(), v.accepted.end(), version) != v.accepted.end();
}

std::string version_evidence(const TlsVersionsFacts& v, std::string_view version) {
    for (const auto& p : v.protocols)
        if (p.version == version && !p.evidence.empty()) return p.evidence;
    return {};
}

const VersionSuites* suites_of(const TlsSuitesFacts& s, std::string_view version) {
    for (const auto& v : s.per_version)
        if (v.version == version) return &v;
    return nullptr;
}

std::string short_list(const std::vector<std::string>& names, std::size_t max = 4) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < max; ++i) out += (i ? ", " : "") + names[i];
    if (names.size() > max) out += fmt::format(" (+{} more)", names.size() - max);
    return out;
}

// Accepted suites matching `pred`, per version ("TLSv1: TLS_RSA_WITH_...").
struct SuiteScan {
    std::vector<std::string> found;  // "VERSION SUITE"
    std::vector<std::string> incomplete_versions;
};

template <typename Pred>
SuiteScan scan(const TlsSuitesFacts& s, Pred pred, std::initializer_list<std::string_view> only = {}) {
    SuiteScan out;
    for (const auto& v : s.per_version) {
        if (only.size() != 0 && std::find(only.begin(), only.end(), v.version) == only.end()) continue;
        for (const auto& suite : v.suites)
            if (pred(suite.name)) out.found.push_back(fmt::format("{} {}", v.version, suite.name));
        if (!v.complete) out.incomplete_versions.push_back(v.version);
    }
    return out;
}

VulnerabilityFact missing(std::string_view name, const std::string& why) {
    return make_vuln(name, kInconclusive, why);
}

// The shape most suite-based verdicts share: vulnerable when any accepted
// suite matches, not_vulnerable when the complete lists hold none.
VulnerabilityFact by_suites(std::string_view name, const EarlierFacts& f, bool (*pred)(const std::string&),
                            std::string_view what) {
    if (!f.suites) return missing(name, f.suites_error);
    auto s = scan(*f.suites, pred);
    if (!s.found.empty())
        return make_vuln(name, kVulnerable, fmt::format("{} accepted: {}", what, short_list(s.found)));
    if (!s.incomplete_versions.empty())
        return make_vuln(name, kInconclusive,
                         fmt::format("no {} among the suites found, but the enumeration for {} stopped early",
                                     what, short_list(s.incomplete_versions)));
    return make_vuln(name, kNotVulnerable, fmt::format("no {} is accepted in any version", what));
}

VulnerabilityFact poodle(const EarlierFacts& f) {
    constexpr std::string_view n = "poodle";
    if (!f.versions) return missing(n, f.versions_error);
    if (!accepted(*f.versions, "SSLv3")) return make_vuln(n, kNotVulnerable, "SSLv3 is not accepted");
    if (!f.suites) return missing(n, "SSLv3 is accepted but its suites are unknown: " + f.suites_error);
    const auto* v = suites_of(*f.suites, "SSLv3");
    if (v == nullptr)
        return make_vuln(n, kInconclusive, "SSLv3 is accepted but tls_suites lists no SSLv3 suites");
    auto s = scan(*f.suites, is_cbc_suite, {"SSLv3"});
    if (!s.found.empty())
        return make_vuln(n, kVulnerable, "SSLv3 is accepted with CBC suites: " + short_list(s.found));
    if (!v->complete)
        return make_vuln(n, kInconclusive,
                         "SSLv3 is accepted; no CBC suite found, but its enumeration stopped early");
    return make_vuln(
        n, kNotVulnerable,
        "SSLv3 is accepted, but with no CBC suite (the POODLE padding oracle needs CBC; see rc4)");
}

VulnerabilityFact beast(const EarlierFacts& f) {
    constexpr std::string_view n = "beast";
    if (!f.versions) return missing(n, f.versions_error);
    const bool ssl3 = accepted(*f.versions, "SSLv3"), tls1 = accepted(*f.versions, "TLSv1");
    if (!ssl3 && !tls1) return make_vuln(n, kNotVulnerable, "neither SSLv3 nor TLSv1 is accepted");
    if (!f.suites) return missing(n, "SSLv3/TLSv1 is accepted but its suites are unknown: " + f.suites_error);
    auto s = scan(*f.suites, is_cbc_suite, {"SSLv3", "TLSv1"});
    if (!s.found.empty())
        return make_vuln(
            n, kVulnerable,
            "CBC suites accepted with SSLv3/TLSv1 (implicit IVs; clients mitigate by 1/n-1 record "
            "splitting): " +
                short_list(s.found));
    if (!s.incomplete_versions.empty() || (ssl3 && !suites_of(*f.suites, "SSLv3")) ||
        (tls1 && !suites_of(*f.suites, "TLSv1")))
        return make_vuln(n, kInconclusive,
                         "SSLv3/TLSv1 is accepted; no CBC suite found, but the suite lists are incomplete");
    return make_vuln(n, kNotVulnerable, "SSLv3/TLSv1 is accepted, but with no CBC suite");
}

VulnerabilityFact logjam(const EarlierFacts& f) {
    constexpr std::string_view n = "logjam";
    auto v = by_suites(n, f, is_dhe_export_suite, "DHE_EXPORT suite");
    if (v.status != kNotVulnerable) return v;
    // No export suite: the export downgrade of the Logjam paper is not possible.
    // A DHE prime of 1024 bits or less is the paper's other finding (within
    // reach of precomputation, §3.5) but not this attack: it is stated here
    // and judged by tls.key_exchange (min_dh_bits).
    const auto dhe = scan(*f.suites, is_dhe_suite);
    if (!dhe.found.empty() && f.groups && f.groups->dh_bits > 0 && f.groups->dh_bits <= 1024)
        v.evidence = fmt::format(
            "no DHE_EXPORT suite is accepted; but DHE uses a {}-bit prime, within reach of precomputation "
            "(see tls.key_exchange min_dh_bits)",
            f.groups->dh_bits);
    else if (!dhe.found.empty() && f.groups && f.groups->dh_bits > 0)
        v.evidence =
            fmt::format("no DHE_EXPORT suite is accepted; DHE uses a {}-bit prime", f.groups->dh_bits);
    return v;
}

VulnerabilityFact drown(const EarlierFacts& f) {
    constexpr std::string_view n = "drown";
    if (!f.versions) return missing(n, f.versions_error);
    if (accepted(*f.versions, "SSLv2")) {
        const auto ev = version_evidence(*f.versions, "SSLv2");
        return make_vuln(
            n, kVulnerable,
            "SSLv2 is accepted on this endpoint" + (ev.empty() ? std::string() : " (" + ev + ")"));
    }
    return make_vuln(n, kNotVulnerable,
                     "SSLv2 is not accepted on this endpoint (another server sharing its RSA key is not "
                     "visible from here)");
}

VulnerabilityFact crime(const EarlierFacts& f) {
    constexpr std::string_view n = "crime";
    if (!f.features) return missing(n, f.features_error);
    const auto& ft = *f.features;
    if (ft.is_not_applicable(kFeatCompression))
        return make_vuln(n, kVulnNotApplicable, "TLS 1.3 only: TLS 1.3 has no compression");
    if (!ft.compression.empty())
        return make_vuln(n, kVulnerable,
                         fmt::format("the {} ServerHello picked {} compression", ft.probed_version,
                                     short_list(ft.compression)));
    if (!ft.compression_observed)
        return make_vuln(n, kInconclusive, "no hello offering DEFLATE got a ServerHello");
    if (ft.probed_version == "SSLv3")
        return make_vuln(
            n, kInconclusive,
            "the feature hello was SSLv3, which did not offer DEFLATE (the probe asks once more)");
    return make_vuln(
        n, kNotVulnerable,
        fmt::format("offered DEFLATE and NULL, the {} ServerHello picked NULL", ft.probed_version));
}

VulnerabilityFact renegotiation(const EarlierFacts& f) {
    constexpr std::string_view n = "insecure_renegotiation";
    if (!f.features) return missing(n, f.features_error);
    const auto& ft = *f.features;
    if (ft.is_not_applicable(kFeatSecureRenegotiation)) {
        if (ft.probed_version.empty())
            return make_vuln(n, kVulnNotApplicable, "TLS 1.3 only: TLS 1.3 has no renegotiation");
        return make_vuln(n, kInconclusive,
                         fmt::format("the {} hello carried no extensions: RFC 5746 support was not observed",
                                     ft.probed_version));
    }
    if (ft.secure_renegotiation)
        return make_vuln(
            n, kNotVulnerable,
            fmt::format("the {} ServerHello carries renegotiation_info (RFC 5746)", ft.probed_version));
    return make_vuln(n, kVulnerable,
                     fmt::format("the {} ServerHello carries no renegotiation_info: no RFC 5746 secure "
                                 "renegotiation (RFC 5746 §4.3)",
                                 ft.probed_version));
}

const wt::CipherSuiteInfo* info(const std::string& name) {
    return wt::find_cipher_suite(std::string_view(name));
}

}  // namespace

bool is_cbc_suite(const std::string& name) {
    if (const auto* i = info(name)) return i->mode == "CBC";
    return sslv2_kind_has(name, {"_CBC_"});
}

bool is_64bit_block_suite(const std::string& name) {
    if (const auto* i = info(name))
        return i->cipher == "3DES_EDE_CBC" || i->cipher == "DES_CBC" || i->cipher == "DES40_CBC" ||
               i->cipher == "DES_CBC_40" || i->cipher == "IDEA_CBC" || i->cipher == "RC2_CBC_40";
    return sslv2_kind_has(name, {"DES_", "IDEA_", "RC2_"});
}

bool is_rc4_suite(const std::string& name) {
    if (const auto* i = info(name)) return i->cipher.rfind("RC4", 0) == 0;
    return sslv2_kind_has(name, {"RC4_"});
}

bool is_rsa_export_suite(const std::string& name) {
    const auto* i = info(name);
    return i != nullptr && i->export_grade && i->kex == "RSA";
}

bool is_dhe_export_suite(const std::string& name) {
    const auto* i = info(name);
    return i != nullptr && i->export_grade && i->kex == "DHE";
}

bool is_dhe_suite(const std::string& name) {
    const auto* i = info(name);
    return i != nullptr && i->kex == "DHE";
}

bool is_rsa_key_transport_suite(const std::string& name) {
    const auto* i = info(name);
    return i != nullptr && i->kex == "RSA" && i->auth == "RSA" && !i->export_grade && !i->tls13;
}

EarlierFacts load_earlier_facts(const core::FactSet& earlier) {
    EarlierFacts f;
    load_one(earlier, "tls_versions", parse_tls_versions_facts, f.versions, f.versions_error);
    load_one(earlier, "tls_suites", parse_tls_suites_facts, f.suites, f.suites_error);
    load_one(earlier, "tls_features", parse_tls_features_facts, f.features, f.features_error);
    load_one(earlier, "tls_groups", parse_tls_groups_facts, f.groups, f.groups_error);
    return f;
}

std::map<std::string, VulnerabilityFact> derive_vulnerabilities(const EarlierFacts& f) {
    std::map<std::string, VulnerabilityFact> out;
    out["poodle"] = poodle(f);
    out["sweet32"] =
        by_suites("sweet32", f, is_64bit_block_suite, "64-bit block cipher suite (3DES, DES, IDEA, RC2)");
    out["freak"] = by_suites("freak", f, is_rsa_export_suite, "RSA_EXPORT suite");
    out["logjam"] = logjam(f);
    out["drown"] = drown(f);
    out["crime"] = crime(f);
    out["beast"] = beast(f);
    out["rc4"] = by_suites("rc4", f, is_rc4_suite, "RC4 suite");
    out["insecure_renegotiation"] = renegotiation(f);
    return out;
}

}  // namespace conformscan::checks::tls
