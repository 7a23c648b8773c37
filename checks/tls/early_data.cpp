// tls.early_data: the server accepts TLS 1.3 0-RTT early data only where the
// profile allows it. Early data is not forward secret and can be replayed
// (RFC 8446 §2.3, §8, E.5); RFC 8470 lists what an HTTP server must do to
// use it safely. Allowed, the rule passes and shows what was observed.
#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/session_checks.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_session_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const std::string policy = params.value("policy", std::string("forbidden"));
    const auto& state = facts->early_data;
    Json observed = session_context(*facts);
    observed["early_data"] = state;
    observed["max_early_data"] = facts->max_early_data;
    observed["early_data_sent"] = facts->early_data_sent;
    const Json expected{{"policy", policy}};
    if (state == kStateNotApplicable)
        return Outcome::not_applicable(facts->resumption.tls13_psk == kStateNotApplicable
                                           ? "the server does not negotiate TLS 1.3, which early data needs"
                                           : "the server issued no TLS 1.3 ticket to send early data with");
    if (state == kStateUnknown)
        return Outcome::error("the early data attempt was inconclusive (see the notes)", observed);
    if (state == "accepted" && policy == "forbidden")
        return Outcome::fail(
            fmt::format("the server accepted {} bytes of 0-RTT early data (its ticket allows {}): "
                        "early data can be replayed (RFC 8446 §8)",
                        facts->early_data_sent.size(), facts->max_early_data),
            observed, expected);
    if (state == "accepted")
        return Outcome::pass("the server accepts 0-RTT early data, which the rule allows", observed,
                             expected);
    if (state == "rejected")
        return Outcome::pass(
            fmt::format("the ticket allows {} bytes of early data but the server rejected them",
                        facts->max_early_data),
            observed, expected);
    return Outcome::pass("the server's TLS 1.3 ticket allows no early data (max_early_data_size 0)", observed,
                         expected);
}

}  // namespace

core::CheckDescriptor early_data_check() {
    core::CheckDescriptor d;
    d.name = "tls.early_data";
    d.title = "The server accepts TLS 1.3 0-RTT early data only where allowed";
    d.description =
        "With policy `forbidden` (the default), fails when the tls_session probe's resumption with early "
        "data saw the server accept it (SSL_get_early_data_status); passes when the ticket allows none or "
        "the server rejected it. `allowed` always passes, with the observation as evidence. not_applicable "
        "without TLS 1.3 or without a TLS 1.3 ticket. RFC 8446 §2.3, §8; RFC 8470.";
    d.facts = {kTlsSessionProbe};
    d.params = {
        core::ParamSpec{.name = "policy",
                        .type = core::ParamType::string,
                        .description = "forbidden: early data must not be accepted; allowed: report only.",
                        .default_value = "forbidden",
                        .choices = {"forbidden", "allowed"}}};
    d.examples = {"{}", "{policy: allowed}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
