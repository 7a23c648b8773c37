// tls.certificate.lifetime: the validity period the issuer granted is no
// longer than a maximum (CA/Browser Forum BR §6.3.2: 398 days for publicly
// trusted TLS server certificates issued since 2020-09-01).
#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_tls_facts_with_chain(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const long max_days = params.value("max_days", 398L);
    const Scope scope = scope_of(params);

    Json judged = Json::array();
    Json offending = Json::array();
    std::string first_problem;
    for (const auto& c : select_certificates(*facts, scope)) {
        auto not_before = certificate_time(c, "not_before");
        if (!not_before) return Outcome::error(not_before.error().describe());
        auto not_after = certificate_time(c, "not_after");
        if (!not_after) return Outcome::error(not_after.error().describe());
        if (*not_after < *not_before)
            return Outcome::error(fmt::format("{} ends ({}) before it begins ({})", describe(c),
                                              c.cert->not_after, c.cert->not_before));
        // Days of 86400 s, fractional: notAfter - notBefore. BR §6.3.2 counts
        // the period inclusively (its final second makes exactly 398 days
        // "399"); the plain difference is used here so that the figure in the
        // evidence is the one an operator computes from the two dates.
        const double days = static_cast<double>((*not_after - *not_before).count()) / kSecondsPerDay;
        Json e = certificate_ref(c);
        e["not_before"] = c.cert->not_before;
        e["not_after"] = c.cert->not_after;
        e["lifetime_days"] = days;
        if (days > static_cast<double>(max_days)) {
            if (first_problem.empty())
                first_problem =
                    fmt::format("{} is valid for {:.6g} days ({} to {}), more than the maximum of {}",
                                describe(c), days, c.cert->not_before, c.cert->not_after, max_days);
            offending.push_back(e);
        }
        judged.push_back(std::move(e));
    }

    Json observed{{"certificates", judged}};
    const Json expected{{"max_days", max_days}, {"scope", to_string(scope)}};
    if (!offending.empty()) {
        observed["offending"] = offending;
        std::string message = first_problem;
        if (offending.size() > 1)
            message += fmt::format(" (and {} more certificates fail)", offending.size() - 1);
        return Outcome::fail(std::move(message), observed, expected);
    }
    if (judged.size() == 1)
        return Outcome::pass(
            fmt::format("the leaf certificate is valid for {:.6g} days, within the maximum of {}",
                        judged.front()["lifetime_days"].get<double>(), max_days),
            observed, expected);
    return Outcome::pass(
        fmt::format("all {} certificates are valid for at most {} days", judged.size(), max_days), observed,
        expected);
}

}  // namespace

core::CheckDescriptor lifetime_check() {
    core::CheckDescriptor d;
    d.name = "tls.certificate.lifetime";
    d.title = "Certificate validity periods are not too long";
    d.description =
        "Fails when a judged certificate's validity period (notAfter - notBefore, in days of 86400 seconds) "
        "exceeds max_days. The default 398 is the CA/Browser Forum Baseline Requirements §6.3.2 limit; "
        "ballot SC-081v3 lowers it to 200 days from 2026-03-15, 100 from 2027-03-15 and 47 from 2029-03-15.";
    d.facts = {kTlsProbe};
    d.params = {
        core::ParamSpec{.name = "max_days",
                        .type = core::ParamType::integer,
                        .description = "Longest accepted validity period in days.",
                        .default_value = 398,
                        .minimum = 1},
        scope_param(Scope::leaf),
    };
    d.examples = {"{}", "{max_days: 200}", "{max_days: 1095, scope: chain}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
