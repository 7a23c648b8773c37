// tls.certificate.trusted: the presented chain leads to a trust anchor of the
// configured store with no verification problem (RFC 5280 §6.1 path validation).
// Time and strength are judged by their own rules: the probe verifies with
// time checks and security-level checks off.
#include <algorithm>

#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

// OpenSSL's X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT and X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
// (x509_vfy.h): the only problems a deliberately self-signed leaf has.
constexpr int kDepthZeroSelfSigned = 18;
constexpr int kSelfSignedInChain = 19;

Json issues_json(const std::vector<VerifyIssue>& issues) {
    Json out = Json::array();
    for (const auto& i : issues) out.push_back(i);
    return out;
}

std::string issue_text(const VerifyIssue& i) {
    return fmt::format("depth {}: {} (code {})", i.depth, i.reason, i.code);
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_tls_facts_with_chain(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const bool allow_self_signed = params.value("allow_self_signed", false);
    const auto& v = facts->verification;
    const auto& leaf = facts->chain.front();

    const Json observed{
        {"trust_store", v.trust_store},
        {"trusted", v.trusted},
        {"issues", issues_json(v.issues)},
        {"verified_chain", v.verified_chain},
        {"leaf", {{"subject", leaf.subject}, {"issuer", leaf.issuer}, {"self_signed", leaf.self_signed}}}};
    const Json expected{
        {"trusted", true}, {"issues", Json::array()}, {"allow_self_signed", allow_self_signed}};
    const std::string store = v.trust_store.empty() ? std::string("the trust store") : v.trust_store;

    if (v.trusted && v.issues.empty())
        return Outcome::pass(
            fmt::format("the chain of {} verifies to a trust anchor in {}", leaf.subject, store), observed,
            expected);

    if (allow_self_signed && leaf.self_signed) {
        const bool only_self_signed = std::all_of(v.issues.begin(), v.issues.end(), [](const VerifyIssue& i) {
            return i.code == kDepthZeroSelfSigned || i.code == kSelfSignedInChain;
        });
        if (only_self_signed)
            return Outcome::pass(
                fmt::format("the leaf certificate {} is self-signed, which allow_self_signed accepts",
                            leaf.subject),
                observed, expected);
    }

    if (v.issues.empty())
        return Outcome::fail(
            fmt::format("no path from {} to a trust anchor in {} was built", leaf.subject, store), observed,
            expected);
    std::string message = fmt::format("the chain of {} does not verify against {}: {}", leaf.subject, store,
                                      issue_text(v.issues.front()));
    if (v.issues.size() > 1) message += fmt::format(" (and {} more issues)", v.issues.size() - 1);
    return Outcome::fail(std::move(message), observed, expected);
}

}  // namespace

core::CheckDescriptor trusted_check() {
    core::CheckDescriptor d;
    d.name = "tls.certificate.trusted";
    d.title = "The certificate chain verifies to a trusted anchor";
    d.description =
        "Passes when the presented chain was verified to a trust anchor of the configured store (--ca-file, "
        "else the system store) with no issue (RFC 5280 §6.1, X.509 §10). Validity dates and key or hash "
        "strength are judged by tls.certificate.validity, .key and .signature. With allow_self_signed, a "
        "self-signed leaf whose only issues are OpenSSL codes 18/19 passes.";
    d.facts = {kTlsProbe};
    d.params = {core::ParamSpec{.name = "allow_self_signed",
                                .type = core::ParamType::boolean,
                                .description = "Accept a self-signed leaf certificate (an internal service "
                                               "whose certificate is pinned out of band).",
                                .default_value = false}};
    d.examples = {"{}", "{allow_self_signed: true}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
