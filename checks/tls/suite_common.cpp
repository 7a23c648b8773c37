#include "checks/tls/suite_common.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/scan_common.hpp"
#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;
namespace wire = conformscan::wire::tls;

constexpr std::uint32_t kMaxTlsCode = 0xFFFF;

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

// Properties of a TLS suite, read off the IANA table's columns.
std::vector<std::string> tls_properties(const wire::CipherSuiteInfo& s) {
    const std::string_view c = s.cipher;
    const bool single_des = contains(c, "DES") && !c.starts_with("3DES");
    const std::pair<const char*, bool> facts[] = {
        {"null", s.null_cipher},
        {"anonymous", s.anonymous},
        {"export", s.export_grade},
        {"rc4", c.starts_with("RC4")},  // RFC 7465: prohibited
        {"des", single_des},
        {"3des", c.starts_with("3DES")},
        {"idea", c.starts_with("IDEA")},
        {"seed", c.starts_with("SEED")},
        {"cbc", s.mode == "CBC"},
        {"no_forward_secrecy", !s.forward_secrecy},
        // RFC 9325 §4.1: "static RSA" is RSA key transport, which RSA_PSK
        // (RFC 4279 §4) also uses for its premaster secret.
        {"static_rsa", s.kex == "RSA" || s.kex == "RSA_PSK"},
        {"not_recommended", s.recommended != 'Y'},
        {"discouraged", s.recommended == 'D'},
        {"sha1_mac", s.mac == "SHA"},
        {"md5_mac", s.mac == "MD5"},
        {"no_aead", !s.aead},
        {"ccm_8", s.mode == "CCM_8"},
        {"chacha20", c.starts_with("CHACHA20")},
        {"camellia", c.starts_with("CAMELLIA")},
        {"aria", c.starts_with("ARIA")},
        {"psk", contains(s.kex, "PSK")},
        {"srp", s.kex.starts_with("SRP")},
    };
    std::vector<std::string> out;
    for (const auto& [name, holds] : facts)
        if (holds) out.emplace_back(name);
    return out;
}

// SSL 2.0 cipher kinds (draft-hickman-netscape-ssl-00): RSA key transport
// only, MD5 MACs, no AEAD; none is in the IANA TLS registry, let alone
// recommended (RFC 6176 prohibits SSL 2.0).
std::vector<std::string> sslv2_properties(const wire::Sslv2CipherInfo& k) {
    const std::string_view n = k.name;
    const std::pair<const char*, bool> facts[] = {
        {"export", k.export_grade},
        {"rc4", contains(n, "_RC4_")},
        {"des", contains(n, "_DES_64_")},
        {"3des", contains(n, "_DES_192_EDE3_")},
        {"idea", contains(n, "_IDEA_")},
        {"cbc", contains(n, "_CBC_")},
        {"no_forward_secrecy", true},
        {"static_rsa", true},
        {"not_recommended", true},
        {"md5_mac", true},
        {"no_aead", true},
    };
    std::vector<std::string> out;
    for (const auto& [name, holds] : facts)
        if (holds) out.emplace_back(name);
    return out;
}

const wire::CipherSuiteInfo* find_tls_suite_ci(std::string_view name) {
    if (const auto* s = wire::find_cipher_suite(name)) return s;
    const auto wanted = ascii_lower(name);
    for (const auto& s : wire::all_cipher_suites())
        if (ascii_lower(s.name) == wanted ||
            (!s.openssl_name.empty() && ascii_lower(s.openssl_name) == wanted))
            return &s;
    return nullptr;
}

const wire::Sslv2CipherInfo* find_sslv2_ci(std::string_view name) {
    const auto wanted = ascii_lower(name);
    for (const auto& k : wire::all_sslv2_ciphers())
        if (ascii_lower(k.name) == wanted) return &k;
    return nullptr;
}

void fill(JudgedSuite& j, const wire::CipherSuiteInfo& s) {
    j.value = s.code;
    j.known = true;
    j.iana_name = std::string(s.name);
    j.openssl_name = std::string(s.openssl_name);
    j.bits = s.bits;
    j.forward_secrecy = s.forward_secrecy;
    j.properties = tls_properties(s);
}

void fill(JudgedSuite& j, const wire::Sslv2CipherInfo& k) {
    j.value = k.code;
    j.sslv2 = true;
    j.known = true;
    j.iana_name = std::string(k.name);
    j.bits = k.bits;
    j.forward_secrecy = false;
    j.properties = sslv2_properties(k);
}

Json suite_ref(const JudgedSuite& s) {
    return {{"version", s.version}, {"name", s.name}, {"code", s.code}};
}

}  // namespace

const std::vector<std::string>& suite_property_names() {
    static const std::vector<std::string> names{"null",        "anonymous",
                                                "export",      "rc4",
                                                "des",         "3des",
                                                "idea",        "seed",
                                                "cbc",         "no_forward_secrecy",
                                                "static_rsa",  "not_recommended",
                                                "discouraged", "sha1_mac",
                                                "md5_mac",     "no_aead",
                                                "ccm_8",       "chacha20",
                                                "camellia",    "aria",
                                                "psk",         "srp"};
    return names;
}

std::optional<std::uint32_t> parse_suite_code(std::string_view text) {
    if (text.size() < 3 || text.size() > 8 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X'))
        return std::nullopt;
    std::uint32_t value = 0;
    for (char c : text.substr(2)) {
        const int d = hex_digit(c);
        if (d < 0) return std::nullopt;
        value = value * 16 + static_cast<std::uint32_t>(d);
    }
    return value;
}

JudgedSuite judge_suite(std::string_view version, const SuiteFact& suite) {
    JudgedSuite j;
    j.version = std::string(version);
    j.name = suite.name;
    j.code = suite.code;
    j.value = parse_suite_code(suite.code);
    if (j.value) {
        if (*j.value > kMaxTlsCode) {
            j.sslv2 = true;
            if (const auto* k = wire::find_sslv2_cipher(*j.value)) fill(j, *k);
        } else if (const auto* s = wire::find_cipher_suite(static_cast<std::uint16_t>(*j.value))) {
            fill(j, *s);
        }
        return j;
    }
    // No usable code point (hand-edited or old facts): fall back to the name.
    if (const auto* s = find_tls_suite_ci(suite.name)) {
        fill(j, *s);
    } else if (const auto* k = find_sslv2_ci(suite.name)) {
        fill(j, *k);
    }
    return j;
}

bool has_property(const JudgedSuite& s, std::string_view property) {
    return std::find(s.properties.begin(), s.properties.end(), property) != s.properties.end();
}

core::Result<std::vector<SuiteSelector>> resolve_selectors(const std::vector<std::string>& names,
                                                           std::string_view param) {
    std::vector<SuiteSelector> out;
    for (const auto& name : names) {
        if (auto code = parse_suite_code(name)) {
            out.push_back({name, code});
        } else if (const auto* s = find_tls_suite_ci(name)) {
            out.push_back({name, s->code});
        } else if (const auto* k = find_sslv2_ci(name)) {
            out.push_back({name, k->code});
        } else {
            return core::make_error(
                "param_choice",
                fmt::format("'{}': unknown cipher suite '{}'; expected an IANA or OpenSSL name, or a code "
                            "point such as \"0xc02f\"",
                            param, name));
        }
    }
    return out;
}

bool matches_any(const JudgedSuite& s, const std::vector<SuiteSelector>& selectors) {
    const auto eq = [](std::string_view a, std::string_view b) {
        return !a.empty() && !b.empty() && ascii_lower(a) == ascii_lower(b);
    };
    return std::any_of(selectors.begin(), selectors.end(), [&](const SuiteSelector& sel) {
        if (sel.value && s.value) return *sel.value == *s.value;
        return eq(sel.text, s.name) || eq(sel.text, s.iana_name) || eq(sel.text, s.openssl_name);
    });
}

Outcome judge_accepted_suites(const TlsSuitesFacts& facts, const std::vector<std::string>& versions,
                              const SuiteRule& rule, Json expected, std::string_view requirement) {
    const auto judged = select_versions(facts, versions);
    if (judged.empty()) {
        if (versions.empty())
            return Outcome::error("the tls_suites facts record no accepted protocol version",
                                  Json{{"per_version", Json::array()}});
        return Outcome::not_applicable(
            fmt::format("the server accepts none of the judged versions ({})", fmt::join(versions, ", ")));
    }

    Json per_version = Json::array();
    Json offending = Json::array();
    Json unknown = Json::array();
    Json incomplete = Json::array();
    std::vector<std::string> judged_names;
    std::string first;
    std::size_t total = 0;
    for (const auto* v : judged) {
        judged_names.push_back(v->version);
        Json names = Json::array();
        for (const auto& suite : v->suites) {
            ++total;
            names.push_back(suite.name);
            const auto s = judge_suite(v->version, suite);
            if (!s.known) unknown.push_back(suite_ref(s));
            const auto reasons = rule(s);
            if (reasons.empty()) continue;
            if (first.empty())
                first = fmt::format("{} accepts {} ({})", s.version, s.name, fmt::join(reasons, ", "));
            Json e = suite_ref(s);
            if (s.known) e["bits"] = s.bits;
            e["properties"] = reasons;
            offending.push_back(std::move(e));
        }
        per_version.push_back(
            {{"version", v->version}, {"suites", std::move(names)}, {"complete", v->complete}});
        if (!v->complete) incomplete.push_back({{"version", v->version}, {"note", v->note}});
    }
    const Json observed{{"per_version", per_version},
                        {"offending", offending},
                        {"unknown", unknown},
                        {"incomplete", incomplete}};
    const auto version_list = fmt::format("{}", fmt::join(judged_names, ", "));

    if (!offending.empty()) {
        if (offending.size() > 1)
            first += fmt::format(" (and {} more offending suites)", offending.size() - 1);
        return Outcome::fail(std::move(first), observed, std::move(expected));
    }
    if (total == 0)
        return Outcome::error(
            fmt::format("the tls_suites facts record no accepted suite for {}", version_list), observed);
    if (!incomplete.empty()) {
        std::vector<std::string> why;
        for (const auto& e : incomplete) {
            const auto note = e["note"].get<std::string>();
            why.push_back(note.empty() ? e["version"].get<std::string>()
                                       : fmt::format("{}: {}", e["version"].get<std::string>(), note));
        }
        return Outcome::error(
            fmt::format("the suite enumeration stopped early ({}); none of the {} suites seen "
                        "offends, but the rest were not observed",
                        fmt::join(why, "; "), total),
            observed);
    }
    std::string message = fmt::format("all {} accepted suites ({}) {}", total, version_list, requirement);
    if (!unknown.empty()) {
        std::vector<std::string> names;
        for (const auto& e : unknown) names.push_back(e["name"].get<std::string>());
        message +=
            fmt::format("; {} suite{} unknown to the IANA table could not be judged by properties ({})",
                        names.size(), names.size() == 1 ? "" : "s", fmt::join(names, ", "));
    }
    return Outcome::pass(std::move(message), observed, std::move(expected));
}

// SSL 2.0 has no suite negotiation to enumerate: the SERVER-HELLO lists the
// cipher kinds the server shares with the client, and tls_versions offered
// every kind of the table.
VersionSuites sslv2_version_suites(const ProtocolSupport& p) {
    VersionSuites out;
    out.version = p.version;
    for (const auto& code : p.sslv2_cipher_kinds) {
        const auto value = parse_suite_code(code);
        const auto* info = value ? wire::find_sslv2_cipher(*value) : nullptr;
        out.suites.push_back({info ? std::string(info->name) : code, code});
    }
    // The client picks the kind in CLIENT-MASTER-KEY (draft-hickman §2.6).
    out.preference = "client";
    out.note = "SSLv2: the cipher kinds listed in the server's SERVER-HELLO; the client chooses among them";
    return out;
}

}  // namespace conformscan::checks::tls
