#include <gtest/gtest.h>

#include "checks/tls/tls_checks.hpp"
#include "checks/tls/tls_group_facts.hpp"
#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

constexpr const char* kCheck = "tls.key_exchange";

TlsGroupsFacts groups(std::vector<std::string> tls13, std::vector<std::string> tls12, int dh_bits = 0) {
    TlsGroupsFacts f;
    f.tls13_groups = std::move(tls13);
    f.tls12_groups = std::move(tls12);
    f.tls12_version = f.tls12_groups.empty() && dh_bits == 0 ? "" : "TLSv1.2";
    f.dh_bits = dh_bits;
    for (const auto* list : {&f.tls13_groups, &f.tls12_groups})
        for (const auto& g : *list)
            if (std::find(f.accepted.begin(), f.accepted.end(), g) == f.accepted.end())
                f.accepted.push_back(g);
    f.connections = static_cast<int>(f.tls13_groups.size() + f.tls12_groups.size()) + 3;
    return f;
}

class KeyExchange : public ::testing::Test {
protected:
    core::Outcome run(const TlsGroupsFacts& f, const Json& with = Json::object()) {
        h.set("tls_groups", Json(f));
        return h.run(kCheck, with);
    }
    static std::vector<std::string> offending_groups(const core::Outcome& o) {
        std::vector<std::string> out;
        for (const auto& e : o.observed["offending"])
            out.push_back(e["group"].is_null() ? "" : e["group"].get<std::string>());
        return out;
    }
    fixtures::CheckHarness h{register_tls_checks};
};

const TlsGroupsFacts kModern = groups({"x25519", "secp256r1", "x448", "secp521r1", "secp384r1", "ffdhe2048"},
                                      {"x25519", "secp256r1", "secp384r1"});

TEST_F(KeyExchange, ModernDefaultsPass) {
    auto o = run(kModern);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["offending"], Json::array());
    EXPECT_EQ(o.expected["min_dh_bits"], 2048);
    EXPECT_EQ(o.expected["min_ec_security_bits"], 112);
}

TEST_F(KeyExchange, SmallDhePrimeFailsWithItsSize) {
    auto o = run(groups({}, {}, 1024));
    ASSERT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["dh_bits"], 1024);
    EXPECT_EQ(offending_groups(o), std::vector<std::string>{"DHE"});
    EXPECT_NE(o.message.find("1024-bit prime"), std::string::npos) << o.message;
    EXPECT_TRUE(has_status(run(groups({}, {}, 1024), {{"min_dh_bits", 1024}}), Status::pass));
    EXPECT_TRUE(has_status(run(groups({}, {}, 1024), {{"min_dh_bits", 0}}), Status::pass));
    EXPECT_TRUE(has_status(run(groups({}, {}, 2048)), Status::pass));
}

TEST_F(KeyExchange, FfdheGroupsAreJudgedByPrimeSize) {
    auto f = groups({"x25519", "ffdhe2048", "ffdhe3072"}, {});
    EXPECT_TRUE(has_status(run(f), Status::pass));
    auto o = run(f, {{"min_dh_bits", 3072}});
    ASSERT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(offending_groups(o), std::vector<std::string>{"ffdhe2048"});
    EXPECT_EQ(o.observed["offending"][0]["version"], "TLSv1.3");
    // Not by min_ec_security_bits: ffdhe2048's table estimate is 103.
    EXPECT_TRUE(has_status(run(f, {{"min_ec_security_bits", 128}}), Status::pass));
}

TEST_F(KeyExchange, WeakCurvesFailByClassicalSecurityBits) {
    auto f = groups({}, {"secp256r1", "secp224r1", "secp192r1", "sect163k1"});
    auto o = run(f);
    ASSERT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(offending_groups(o), (std::vector<std::string>{"secp192r1", "sect163k1"}));
    EXPECT_EQ(o.observed["offending"][0]["reasons"], Json::array({"security bits 96 < 112"}));
    o = run(f, {{"min_ec_security_bits", 128}});
    EXPECT_EQ(offending_groups(o), (std::vector<std::string>{"secp224r1", "secp192r1", "sect163k1"}));
    EXPECT_TRUE(has_status(run(f, {{"min_ec_security_bits", 0}}), Status::pass));
}

TEST_F(KeyExchange, AllowListTakesIanaAndOpenSslNamesAndCodes) {
    auto o = run(kModern, {{"allowed_groups", {"X25519", "prime256v1", "0x0018"}}});
    ASSERT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(offending_groups(o), (std::vector<std::string>{"x448", "secp521r1", "ffdhe2048"}));
    EXPECT_EQ(o.observed["offending"][0]["reasons"], Json::array({"not_allowed"}));
    EXPECT_TRUE(has_status(
        run(groups({"x25519"}, {"secp256r1"}), {{"allowed_groups", {"x25519", "secp256r1"}}}), Status::pass));
}

TEST_F(KeyExchange, UnknownGroupsFailOnlyTheAllowList) {
    auto f = groups({"x25519", "0x5a5a"}, {});
    EXPECT_TRUE(has_status(run(f), Status::pass));
    auto o = run(f, {{"allowed_groups", {"x25519"}}});
    ASSERT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(offending_groups(o), std::vector<std::string>{"0x5a5a"});
}

TEST_F(KeyExchange, ForbiddenGroupsFailInEveryVersion) {
    auto o = run(kModern, {{"forbidden_groups", {"secp384r1"}}});
    ASSERT_TRUE(has_status(o, Status::fail));
    ASSERT_EQ(o.observed["offending"].size(), 2u);
    EXPECT_EQ(o.observed["offending"][0]["version"], "TLSv1.3");
    EXPECT_EQ(o.observed["offending"][1]["version"], "TLSv1.2");
    EXPECT_EQ(o.observed["offending"][1]["reasons"], Json::array({"forbidden"}));
    EXPECT_NE(o.message.find("TLSv1.2 accepts secp384r1 (forbidden)"), std::string::npos) << o.message;
}

TEST_F(KeyExchange, RequirePqHybrid) {
    auto o = run(kModern, {{"require_pq_hybrid", true}});
    ASSERT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["offending"][0]["reasons"], Json::array({"no_pq_hybrid"}));
    // Only a TLS 1.3 hybrid counts.
    EXPECT_TRUE(has_status(run(groups({}, {"x25519"}), {{"require_pq_hybrid", true}}), Status::fail));
    EXPECT_TRUE(has_status(
        run(groups({"X25519MLKEM768", "x25519"}, {"x25519"}), {{"require_pq_hybrid", true}}), Status::pass));
}

TEST_F(KeyExchange, NothingToJudgeIsNotApplicable) {
    EXPECT_TRUE(has_status(run(groups({}, {})), Status::not_applicable));
}

TEST_F(KeyExchange, IncompleteEnumerationIsAnErrorUnlessSomethingFails) {
    auto f = groups({"x25519"}, {});
    f.complete = false;
    f.note = "TLSv1.2 ECDHE: no answer within 5000 ms";
    auto o = run(f);
    EXPECT_TRUE(has_status(o, Status::error));
    EXPECT_NE(o.message.find("no answer"), std::string::npos);
    EXPECT_TRUE(has_status(run(f, {{"forbidden_groups", {"x25519"}}}), Status::fail));
}

TEST_F(KeyExchange, MissingOrMalformedFactsAreErrors) {
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
    h.set("tls_groups", Json{{"tls13_groups", "x25519"}});
    EXPECT_TRUE(has_status(h.run(kCheck), Status::error));
}

TEST_F(KeyExchange, MisspeltGroupNamesAreRefusedAtLoad) {
    for (const char* key : {"allowed_groups", "forbidden_groups"}) {
        auto p = h.params(kCheck, {{key, {"x25519", "secp256"}}});
        ASSERT_FALSE(p.ok()) << key;
        EXPECT_NE(p.error().describe().find("secp256"), std::string::npos) << p.error().describe();
        EXPECT_NE(p.error().describe().find(key), std::string::npos) << p.error().describe();
    }
    EXPECT_FALSE(h.params(kCheck, {{"min_dh_bits", -1}}).ok());
    EXPECT_FALSE(h.params(kCheck, {{"require_pq_hybrid", "yes"}}).ok());
    EXPECT_FALSE(h.params(kCheck, {{"min_ec_bits", 224}}).ok());
    EXPECT_TRUE(h.params(kCheck, {{"forbidden_groups", {"0x0013", "secp192r1", "ffdhe2048"}}}).ok());
}

}  // namespace
}  // namespace conformscan::checks::tls
