#include "checks/tls/tls_scan_facts.hpp"

#include <gtest/gtest.h>

#include "tests/unit/checks/tls/scan_fact_builders.hpp"

namespace conformscan::checks::tls {
namespace {

using Json = nlohmann::json;

TlsVersionsFacts full_versions() {
    auto f = fixtures::versions_facts({"TLSv1", "TLSv1.2", "TLSv1.3"});
    f.protocols[0].evidence = "no SSLv2 ServerHello: connection closed \xc3\x84";
    f.connections = 9;
    return f;
}

TlsSuitesFacts full_suites() {
    auto tls12 = fixtures::version_suites("TLSv1.2", {0xC02F, 0xC030, 0x002F}, "client");
    tls12.complete = false;
    tls12.note = "connection budget of 40 reached";
    auto f = fixtures::suites_facts({fixtures::version_suites("TLSv1", {0x000A}), tls12,
                                     fixtures::version_suites("TLSv1.3", {0x1301, 0x1302})});
    f.per_version[2].suites.push_back({"0x5a5a", "0x5a5a"});
    f.robot_round.version = "TLSv1.2";
    f.robot_round.suites = {"0x002f", "0x0035"};
    f.robot_round.reactions = {"alert fatal decrypt_error", "alert fatal decrypt_error"};
    f.robot_round.failure = "variant wrong_version: the connection closed";
    return f;
}

TEST(TlsScanFacts, VersionsRoundTripThroughJsonTextWithoutLoss) {
    const auto original = full_versions();
    const Json j = original;
    auto parsed = parse_tls_versions_facts(Json::parse(j.dump()));
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(Json(*parsed), j);
    ASSERT_EQ(parsed->protocols.size(), 6u);
    EXPECT_EQ(parsed->protocols[0].evidence, original.protocols[0].evidence);
    EXPECT_TRUE(parsed->protocols[2].accepted);
    EXPECT_FALSE(parsed->protocols[3].accepted);
    EXPECT_EQ(parsed->accepted, (std::vector<std::string>{"TLSv1", "TLSv1.2", "TLSv1.3"}));
    EXPECT_EQ(parsed->highest, "TLSv1.3");
    EXPECT_EQ(parsed->connections, 9);
}

TEST(TlsScanFacts, SuitesRoundTripThroughJsonTextWithoutLoss) {
    const auto original = full_suites();
    const Json j = original;
    auto parsed = parse_tls_suites_facts(Json::parse(j.dump()));
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(Json(*parsed), j);
    ASSERT_EQ(parsed->per_version.size(), 3u);
    const auto& v = parsed->per_version[1];
    EXPECT_EQ(v.version, "TLSv1.2");
    EXPECT_EQ(v.preference, "client");
    EXPECT_FALSE(v.complete);
    EXPECT_EQ(v.note, "connection budget of 40 reached");
    ASSERT_EQ(v.suites.size(), 3u);
    EXPECT_EQ(v.suites[0].name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    EXPECT_EQ(v.suites[0].code, "0xc02f");
    EXPECT_EQ(parsed->per_version[0].preference, "unknown");
    EXPECT_TRUE(parsed->per_version[0].complete);
    EXPECT_EQ(parsed->per_version[2].suites.back().name, "0x5a5a");
    EXPECT_EQ(parsed->accepted, original.accepted);
    EXPECT_EQ(parsed->connections, original.connections);
    EXPECT_EQ(parsed->robot_round.version, "TLSv1.2");
    EXPECT_EQ(parsed->robot_round.suites, original.robot_round.suites);
    EXPECT_EQ(parsed->robot_round.reactions, original.robot_round.reactions);
    EXPECT_EQ(parsed->robot_round.failure, original.robot_round.failure);
}

TEST(TlsScanFacts, JsonKeysAreMemberNames) {
    const Json v = full_versions();
    for (const char* key : {"protocols", "accepted", "highest", "connections"})
        EXPECT_TRUE(v.contains(key)) << key;
    EXPECT_EQ(v["protocols"][4], (Json{{"version", "TLSv1.2"},
                                       {"accepted", true},
                                       {"evidence", "ServerHello TLSv1.2, suite 0xc02f"}}));
    const Json s = full_suites();
    for (const char* key : {"per_version", "accepted", "connections"}) EXPECT_TRUE(s.contains(key)) << key;
    for (const char* key : {"version", "suites", "preference", "complete", "note"})
        EXPECT_TRUE(s["per_version"][0].contains(key)) << key;
    EXPECT_EQ(s["per_version"][0]["suites"][0],
              (Json{{"name", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"}, {"code", "0x000a"}}));
}

TEST(TlsScanFacts, MissingOrNullKeysTakeDefaults) {
    auto v = parse_tls_versions_facts(Json::object());
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->protocols.empty());
    EXPECT_EQ(v->highest, "");
    EXPECT_EQ(v->connections, 0);
    auto s = parse_tls_suites_facts(Json{
        {"per_version", {{{"version", "TLSv1.2"}, {"suites", {{{"code", "0xc02f"}}}}, {"note", nullptr}}}}});
    ASSERT_TRUE(s.ok()) << s.error().describe();
    ASSERT_EQ(s->per_version.size(), 1u);
    EXPECT_TRUE(s->per_version[0].complete);  // the default
    EXPECT_EQ(s->per_version[0].preference, "");
    EXPECT_EQ(s->per_version[0].suites[0].name, "");
    EXPECT_EQ(s->per_version[0].suites[0].code, "0xc02f");
}

TEST(TlsScanFacts, MalformedFactsAreErrorsNotExceptions) {
    const Json bad_versions[] = {
        Json::array(),
        Json("TLSv1.2"),
        Json{{"protocols", "TLSv1.2"}},
        Json{{"protocols", {"TLSv1.2"}}},
        Json{{"protocols", {{{"version", "TLSv1.2"}, {"accepted", "yes"}}}}},
        Json{{"accepted", {1, 2}}},
        Json{{"highest", 13}},
        Json{{"connections", "many"}},
    };
    for (const auto& j : bad_versions) {
        core::Result<TlsVersionsFacts> r = TlsVersionsFacts{};
        EXPECT_NO_THROW(r = parse_tls_versions_facts(j)) << j.dump();
        ASSERT_FALSE(r.ok()) << j.dump();
        EXPECT_EQ(r.error().code, "bad_facts");
        EXPECT_EQ(r.error().where, "facts.tls_versions");
    }
    const Json bad_suites[] = {
        Json(nullptr),
        Json{{"per_version", Json::object()}},
        Json{{"per_version", {{{"version", 12}}}}},
        Json{{"per_version", {{{"suites", {"0xc02f"}}}}}},
        Json{{"per_version", {{{"suites", {{{"code", 0xc02f}}}}}}}},
        Json{{"per_version", {{{"complete", "no"}}}}},
        Json{{"accepted", "all"}},
    };
    for (const auto& j : bad_suites) {
        core::Result<TlsSuitesFacts> r = TlsSuitesFacts{};
        EXPECT_NO_THROW(r = parse_tls_suites_facts(j)) << j.dump();
        ASSERT_FALSE(r.ok()) << j.dump();
        EXPECT_EQ(r.error().code, "bad_facts");
        EXPECT_EQ(r.error().where, "facts.tls_suites");
        EXPECT_NE(r.error().message.find("malformed tls_suites facts"), std::string::npos)
            << r.error().message;
    }
}

TEST(TlsScanFacts, FirstSuiteAndSslv2KindsRoundTripAndStayOutWhenEmpty) {
    auto f = full_versions();
    f.protocols[4].first_suite = "0xc02f";
    f.protocols[0].sslv2_cipher_kinds = {"0x010080", "0x0700c0"};
    const Json j = f;
    EXPECT_EQ(j["protocols"][4]["first_suite"], "0xc02f");
    EXPECT_FALSE(j["protocols"][3].contains("first_suite"));
    EXPECT_FALSE(j["protocols"][3].contains("sslv2_cipher_kinds"));
    auto parsed = parse_tls_versions_facts(Json::parse(j.dump()));
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(parsed->protocols[4].first_suite, "0xc02f");
    EXPECT_EQ(parsed->protocols[0].sslv2_cipher_kinds, (std::vector<std::string>{"0x010080", "0x0700c0"}));
    // Facts written before these fields existed still load.
    auto old = Json::parse(j.dump());
    old["protocols"][4].erase("first_suite");
    auto parsed_old = parse_tls_versions_facts(old);
    ASSERT_TRUE(parsed_old.ok());
    EXPECT_TRUE(parsed_old->protocols[4].first_suite.empty());
}

}  // namespace
}  // namespace conformscan::checks::tls
