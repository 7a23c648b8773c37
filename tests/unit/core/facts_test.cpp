#include "scanner/core/facts.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace conformscan::core {
namespace {

using ::testing::HasSubstr;
using Kind = FactPath::Step::Kind;

TEST(FactPath, ParsesKeysIndexesAndWildcards) {
    auto p = FactPath::parse("tls.chain[0].key.bits");
    ASSERT_TRUE(p.ok()) << p.error().describe();
    EXPECT_EQ(p->text, "tls.chain[0].key.bits");
    EXPECT_EQ(p->probe, "tls");
    ASSERT_EQ(p->steps.size(), 4u);
    EXPECT_EQ(p->steps[0].kind, Kind::key);
    EXPECT_EQ(p->steps[0].key, "chain");
    EXPECT_EQ(p->steps[1].kind, Kind::index);
    EXPECT_EQ(p->steps[1].index, 0u);
    EXPECT_EQ(p->steps[2].key, "key");
    EXPECT_EQ(p->steps[3].key, "bits");

    auto w = FactPath::parse("tls.chain[*].signature.hash");
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(w->steps[1].kind, Kind::all);

    auto bare = FactPath::parse("tcp");
    ASSERT_TRUE(bare.ok());
    EXPECT_TRUE(bare->steps.empty());

    auto nested = FactPath::parse("http.headers[12][3].x-frame_options");
    ASSERT_TRUE(nested.ok());
    ASSERT_EQ(nested->steps.size(), 4u);
    EXPECT_EQ(nested->steps[1].index, 12u);
    EXPECT_EQ(nested->steps[2].index, 3u);
    EXPECT_EQ(nested->steps[3].key, "x-frame_options");
}

TEST(FactPath, RefusesMalformedPaths) {
    const std::pair<const char*, const char*> cases[] = {
        {"", "must start with a probe name"},
        {".tls", "must start with a probe name"},
        {"[0]", "must start with a probe name"},
        {"tls.", "expected a key after '.'"},
        {"tls..a", "expected a key after '.'"},
        {"tls.chain[", "unclosed '['"},
        {"tls.chain[]", "index must be a number or '*'"},
        {"tls.chain[x]", "index must be a number or '*'"},
        {"tls.chain[-1]", "index must be a number or '*'"},
        {"tls.chain[1234567]", "index must be a number or '*'"},
        {"tls chain", "unexpected ' '"},
        {"tls.a]", "unexpected ']'"},
    };
    for (const auto& [text, phrase] : cases) {
        auto p = FactPath::parse(text);
        ASSERT_FALSE(p.ok()) << text;
        EXPECT_EQ(p.error().code, "bad_fact_path");
        EXPECT_THAT(p.error().message, HasSubstr(phrase)) << text;
    }
}

FactSet sample() {
    FactSet facts;
    ProbeRecord tls;
    tls.probe = "tls";
    tls.data = Json::parse(R"({"version": "TLSv1.3",
                               "chain": [{"key": {"bits": 2048}}, {"key": {"bits": 1024}}, {"nokey": 1}]})");
    tls.duration_ms = 12.5;
    facts.put(tls);
    facts.put(ProbeRecord::failure("ssh", "connection refused"));
    return facts;
}

std::vector<Json> lookup(const FactSet& facts, const char* path) {
    return facts.lookup(FactPath::parse(path).value());
}

TEST(FactSet, LookupFollowsKeysIndexesAndWildcards) {
    const auto facts = sample();
    EXPECT_EQ(lookup(facts, "tls.version"), (std::vector<Json>{"TLSv1.3"}));
    EXPECT_EQ(lookup(facts, "tls.chain[1].key.bits"), (std::vector<Json>{1024}));
    EXPECT_EQ(lookup(facts, "tls.chain[*].key.bits"),
              (std::vector<Json>{2048, 1024}));  // missing keys skipped
    EXPECT_TRUE(lookup(facts, "tls.chain[3].key.bits").empty());
    EXPECT_TRUE(lookup(facts, "tls.version[0]").empty());  // index into a string
    EXPECT_TRUE(lookup(facts, "tls.version.x").empty());   // key into a string
    EXPECT_TRUE(lookup(facts, "tls.chain[*][*]").empty());
    EXPECT_TRUE(lookup(facts, "tls.missing").empty());
    EXPECT_TRUE(lookup(facts, "http.headers").empty());  // no such probe
    EXPECT_EQ(lookup(facts, "tls").size(), 1u);
    EXPECT_EQ(lookup(facts, "ssh"), (std::vector<Json>{Json::object()}));
}

TEST(FactSet, PutReplacesAndGetFinds) {
    auto facts = sample();
    ASSERT_NE(facts.get("ssh"), nullptr);
    EXPECT_EQ(facts.get("ssh")->status, ProbeStatus::error);
    EXPECT_EQ(facts.get("nope"), nullptr);
    ProbeRecord ssh;
    ssh.probe = "ssh";
    facts.put(ssh);
    EXPECT_EQ(facts.get("ssh")->status, ProbeStatus::ok);
    EXPECT_EQ(facts.records().size(), 2u);
    EXPECT_FALSE(facts.empty());
    EXPECT_TRUE(FactSet().empty());
}

TEST(FactSet, JsonRoundTrip) {
    const auto facts = sample();
    const Json j = facts;
    EXPECT_EQ(j["tls"]["status"], "ok");
    EXPECT_FALSE(j["tls"].contains("error"));
    EXPECT_EQ(j["ssh"]["status"], "error");
    EXPECT_EQ(j["ssh"]["error"], "connection refused");

    const auto back = Json::parse(j.dump()).get<FactSet>();
    ASSERT_EQ(back.records().size(), 2u);
    const auto* tls = back.get("tls");
    ASSERT_NE(tls, nullptr);
    EXPECT_EQ(tls->probe, "tls");
    EXPECT_EQ(tls->status, ProbeStatus::ok);
    EXPECT_EQ(tls->data, facts.get("tls")->data);
    EXPECT_DOUBLE_EQ(tls->duration_ms, 12.5);
    const auto* ssh = back.get("ssh");
    ASSERT_NE(ssh, nullptr);
    EXPECT_EQ(ssh->status, ProbeStatus::error);
    EXPECT_EQ(ssh->error, "connection refused");
    EXPECT_EQ(Json(back), j);
}

TEST(FactSet, FromJsonRefusesAnUnknownStatus) {
    const auto j = Json::parse(R"({"tls": {"status": "maybe", "data": {}}})");
    EXPECT_THROW(j.get<FactSet>(), Json::exception);
    EXPECT_EQ(probe_status_from_string("ok"), ProbeStatus::ok);
    EXPECT_EQ(probe_status_from_string("error"), ProbeStatus::error);
    EXPECT_FALSE(probe_status_from_string("OK").has_value());
    EXPECT_EQ(to_string(ProbeStatus::error), "error");
}

}  // namespace
}  // namespace conformscan::core
