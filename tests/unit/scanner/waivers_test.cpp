#include "scanner/waivers.hpp"

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scanner/digest.hpp"

namespace conformscan::scanner {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

core::Profile profile(const std::string& id, const std::vector<std::string>& rule_ids) {
    core::Profile p;
    p.id = id;
    for (const auto& r : rule_ids) {
        core::Rule rule;
        rule.id = r;
        p.rules.push_back(rule);
    }
    return p;
}

const std::vector<core::Profile> kProfiles = {profile("itu-t/x509-certificates", {"X509-KEY-01", "X509-KEY-02", "X509-TRUST-01"}),
                                              profile("lab-tls", {"TLS-VERSIONS-01"})};

class Waivers : public ::testing::Test {
protected:
    fs::path write(const std::string& text) {
        auto dir = fs::temp_directory_path() / ("conformscan-waivers-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        auto file = dir / (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".yaml");
        std::ofstream(file) << text;
        return file;
    }
    std::string at(const fs::path& file, int line, int column) {
        return file.string() + ":" + std::to_string(line) + ":" + std::to_string(column);
    }
};

const char* kGood = R"(waivers:
  - id: W-1
    rule: X509-KEY-*
    targets: ["127.0.0.1:18449", "legacy-*"]
    kind: risk-accepted
    justification: "The appliance cannot load a 2048-bit key until its firmware 4.2 upgrade."
    requested_by: NOC
    approved_by: CISO
    approved_on: 2026-11-01
    expires_on: "2027-01-31T23:59:59+03:00"
  - id: W-2
    rule: TLS-VERSIONS-01
    profile: lab-*
    tags: [legacy]
    kind: compensating-control
    justification: Reachable from the management VLAN only.
    requested_by: NOC
    approved_by: CISO
    approved_on: 2026-01-01
    expires_on: "2026-06-30T00:00:00Z"
)";

TEST_F(Waivers, LoadsEveryFieldAndTheFileDigest) {
    auto file = write(kGood);
    auto w = load_waivers(file, kProfiles);
    ASSERT_TRUE(w.ok()) << w.error().describe();
    EXPECT_EQ(w->sha256, sha256_file(file).value());
    ASSERT_EQ(w->waivers.size(), 2u);
    const auto& a = w->waivers[0];
    EXPECT_EQ(a.id, "W-1");
    EXPECT_EQ(a.rule, "X509-KEY-*");
    EXPECT_EQ(a.targets, (std::vector<std::string>{"127.0.0.1:18449", "legacy-*"}));
    EXPECT_EQ(a.kind, "risk-accepted");
    EXPECT_EQ(core::format_time(a.expires_on), "2027-01-31T20:59:59Z");  // the offset is honoured
    EXPECT_EQ(a.expires_on_text, "2027-01-31T23:59:59+03:00");
    EXPECT_EQ(a.defined_in, at(file, 2, 5));
    EXPECT_EQ(w->waivers[1].tags, (std::vector<std::string>{"legacy"}));
    EXPECT_EQ(w->waivers[1].profile, "lab-*");
}

struct Bad {
    const char* name;
    std::string text;
    int line;
    int column;
    const char* says;
};

std::string good_with(const std::string& from, const std::string& to) {
    std::string s = kGood;
    s.replace(s.find(from), from.size(), to);
    return s;
}

TEST_F(Waivers, MalformedFilesAreRefusedWithFileLineColumn) {
    const std::vector<Bad> cases = {
        {"no justification", good_with("    justification: Reachable from the management VLAN only.\n", ""), 11, 5,
         "justification"},
        {"empty justification", good_with("Reachable from the management VLAN only.", "\"  \""), 16, 20, "must not be empty"},
        {"unknown kind", good_with("kind: risk-accepted", "kind: accepted"), 5, 11, "risk-accepted, false-positive"},
        {"date without offset", good_with("\"2027-01-31T23:59:59+03:00\"", "2027-01-31"), 10, 17, "explicit offset"},
        {"local time", good_with("\"2027-01-31T23:59:59+03:00\"", "\"2027-01-31T23:59:59\""), 10, 17, "offset"},
        {"unknown rule", good_with("rule: TLS-VERSIONS-01", "rule: TLS-VERSION-01"), 12, 11, "no rule of the loaded profiles"},
        {"unknown profile", good_with("profile: lab-*", "profile: nist/*"), 13, 14, "no loaded profile matches"},
        {"duplicate id", good_with("id: W-2", "id: W-1"), 11, 5, "already used at"},
        {"unknown key", good_with("    tags: [legacy]\n", "    tag: [legacy]\n"), 14, 5, "tag"},
        {"expires before approval", good_with("approved_on: 2026-01-01", "approved_on: 2026-07-01"), 20, 17,
         "before approved_on"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto file = write(c.text);
        auto w = load_waivers(file, kProfiles);
        ASSERT_FALSE(w.ok());
        EXPECT_EQ(w.error().where, at(file, c.line, c.column)) << w.error().describe();
        EXPECT_THAT(w.error().message, HasSubstr(c.says));
    }
}

TEST(GlobMatch, StarsAndQuestionMarks) {
    EXPECT_TRUE(glob_match("X509-KEY-*", "X509-KEY-01"));
    EXPECT_TRUE(glob_match("*", ""));
    EXPECT_TRUE(glob_match("a*b*c", "aXXbYYc"));
    EXPECT_TRUE(glob_match("W-?", "W-1"));
    EXPECT_FALSE(glob_match("W-?", "W-10"));
    EXPECT_FALSE(glob_match("X509-KEY-*", "X509-TRUST-01"));
    EXPECT_TRUE(glob_match("127.0.0.1:*", "127.0.0.1:18443"));
    EXPECT_FALSE(glob_match("abc", "abcd"));
}

core::RuleResult result(const std::string& target, const std::string& profile_id, const std::string& rule,
                        core::Status status) {
    core::RuleResult r;
    r.target_id = target;
    r.profile_id = profile_id;
    r.rule_id = rule;
    r.status = status;
    return r;
}

core::TargetRecord target(const std::string& id, const std::string& name, std::vector<std::string> tags) {
    core::TargetRecord t;
    t.target.id = id;
    t.target.name = name;
    t.target.tags = std::move(tags);
    return t;
}

TEST_F(Waivers, InForceWaiversWaiveFailuresAndExpiredOnesAreListed) {
    auto w = load_waivers(write(kGood), kProfiles);
    ASSERT_TRUE(w.ok()) << w.error().describe();
    core::ScanReport report;
    report.as_of = core::parse_time("2026-12-01T00:00:00Z").value();
    report.targets = {target("127.0.0.1:18449", "rsa1024", {}), target("127.0.0.1:18462", "legacy-versions", {"legacy"}),
                      target("127.0.0.1:18443", "good", {})};
    report.results = {
        result("127.0.0.1:18449", "itu-t/x509-certificates", "X509-KEY-01", core::Status::fail),   // by id
        result("127.0.0.1:18462", "itu-t/x509-certificates", "X509-KEY-02", core::Status::error),  // by name
        result("127.0.0.1:18443", "itu-t/x509-certificates", "X509-KEY-01", core::Status::fail),   // not named
        result("127.0.0.1:18449", "itu-t/x509-certificates", "X509-KEY-02", core::Status::pass),   // passes
        result("127.0.0.1:18462", "lab-tls", "TLS-VERSIONS-01", core::Status::fail),               // W-2 expired
    };
    auto section = apply_waivers(*w, report);
    const auto& r = report.results;
    EXPECT_EQ(r[0].status, core::Status::waived);
    EXPECT_EQ(r[0].waiver["id"], "W-1");
    EXPECT_EQ(r[0].waiver["real_status"], "fail");
    EXPECT_EQ(r[0].waiver["approved_by"], "CISO");
    EXPECT_EQ(r[1].status, core::Status::waived);
    EXPECT_EQ(r[1].waiver["real_status"], "error");
    EXPECT_EQ(r[2].status, core::Status::fail);
    EXPECT_TRUE(r[2].waiver.is_null());
    EXPECT_EQ(r[3].status, core::Status::pass);
    EXPECT_EQ(r[4].status, core::Status::fail);  // the real status
    EXPECT_EQ(r[4].waiver["id"], "W-2");
    EXPECT_EQ(r[4].waiver["expired"], true);
    ASSERT_EQ(section["active"].size(), 1u);
    EXPECT_EQ(section["active"][0]["id"], "W-1");
    EXPECT_EQ(section["active"][0]["results"], 2);
    ASSERT_EQ(section["expired"].size(), 1u);
    EXPECT_EQ(section["expired"][0]["id"], "W-2");
    EXPECT_EQ(section["expired"][0]["results"], 1);
    EXPECT_EQ(section["sha256"], w->sha256);
    EXPECT_EQ(section["as_of"], "2026-12-01T00:00:00Z");

    const auto summary = core::summarize(report);
    // judged: 2 waived + 1 pass + 2 fail
    EXPECT_DOUBLE_EQ(summary["conformance_percent"].get<double>(), 60.0);
    EXPECT_DOUBLE_EQ(summary["conformance_percent_without_waivers"].get<double>(), 20.0);
    EXPECT_DOUBLE_EQ(summary["per_profile"]["lab-tls"]["conformance_percent"].get<double>(), 0.0);
}

TEST_F(Waivers, AsOfADeadlineTheSameWaiverHasExpired) {
    auto w = load_waivers(write(kGood), kProfiles);
    ASSERT_TRUE(w.ok()) << w.error().describe();
    core::ScanReport report;
    report.as_of = core::parse_time("2027-01-31T21:00:00Z").value();  // one second after 23:59:59+03:00
    report.targets = {target("127.0.0.1:18449", "rsa1024", {})};
    report.results = {result("127.0.0.1:18449", "itu-t/x509-certificates", "X509-KEY-01", core::Status::fail)};
    auto section = apply_waivers(*w, report);
    EXPECT_EQ(report.results[0].status, core::Status::fail);
    ASSERT_EQ(section["expired"].size(), 2u);
    EXPECT_TRUE(section["active"].empty());
}

// The expiry instant itself is still in force; one second later it is not,
// whatever the offset it was written with.
TEST_F(Waivers, ExpiryBoundaryInEveryTimezone) {
    struct Case {
        const char* expires_on;
        const char* last_in_force;  // UTC
        const char* first_expired;  // UTC
    };
    const Case cases[] = {
        {"2027-01-31T23:59:59+03:00", "2027-01-31T20:59:59Z", "2027-01-31T21:00:00Z"},
        {"2027-01-31T23:59:59-05:00", "2027-02-01T04:59:59Z", "2027-02-01T05:00:00Z"},
        {"2027-01-31T23:59:59+05:45", "2027-01-31T18:14:59Z", "2027-01-31T18:15:00Z"},
        {"2027-01-31T23:59:59Z", "2027-01-31T23:59:59Z", "2027-02-01T00:00:00Z"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.expires_on);
        const auto file = write(std::string(R"(waivers:
  - id: W-TZ
    rule: X509-KEY-01
    kind: compensating-control
    justification: Reachable from the management VLAN only.
    requested_by: NOC
    approved_by: CISO
    approved_on: 2026-11-01
    expires_on: ")") + c.expires_on + "\"\n");
        auto w = load_waivers(file, kProfiles);
        ASSERT_TRUE(w.ok()) << w.error().describe();
        for (const auto& [as_of, in_force] : {std::pair{c.last_in_force, true}, std::pair{c.first_expired, false}}) {
            core::ScanReport report;
            report.as_of = core::parse_time(as_of).value();
            report.targets = {target("127.0.0.1:18449", "rsa1024", {})};
            report.results = {result("127.0.0.1:18449", "itu-t/x509-certificates", "X509-KEY-01", core::Status::fail)};
            auto section = apply_waivers(*w, report);
            EXPECT_EQ(report.results[0].status, in_force ? core::Status::waived : core::Status::fail) << as_of;
            EXPECT_EQ(section["active"].size(), in_force ? 1u : 0u) << as_of;
            EXPECT_EQ(section["expired"].size(), in_force ? 0u : 1u) << as_of;
        }
    }
    // A time without an offset is refused: the deadline would depend on the scanning machine's zone.
    auto no_offset = load_waivers(write(R"(waivers:
  - {id: W-X, rule: X509-KEY-01, kind: risk-accepted, justification: j, requested_by: a, approved_by: b,
     approved_on: 2026-11-01, expires_on: "2027-01-31T23:59:59"}
)"), kProfiles);
    ASSERT_FALSE(no_offset.ok());
}

}  // namespace
}  // namespace conformscan::scanner
