// tls.fallback_scsv: the server refuses a hello that signals a fallback with
// TLS_FALLBACK_SCSV while offering less than its highest version.
// RFC 7507 §3: a server supporting a higher version than the client's MUST
// answer with an inappropriate_fallback alert; this stops an attacker from
// forcing a downgrade by breaking the first handshakes (POODLE's enabler).
// RFC 9325 §3.1.3 (uncertain: the clause on fallback to lower versions) tells
// clients not to fall back at all; servers still honour the signal.
#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/feature_checks.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

Outcome evaluate(const core::CheckContext& ctx, const Json&) {
    auto facts = load_features_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    Json observed = features_context(*facts);
    observed["fallback_scsv"] = facts->fallback_scsv;
    const Json expected{{"fallback_scsv", "honoured"}};
    const auto& v = facts->fallback_scsv;
    if (v == "honoured")
        return Outcome::pass("a fallback hello with TLS_FALLBACK_SCSV gets inappropriate_fallback (86)",
                             observed, expected);
    if (v == "not_honoured")
        return Outcome::fail(
            "a hello with TLS_FALLBACK_SCSV offering less than the highest accepted version got a "
            "ServerHello "
            "instead of inappropriate_fallback (RFC 7507 §3)",
            observed, expected);
    if (v == kNotApplicable)
        return Outcome::not_applicable(
            "the server accepts a single protocol version: there is nothing to fall "
            "back to (RFC 7507 §3)");
    return Outcome::error(fmt::format("no conclusive observation of TLS_FALLBACK_SCSV ({})", v), observed);
}

}  // namespace

core::CheckDescriptor fallback_scsv_check() {
    core::CheckDescriptor d;
    d.name = "tls.fallback_scsv";
    d.title = "The server honours TLS_FALLBACK_SCSV";
    d.description =
        "A hello at the next lower accepted version carrying TLS_FALLBACK_SCSV must get the alert "
        "inappropriate_fallback (86); fails when it gets a ServerHello. not_applicable when the server "
        "accepts "
        "a single version; an error when the answer was neither. RFC 7507 §3; RFC 9325 §3.1.3.";
    d.facts = {kTlsFeaturesProbe};
    d.examples = {"{}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
