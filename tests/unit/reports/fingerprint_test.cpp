#include "reports/fingerprint.hpp"

#include <gtest/gtest.h>

#include "reports/json_report.hpp"

namespace conformscan::reports {
namespace {

core::Target target(const std::string& host, std::uint16_t port) {
    core::Target t;
    t.host = host;
    t.port = port;
    t.id = core::make_target_id(host, port);
    t.service = "https";
    t.sni = "demo.test";
    return t;
}

TEST(Fingerprint, IsTheFirst16BytesOfSha256OverTheIdentity) {
    // sha256 of ["conformscan-finding/1","https","127.0.0.1",443,"demo.test","","p","R-1"]
    // (python3: hashlib.sha256(json.dumps([...], separators=(",", ":")).encode()).hexdigest()[:32])
    EXPECT_EQ(finding_fingerprint(target("127.0.0.1", 443), "p", "R-1"), "a79cf163f05067a607bce2b35806291e");
}

TEST(Fingerprint, IgnoresAddressScanAndLabelButNotIdentity) {
    auto a = target("portal.example.net", 443);
    auto b = a;
    b.address = "192.0.2.7";
    b.name = "renamed";
    b.tags = {"dmz"};
    const auto fa = finding_fingerprint(a, "p", "R-1");
    EXPECT_EQ(fa.size(), 32u);
    EXPECT_EQ(fa, finding_fingerprint(b, "p", "R-1"));
    auto c = a;
    c.sni = "other.example.net";
    EXPECT_NE(fa, finding_fingerprint(c, "p", "R-1"));
    auto d = a;
    d.starttls = "smtp";
    EXPECT_NE(fa, finding_fingerprint(d, "p", "R-1"));
    auto e = a;
    e.port = 8443;
    EXPECT_NE(fa, finding_fingerprint(e, "p", "R-1"));
    EXPECT_NE(fa, finding_fingerprint(a, "p", "R-2"));
    EXPECT_NE(fa, finding_fingerprint(a, "q", "R-1"));
}

core::ScanReport report_with_one_result() {
    core::ScanReport r;
    r.scan_id = "s";
    core::TargetRecord t;
    t.target = target("127.0.0.1", 443);
    r.targets.push_back(t);
    core::RuleResult res;
    res.target_id = t.target.id;
    res.profile_id = "p";
    res.rule_id = "R-1";
    res.status = core::Status::pass;
    res.probes = {"tls"};
    r.results.push_back(res);
    return r;
}

TEST(Fingerprint, WrittenReadAndComputedWhenAbsent) {
    auto r = report_with_one_result();
    r.operator_name = "Operator A";
    auto j = to_json(r);
    const auto expected = finding_fingerprint(r.targets[0].target, "p", "R-1");
    EXPECT_EQ(j["results"][0]["fingerprint"], expected);
    EXPECT_EQ(j["results"][0]["probes"], nlohmann::json::array({"tls"}));
    EXPECT_EQ(j["operator"], "Operator A");
    auto back = parse_report(j);
    ASSERT_TRUE(back.ok()) << back.error().describe();
    EXPECT_EQ(back->results[0].fingerprint, expected);
    EXPECT_EQ(back->operator_name, "Operator A");
    EXPECT_EQ(to_json(*back), j);

    // An older report without fingerprints gets them when read.
    j["results"][0].erase("fingerprint");
    back = parse_report(j);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->results[0].fingerprint, expected);

    // A recorded fingerprint is kept as it was written.
    j["results"][0]["fingerprint"] = "00112233445566778899aabbccddeeff";
    back = parse_report(j);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->results[0].fingerprint, "00112233445566778899aabbccddeeff");
}

}  // namespace
}  // namespace conformscan::reports
