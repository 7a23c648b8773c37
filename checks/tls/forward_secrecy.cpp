// tls.forward_secrecy: every suite the server accepts under the judged
// versions uses an ephemeral (EC)DH key exchange, so a stolen server key does
// not decrypt recorded sessions. RFC 9325 §4.1: implementations SHOULD NOT
// negotiate static RSA or static DH suites, and servers SHOULD prefer suites
// with forward secrecy; every TLS 1.3 suite has it (RFC 8446 §2).
// A shorthand for tls.cipher_suites with forbid_properties [no_forward_secrecy].
#include "checks/tls/certificate_common.hpp"
#include "checks/tls/scan_common.hpp"
#include "checks/tls/suite_common.hpp"

namespace conformscan::checks::tls {

namespace {

using core::Json;
using core::Outcome;

Outcome evaluate(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_suites_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const Json expected{{"forward_secrecy", true}, {"versions", params.value("versions", Json::array())}};
    return judge_accepted_suites(
        *facts, string_list(params, "versions"),
        [](const JudgedSuite& s) {
            // An unknown suite has no known key exchange: listed, not condemned.
            return s.known && !s.forward_secrecy ? std::vector<std::string>{"no_forward_secrecy"}
                                                 : std::vector<std::string>{};
        },
        expected, "have forward secrecy");
}

}  // namespace

core::CheckDescriptor forward_secrecy_check() {
    core::CheckDescriptor d;
    d.name = "tls.forward_secrecy";
    d.title = "Every accepted cipher suite has forward secrecy";
    d.description =
        "Fails listing each accepted suite whose key exchange is not ephemeral (static RSA, static (EC)DH, "
        "PSK, SRP, ...), by the IANA table. Suites unknown to the table are listed, not condemned. An error "
        "when an enumeration stopped early and nothing offends. RFC 9325 §4.1.";
    d.facts = {kTlsSuitesProbe};
    d.params = {
        versions_param(
            "versions", Json::array(),
            "Protocol versions whose suites are judged; an empty list judges every accepted version."),
    };
    d.examples = {"{}", "{versions: [TLSv1.2]}"};
    d.evaluate = guarded(evaluate);
    return d;
}

}  // namespace conformscan::checks::tls
