// tls.extensions: the server echoes the extensions a profile requires and
// none it forbids, as the TLS 1.2 ServerHello of the tls_features probe shows.
//   RFC 5746 §3.6/§4.3 (renegotiation_info; RFC 9325 §3.5), RFC 7627 §5.2
//   (EMS), RFC 7366 §2 (encrypt_then_mac, CBC only),
//   RFC 5077 §3.2 (session_ticket), RFC 6066 §8 (status_request),
//   RFC 7301 §3.2 (ALPN), RFC 6520 §2 (heartbeat).
// A feature the hellos could not observe (not_applicable: a TLS 1.3-only
// server hides its extensions in EncryptedExtensions) is skipped with a note,
// never passed silently, with one exception: encrypt_then_mac required while
// the server accepts no CBC suite counts as met — RFC 7366 concerns CBC only,
// so nothing is left unprotected. When every feature named was skipped the
// result is not_applicable; when one could not be observed at all (the hello
// was inconclusive) it is an error.
#include <fmt/format.h>

#include "checks/tls/certificate_common.hpp"
#include "checks/tls/feature_checks.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

enum class State { present, absent, not_applicable, unknown };

const char* to_text(State s) {
    switch (s) {
        case State::present:
            return "present";
        case State::absent:
            return "absent";
        case State::not_applicable:
            return "not_applicable";
        case State::unknown:
            return "unknown";
    }
    return "unknown";
}

State from_bool(bool b) {
    return b ? State::present : State::absent;
}

State state_of(const TlsFeaturesFacts& f, std::string_view feature) {
    if (feature == kFeatEncryptThenMac) {
        if (f.encrypt_then_mac == kYes) return State::present;
        if (f.encrypt_then_mac == kNo) return State::absent;
        if (f.encrypt_then_mac == kNotApplicable) return State::not_applicable;
        return State::unknown;
    }
    if (f.is_not_applicable(feature)) return State::not_applicable;
    if (feature == kFeatSecureRenegotiation) return from_bool(f.secure_renegotiation);
    if (feature == kFeatExtendedMasterSecret) return from_bool(f.extended_master_secret);
    if (feature == kFeatSessionTicket) return from_bool(f.session_ticket);
    if (feature == kFeatOcspStapling) return from_bool(f.ocsp_stapling);
    if (feature == kFeatHeartbeat) return from_bool(f.heartbeat);
    if (feature == kFeatAlpnH2) return from_bool(contains_ci(f.alpn, "h2"));
    return State::unknown;
}

// Required encrypt_then_mac on a server without CBC suites: met (RFC 7366 §2).
bool etm_moot(const TlsFeaturesFacts& f, std::string_view feature) {
    return feature == kFeatEncryptThenMac && f.encrypt_then_mac == kNotApplicable &&
           !f.probed_version.empty();
}

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_features_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const auto required = string_list(params, "required");
    const auto forbidden = string_list(params, "forbidden");

    Json states = Json::object();
    for (const auto& name : extension_feature_names()) states[name] = to_text(state_of(*facts, name));
    std::vector<std::string> problems, notes, unknown;
    int judged = 0;
    const auto judge = [&](const std::string& feature, bool want) {
        const auto s = state_of(*facts, feature);
        if (s == State::unknown) {
            unknown.push_back(feature);
        } else if (s == State::not_applicable) {
            if (want && etm_moot(*facts, feature)) {
                ++judged;
                notes.push_back(
                    "encrypt_then_mac is required but the server accepts no CBC suite, so it has "
                    "nothing to protect (RFC 7366 §2)");
            } else {
                notes.push_back(fmt::format("{} could not be observed (not applicable{}); skipped", feature,
                                            facts->probed_version.empty() ? ": TLS 1.3 only" : ""));
            }
        } else {
            ++judged;
            if (want && s == State::absent)
                problems.push_back(fmt::format("{} is required but absent", feature));
            if (!want && s == State::present)
                problems.push_back(fmt::format("{} is forbidden but present", feature));
        }
    };
    for (const auto& f : required) judge(f, true);
    for (const auto& f : forbidden) judge(f, false);

    Json observed = features_context(*facts);
    observed["features"] = states;
    observed["skipped"] = notes;
    const Json expected{{"required", required}, {"forbidden", forbidden}};
    const auto with_notes = [&](std::string msg) {
        return notes.empty() ? msg : fmt::format("{} ({})", msg, fmt::join(notes, "; "));
    };
    if (!problems.empty())
        return Outcome::fail(with_notes(fmt::format("{}", fmt::join(problems, "; "))), observed, expected);
    if (!unknown.empty())
        return Outcome::error(fmt::format("no conclusive observation of {}", fmt::join(unknown, ", ")),
                              observed);
    if (judged == 0 && !(required.empty() && forbidden.empty()))
        return Outcome::not_applicable(with_notes("none of the features the rule names could be observed"));
    return Outcome::pass(
        with_notes(required.empty() && forbidden.empty()
                       ? std::string("the rule requires and forbids no extension")
                       : std::string("the required extensions are present and no forbidden one")),
        observed, expected);
}

core::Result<void> validate(const Json& params) {
    const auto forbidden = string_list(params, "forbidden");
    for (const auto& f : string_list(params, "required"))
        if (contains_ci(forbidden, f))
            return core::make_error("param_conflict", fmt::format("'{}' is both required and forbidden", f));
    return {};
}

}  // namespace

core::CheckDescriptor extensions_check() {
    core::CheckDescriptor d;
    d.name = "tls.extensions";
    d.title = "The server supports the required TLS extensions and none of the forbidden ones";
    d.description =
        "Judges the extensions echoed in the TLS 1.2 (or older) ServerHello of the tls_features probe: "
        "secure_renegotiation (RFC 5746), extended_master_secret (RFC 7627), encrypt_then_mac (RFC 7366, "
        "observed with a CBC suite), session_ticket (RFC 5077), ocsp_stapling (status_request, RFC 6066 §8), "
        "alpn_h2 (h2 selected when offered alone, RFC 7301), heartbeat (RFC 6520). Fails naming each "
        "required "
        "feature absent and each forbidden one present. A feature that could not be observed "
        "(not_applicable, "
        "e.g. a TLS 1.3-only server) is skipped with a note, except required encrypt_then_mac on a server "
        "accepting no CBC suite, which counts as met; not_applicable when every named feature was skipped; "
        "an "
        "error when an answer was inconclusive. RFC 9325 §3.5 (renegotiation_info in TLS 1.2).";
    d.facts = {kTlsFeaturesProbe};
    d.params = {
        core::ParamSpec{.name = "required",
                        .type = core::ParamType::string_list,
                        .description = "Features the server must support.",
                        .default_value = Json::array(),
                        .choices = extension_feature_names()},
        core::ParamSpec{.name = "forbidden",
                        .type = core::ParamType::string_list,
                        .description = "Features the server must not support.",
                        .default_value = Json::array(),
                        .choices = extension_feature_names()},
    };
    d.examples = {"{required: [secure_renegotiation, extended_master_secret]}",
                  "{required: [extended_master_secret, encrypt_then_mac], forbidden: [heartbeat]}",
                  "{forbidden: [session_ticket]}"};
    d.validate = validate;
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
