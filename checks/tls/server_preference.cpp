// tls.server_preference: under each judged version the server, not the
// client, decides which suite is used, so that its own order (forward-secret
// AEAD suites first) holds whatever a client offers.
// RFC 9325 §4.1 (clause uncertain: the recommendation to prefer forward-secret
// and AEAD suites is in §4.1/§4.2, the one to enforce the server's order is
// stated with the suite list of §4.2): servers SHOULD prefer cipher suites
// with forward secrecy and SHOULD enforce their own preference order.
#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/scan_common.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_suites_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const auto versions = string_list(params, "versions");
    const auto judged = select_versions(*facts, versions);
    if (judged.empty()) {
        if (versions.empty())
            return Outcome::error("the tls_suites facts record no accepted protocol version");
        return Outcome::not_applicable(
            fmt::format("the server accepts none of the judged versions ({})", fmt::join(versions, ", ")));
    }

    Json per_version = Json::array();
    std::vector<std::string> client;
    std::vector<std::string> undecided;
    std::vector<std::string> server;
    for (const auto* v : judged) {
        per_version.push_back(
            {{"version", v->version}, {"preference", v->preference}, {"suites", v->suites.size()}});
        if (v->preference == "server") {
            server.push_back(v->version);
        } else if (v->preference == "client") {
            client.push_back(v->version);
        } else {
            // "unknown": fewer than two suites, so there is no order to enforce.
            undecided.push_back(v->version);
        }
    }
    const Json observed{{"per_version", per_version}};
    const Json expected{{"preference", "server"}, {"versions", versions}};
    if (!client.empty())
        return Outcome::fail(
            fmt::format("the client's suite order decides under {}", fmt::join(client, ", ")), observed,
            expected);
    std::string message =
        server.empty() ? std::string("no judged version has an order to enforce")
                       : fmt::format("the server's suite order decides under {}", fmt::join(server, ", "));
    if (!undecided.empty())
        message += fmt::format("; preference unknown under {} (fewer than two suites accepted)",
                               fmt::join(undecided, ", "));
    return Outcome::pass(std::move(message), observed, expected);
}

}  // namespace

core::CheckDescriptor server_preference_check() {
    core::CheckDescriptor d;
    d.name = "tls.server_preference";
    d.title = "The server's cipher suite order decides";
    d.description =
        "Fails for each judged version under which the client's order of suites decides the suite used. A "
        "version with fewer than two accepted suites has no order to enforce and passes with a note; "
        "versions "
        "the server does not accept are not judged. RFC 9325 §4.1.";
    d.facts = {kTlsSuitesProbe};
    d.params = {
        versions_param("versions", Json{"TLSv1.2"},
                       "Protocol versions judged (those the server accepts); an empty list judges every "
                       "accepted version."),
    };
    d.examples = {"{}", "{versions: [TLSv1.2, TLSv1.3]}", "{versions: []}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
