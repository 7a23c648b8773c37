// How rules over tls_suites facts see a suite: its code point parsed, its
// properties looked up in the IANA table (checks/tls/wire/iana_tables.hpp) at
// judging time, and the loop that judges every accepted suite of the chosen
// versions (tls.cipher_suites, tls.forward_secrecy).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/tls/tls_scan_facts.hpp"
#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

// The property names profiles may forbid (tls.cipher_suites' forbid_properties).
const std::vector<std::string>& suite_property_names();

// "0xc02f" -> 0xc02f; "0x0700c0" (an SSLv2 cipher kind, 3 bytes) -> 0x0700c0.
// Accepts 1 to 6 hex digits after "0x"/"0X"; nothing else.
std::optional<std::uint32_t> parse_suite_code(std::string_view text);

// An accepted suite as the rules judge it.
struct JudgedSuite {
    std::string version;
    std::string name;                    // as recorded by the probe
    std::string code;                    // as recorded by the probe
    std::optional<std::uint32_t> value;  // the parsed code point
    bool sslv2 = false;                  // an SSLv2 cipher kind (3 bytes)
    bool known = false;                  // found in the IANA (or SSLv2) table
    std::string iana_name;               // the table's names, when known
    std::string openssl_name;
    int bits = 0;
    bool forward_secrecy = false;
    std::vector<std::string> properties;  // those of suite_property_names() that hold
};

JudgedSuite judge_suite(std::string_view version, const SuiteFact& suite);
bool has_property(const JudgedSuite& s, std::string_view property);

// A suite named in a profile: an IANA name, an OpenSSL name, an SSLv2 kind
// name or a "0x" code point.
struct SuiteSelector {
    std::string text;
    std::optional<std::uint32_t> value;
};
// An error naming the parameter when an entry is none of the above.
core::Result<std::vector<SuiteSelector>> resolve_selectors(const std::vector<std::string>& names,
                                                           std::string_view param);
bool matches_any(const JudgedSuite& s, const std::vector<SuiteSelector>& selectors);

// Why one suite offends (empty: it does not).
using SuiteRule = std::function<std::vector<std::string>(const JudgedSuite&)>;

// Judges every accepted suite of the chosen versions (all when empty):
// fail when any offends (each listed with version, name, code and reasons);
// error when none offends but an enumeration stopped early (the pass would
// rest on a partial view); not_applicable when no chosen version was
// accepted; pass otherwise. Unknown suites are listed under "unknown" and
// left to `rule` (which sees known == false).
core::Outcome judge_accepted_suites(const TlsSuitesFacts& facts, const std::vector<std::string>& versions,
                                    const SuiteRule& rule, nlohmann::json expected,
                                    std::string_view requirement);

// The tls_suites entry for SSLv2, from tls_versions' SSLv2 record: the
// cipher kinds of the server's SERVER-HELLO, named from the SSLv2 table
// (unknown kinds keep their code as name); preference "client", as in SSL 2.0
// the client picks the kind.
VersionSuites sslv2_version_suites(const ProtocolSupport& p);

}  // namespace conformscan::checks::tls
