// tls.heartbeat: the server does not negotiate the heartbeat extension
// (RFC 6520) unless the profile allows it. Heartbeat is the surface of
// Heartbleed (CVE-2014-0160) and has no use over TCP; BSI TR-02102-2 §3.3.4
// (uncertain: the clause recommending against it) and most hardening guides
// disable it.
#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/feature_checks.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_features_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const bool allow = params.value("allow", false);
    if (facts->is_not_applicable(kFeatHeartbeat))
        return Outcome::not_applicable(facts->probed_version.empty()
                                           ? "the server speaks only TLS 1.3: a heartbeat extension would be "
                                             "encrypted and cannot be observed"
                                           : "the heartbeat extension could not be observed");
    Json observed = features_context(*facts);
    observed["heartbeat"] = facts->heartbeat;
    observed["heartbeat_mode"] = facts->heartbeat_mode;
    const Json expected{{"allow", allow}};
    if (!facts->heartbeat)
        return Outcome::pass("the server does not echo the heartbeat extension", observed, expected);
    if (allow)
        return Outcome::pass(
            fmt::format("the server echoes the heartbeat extension ({}), which the rule allows",
                        facts->heartbeat_mode),
            observed, expected);
    return Outcome::fail(fmt::format("the server echoes the heartbeat extension ({}): the Heartbleed surface "
                                     "(CVE-2014-0160) is enabled (RFC 6520)",
                                     facts->heartbeat_mode),
                         observed, expected);
}

}  // namespace

core::CheckDescriptor heartbeat_check() {
    core::CheckDescriptor d;
    d.name = "tls.heartbeat";
    d.title = "The server does not negotiate the TLS heartbeat extension";
    d.description =
        "Fails when the TLS 1.2 (or older) ServerHello echoes the heartbeat extension (RFC 6520) and `allow` "
        "is false; whether the implementation is vulnerable to Heartbleed is not tested. not_applicable for "
        "a "
        "TLS 1.3-only server. BSI TR-02102-2 §3.3.4.";
    d.facts = {kTlsFeaturesProbe};
    d.params = {core::ParamSpec{.name = "allow",
                                .type = core::ParamType::boolean,
                                .description = "Accept a server that negotiates heartbeat.",
                                .default_value = false}};
    d.examples = {"{}", "{allow: true}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
