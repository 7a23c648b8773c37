// Hand-built facts of the wire-level probes (tls_versions, tls_suites) for
// check-type tests: suites are named by real IANA code points and take their
// names from the IANA table, as the probe records them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "checks/tls/tls_scan_facts.hpp"
#include "checks/tls/wire/iana_tables.hpp"
#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::fixtures {

// Every version probed, oldest first; `accepted` ones answered with a
// ServerHello, the others with a protocol_version alert.
inline checks::tls::TlsVersionsFacts versions_facts(const std::vector<std::string>& accepted) {
    checks::tls::TlsVersionsFacts f;
    for (const char* v : {"SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}) {
        const bool ok = std::find(accepted.begin(), accepted.end(), v) != accepted.end();
        f.protocols.push_back({v, ok,
                               ok ? fmt::format("ServerHello {}, suite 0xc02f", v)
                                  : std::string("alert protocol_version (70)")});
        if (ok) {
            f.accepted.push_back(v);
            f.highest = v;
        }
        ++f.connections;
    }
    return f;
}

// A suite as the probe records it: IANA name (or the code when unknown) and code.
inline checks::tls::SuiteFact suite(std::uint16_t code) {
    const auto* info = wire::tls::find_cipher_suite(code);
    const auto hex = fmt::format("0x{:04x}", code);
    return {info != nullptr ? std::string(info->name) : hex, hex};
}

inline checks::tls::VersionSuites version_suites(std::string version, const std::vector<std::uint16_t>& codes,
                                                 std::string preference = "server") {
    checks::tls::VersionSuites v;
    v.version = std::move(version);
    for (auto c : codes) v.suites.push_back(suite(c));
    v.preference = v.suites.size() < 2 ? std::string("unknown") : std::move(preference);
    return v;
}

inline checks::tls::TlsSuitesFacts suites_facts(std::vector<checks::tls::VersionSuites> per_version) {
    checks::tls::TlsSuitesFacts f;
    for (const auto& v : per_version) {
        for (const auto& s : v.suites)
            if (std::find(f.accepted.begin(), f.accepted.end(), s.name) == f.accepted.end())
                f.accepted.push_back(s.name);
        f.connections += static_cast<int>(v.suites.size()) + 1;
    }
    f.per_version = std::move(per_version);
    return f;
}

inline void set_versions(CheckHarness& h, const checks::tls::TlsVersionsFacts& f) {
    h.set("tls_versions", Json(f));
}

inline void set_suites(CheckHarness& h, const checks::tls::TlsSuitesFacts& f) {
    h.set("tls_suites", Json(f));
}

}  // namespace conformscan::fixtures
