// tls.ocsp_stapling, tls.sct (over the tls facts' staple and SCTs),
// tls.session_resumption, tls.early_data and tls.renegotiation's
// client_initiated parameter (over the tls_session facts), on hand-built facts.
#include <gtest/gtest.h>

#include "checks/tls/session_checks.hpp"
#include "checks/tls/tls_checks.hpp"
#include "tests/unit/checks/tls/feature_fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

void register_both(core::CheckRegistry& r) {
    register_tls_checks(r);
    register_session_checks(r);
}

// The default tls facts with a good staple valid around the harness's as_of (2026-02-01).
TlsFacts stapled() {
    auto f = fixtures::default_tls();
    f.ocsp_stapled = true;
    f.ocsp_status = "good";
    f.ocsp_this_update = "2026-01-31T12:00:00Z";
    f.ocsp_next_update = "2026-02-07T12:00:00Z";
    f.ocsp_for_leaf = true;
    f.ocsp_verified = true;
    return f;
}

// An nginx with tickets, no session cache, TLS 1.2 + 1.3, no early data.
TlsSessionFacts nginx_sessions() {
    TlsSessionFacts f;
    f.tls12_version = "TLSv1.2";
    f.resumption.session_id = "no";
    f.resumption.session_id_issued = true;
    f.resumption.ticket = "yes";
    f.resumption.ticket_issued = true;
    f.resumption.ticket_lifetime_hint = 300;
    f.resumption.tls13_psk = "yes";
    f.resumption.tls13_ticket_issued = true;
    f.resumption.tls13_ticket_lifetime = 300;
    f.client_renegotiation = "refused";
    f.client_renegotiation_evidence = "TLS alert: warning no_renegotiation (100)";
    f.early_data = "not_offered";
    f.connections = 5;
    return f;
}

class SessionChecks : public ::testing::Test {
protected:
    core::Outcome run_tls(const char* check, const TlsFacts& f, const Json& with = Json::object()) {
        h.set_tls(f);
        return h.run(check, with);
    }
    core::Outcome run_session(const char* check, const TlsSessionFacts& f,
                              const Json& with = Json::object()) {
        h.set(kTlsSessionProbe, Json(f));
        return h.run(check, with);
    }
    fixtures::CheckHarness h{register_both};
};

TEST_F(SessionChecks, SessionFactsRoundTrip) {
    auto f = nginx_sessions();
    f.steps = {"TLSv1.2 full handshake without ticket: session ID issued"};
    f.max_early_data = 16384;
    auto back = parse_tls_session_facts(Json(f));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(Json(*back), Json(f));
    EXPECT_FALSE(
        parse_tls_session_facts(Json{{"resumption", "yes"}}).ok());  // wrong type: an error, no throw
    EXPECT_TRUE(parse_tls_session_facts(Json::object()).ok());       // old reports: defaults
}

TEST_F(SessionChecks, OcspStaplingGoodCurrentVerifiedPasses) {
    auto o = run_tls("tls.ocsp_stapling", stapled());
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["ocsp_status"], "good");
}

TEST_F(SessionChecks, OcspStaplingAbsentFailsUnlessNotRequired) {
    auto f = fixtures::default_tls();
    auto o = run_tls("tls.ocsp_stapling", f);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("staples no OCSP response"), std::string::npos) << o.message;
    EXPECT_TRUE(has_status(run_tls("tls.ocsp_stapling", f, {{"required", false}}), Status::pass));
}

TEST_F(SessionChecks, OcspStaplingRevokedExpiredFutureOrUnverifiedFails) {
    auto f = stapled();
    f.ocsp_status = "revoked";
    f.ocsp_revocation_time = "2026-01-15T00:00:00Z";
    auto o = run_tls("tls.ocsp_stapling", f, {{"required", false}});  // a bad staple fails even when optional
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("revoked at 2026-01-15"), std::string::npos) << o.message;

    f = stapled();
    f.ocsp_next_update = "2026-01-31T23:00:00Z";  // RFC 6960 §4.2.2.1: past nextUpdate
    o = run_tls("tls.ocsp_stapling", f);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("expired"), std::string::npos) << o.message;

    f = stapled();
    f.ocsp_this_update = "2026-02-02T00:00:00Z";
    EXPECT_TRUE(has_status(run_tls("tls.ocsp_stapling", f), Status::fail));

    f = stapled();
    f.ocsp_verified = false;
    f.ocsp_verify_error = "signer certificate not found";
    o = run_tls("tls.ocsp_stapling", f);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("signer certificate not found"), std::string::npos) << o.message;
    EXPECT_TRUE(has_status(run_tls("tls.ocsp_stapling", f, {{"verified", false}}), Status::pass));

    f = stapled();
    f.ocsp_next_update.clear();  // no nextUpdate: current as long as thisUpdate is not in the future
    EXPECT_TRUE(has_status(run_tls("tls.ocsp_stapling", f), Status::pass));
}

TEST_F(SessionChecks, SctCountsDistinctLogs) {
    auto f = fixtures::default_tls();
    auto o = run_tls("tls.sct", f);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["log_signatures_verified"], false);
    EXPECT_NE(o.message.find("not verified"), std::string::npos) << o.message;
    f.scts = {{"certificate", std::string(64, 'a'), "2026-01-01T00:00:00Z", 1},
              {"tls_extension", std::string(64, 'a'), "2026-01-01T00:00:00Z", 1}};
    o = run_tls("tls.sct", f);  // two SCTs, one log
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["distinct_logs"], 1);
    EXPECT_TRUE(has_status(run_tls("tls.sct", f, {{"min_count", 1}}), Status::pass));
    f.scts.push_back({"ocsp", std::string(64, 'b'), "2026-01-01T00:00:00Z", 1});
    EXPECT_TRUE(has_status(run_tls("tls.sct", f), Status::pass));
    // Only the embedded ones counted: one log.
    EXPECT_TRUE(has_status(run_tls("tls.sct", f, {{"sources", {"certificate"}}}), Status::fail));
}

TEST_F(SessionChecks, SessionResumptionRequiredAndForbidden) {
    auto f = nginx_sessions();
    EXPECT_TRUE(has_status(run_session("tls.session_resumption", f, {{"required", {"ticket", "tls13_psk"}}}),
                           Status::pass));
    auto o =
        run_session("tls.session_resumption", f, {{"required", {"session_id"}}, {"forbidden", {"ticket"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("session_id is required but refused"), std::string::npos) << o.message;
    EXPECT_NE(o.message.find("ticket is forbidden but accepted"), std::string::npos) << o.message;
    EXPECT_FALSE(
        h.params("tls.session_resumption", {{"required", {"ticket"}}, {"forbidden", {"ticket"}}}).ok());
}

TEST_F(SessionChecks, SessionResumptionNotApplicableAndUnknown) {
    TlsSessionFacts tls13_only;  // every TLS <= 1.2 method not applicable
    tls13_only.resumption.tls13_psk = "yes";
    EXPECT_TRUE(has_status(run_session("tls.session_resumption", tls13_only, {{"forbidden", {"ticket"}}}),
                           Status::not_applicable));
    auto o = run_session("tls.session_resumption", tls13_only,
                         {{"forbidden", {"ticket"}}, {"required", {"tls13_psk"}}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_NE(o.message.find("not applicable"), std::string::npos) << o.message;
    auto f = nginx_sessions();
    f.resumption.ticket = "unknown";
    EXPECT_TRUE(
        has_status(run_session("tls.session_resumption", f, {{"forbidden", {"ticket"}}}), Status::error));
}

TEST_F(SessionChecks, EarlyData) {
    auto f = nginx_sessions();
    EXPECT_TRUE(has_status(run_session("tls.early_data", f), Status::pass));
    f.max_early_data = 16384;
    f.early_data = "rejected";
    EXPECT_TRUE(has_status(run_session("tls.early_data", f), Status::pass));
    f.early_data = "accepted";
    f.early_data_sent = "HEAD / HTTP/1.1";
    auto o = run_session("tls.early_data", f);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("RFC 8446 §8"), std::string::npos) << o.message;
    EXPECT_TRUE(has_status(run_session("tls.early_data", f, {{"policy", "allowed"}}), Status::pass));
    f.early_data = "unknown";
    EXPECT_TRUE(has_status(run_session("tls.early_data", f), Status::error));
    f.early_data = "not_applicable";
    EXPECT_TRUE(has_status(run_session("tls.early_data", f), Status::not_applicable));
}

TEST_F(SessionChecks, RenegotiationClientInitiated) {
    const auto& d = h.check("tls.renegotiation");
    // The default keeps the rule's meaning and its probes.
    EXPECT_EQ(d.needed_probes(*h.params("tls.renegotiation", Json::object())),
              std::vector<std::string>{"tls_features"});
    EXPECT_EQ(d.needed_probes(*h.params("tls.renegotiation", {{"client_initiated", "forbidden"}})),
              (std::vector<std::string>{"tls_features", "tls_session"}));
    fixtures::set_features(h, fixtures::modern_features());
    auto f = nginx_sessions();
    h.set(kTlsSessionProbe, Json(f));
    EXPECT_TRUE(has_status(h.run("tls.renegotiation", {{"client_initiated", "forbidden"}}), Status::pass));
    auto o = h.run("tls.renegotiation", {{"client_initiated", "required"}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("no_renegotiation"), std::string::npos) << o.message;
    f.client_renegotiation = "accepted";
    f.client_renegotiation_evidence = "the renegotiation handshake completed";
    h.set(kTlsSessionProbe, Json(f));
    o = h.run("tls.renegotiation", {{"client_initiated", "forbidden"}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["client_renegotiation"], "accepted");
    EXPECT_TRUE(has_status(h.run("tls.renegotiation"), Status::pass));  // default: not judged
    f.client_renegotiation = "unknown";
    h.set(kTlsSessionProbe, Json(f));
    EXPECT_TRUE(has_status(h.run("tls.renegotiation", {{"client_initiated", "forbidden"}}), Status::error));
}

}  // namespace
}  // namespace conformscan::checks::tls
