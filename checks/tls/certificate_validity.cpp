// tls.certificate.validity: the judged certificates are inside their validity
// period on the as-of date, with a margin of days left if the profile asks.
#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_tls_facts_with_chain(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const long min_days = params.value("min_days_remaining", 0L);
    const Scope scope = scope_of(params);
    const std::string as_of_text = format_date(ctx.as_of);

    Json certificates = Json::array();
    std::vector<std::string> problems;
    long earliest_remaining = 0;
    std::string earliest_not_after;
    for (const auto& c : select_certificates(*facts, scope)) {
        auto not_before = certificate_time(c, "not_before");
        if (!not_before) return Outcome::error(not_before.error().describe());
        auto not_after = certificate_time(c, "not_after");
        if (!not_after) return Outcome::error(not_after.error().describe());
        const long remaining = whole_days(ctx.as_of, *not_after);
        Json e = certificate_ref(c);
        e["not_before"] = c.cert->not_before;
        e["not_after"] = c.cert->not_after;
        e["days_remaining"] = remaining;

        // RFC 5280 §4.1.2.5: the validity period includes both notBefore and notAfter.
        std::string problem;
        if (ctx.as_of < *not_before) {
            e["state"] = "not_yet_valid";
            problem = fmt::format("{} is not yet valid: it starts on {} ({} after {})", describe(c),
                                  core::format_time(*not_before),
                                  days_text(whole_days(ctx.as_of, *not_before)), as_of_text);
        } else if (ctx.as_of > *not_after) {
            e["state"] = "expired";
            problem =
                fmt::format("{} expired on {} ({} before {})", describe(c), core::format_time(*not_after),
                            days_text(whole_days(*not_after, ctx.as_of)), as_of_text);
        } else if ((*not_after - ctx.as_of).count() < static_cast<double>(min_days) * kSecondsPerDay) {
            e["state"] = "expires_soon";
            problem = fmt::format("{} expires on {}, {} after {}, fewer than the {} required", describe(c),
                                  core::format_time(*not_after), days_text(remaining), as_of_text,
                                  days_text(min_days));
        } else {
            e["state"] = "valid";
        }
        if (!problem.empty()) problems.push_back(std::move(problem));
        if (certificates.empty() || remaining < earliest_remaining) {
            earliest_remaining = remaining;
            earliest_not_after = c.cert->not_after;
        }
        certificates.push_back(std::move(e));
    }

    const Json observed{{"as_of", core::format_time(ctx.as_of)}, {"certificates", certificates}};
    const Json expected{{"valid_on", core::format_time(ctx.as_of)},
                        {"min_days_remaining", min_days},
                        {"scope", to_string(scope)}};
    if (!problems.empty()) {
        std::string message = problems.front();
        if (problems.size() > 1)
            message += fmt::format(" (and {} more certificates fail)", problems.size() - 1);
        return Outcome::fail(std::move(message), observed, expected);
    }
    if (certificates.size() == 1)
        return Outcome::pass(fmt::format("certificate valid until {} ({} after {})", earliest_not_after,
                                         days_text(earliest_remaining), as_of_text),
                             observed, expected);
    return Outcome::pass(
        fmt::format("all {} certificates are valid; the earliest expires on {} ({} after {})",
                    certificates.size(), earliest_not_after, days_text(earliest_remaining), as_of_text),
        observed, expected);
}

}  // namespace

core::CheckDescriptor validity_check() {
    core::CheckDescriptor d;
    d.name = "tls.certificate.validity";
    d.title = "Certificates are within their validity period";
    d.description =
        "Fails when a judged certificate is not yet valid or has expired on the as-of date (RFC 5280 "
        "§4.1.2.5, X.509 §7.2), or when fewer than min_days_remaining days remain before its notAfter.";
    d.facts = {kTlsProbe};
    d.params = {
        core::ParamSpec{.name = "min_days_remaining",
                        .type = core::ParamType::integer,
                        .description =
                            "Days that must remain before notAfter; 0 only requires the certificate "
                            "not to have expired.",
                        .default_value = 0,
                        .minimum = 0},
        scope_param(Scope::leaf),
    };
    d.examples = {"{}", "{min_days_remaining: 30}", "{min_days_remaining: 14, scope: chain}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
