// tls.protocol_versions: the server accepts only allowed protocol versions and
// every required one. RFC 8996 §2-3: TLS 1.0 and 1.1 MUST NOT be used (and
// RFC 6176 / RFC 7568 already prohibit SSL 2.0 / SSL 3.0); RFC 9325 §3.1.1:
// TLS 1.2 MUST be supported, TLS 1.3 SHOULD be.
#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/scan_common.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

const ProtocolSupport* probed(const TlsVersionsFacts& facts, std::string_view version) {
    for (const auto& p : facts.protocols)
        if (ascii_lower(p.version) == ascii_lower(version)) return &p;
    return nullptr;
}

// Accepted according to either the per-version records or the summary list:
// a hand-trimmed report may keep only one of them.
std::vector<std::string> accepted_versions(const TlsVersionsFacts& facts) {
    std::vector<std::string> out = facts.accepted;
    for (const auto& p : facts.protocols)
        if (p.accepted) out.push_back(p.version);
    return sorted_versions(std::move(out));
}

std::string evidence_of(const TlsVersionsFacts& facts, std::string_view version) {
    const auto* p = probed(facts, version);
    return p == nullptr ? std::string("not probed") : p->evidence;
}

bool observed(const TlsVersionsFacts& facts, std::string_view version) {
    return probed(facts, version) != nullptr || contains_ci(facts.accepted, version);
}

struct Policy {
    std::vector<std::string> allowed;
    std::vector<std::string> forbidden;
    std::vector<std::string> required;

    explicit Policy(const Json& params)
        : allowed(string_list(params, "allowed")),
          forbidden(string_list(params, "forbidden")),
          required(string_list(params, "required")) {}

    // Why accepting `v` offends, or "" when it does not.
    [[nodiscard]] std::string violation(std::string_view v) const {
        if (contains_ci(forbidden, v)) return "forbidden";
        if (!allowed.empty() && !contains_ci(allowed, v)) return "not_allowed";
        return {};
    }
};

Json protocols_json(const TlsVersionsFacts& facts) {
    Json out = Json::array();
    for (const auto& p : facts.protocols)
        out.push_back({{"version", p.version}, {"accepted", p.accepted}, {"evidence", p.evidence}});
    return out;
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_versions_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const Policy policy(params);
    const auto accepted = accepted_versions(*facts);
    if (accepted.empty())
        return Outcome::error("the server accepted none of the probed protocol versions",
                              Json{{"protocols", protocols_json(*facts)}});

    Json offending = Json::array();
    std::vector<std::string> problems;
    for (const auto& v : accepted) {
        const auto why = policy.violation(v);
        if (why.empty()) continue;
        offending.push_back({{"version", v}, {"reason", why}, {"evidence", evidence_of(*facts, v)}});
        problems.push_back(
            fmt::format("{} is accepted ({})", v, why == "forbidden" ? "forbidden" : "not allowed"));
    }
    Json missing = Json::array();
    std::vector<std::string> unprobed;
    for (const auto& v : sorted_versions(policy.required)) {
        if (contains_ci(accepted, v)) continue;
        if (!observed(*facts, v)) {
            unprobed.push_back(v);
            continue;
        }
        missing.push_back({{"version", v}, {"evidence", evidence_of(*facts, v)}});
        problems.push_back(fmt::format("{} is required but refused", v));
    }
    // A version the rule forbids (or does not allow) that was never probed
    // leaves a pass unproven.
    for (const auto& v : protocol_version_names())
        if (!policy.violation(v).empty() && !observed(*facts, v)) unprobed.push_back(v);
    unprobed = sorted_versions(std::move(unprobed));

    const Json observed_json{{"accepted", accepted},
                             {"offending", offending},
                             {"missing", missing},
                             {"not_probed", unprobed},
                             {"protocols", protocols_json(*facts)}};
    const Json expected{
        {"allowed", policy.allowed}, {"forbidden", policy.forbidden}, {"required", policy.required}};
    if (!problems.empty())
        return Outcome::fail(fmt::format("{}", fmt::join(problems, "; ")), observed_json, expected);
    if (!unprobed.empty())
        return Outcome::error(
            fmt::format("no observation for {}, which the rule judges", fmt::join(unprobed, ", ")),
            observed_json);
    return Outcome::pass(fmt::format("the server accepts {}, as required", fmt::join(accepted, ", ")),
                         observed_json, expected);
}

// A profile whose lists contradict each other could never pass.
core::Result<void> validate(const Json& params) {
    const Policy policy(params);
    for (const auto& v : policy.required) {
        if (contains_ci(policy.forbidden, v))
            return core::make_error("param_conflict", fmt::format("'{}' is both required and forbidden", v));
        if (!policy.allowed.empty() && !contains_ci(policy.allowed, v))
            return core::make_error("param_conflict", fmt::format("'{}' is required but not allowed", v));
    }
    return {};
}

}  // namespace

core::CheckDescriptor protocol_versions_check() {
    core::CheckDescriptor d;
    d.name = "tls.protocol_versions";
    d.title = "Only allowed TLS protocol versions are accepted, and required ones are";
    d.description =
        "Fails when the server accepts a forbidden version, a version outside a non-empty allow-list, or "
        "refuses a required version; each offending version is shown with the probe's evidence (ServerHello "
        "or alert). An error when the server accepts no version at all, or when a version the rule judges "
        "was "
        "not probed. RFC 8996 §2-3 (no TLS 1.0/1.1), RFC 9325 §3.1.1 (TLS 1.2 required, TLS 1.3 "
        "recommended).";
    d.facts = {kTlsVersionsProbe};
    d.params = {
        versions_param("allowed", Json::array(),
                       "Versions the server may accept; an empty list sets no allow-list."),
        versions_param("forbidden", Json::array(), "Versions the server must not accept."),
        versions_param("required", Json::array(), "Versions the server must accept."),
    };
    d.examples = {"{allowed: [TLSv1.2, TLSv1.3]}",
                  "{forbidden: [SSLv2, SSLv3, TLSv1, TLSv1.1], required: [TLSv1.2]}",
                  "{allowed: [TLSv1.2, TLSv1.3], required: [TLSv1.3]}"};
    d.validate = validate;
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
