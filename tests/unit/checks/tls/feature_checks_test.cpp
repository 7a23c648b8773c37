// tls.compression, tls.fallback_scsv, tls.renegotiation and tls.heartbeat:
// four small check types over the tls_features facts.
#include <gtest/gtest.h>

#include "checks/tls/tls_checks.hpp"
#include "tests/unit/checks/tls/feature_fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

class FeatureChecks : public ::testing::Test {
protected:
    core::Outcome run(const char* check, const TlsFeaturesFacts& f, const Json& with = Json::object()) {
        fixtures::set_features(h, f);
        return h.run(check, with);
    }
    fixtures::CheckHarness h{register_tls_checks};
};

TEST_F(FeatureChecks, CompressionPassesWhenNoneIsPicked) {
    auto o = run("tls.compression", fixtures::modern_features());
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["compression"], Json::array());
}

TEST_F(FeatureChecks, DeflateFailsNamingCrime) {
    // RFC 9325 §3.3: TLS compression MUST NOT be negotiated (CRIME).
    auto f = fixtures::modern_features();
    f.compression = {"deflate"};
    auto o = run("tls.compression", f);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("CVE-2012-4929"), std::string::npos) << o.message;
    EXPECT_EQ(o.observed["vulnerability"], "CRIME (CVE-2012-4929)");
}

TEST_F(FeatureChecks, CompressionOfTls13OnlyPassesAndInconclusiveIsAnError) {
    EXPECT_TRUE(has_status(run("tls.compression", fixtures::tls13_only_features()), Status::pass));
    auto f = fixtures::modern_features();
    f.notes = {"compression: a hello offering DEFLATE got no ServerHello: timeout"};
    EXPECT_TRUE(has_status(run("tls.compression", f), Status::pass));  // a note alone decides nothing
    f.compression_observed = false;
    auto o = run("tls.compression", f);
    EXPECT_TRUE(has_status(o, Status::error));
    EXPECT_NE(o.message.find("timeout"), std::string::npos) << o.message;
}

TEST_F(FeatureChecks, FallbackScsv) {
    // RFC 7507 §3.
    auto f = fixtures::modern_features();
    EXPECT_TRUE(has_status(run("tls.fallback_scsv", f), Status::pass));
    f.fallback_scsv = "not_honoured";
    auto o = run("tls.fallback_scsv", f);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("RFC 7507"), std::string::npos) << o.message;
    f.fallback_scsv = "not_applicable";
    EXPECT_TRUE(has_status(run("tls.fallback_scsv", f), Status::not_applicable));
    f.fallback_scsv = "unknown";
    EXPECT_TRUE(has_status(run("tls.fallback_scsv", f), Status::error));
    EXPECT_TRUE(
        has_status(run("tls.fallback_scsv", fixtures::tls13_only_features()), Status::not_applicable));
}

TEST_F(FeatureChecks, Renegotiation) {
    // RFC 5746 §4.3, RFC 9325 §3.5.
    auto f = fixtures::modern_features();
    auto o = run("tls.renegotiation", f);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["secure_renegotiation"], true);
    f.secure_renegotiation = false;
    o = run("tls.renegotiation", f);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("TLSv1.2 ServerHello carries no renegotiation_info"), std::string::npos)
        << o.message;
    EXPECT_TRUE(
        has_status(run("tls.renegotiation", fixtures::tls13_only_features()), Status::not_applicable));
}

TEST_F(FeatureChecks, Heartbeat) {
    auto f = fixtures::modern_features();
    EXPECT_TRUE(has_status(run("tls.heartbeat", f), Status::pass));
    f.heartbeat = true;
    f.heartbeat_mode = "peer_allowed_to_send";
    auto o = run("tls.heartbeat", f);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("peer_allowed_to_send"), std::string::npos) << o.message;
    EXPECT_TRUE(has_status(run("tls.heartbeat", f, {{"allow", true}}), Status::pass));
    EXPECT_TRUE(has_status(run("tls.heartbeat", fixtures::tls13_only_features()), Status::not_applicable));
    EXPECT_FALSE(h.params("tls.heartbeat", {{"allow", "yes"}}).ok());
}

TEST_F(FeatureChecks, EveryCheckIsAnErrorWithoutFacts) {
    for (const char* check : {"tls.compression", "tls.fallback_scsv", "tls.renegotiation", "tls.heartbeat"}) {
        SCOPED_TRACE(check);
        EXPECT_TRUE(has_status(h.run(check), Status::error));
        EXPECT_EQ(h.check(check).facts, std::vector<std::string>{"tls_features"});
    }
}

}  // namespace
}  // namespace conformscan::checks::tls
