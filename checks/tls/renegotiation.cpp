// tls.renegotiation: the server supports secure renegotiation, i.e. echoes
// renegotiation_info, which binds a renegotiation to the connection it
// happens on (the 2009 renegotiation attack, CVE-2009-3555).
// RFC 5746 §3.6 (server behaviour on the initial handshake) and §4.3 (servers
// that do not send the extension are to be treated as vulnerable);
// RFC 9325 §3.5: TLS 1.2 implementations MUST support and use it.
// Whether the server accepts client-initiated renegotiation needs a completed
// handshake and is out of scope of the raw-hello probe.
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
    if (facts->is_not_applicable(kFeatSecureRenegotiation))
        return Outcome::not_applicable(facts->probed_version.empty()
                                           ? "the server speaks only TLS 1.3, which has no renegotiation"
                                           : "renegotiation_info could not be observed");
    Json observed = features_context(*facts);
    observed["secure_renegotiation"] = facts->secure_renegotiation;
    const Json expected{{"secure_renegotiation", true}};
    if (facts->secure_renegotiation)
        return Outcome::pass(
            fmt::format("the {} ServerHello carries renegotiation_info (RFC 5746)", facts->probed_version),
            observed, expected);
    return Outcome::fail(fmt::format("the {} ServerHello carries no renegotiation_info: the server does not "
                                     "support secure renegotiation (RFC 5746 §4.3, RFC 9325 §3.5)",
                                     facts->probed_version),
                         observed, expected);
}

}  // namespace

core::CheckDescriptor renegotiation_check() {
    core::CheckDescriptor d;
    d.name = "tls.renegotiation";
    d.title = "The server supports secure renegotiation (RFC 5746)";
    d.description =
        "Fails when the TLS 1.2 (or older) ServerHello answering a hello with renegotiation_info does not "
        "carry it. not_applicable for a TLS 1.3-only server (TLS 1.3 has no renegotiation). Whether the "
        "server "
        "accepts client-initiated renegotiation needs a completed handshake and is not judged here. RFC 5746 "
        "§3.6/§4.3, RFC 9325 §3.5.";
    d.facts = {kTlsFeaturesProbe};
    d.examples = {"{}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
