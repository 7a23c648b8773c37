// tls.session_resumption: the server resumes sessions by the methods a
// profile requires and by none it forbids, as the tls_session probe saw:
//   session_id  TLS <= 1.2 session cache (RFC 5246 §7.4.1.2);
//   ticket      TLS <= 1.2 session ticket (RFC 5077);
//   tls13_psk   TLS 1.3 resumption PSK from a NewSessionTicket (RFC 8446 §2.2).
// Resumption saves a full handshake; tickets whose keys are never rotated
// undo forward secrecy (RFC 8446 §2.2, RFC 5077 §5.5), which is why some
// profiles forbid them. A method not applicable (its version is not spoken)
// is skipped with a note; an unknown one is an error.
#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/session_checks.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

const std::string& state_of(const ResumptionFacts& r, std::string_view method) {
    if (method == kResumeSessionId) return r.session_id;
    if (method == kResumeTicket) return r.ticket;
    return r.tls13_psk;
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_session_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const auto required = string_list(params, "required");
    const auto forbidden = string_list(params, "forbidden");
    const auto& r = facts->resumption;

    std::vector<std::string> problems, skipped, unknown;
    int judged = 0;
    const auto judge = [&](const std::string& method, bool want) {
        const auto& s = state_of(r, method);
        if (s == kStateNotApplicable) {
            skipped.push_back(
                fmt::format("{} is not applicable (its protocol version is not spoken)", method));
        } else if (s != kStateYes && s != kStateNo) {
            unknown.push_back(method);
        } else {
            ++judged;
            if (want && s == kStateNo)
                problems.push_back(fmt::format("resumption by {} is required but refused", method));
            if (!want && s == kStateYes)
                problems.push_back(fmt::format("resumption by {} is forbidden but accepted", method));
        }
    };
    for (const auto& m : required) judge(m, true);
    for (const auto& m : forbidden) judge(m, false);

    Json observed = session_context(*facts);
    observed["resumption"] = r;
    observed["skipped"] = skipped;
    const Json expected{{"required", required}, {"forbidden", forbidden}};
    const auto with_notes = [&](std::string msg) {
        return skipped.empty() ? msg : fmt::format("{} ({})", msg, fmt::join(skipped, "; "));
    };
    if (!problems.empty())
        return Outcome::fail(with_notes(fmt::format("{}", fmt::join(problems, "; "))), observed, expected);
    if (!unknown.empty())
        return Outcome::error(
            fmt::format("no conclusive observation of resumption by {}", fmt::join(unknown, ", ")), observed);
    if (judged == 0 && !(required.empty() && forbidden.empty()))
        return Outcome::not_applicable(with_notes("none of the resumption methods the rule names applies"));
    return Outcome::pass(with_notes(fmt::format("session_id: {}, ticket: {}, tls13_psk: {}", r.session_id,
                                                r.ticket, r.tls13_psk)),
                         observed, expected);
}

core::Result<void> validate(const Json& params) {
    const auto forbidden = string_list(params, "forbidden");
    for (const auto& m : string_list(params, "required"))
        if (contains_ci(forbidden, m))
            return core::make_error("param_conflict", fmt::format("'{}' is both required and forbidden", m));
    return {};
}

}  // namespace

core::CheckDescriptor session_resumption_check() {
    core::CheckDescriptor d;
    d.name = "tls.session_resumption";
    d.title = "The server resumes sessions by the required methods and by none of the forbidden ones";
    d.description =
        "Judges the tls_session probe's resumption attempts: session_id (TLS <= 1.2 session cache, RFC 5246 "
        "§7.4.1.2), ticket (TLS <= 1.2 RFC 5077 ticket) and tls13_psk (TLS 1.3 resumption PSK, RFC 8446 "
        "§2.2). Fails naming each required method refused and each forbidden one accepted. A method whose "
        "protocol version the server does not speak is skipped with a note; not_applicable when every named "
        "method was skipped; an error when an attempt was inconclusive.";
    d.facts = {kTlsSessionProbe};
    d.params = {
        core::ParamSpec{.name = "required",
                        .type = core::ParamType::string_list,
                        .description = "Resumption methods the server must accept.",
                        .default_value = Json::array(),
                        .choices = resumption_method_names()},
        core::ParamSpec{.name = "forbidden",
                        .type = core::ParamType::string_list,
                        .description = "Resumption methods the server must not accept.",
                        .default_value = Json::array(),
                        .choices = resumption_method_names()},
    };
    d.examples = {"{required: [tls13_psk]}", "{required: [session_id], forbidden: [ticket]}",
                  "{forbidden: [ticket, tls13_psk]}"};
    d.validate = validate;
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
