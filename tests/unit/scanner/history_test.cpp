// The scan history database: two-step recording, recovery of a run that
// died, the previous scan of a configuration, pruning, and reopening.
#include "scanner/history.hpp"

#include <sqlite3.h>
#include <unistd.h>

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace conformscan::scanner {
namespace {

namespace fs = std::filesystem;

class HistoryDb : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/conformscan-history-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        m_dir = tmpl;
    }
    void TearDown() override { fs::remove_all(m_dir); }
    [[nodiscard]] History open() const {
        auto h = History::open(m_dir / History::kFileName);
        EXPECT_TRUE(h.ok()) << h.error().describe();
        return std::move(h).value();
    }
    static ScanRecord record(const std::string& id, const std::string& started,
                             const std::string& digest = "d1") {
        ScanRecord s;
        s.scan_id = id;
        s.config_name = "nightly";
        s.config_digest = digest;
        s.started_at = started;
        s.pid = 42;
        return s;
    }
    static void finish(History& h, ScanRecord s, const std::vector<ResultRow>& rows,
                       const std::string& status = "complete") {
        s.finished_at = s.started_at;
        s.status = status;
        s.exit_code = 1;
        s.summary = {{"score", 50}};
        s.reports = {{"json", "/r/" + s.scan_id + ".json", std::string(64, 'a')}};
        auto r = h.finish(s, rows);
        ASSERT_TRUE(r.ok()) << r.error().describe();
    }
    fs::path m_dir;
};

TEST_F(HistoryDb, RecordsAScanInTwoStepsAndReadsItBack) {
    auto h = open();
    ASSERT_TRUE(h.begin(record("s1", "2026-11-01T02:00:00Z")).ok());
    auto running = h.get("s1");
    ASSERT_TRUE(running.ok());
    ASSERT_TRUE(running->has_value());
    EXPECT_EQ((*running)->status, "running");
    finish(h, record("s1", "2026-11-01T02:00:00Z"),
           {{"t1", "p", "R-1", "pass", "high"}, {"t1", "p", "R-2", "fail", "medium"}});
    auto done = h.get("s1");
    ASSERT_TRUE(done.ok() && done->has_value());
    EXPECT_EQ((*done)->status, "complete");
    EXPECT_EQ((*done)->exit_code, 1);
    EXPECT_EQ((*done)->summary["score"], 50);
    ASSERT_EQ((*done)->reports.size(), 1U);
    EXPECT_EQ((*done)->reports[0].path, "/r/s1.json");
    auto rows = h.results("s1");
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 2U);
    EXPECT_EQ((*rows)[1].rule_id, "R-2");
    EXPECT_EQ((*rows)[1].status, "fail");
}

TEST_F(HistoryDb, UsesWalModeAndSurvivesReopening) {
    {
        auto h = open();
        ASSERT_TRUE(h.begin(record("s1", "2026-11-01T02:00:00Z")).ok());
        // In WAL mode a write goes to the -wal file next to the database first.
        EXPECT_TRUE(fs::exists(m_dir / "history.sqlite-wal"));
    }
    auto h = open();
    auto all = h.list("", 0);
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), 1U);
}

TEST_F(HistoryDb, ARunThatDiedIsMarkedInterruptedAndNeverCountsAsPrevious) {
    auto h = open();
    ASSERT_TRUE(h.begin(record("s1", "2026-11-01T02:00:00Z")).ok());
    finish(h, record("s1", "2026-11-01T02:00:00Z"), {});
    ASSERT_TRUE(h.begin(record("s2", "2026-11-02T02:00:00Z")).ok());  // killed before finish
    auto recovered = h.recover_interrupted("nightly");
    ASSERT_TRUE(recovered.ok());
    EXPECT_EQ(*recovered, 1);
    EXPECT_EQ((*h.get("s2"))->status, "interrupted");
    ASSERT_TRUE(h.begin(record("s3", "2026-11-03T02:00:00Z")).ok());
    auto prev = h.previous("d1", "s3");
    ASSERT_TRUE(prev.ok() && prev->has_value());
    EXPECT_EQ((*prev)->scan_id, "s1");
    // A scan of another configuration digest is never the previous one.
    ASSERT_TRUE(h.begin(record("s4", "2026-11-04T02:00:00Z", "d2")).ok());
    auto none = h.previous("d2", "s4");
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());    // ... but it is the previous scan of the configuration's name, for the comparison.
    auto by_name = h.previous_of_config("nightly", "s4");
    ASSERT_TRUE(by_name.ok() && by_name->has_value());
    EXPECT_EQ((*by_name)->scan_id, "s1");
    auto other = h.previous_of_config("weekly", "s4");
    ASSERT_TRUE(other.ok());
    EXPECT_FALSE(other->has_value());
}

TEST_F(HistoryDb, AlertsAreRecordedPerScanAndPrunedWithIt) {
    auto h = open();
    ASSERT_TRUE(h.begin(record("s1", "2026-11-01T02:00:00Z")).ok());
    finish(h, record("s1", "2026-11-01T02:00:00Z"), {});
    ASSERT_TRUE(h.record_alert("s1", {"webhook", "2026-11-01T02:05:00Z", true, "https://hooks.test/x"}).ok());
    ASSERT_TRUE(h.record_alert("s1", {"email", "2026-11-01T02:05:01Z", false, "smtp://mail.test: refused"}).ok());
    auto alerts = h.alerts("s1");
    ASSERT_TRUE(alerts.ok());
    ASSERT_EQ(alerts->size(), 2U);
    EXPECT_EQ((*alerts)[0].channel, "webhook");
    EXPECT_TRUE((*alerts)[0].ok);
    EXPECT_FALSE((*alerts)[1].ok);
    EXPECT_EQ((*alerts)[1].detail, "smtp://mail.test: refused");
    // An alert for a scan that is not in the history is refused (foreign key).
    EXPECT_FALSE(h.record_alert("nope", {"webhook", "t", true, ""}).ok());
    ASSERT_TRUE(h.begin(record("s2", "2026-11-02T02:00:00Z")).ok());
    finish(h, record("s2", "2026-11-02T02:00:00Z"), {});
    ASSERT_TRUE(h.prune("nightly", 1, "").ok());
    EXPECT_TRUE(h.alerts("s1")->empty());
}

TEST_F(HistoryDb, AVersionOneHistoryGainsTheAlertsTableWhenOpened) {
    { auto h = open(); }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((m_dir / History::kFileName).c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DROP TABLE alerts; PRAGMA user_version = 1;", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    auto h = open();
    ASSERT_TRUE(h.begin(record("s1", "2026-11-01T02:00:00Z")).ok());
    EXPECT_TRUE(h.record_alert("s1", {"webhook", "t", true, "x"}).ok());
}

TEST_F(HistoryDb, FinishingAScanThatWasNeverBegunIsAnError) {
    auto h = open();
    auto s = record("ghost", "2026-11-01T02:00:00Z");
    s.status = "complete";
    auto r = h.finish(s, {{"t", "p", "r", "pass", "low"}});
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message, ::testing::HasSubstr("never begun"));
    EXPECT_TRUE(h.results("ghost")->empty()) << "the transaction is rolled back";
}

TEST_F(HistoryDb, PruneKeepsTheNewestAndDropsTheOld) {
    auto h = open();
    for (int day = 1; day <= 5; ++day) {
        const auto id = "s" + std::to_string(day);
        const auto at = "2026-11-0" + std::to_string(day) + "T02:00:00Z";
        ASSERT_TRUE(h.begin(record(id, at)).ok());
        finish(h, record(id, at), {{"t", "p", "r", "pass", "low"}});
    }
    auto removed = h.prune("nightly", 3, "");
    ASSERT_TRUE(removed.ok());
    ASSERT_EQ(removed->size(), 2U);
    EXPECT_EQ((*removed)[0].scan_id, "s2");
    EXPECT_EQ((*removed)[1].scan_id, "s1");
    EXPECT_TRUE(h.results("s1")->empty()) << "results go with their scan";
    auto old = h.prune("nightly", std::nullopt, "2026-11-04T00:00:00Z");
    ASSERT_TRUE(old.ok());
    ASSERT_EQ(old->size(), 1U);
    EXPECT_EQ((*old)[0].scan_id, "s3");
    auto left = h.list("nightly", 0);
    ASSERT_EQ(left->size(), 2U);
    EXPECT_EQ((*left)[0].scan_id, "s5");
}

TEST_F(HistoryDb, AFileThatIsNotADatabaseIsRefused) {
    { std::ofstream(m_dir / "junk.sqlite") << "not a database, just text that is long enough to matter\n"; }
    auto h = History::open(m_dir / "junk.sqlite");
    ASSERT_FALSE(h.ok());
    EXPECT_THAT(h.error().message, ::testing::HasSubstr("junk.sqlite"));
}

}  // namespace
}  // namespace conformscan::scanner
