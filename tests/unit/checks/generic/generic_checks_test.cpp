#include "checks/generic/generic_checks.hpp"

#include <gtest/gtest.h>

#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::generic {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

class GenericChecks : public ::testing::Test {
protected:
    void SetUp() override {
        auto f = fixtures::default_tls();  // leaf RSA 2048, CA RSA 4096
        f.alpn = "";
        h.set_tls(f);
        h.set("tcp", Json{{"state", "open"}, {"connect_ms", 12.5}, {"banner", "SSH-2.0-OpenSSH_7.4"}});
        h.set("misc", Json{{"zero", 0},
                           {"one", 1},
                           {"half", 0.5},
                           {"empty_string", ""},
                           {"empty_list", Json::array()},
                           {"empty_object", Json::object()},
                           {"object", {{"a", 1}}},
                           {"null", nullptr},
                           {"list", {"a", "b"}},
                           {"mixed", {1, "x"}},
                           {"many", std::vector<int>(30, 7)},
                           {"long", std::string(2049, 'x')},
                           {"longest", std::string(2048, 'x')}});
    }
    fixtures::CheckHarness h{register_generic_checks};
};

TEST_F(GenericChecks, RequireTruthy) {
    auto o = h.run("fact.require", {{"path", "tls.chain[0].is_ca"}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["path"], "tls.chain[0].is_ca");
    EXPECT_EQ(o.observed["values"], Json::array({false}));
    EXPECT_EQ(o.expected["truthy"], true);
    EXPECT_TRUE(has_status(h.run("fact.require", {{"path", "tls.chain[1].is_ca"}}), Status::pass));
    EXPECT_TRUE(has_status(h.run("fact.require", {{"path", "tls.verification.trusted"}}), Status::pass));
    for (const char* falsy :
         {"misc.zero", "misc.empty_string", "misc.empty_list", "misc.empty_object", "misc.null", "tls.alpn"})
        EXPECT_TRUE(has_status(h.run("fact.require", {{"path", falsy}}), Status::fail)) << falsy;
    for (const char* truthy : {"misc.one", "misc.half", "misc.object", "misc.list", "tls.version"})
        EXPECT_TRUE(has_status(h.run("fact.require", {{"path", truthy}}), Status::pass)) << truthy;
}

TEST_F(GenericChecks, RequireEquals) {
    auto o = h.run("fact.require", {{"path", "tls.version"}, {"equals", "TLSv1.3"}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.expected["equals"], "TLSv1.3");
    o = h.run("fact.require", {{"path", "tls.version"}, {"equals", "TLSv1.2"}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.message, "tls.version is TLSv1.3; required TLSv1.2");
    EXPECT_TRUE(has_status(h.run("fact.require", {{"path", "misc.zero"}, {"equals", 0}}), Status::pass));
    EXPECT_TRUE(has_status(h.run("fact.require", {{"path", "misc.one"}, {"equals", 1.0}}), Status::pass));
    EXPECT_TRUE(
        has_status(h.run("fact.require", {{"path", "misc.list"}, {"equals", {"a", "b"}}}), Status::pass));
    EXPECT_TRUE(has_status(h.run("fact.require", {{"path", "misc.one"}, {"equals", true}}), Status::fail));
}

TEST_F(GenericChecks, RequireOverAWildcardPathNeedsEveryValue) {
    auto o = h.run("fact.require", {{"path", "tls.chain[*].key.type"}, {"equals", "RSA"}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["count"], 2);
    o = h.run("fact.require", {{"path", "tls.chain[*].is_ca"}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("1 of 2 values"), std::string::npos) << o.message;
}

TEST_F(GenericChecks, AbsentValuesFollowTheAbsentParameter) {
    for (const char* check : {"fact.require", "fact.matches", "fact.at_least", "fact.at_most"}) {
        Json with{{"path", "tls.no_such_fact"}};
        if (std::string(check) == "fact.matches") with["pattern"] = "x";
        if (std::string(check).rfind("fact.at_", 0) == 0) with["value"] = 1;
        auto o = h.run(check, with);
        EXPECT_TRUE(has_status(o, Status::fail)) << check;
        EXPECT_EQ(o.message, "no value at tls.no_such_fact") << check;
        with["absent"] = "pass";
        EXPECT_TRUE(has_status(h.run(check, with), Status::pass)) << check;
        with["absent"] = "error";
        EXPECT_TRUE(has_status(h.run(check, with), Status::error)) << check;
    }
    EXPECT_TRUE(has_status(h.run("fact.forbid", {{"path", "tls.no_such_fact"}}), Status::pass));
    EXPECT_TRUE(
        has_status(h.run("fact.forbid", {{"path", "tls.chain[9].key"}, {"absent", "fail"}}), Status::fail));
    // A probe the target has no record of yields no value either.
    EXPECT_TRUE(has_status(h.run("fact.require", {{"path", "ssh.banner"}}), Status::fail));
    EXPECT_FALSE(h.params("fact.require", {{"path", "tls.x"}, {"absent", "ignore"}}).ok());
}

TEST_F(GenericChecks, ForbidWithoutValuesRefusesTruthyValues) {
    EXPECT_TRUE(has_status(h.run("fact.forbid", {{"path", "tls.chain[*].self_signed"}}), Status::pass));
    auto o = h.run("fact.forbid", {{"path", "tls.chain[*].is_ca"}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.expected["truthy"], false);
    EXPECT_TRUE(has_status(h.run("fact.forbid", {{"path", "misc.empty_list"}}), Status::pass));
}

TEST_F(GenericChecks, ForbidWithValues) {
    auto o = h.run("fact.forbid", {{"path", "tls.version"}, {"values", {"TLSv1", "TLSv1.1"}}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.expected["none_of"], Json::array({"TLSv1", "TLSv1.1"}));
    o = h.run("fact.forbid", {{"path", "tls.version"}, {"values", {"TLSv1.3"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("forbidden"), std::string::npos) << o.message;
    // A scalar is a list of one.
    EXPECT_TRUE(
        has_status(h.run("fact.forbid", {{"path", "tls.version"}, {"values", "TLSv1.3"}}), Status::fail));
    EXPECT_TRUE(has_status(h.run("fact.forbid", {{"path", "misc.zero"}, {"values", 0}}), Status::fail));
    // Elements of a list value are judged one by one.
    o = h.run("fact.forbid", {{"path", "misc.list"}, {"values", {"b", "c"}}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("[\"b\"]"), std::string::npos) << o.message;
    EXPECT_TRUE(has_status(h.run("fact.forbid", {{"path", "misc.list"}, {"values", {"c"}}}), Status::pass));
    EXPECT_TRUE(has_status(
        h.run("fact.forbid", {{"path", "tls.chain[*].signature.hash"}, {"values", {"sha1", "md5"}}}),
        Status::pass));
}

TEST_F(GenericChecks, AtLeastAndAtMost) {
    auto o = h.run("fact.at_least", {{"path", "tls.chain[*].key.bits"}, {"value", 2048}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.expected["minimum"], 2048);
    o = h.run("fact.at_least", {{"path", "tls.chain[*].key.bits"}, {"value", 3072}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.message, "1 of 2 values at tls.chain[*].key.bits fail (first: 2048), below the minimum 3072");
    EXPECT_TRUE(has_status(h.run("fact.at_least", {{"path", "tls.chain[0].key.bits"}, {"value", 2048.0}}),
                           Status::pass));
    EXPECT_TRUE(has_status(h.run("fact.at_least", {{"path", "tls.chain[0].key.bits"}, {"value", 2048.5}}),
                           Status::fail));

    o = h.run("fact.at_most", {{"path", "tcp.connect_ms"}, {"value", 12.5}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.expected["maximum"], 12.5);
    o = h.run("fact.at_most", {{"path", "tcp.connect_ms"}, {"value", 10}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.message, "tcp.connect_ms is 12.5, above the maximum 10");
    EXPECT_TRUE(has_status(h.run("fact.at_most", {{"path", "misc.half"}, {"value", -1}}), Status::fail));
}

TEST_F(GenericChecks, BoundsRefuseNonNumbers) {
    for (const char* path : {"tls.version", "tls.verification.trusted", "misc.mixed[*]", "misc.list"}) {
        auto o = h.run("fact.at_least", {{"path", path}, {"value", 1}});
        EXPECT_TRUE(has_status(o, Status::error)) << path;
        EXPECT_NE(o.message.find("not a number"), std::string::npos) << o.message;
    }
    EXPECT_FALSE(h.params("fact.at_least", {{"path", "tls.x"}}).ok());  // value is required
    EXPECT_FALSE(h.params("fact.at_most", {{"path", "tls.x"}, {"value", "10"}}).ok());
}

TEST_F(GenericChecks, MatchesModes) {
    const Json version{{"path", "tls.version"}, {"pattern", "^TLSv1\\.[23]$"}};
    auto o = h.run("fact.matches", version);
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.expected["pattern"], "^TLSv1\\.[23]$");
    EXPECT_EQ(o.expected["mode"], "all");
    EXPECT_TRUE(has_status(h.run("fact.matches", {{"path", "tls.version"}, {"pattern", "^TLSv1\\.2$"}}),
                           Status::fail));

    // Unanchored search, like JSON Schema's pattern.
    EXPECT_TRUE(
        has_status(h.run("fact.matches", {{"path", "tcp.banner"}, {"pattern", "OpenSSH_"}}), Status::pass));
    o = h.run("fact.matches", {{"path", "tcp.banner"}, {"pattern", "OpenSSH_[0-7]\\."}, {"mode", "none"}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("SSH-2.0-OpenSSH_7.4"), std::string::npos) << o.message;

    const Json subjects{{"path", "tls.chain[*].subject"}, {"pattern", "^CN=www\\."}};
    EXPECT_TRUE(has_status(h.run("fact.matches", subjects), Status::fail));
    o = h.run("fact.matches", {{"path", "tls.chain[*].subject"}, {"pattern", "^CN=www\\."}, {"mode", "any"}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_TRUE(has_status(
        h.run("fact.matches", {{"path", "tls.chain[*].subject"}, {"pattern", "O=Other"}, {"mode", "any"}}),
        Status::fail));
    EXPECT_TRUE(has_status(
        h.run("fact.matches", {{"path", "tls.chain[*].subject"}, {"pattern", "O=Other"}, {"mode", "none"}}),
        Status::pass));
}

TEST_F(GenericChecks, MatchesNumbersAsTextAndRefusesOtherTypes) {
    EXPECT_TRUE(
        has_status(h.run("fact.matches", {{"path", "tls.chain[*].key.bits"}, {"pattern", "^(2048|4096)$"}}),
                   Status::pass));
    EXPECT_TRUE(has_status(h.run("fact.matches", {{"path", "tls.verification.trusted"}, {"pattern", "true"}}),
                           Status::error));
    EXPECT_TRUE(has_status(h.run("fact.matches", {{"path", "misc.list"}, {"pattern", "a"}}), Status::error));
    EXPECT_TRUE(
        has_status(h.run("fact.matches", {{"path", "misc.list[*]"}, {"pattern", "^[ab]$"}}), Status::pass));
    auto o = h.run("fact.matches", {{"path", "misc.long"}, {"pattern", ".*"}});
    EXPECT_TRUE(has_status(o, Status::error));
    EXPECT_NE(o.message.find("characters long"), std::string::npos) << o.message;
    EXPECT_TRUE(
        has_status(h.run("fact.matches", {{"path", "misc.longest"}, {"pattern", "^(x|y)*$"}}), Status::pass));
}

TEST_F(GenericChecks, ValidateRefusesBadPathsAndPatterns) {
    for (const char* check :
         {"fact.require", "fact.forbid", "fact.matches", "fact.at_least", "fact.at_most"}) {
        for (const char* path : {"", ".tls", "tls..version", "tls.chain[x]", "tls.chain[0", "tls version"}) {
            Json with{{"path", path}, {"pattern", "x"}, {"value", 1}};
            if (std::string(check) != "fact.matches") with.erase("pattern");
            if (std::string(check).rfind("fact.at_", 0) != 0) with.erase("value");
            auto p = h.params(check, with);
            EXPECT_FALSE(p.ok()) << check << " " << path;
            if (!p.ok()) {
                EXPECT_EQ(p.error().code, "bad_fact_path") << p.error().describe();
            }
        }
        EXPECT_FALSE(h.params(check, Json::object()).ok()) << check;  // path is required
    }
    for (const char* pattern : {"(", "[a-", "a{2,1}", "*x"}) {
        auto p = h.params("fact.matches", {{"path", "tls.version"}, {"pattern", pattern}});
        EXPECT_FALSE(p.ok()) << pattern;
        if (!p.ok()) {
            EXPECT_EQ(p.error().code, "param_pattern");
        }
    }
    EXPECT_FALSE(h.params("fact.matches", {{"path", "tls.version"}}).ok());
    EXPECT_FALSE(
        h.params("fact.matches", {{"path", "tls.version"}, {"pattern", "x"}, {"mode", "some"}}).ok());
}

TEST_F(GenericChecks, ProbesComeFromThePath) {
    for (const char* check :
         {"fact.require", "fact.forbid", "fact.matches", "fact.at_least", "fact.at_most"}) {
        const auto& d = h.check(check);
        EXPECT_EQ(d.needed_probes(Json{{"path", "tcp.state"}}), std::vector<std::string>{"tcp"}) << check;
        EXPECT_EQ(d.needed_probes(Json{{"path", "tls.chain[*].key.bits"}}), std::vector<std::string>{"tls"})
            << check;
        EXPECT_TRUE(d.needed_probes(Json{{"path", "..."}}).empty()) << check;
        EXPECT_FALSE(d.examples.empty()) << check;
    }
}

TEST_F(GenericChecks, EvidenceListsAtMostTwentyValues) {
    auto o = h.run("fact.at_least", {{"path", "misc.many[*]"}, {"value", 7}});
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["values"].size(), 20u);
    EXPECT_EQ(o.observed["count"], 30);
    EXPECT_EQ(o.observed["truncated"], true);
    o = h.run("fact.at_least", {{"path", "misc.list"}, {"value", 7}, {"absent", "pass"}});
    EXPECT_FALSE(o.observed.contains("truncated"));
}

TEST(GenericChecksRegistry, RegisteringTwiceIsRefused) {
    core::CheckRegistry registry;
    register_generic_checks(registry);
    EXPECT_EQ(registry.all().size(), 5u);
    EXPECT_THROW(register_generic_checks(registry), std::logic_error);
}

}  // namespace
}  // namespace conformscan::checks::generic
