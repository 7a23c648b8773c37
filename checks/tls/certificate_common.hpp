// What the tls.certificate.* rules share: reading the tls facts, choosing the
// certificates a rule judges, reading their times, and the rule guard.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checks/tls/tls_facts.hpp"
#include "scanner/core/registry.hpp"
#include "scanner/core/time.hpp"

namespace conformscan::checks::tls {

inline constexpr const char* kTlsProbe = "tls";
inline constexpr double kSecondsPerDay = 86400.0;

enum class Scope { leaf, chain };

// A certificate a rule judges, with its position in the presented chain.
struct JudgedCertificate {
    std::size_t depth = 0;
    const CertificateFacts* cert = nullptr;
};

// The `scope` parameter: leaf only, or every certificate presented.
core::ParamSpec scope_param(Scope default_scope);
Scope scope_of(const nlohmann::json& params);
std::string_view to_string(Scope s);

// The target's tls facts, parsed; an error when they are absent or malformed.
core::Result<TlsFacts> load_tls_facts(const core::CheckContext& ctx);
// Every rule here judges certificates; an empty chain is "could not observe".
core::Result<TlsFacts> load_tls_facts_with_chain(const core::CheckContext& ctx);

std::vector<JudgedCertificate> select_certificates(const TlsFacts& facts, Scope scope);

// {"depth": n, "subject": "..."}: how evidence names a certificate.
nlohmann::json certificate_ref(const JudgedCertificate& c);
// "the leaf certificate (CN=x)" / "the certificate at depth 1 (CN=y)".
std::string describe(const JudgedCertificate& c);

// A certificate time (not_before / not_after), named in the error.
core::Result<core::TimePoint> certificate_time(const JudgedCertificate& c, std::string_view field);

// Whole days from `from` to `to`, rounded towards minus infinity.
long whole_days(core::TimePoint from, core::TimePoint to);
// "1 day", "12 days".
std::string days_text(long n);
// "2026-11-27" for messages.
std::string format_date(core::TimePoint t);

std::string ascii_lower(std::string_view s);
bool contains_ci(const std::vector<std::string>& list, std::string_view value);
// A string-list parameter; non-string elements (impossible after validation) are skipped.
std::vector<std::string> string_list(const nlohmann::json& params, const char* key);

// Rules never throw; this turns anything unforeseen into an error result.
using RuleFn = core::Outcome (*)(const core::CheckContext&, const nlohmann::json&);
std::function<core::Outcome(const core::CheckContext&, const nlohmann::json&)> guarded(RuleFn rule);

// One factory per check type, each in its own file.
core::CheckDescriptor validity_check();
core::CheckDescriptor trusted_check();
core::CheckDescriptor hostname_check();
core::CheckDescriptor key_check();
core::CheckDescriptor signature_check();
core::CheckDescriptor lifetime_check();

}  // namespace conformscan::checks::tls
