// tls.compression: the server never negotiates TLS compression.
// RFC 9325 §3.3: implementations MUST NOT negotiate TLS compression (CRIME,
// CVE-2012-4929, recovers secrets such as cookies from compressed records).
// TLS 1.3 has no compression at all (RFC 8446 §4.1.2: legacy_compression_methods
// is the single NULL method), so a TLS 1.3-only server passes.
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
    Json observed = features_context(*facts);
    observed["compression"] = facts->compression;
    const Json expected{{"compression", Json::array()}};
    if (!facts->compression.empty()) {
        observed["vulnerability"] = "CRIME (CVE-2012-4929)";
        return Outcome::fail(
            fmt::format("the server negotiates TLS compression ({}) when offered DEFLATE: CRIME, "
                        "CVE-2012-4929 (RFC 9325 §3.3)",
                        fmt::join(facts->compression, ", ")),
            observed, expected);
    }
    if (facts->is_not_applicable(kFeatCompression))
        return Outcome::pass("the server speaks only TLS 1.3, which has no compression (RFC 8446 §4.1.2)",
                             observed, expected);
    if (!facts->compression_observed) {
        std::string why;
        for (const auto& note : facts->notes)
            if (note.rfind("compression:", 0) == 0) why = ": " + note;
        return Outcome::error("no conclusive observation of compression" + why, observed);
    }
    return Outcome::pass(fmt::format("the server picks no compression when offered DEFLATE and NULL under {}",
                                     facts->probed_version),
                         observed, expected);
}

}  // namespace

core::CheckDescriptor compression_check() {
    core::CheckDescriptor d;
    d.name = "tls.compression";
    d.title = "The server does not negotiate TLS compression";
    d.description =
        "Fails when the server picks a compression method (DEFLATE) from a hello offering DEFLATE and NULL: "
        "compressed records let an attacker who injects text recover secrets (CRIME, CVE-2012-4929). A TLS "
        "1.3-only server passes: TLS 1.3 has no compression. RFC 9325 §3.3, RFC 8446 §4.1.2.";
    d.facts = {kTlsFeaturesProbe};
    d.examples = {"{}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
