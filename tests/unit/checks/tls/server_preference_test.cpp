#include <gtest/gtest.h>

#include "checks/tls/tls_checks.hpp"
#include "tests/unit/checks/tls/scan_fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::has_status;
using fixtures::suites_facts;
using fixtures::version_suites;
using Json = nlohmann::json;

constexpr const char* kCheck = "tls.server_preference";

class ServerPreference : public ::testing::Test {
protected:
    fixtures::CheckHarness h{register_tls_checks};
};

TEST_F(ServerPreference, ServerOrderPasses) {
    fixtures::set_suites(h, suites_facts({version_suites("TLSv1.2", {0xC02F, 0xC030, 0x002F}, "server")}));
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["per_version"][0],
              (Json{{"version", "TLSv1.2"}, {"preference", "server"}, {"suites", 3}}));
    EXPECT_EQ(o.expected["preference"], "server");
}

TEST_F(ServerPreference, ClientOrderFails) {
    fixtures::set_suites(h, suites_facts({version_suites("TLSv1.2", {0xC02F, 0x002F}, "client")}));
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("client's suite order decides under TLSv1.2"), std::string::npos) << o.message;
}

TEST_F(ServerPreference, FewerThanTwoSuitesPassesWithANote) {
    fixtures::set_suites(h, suites_facts({version_suites("TLSv1.2", {0xC02F})}));
    auto o = h.run(kCheck);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["per_version"][0]["preference"], "unknown");
    EXPECT_NE(o.message.find("preference unknown under TLSv1.2"), std::string::npos) << o.message;
}

TEST_F(ServerPreference, OnlyTheJudgedAcceptedVersionsCount) {
    fixtures::set_suites(h, suites_facts({version_suites("TLSv1", {0x000A, 0x002F}, "client"),
                                          version_suites("TLSv1.2", {0xC02F, 0xC030}, "server"),
                                          version_suites("TLSv1.3", {0x1301, 0x1302}, "client")}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::pass));  // default: TLSv1.2 only
    auto o = h.run(kCheck, {{"versions", {"TLSv1.2", "TLSv1.3"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("under TLSv1.3"), std::string::npos) << o.message;
    EXPECT_EQ(o.observed["per_version"].size(), 2u);
    o = h.run(kCheck, {{"versions", Json::array()}});  // every accepted version
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("under TLSv1, TLSv1.3"), std::string::npos) << o.message;
}

TEST_F(ServerPreference, NoJudgedVersionAcceptedIsNotApplicable) {
    fixtures::set_suites(h, suites_facts({version_suites("TLSv1.3", {0x1301, 0x1302}, "client")}));
    EXPECT_TRUE(has_status(h.run(kCheck), Status::not_applicable));
    fixtures::set_suites(h, suites_facts({}));
    EXPECT_TRUE(has_status(h.run(kCheck, {{"versions", Json::array()}}), Status::error));
}

TEST_F(ServerPreference, ParametersAndMissingFacts) {
    auto p = h.params(kCheck, Json::object());
    ASSERT_TRUE(p.ok());
    EXPECT_EQ((*p)["versions"], Json::array({"TLSv1.2"}));
    EXPECT_FALSE(h.params(kCheck, {{"versions", {"TLSv1.4"}}}).ok());
    EXPECT_FALSE(h.params(kCheck, {{"order", "server"}}).ok());
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
}

}  // namespace
}  // namespace conformscan::checks::tls
