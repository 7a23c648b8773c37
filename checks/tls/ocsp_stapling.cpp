// tls.ocsp_stapling: the server staples an OCSP response (RFC 6066 §8, the
// status_request extension; RFC 6961 / RFC 8446 §4.4.2.1 for TLS 1.3) that
// says "good" for the leaf, is current, and verifies against the presented
// issuer (RFC 6960 §3.2, §4.2.2.2). Stapling spares clients a query to the CA
// that leaks which sites they visit and fails open when blocked; RFC 9325 §4.5
// (uncertain: the recommendation to support OCSP stapling).
#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/session_checks.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

Json staple_evidence(const TlsFacts& f) {
    return Json{{"ocsp_stapled", f.ocsp_stapled},
                {"ocsp_status", f.ocsp_status},
                {"ocsp_this_update", f.ocsp_this_update},
                {"ocsp_next_update", f.ocsp_next_update},
                {"ocsp_revocation_time", f.ocsp_revocation_time},
                {"ocsp_for_leaf", f.ocsp_for_leaf},
                {"ocsp_verified", f.ocsp_verified},
                {"ocsp_verify_error", f.ocsp_verify_error},
                {"version", f.version}};
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_tls_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const bool required = params.value("required", true);
    const bool verified = params.value("verified", true);
    const Json observed = staple_evidence(*facts);
    const Json expected{
        {"required", required}, {"ocsp_status", "good"}, {"current", true}, {"verified", verified}};
    if (!facts->ocsp_stapled) {
        if (required)
            return Outcome::fail("the server staples no OCSP response (status_request, RFC 6066 §8)",
                                 observed, expected);
        return Outcome::pass("the server staples no OCSP response, which the rule allows", observed,
                             expected);
    }
    std::vector<std::string> problems;
    if (facts->ocsp_status != "good")
        problems.push_back(fmt::format("the stapled response says \"{}\"{}", facts->ocsp_status,
                                       facts->ocsp_revocation_time.empty()
                                           ? std::string()
                                           : " (revoked at " + facts->ocsp_revocation_time + ")"));
    // RFC 6960 §4.2.2.1: thisUpdate <= now, and now <= nextUpdate when given.
    const auto this_update = core::parse_time(facts->ocsp_this_update);
    if (!this_update) {
        if (facts->ocsp_status == "good") problems.push_back("the staple has no readable thisUpdate");
    } else if (*this_update > ctx.as_of) {
        problems.push_back(
            fmt::format("the staple's thisUpdate {} is in the future", facts->ocsp_this_update));
    }
    if (!facts->ocsp_next_update.empty()) {
        const auto next_update = core::parse_time(facts->ocsp_next_update);
        if (!next_update)
            problems.push_back("the staple's nextUpdate cannot be read");
        else if (*next_update < ctx.as_of)
            problems.push_back(
                fmt::format("the staple expired at its nextUpdate {}", facts->ocsp_next_update));
    }
    if (verified && !facts->ocsp_verified)
        problems.push_back(
            fmt::format("the staple does not verify against the presented issuer: {}",
                        facts->ocsp_verify_error.empty() ? "no reason recorded" : facts->ocsp_verify_error));
    if (!problems.empty())
        return Outcome::fail(fmt::format("{}", fmt::join(problems, "; ")), observed, expected);
    return Outcome::pass(
        fmt::format(
            "the server staples a good, current OCSP response{} (thisUpdate {}{})",
            facts->ocsp_verified ? " signed for the presented issuer" : "", facts->ocsp_this_update,
            facts->ocsp_next_update.empty() ? ", no nextUpdate" : ", nextUpdate " + facts->ocsp_next_update),
        observed, expected);
}

}  // namespace

core::CheckDescriptor ocsp_stapling_check() {
    core::CheckDescriptor d;
    d.name = "tls.ocsp_stapling";
    d.title = "The server staples a good, current OCSP response for its certificate";
    d.description =
        "Judges the OCSP response the tls probe's handshake received (status_request, RFC 6066 §8): fails "
        "when none is stapled and `required`, or when the stapled one is not \"good\" for the leaf, has a "
        "thisUpdate in the future or a nextUpdate in the past (as of the scan), or — with `verified` — is "
        "not "
        "signed by the presented issuer or a responder it authorised (RFC 6960 §4.2.2.2). The issuer is "
        "taken "
        "from the presented chain; trust in it is tls.certificate.trusted's matter.";
    d.facts = {kTlsProbe};
    d.params = {
        core::ParamSpec{.name = "required",
                        .type = core::ParamType::boolean,
                        .description = "Fail when no OCSP response is stapled.",
                        .default_value = true},
        core::ParamSpec{
            .name = "verified",
            .type = core::ParamType::boolean,
            .description = "Require the staple's signature to verify against the presented issuer.",
            .default_value = true},
    };
    d.examples = {"{}", "{required: false}", "{verified: false}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
