// tls.sct: the server's certificate comes with at least `min_count` Signed
// Certificate Timestamps from distinct logs (RFC 6962 §3.3: in the
// certificate, the TLS extension or the stapled OCSP response). Browsers'
// Certificate Transparency policies ask for two or more. The SCTs' log
// signatures are not verified: no log list is kept, so a log ID is evidence of
// what the server sent, not proof of logging.
#include <set>

#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/session_checks.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_tls_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const auto min_count = params.value("min_count", 2);
    const auto sources = string_list(params, "sources");
    std::set<std::string> logs;
    Json counted = Json::array();
    for (const auto& s : facts->scts) {
        if (!sources.empty() && !contains_ci(sources, s.source)) continue;
        counted.push_back(s);
        logs.insert(s.log_id);
    }
    Json observed{{"scts", facts->scts}, {"distinct_logs", logs.size()}, {"log_signatures_verified", false}};
    const Json expected{{"min_count", min_count}, {"sources", sources}};
    const auto where =
        sources.empty() ? std::string("from any source") : fmt::format("from {}", fmt::join(sources, " or "));
    if (static_cast<long>(logs.size()) < min_count)
        return Outcome::fail(
            fmt::format("{} SCT(s) from {} distinct log(s) {}; at least {} required (RFC 6962 "
                        "§3.3; log signatures not verified)",
                        counted.size(), logs.size(), where, min_count),
            observed, expected);
    return Outcome::pass(fmt::format("{} SCT(s) from {} distinct log(s) {} (log signatures not verified)",
                                     counted.size(), logs.size(), where),
                         observed, expected);
}

}  // namespace

core::CheckDescriptor sct_check() {
    core::CheckDescriptor d;
    d.name = "tls.sct";
    d.title = "The certificate comes with Signed Certificate Timestamps from enough logs";
    d.description =
        "Counts the distinct log IDs among the SCTs the tls probe's handshake delivered — embedded in the "
        "certificate, in the signed_certificate_timestamp TLS extension or in the stapled OCSP response "
        "(RFC 6962 §3.3) — and fails below `min_count`. `sources` restricts the count to some of "
        "certificate, tls_extension, ocsp. The SCTs' log signatures are not verified (no log list is kept).";
    d.facts = {kTlsProbe};
    d.params = {
        core::ParamSpec{.name = "min_count",
                        .type = core::ParamType::integer,
                        .description = "Fewest distinct logs the SCTs must come from.",
                        .default_value = 2,
                        .minimum = 0,
                        .maximum = 64},
        core::ParamSpec{.name = "sources",
                        .type = core::ParamType::string_list,
                        .description = "Count only SCTs delivered this way (default: every way).",
                        .default_value = Json::array(),
                        .choices = {"certificate", "tls_extension", "ocsp"}},
    };
    d.examples = {"{}", "{min_count: 1}", "{min_count: 2, sources: [certificate]}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
