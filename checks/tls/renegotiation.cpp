// tls.renegotiation: the server supports secure renegotiation, i.e. echoes
// renegotiation_info, which binds a renegotiation to the connection it
// happens on (the 2009 renegotiation attack, CVE-2009-3555).
// RFC 5746 §3.6 (server behaviour on the initial handshake) and §4.3 (servers
// that do not send the extension are to be treated as vulnerable);
// RFC 9325 §3.5: TLS 1.2 implementations MUST support and use it.
// Whether the server accepts client-initiated renegotiation needs a completed
// handshake: the `client_initiated` parameter judges the tls_session probe's
// attempt (RFC 5246 §7.4.1.1; a server renegotiating on every client request
// spends a full handshake's CPU on each — a denial-of-service lever).
#include <optional>

#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/feature_checks.hpp"
#include "checks/tls/session_checks.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

// client_initiated: "any" (not judged), "forbidden" or "required".
std::string client_policy(const Json& params) {
    return params.value("client_initiated", std::string("any"));
}

// The client-initiated part: nullopt when it passes or is not judged.
std::optional<Outcome> judge_client(const core::CheckContext& ctx, const std::string& policy, Json& observed) {
    if (policy == "any") return std::nullopt;
    auto session = load_session_facts(ctx);
    if (!session) return Outcome::error(session.error().describe());
    const auto& state = session->client_renegotiation;
    observed["client_renegotiation"] = state;
    observed["client_renegotiation_evidence"] = session->client_renegotiation_evidence;
    if (state == kStateNotApplicable) return std::nullopt;
    if (state != "accepted" && state != "refused")
        return Outcome::error("client-initiated renegotiation: no conclusive answer (" +
                                  session->client_renegotiation_evidence + ")",
                              observed);
    const Json expected{{"secure_renegotiation", true}, {"client_initiated", policy}};
    if (policy == "forbidden" && state == "accepted")
        return Outcome::fail("the server accepts client-initiated renegotiation (" +
                                 session->client_renegotiation_evidence + "), which the rule forbids",
                             observed, expected);
    if (policy == "required" && state == "refused")
        return Outcome::fail("the server refuses client-initiated renegotiation (" +
                                 session->client_renegotiation_evidence + "), which the rule requires",
                             observed, expected);
    return std::nullopt;
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_features_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    if (facts->is_not_applicable(kFeatSecureRenegotiation))
        return Outcome::not_applicable(facts->probed_version.empty()
                                           ? "the server speaks only TLS 1.3, which has no renegotiation"
                                           : "renegotiation_info could not be observed");
    Json observed = features_context(*facts);
    observed["secure_renegotiation"] = facts->secure_renegotiation;
    const auto policy = client_policy(params);
    Json expected{{"secure_renegotiation", true}};
    if (policy != "any") expected["client_initiated"] = policy;
    if (facts->secure_renegotiation) {
        if (auto client = judge_client(ctx, policy, observed)) return *client;
        return Outcome::pass(
            fmt::format("the {} ServerHello carries renegotiation_info (RFC 5746){}", facts->probed_version,
                        policy == "any" ? std::string()
                                        : "; client-initiated renegotiation: " +
                                              observed.value("client_renegotiation", std::string("not judged"))),
            observed, expected);
    }
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
        "accepts client-initiated renegotiation is judged only when `client_initiated` is forbidden or "
        "required, from the tls_session probe's attempt on an established TLS <= 1.2 connection (accepted, "
        "or refused with an alert or a close); `any` (the default) leaves it unjudged and the probe unrun. "
        "RFC 5746 §3.6/§4.3, RFC 9325 §3.5, RFC 5246 §7.4.1.1.";
    d.facts = {kTlsFeaturesProbe};
    d.params = {core::ParamSpec{.name = "client_initiated",
                                .type = core::ParamType::string,
                                .description = "Client-initiated renegotiation: any (not judged), forbidden or "
                                               "required.",
                                .default_value = "any",
                                .choices = {"any", "forbidden", "required"}}};
    d.probes_for = [](const Json& params) {
        std::vector<std::string> probes{kTlsFeaturesProbe};
        if (client_policy(params) != "any") probes.emplace_back(kTlsSessionProbe);
        return probes;
    };
    d.examples = {"{}", "{client_initiated: forbidden}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
