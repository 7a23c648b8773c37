// Alerts: what counts as new, regressed, fixed and expiring; when a message
// is due; what it says; and that a webhook failure is retried and reported
// without its token.
#include "scanner/notify.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace conformscan::scanner {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

core::ScanReport report_with_leaf(const std::string& not_after) {
    core::ScanReport r;
    r.as_of = core::parse_time("2026-11-29T00:00:00Z", true).value();
    core::TargetRecord t;
    t.target.id = "127.0.0.1:443";
    core::ProbeRecord tls;
    tls.probe = "tls";
    tls.data = {{"chain", nlohmann::json::array({{{"common_name", "demo.test"}, {"not_after", not_after}}})}};
    t.facts.put(tls);
    r.targets.push_back(t);
    return r;
}

TEST(Notify, ComparesWithThePreviousScanByTargetProfileAndRule) {
    const std::vector<ResultRow> before = {{"t", "p", "A", "pass", "high"},
                                           {"t", "p", "B", "fail", "high"},
                                           {"t", "p", "C", "fail", "low"},
                                           {"t", "p", "D", "error", "low"}};
    const std::vector<ResultRow> now = {{"t", "p", "A", "fail", "high"},   // regression
                                        {"t", "p", "B", "fail", "high"},   // still failing
                                        {"t", "p", "C", "pass", "low"},    // fixed
                                        {"t", "p", "D", "fail", "low"},    // new failure, not a regression
                                        {"u", "p", "A", "fail", "high"}};  // a new target's failure
    auto c = compare_scans(report_with_leaf("2027-06-01T00:00:00Z"), now, &before, "prev-1", 30);
    EXPECT_TRUE(c.has_previous);
    ASSERT_EQ(c.regressions.size(), 1U);
    EXPECT_EQ(c.regressions[0].rule_id, "A");
    ASSERT_EQ(c.new_failures.size(), 3U);
    EXPECT_EQ(c.new_failures[1].rule_id, "D");
    EXPECT_EQ(c.new_failures[2].target_id, "u");
    ASSERT_EQ(c.fixed.size(), 1U);
    EXPECT_EQ(c.fixed[0].rule_id, "C");
    EXPECT_TRUE(c.expiring_certificates.empty());
    EXPECT_EQ(c.events(), (std::vector<std::string>{"new_failures", "regressions"}));
}

TEST(Notify, AnUnchangedRerunCallsForNoMessage) {
    const std::vector<ResultRow> rows = {{"t", "p", "A", "fail", "high"}, {"t", "p", "B", "pass", "high"}};
    auto c = compare_scans(report_with_leaf("2027-06-01T00:00:00Z"), rows, &rows, "prev", 30);
    EXPECT_TRUE(c.events().empty());
    NotifyConfig n;
    n.events = notify_events();
    EXPECT_FALSE(should_notify(n, c));
    n.when_unchanged = true;
    EXPECT_TRUE(should_notify(n, c));
}

TEST(Notify, TheFirstScanReportsEveryFailureAsNew) {
    const std::vector<ResultRow> rows = {{"t", "p", "A", "fail", "high"}, {"t", "p", "B", "pass", "high"}};
    auto c = compare_scans(report_with_leaf("2027-06-01T00:00:00Z"), rows, nullptr, "", 30);
    EXPECT_FALSE(c.has_previous);
    EXPECT_EQ(c.new_failures.size(), 1U);
    EXPECT_TRUE(c.regressions.empty());
}

TEST(Notify, CertificatesExpiringWithinTheWindowAreListed) {
    auto soon = compare_scans(report_with_leaf("2026-12-19T12:00:00Z"), {}, nullptr, "", 30);
    ASSERT_EQ(soon.expiring_certificates.size(), 1U);
    EXPECT_EQ(soon.expiring_certificates[0].days_left, 20);
    EXPECT_EQ(soon.expiring_certificates[0].subject, "demo.test");
    auto expired = compare_scans(report_with_leaf("2026-11-01T00:00:00Z"), {}, nullptr, "", 30);
    ASSERT_EQ(expired.expiring_certificates.size(), 1U);
    EXPECT_LT(expired.expiring_certificates[0].days_left, 0);
    EXPECT_TRUE(compare_scans(report_with_leaf("2027-01-01T00:00:00Z"), {}, nullptr, "", 30)
                    .expiring_certificates.empty());
    NotifyConfig only_regressions;
    only_regressions.events = {"regressions"};
    EXPECT_FALSE(should_notify(only_regressions, soon)) << "only the subscribed events count";
}

TEST(Notify, TheMessageNamesTheScanTheReportAndEachFinding) {
    const std::vector<ResultRow> before = {{"t", "p", "A", "pass", "high"}};
    const std::vector<ResultRow> now = {{"t", "p", "A", "fail", "high"}};
    auto c = compare_scans(report_with_leaf("2026-12-10T00:00:00Z"), now, &before, "scan-0", 30);
    AlertContext ctx{"core",  "/etc/conformscan/conformscan.yaml",     "scan-1", "s", "f", "/var/lib/r.json",
                     "host1", {{"results", {{"pass", 3}, {"fail", 1}}}}};
    NotifyConfig n;
    n.events = notify_events();
    EXPECT_EQ(alert_subject(ctx, c),
              "[conformscan] core: 1 regressions, 1 new failures, 1 certificates expiring");
    const auto text = alert_text(ctx, c, n);
    EXPECT_THAT(text, HasSubstr("report: /var/lib/r.json"));
    EXPECT_THAT(text, HasSubstr("results: 3 pass, 1 fail, 0 error, 0 waived"));
    EXPECT_THAT(text, HasSubstr("compared with the previous scan scan-0"));
    EXPECT_THAT(text, HasSubstr("- [high] t A (p)"));
    EXPECT_THAT(text, HasSubstr("127.0.0.1:443 demo.test: 2026-12-10T00:00:00Z (11 days)"));
    const auto j = alert_json(ctx, c, n);
    EXPECT_EQ(j["changes"]["regressions"]["count"], 1);
    EXPECT_EQ(j["scan"]["report"], "/var/lib/r.json");
    EXPECT_EQ(j["previous_scan"], "scan-0");
}

TEST(Notify, AnExpiringCertificateOrExpiredWaiverIsAnEventOnlyTheFirstTime) {
    auto report = report_with_leaf("2026-12-10T00:00:00Z");
    report.waivers = {{"expired", nlohmann::json::array({{{"id", "W-1"}, {"rule", "A"}, {"expires_on", "2026-11-01"}}})}};
    auto first = compare_scans(report, {}, nullptr, "", 30);
    EXPECT_EQ(first.events(), (std::vector<std::string>{"expired_waivers", "expiring_certificates"}));
    const auto watch = watch_keys(first);

    auto again = compare_scans(report, {}, nullptr, "", 30);
    forget_known(again, watch);
    EXPECT_TRUE(again.events().empty());
    ASSERT_EQ(again.expiring_certificates.size(), 1U);  // still listed, no longer new
    EXPECT_FALSE(again.expiring_certificates[0].is_new);
    EXPECT_EQ(again.new_expired_waivers, 0U);
    const auto j = changes_json(again);
    EXPECT_EQ(j["expired_waivers"]["count"], 1);
    EXPECT_EQ(j["expired_waivers"]["new"], 0);
    EXPECT_EQ(j["expiring_certificates"][0]["new"], false);

    // A renewed certificate that expires soon again is new.
    auto renewed = compare_scans(report_with_leaf("2026-12-20T00:00:00Z"), {}, nullptr, "", 30);
    forget_known(renewed, watch);
    EXPECT_EQ(renewed.events(), (std::vector<std::string>{"expiring_certificates"}));
    NotifyConfig n;
    n.events = {"regressions"};
    EXPECT_FALSE(should_notify(n, renewed));
    n.events = {"expiring_certificates"};
    EXPECT_TRUE(should_notify(n, renewed));
}

TEST(Notify, AMessageNamesTheEarlierScansWhoseAlertsItCarries) {
    const std::vector<ResultRow> now = {{"t", "p", "A", "fail", "high"}};
    auto c = compare_scans(report_with_leaf("2027-06-01T00:00:00Z"), now, nullptr, "", 30);
    AlertContext ctx;
    ctx.config_name = "core";
    ctx.undelivered_scans = {"scan-1", "scan-2"};
    NotifyConfig n;
    n.events = notify_events();
    EXPECT_THAT(alert_text(ctx, c, n),
                HasSubstr("the alerts of scan(s) scan-1, scan-2 were not delivered: this message covers the changes "
                          "since the first scan"));
    EXPECT_EQ(alert_json(ctx, c, n)["undelivered_scans"], nlohmann::json({"scan-1", "scan-2"}));
}

TEST(Notify, AHeaderCannotBeInjectedThroughTheConfigurationName) {
    AlertContext ctx;
    ctx.config_name = "core\r\nBcc: someone@evil.invalid";
    EXPECT_THAT(alert_subject(ctx, ScanChanges{}), Not(HasSubstr("\n")));
}

TEST(Notify, AnUnreachableWebhookFailsAfterItsRetriesWithoutTheToken) {
    ::setenv("CONFORMSCAN_TEST_HOOK_TOKEN", "sekrit-token", 1);
    WebhookConfig w;
    w.url = "http://127.0.0.1:9/hook";  // discard port: nothing listens
    w.token.env = "CONFORMSCAN_TEST_HOOK_TOKEN";
    w.retries = 1;
    w.timeout_s = 2;
    auto r = send_webhook(w, {{"x", 1}});
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message, HasSubstr("webhook http://127.0.0.1:9/hook: "));
    EXPECT_THAT(r.error().message, Not(HasSubstr("sekrit-token")));
    ::unsetenv("CONFORMSCAN_TEST_HOOK_TOKEN");
}

}  // namespace
}  // namespace conformscan::scanner
