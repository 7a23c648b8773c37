#include "scanner/history.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

namespace conformscan::scanner {

namespace {

constexpr std::string_view kCode = "history";
constexpr int kBusyTimeoutMs = 10000;

// Version 2 of the schema (1 had no alerts table; opening a version 1 file
// adds it); `PRAGMA user_version` says which one a file holds.
constexpr std::int64_t kSchemaVersion = 2;
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS scans (
  scan_id       TEXT PRIMARY KEY,
  config_name   TEXT NOT NULL,
  config_digest TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  finished_at   TEXT,
  status        TEXT NOT NULL CHECK (status IN ('running','complete','incomplete','interrupted')),
  exit_code     INTEGER,
  pid           INTEGER,
  summary       TEXT
);
CREATE INDEX IF NOT EXISTS scans_by_config ON scans (config_name, started_at);
CREATE INDEX IF NOT EXISTS scans_by_digest ON scans (config_digest, started_at);
CREATE TABLE IF NOT EXISTS results (
  scan_id    TEXT NOT NULL REFERENCES scans (scan_id) ON DELETE CASCADE,
  target_id  TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  rule_id    TEXT NOT NULL,
  status     TEXT NOT NULL,
  severity   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS results_by_scan ON results (scan_id);
CREATE TABLE IF NOT EXISTS reports (
  scan_id TEXT NOT NULL REFERENCES scans (scan_id) ON DELETE CASCADE,
  format  TEXT NOT NULL,
  path    TEXT NOT NULL,
  sha256  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
  scan_id TEXT NOT NULL REFERENCES scans (scan_id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  ok      INTEGER NOT NULL,
  detail  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_by_scan ON alerts (scan_id);
PRAGMA user_version = 2;
)sql";

core::Error db_error(sqlite3* db, std::string_view what) {
    return core::make_error(std::string(kCode),
                            fmt::format("{}: {}", what, db != nullptr ? sqlite3_errmsg(db) : "out of memory"),
                            "history");
}

// One prepared statement with positional text/integer binds.
class Statement {
public:
    Statement(sqlite3* db, const std::string& sql) : m_db(db) {
        m_rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &m_stmt, nullptr);
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() { sqlite3_finalize(m_stmt); }

    [[nodiscard]] bool ok() const { return m_rc == SQLITE_OK; }
    void bind(int i, const std::string& v) {
        sqlite3_bind_text(m_stmt, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    void bind(int i, std::int64_t v) { sqlite3_bind_int64(m_stmt, i, v); }
    void bind_null(int i) { sqlite3_bind_null(m_stmt, i); }
    // SQLITE_ROW, SQLITE_DONE or an error code.
    int step() { return sqlite3_step(m_stmt); }
    void reset() {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    [[nodiscard]] std::string text(int col) const {
        const auto* p = sqlite3_column_text(m_stmt, col);
        return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
    }
    [[nodiscard]] std::int64_t integer(int col) const { return sqlite3_column_int64(m_stmt, col); }
    [[nodiscard]] bool is_null(int col) const { return sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
    int m_rc;
};

// BEGIN IMMEDIATE … COMMIT, rolled back unless committed.
class Transaction {
public:
    explicit Transaction(sqlite3* db) : m_db(db) {
        m_ok = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
        if (m_ok && !m_committed) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    [[nodiscard]] bool ok() const { return m_ok; }
    core::Result<void> commit() {
        if (sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
            return db_error(m_db, "commit");
        m_committed = true;
        return {};
    }

private:
    sqlite3* m_db;
    bool m_ok = false;
    bool m_committed = false;
};

constexpr const char* kScanColumns =
    "scan_id, config_name, config_digest, started_at, finished_at, status, exit_code, pid, summary";

ScanRecord read_scan(const Statement& s) {
    ScanRecord r;
    r.scan_id = s.text(0);
    r.config_name = s.text(1);
    r.config_digest = s.text(2);
    r.started_at = s.text(3);
    r.finished_at = s.text(4);
    r.status = s.text(5);
    r.exit_code = s.is_null(6) ? -1 : static_cast<int>(s.integer(6));
    r.pid = s.integer(7);
    const auto summary = s.text(8);
    r.summary = summary.empty() ? nlohmann::json() : nlohmann::json::parse(summary, nullptr, false);
    if (r.summary.is_discarded()) r.summary = nullptr;
    return r;
}

}  // namespace

core::Result<History> History::open(const std::filesystem::path& file) {
    History h;
    h.m_path = file;
    if (sqlite3_open_v2(file.c_str(), &h.m_db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK)
        return db_error(h.m_db, fmt::format("cannot open the history {}", file.string()));
    sqlite3_busy_timeout(h.m_db, kBusyTimeoutMs);
    // WAL: readers (history list) never block the nightly writer; NORMAL sync
    // is durable across a process kill, which is the failure that matters here.
    for (const char* pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"})
        if (auto r = h.exec(pragma); !r) return r.error();
    Statement version(h.m_db, "PRAGMA user_version");
    if (!version.ok() || version.step() != SQLITE_ROW)
        return db_error(h.m_db, "cannot read the history's version");
    const auto v = version.integer(0);
    if (v > kSchemaVersion)
        return core::make_error(
            std::string(kCode),
            fmt::format("the history {} was written by a newer conformscan (schema {})", file.string(), v),
            "history");
    if (auto r = h.exec(kSchema); !r) return r.error();
    return h;
}

History::History(History&& other) noexcept : m_db(other.m_db), m_path(std::move(other.m_path)) {
    other.m_db = nullptr;
}

History& History::operator=(History&& other) noexcept {
    if (this != &other) {
        sqlite3_close_v2(m_db);
        m_db = other.m_db;
        m_path = std::move(other.m_path);
        other.m_db = nullptr;
    }
    return *this;
}

History::~History() {
    sqlite3_close_v2(m_db);
}

core::Result<void> History::exec(const std::string& sql) const {
    char* message = nullptr;
    if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        auto e = core::make_error(
            std::string(kCode),
            fmt::format("history {}: {}", m_path.string(), message != nullptr ? message : "error"),
            "history");
        sqlite3_free(message);
        return e;
    }
    return {};
}

core::Result<int> History::recover_interrupted(const std::string& config_name) {
    Statement s(m_db,
                "UPDATE scans SET status = 'interrupted' WHERE status = 'running' AND config_name = ?1");
    if (!s.ok()) return db_error(m_db, "recover");
    s.bind(1, config_name);
    if (s.step() != SQLITE_DONE) return db_error(m_db, "recover");
    return sqlite3_changes(m_db);
}

core::Result<void> History::begin(const ScanRecord& scan) {
    Statement s(m_db,
                "INSERT INTO scans (scan_id, config_name, config_digest, started_at, status, pid) "
                "VALUES (?1, ?2, ?3, ?4, 'running', ?5)");
    if (!s.ok()) return db_error(m_db, "begin");
    s.bind(1, scan.scan_id);
    s.bind(2, scan.config_name);
    s.bind(3, scan.config_digest);
    s.bind(4, scan.started_at);
    s.bind(5, scan.pid);
    if (s.step() != SQLITE_DONE) return db_error(m_db, "cannot record the scan's start");
    return {};
}

core::Result<void> History::finish(const ScanRecord& scan, const std::vector<ResultRow>& results) {
    Transaction tx(m_db);
    if (!tx.ok()) return db_error(m_db, "finish");
    Statement update(
        m_db,
        "UPDATE scans SET finished_at = ?2, status = ?3, exit_code = ?4, summary = ?5, "
        "config_digest = COALESCE(NULLIF(?6, ''), config_digest) WHERE scan_id = ?1");
    if (!update.ok()) return db_error(m_db, "finish");
    update.bind(1, scan.scan_id);
    update.bind(2, scan.finished_at);
    update.bind(3, scan.status);
    update.bind(4, static_cast<std::int64_t>(scan.exit_code));
    update.bind(5, scan.summary.is_null() ? std::string() : scan.summary.dump());
    update.bind(6, scan.config_digest);
    if (update.step() != SQLITE_DONE) return db_error(m_db, "cannot record the scan's end");
    if (sqlite3_changes(m_db) != 1)
        return core::make_error(std::string(kCode), fmt::format("scan {} was never begun", scan.scan_id),
                                "history");
    Statement row(m_db,
                  "INSERT INTO results (scan_id, target_id, profile_id, rule_id, status, severity) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!row.ok()) return db_error(m_db, "finish");
    for (const auto& r : results) {
        row.bind(1, scan.scan_id);
        row.bind(2, r.target_id);
        row.bind(3, r.profile_id);
        row.bind(4, r.rule_id);
        row.bind(5, r.status);
        row.bind(6, r.severity);
        if (row.step() != SQLITE_DONE) return db_error(m_db, "cannot record a result");
        row.reset();
    }
    Statement file(m_db, "INSERT INTO reports (scan_id, format, path, sha256) VALUES (?1, ?2, ?3, ?4)");
    if (!file.ok()) return db_error(m_db, "finish");
    for (const auto& f : scan.reports) {
        file.bind(1, scan.scan_id);
        file.bind(2, f.format);
        file.bind(3, f.path);
        file.bind(4, f.sha256);
        if (file.step() != SQLITE_DONE) return db_error(m_db, "cannot record a report file");
        file.reset();
    }
    return tx.commit();
}

core::Result<std::vector<ScanRecord>> History::select_scans(const std::string& where,
                                                            const std::vector<std::string>& args,
                                                            const std::string& tail) const {
    Statement s(m_db, fmt::format("SELECT {} FROM scans {} {}", kScanColumns, where, tail));
    if (!s.ok()) return db_error(m_db, "query");
    for (std::size_t i = 0; i < args.size(); ++i) s.bind(static_cast<int>(i + 1), args[i]);
    std::vector<ScanRecord> out;
    for (int rc = s.step(); rc != SQLITE_DONE; rc = s.step()) {
        if (rc != SQLITE_ROW) return db_error(m_db, "query");
        out.push_back(read_scan(s));
    }
    Statement files(m_db, "SELECT format, path, sha256 FROM reports WHERE scan_id = ?1 ORDER BY rowid");
    if (!files.ok()) return db_error(m_db, "query");
    for (auto& scan : out) {
        files.bind(1, scan.scan_id);
        for (int rc = files.step(); rc == SQLITE_ROW; rc = files.step())
            scan.reports.push_back({files.text(0), files.text(1), files.text(2)});
        files.reset();
    }
    return out;
}

core::Result<std::vector<ScanRecord>> History::list(const std::string& config_name, std::size_t limit) const {
    const std::string tail = fmt::format("ORDER BY started_at DESC, rowid DESC LIMIT {}",
                                         limit == 0 ? -1 : static_cast<long long>(limit));
    if (config_name.empty()) return select_scans("", {}, tail);
    return select_scans("WHERE config_name = ?1", {config_name}, tail);
}

core::Result<std::optional<ScanRecord>> History::get(const std::string& scan_id) const {
    auto rows = select_scans("WHERE scan_id = ?1", {scan_id}, "");
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<ScanRecord>{};
    return std::optional<ScanRecord>{std::move(rows->front())};
}

core::Result<std::vector<ResultRow>> History::results(const std::string& scan_id) const {
    Statement s(m_db,
                "SELECT target_id, profile_id, rule_id, status, severity FROM results WHERE scan_id = ?1 "
                "ORDER BY rowid");
    if (!s.ok()) return db_error(m_db, "query");
    s.bind(1, scan_id);
    std::vector<ResultRow> out;
    for (int rc = s.step(); rc != SQLITE_DONE; rc = s.step()) {
        if (rc != SQLITE_ROW) return db_error(m_db, "query");
        out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)});
    }
    return out;
}

core::Result<std::optional<ScanRecord>> History::previous(const std::string& config_digest,
                                                          const std::string& scan_id) const {
    return newest_before("config_digest", config_digest, scan_id);
}

core::Result<std::optional<ScanRecord>> History::previous_of_config(const std::string& config_name,
                                                                    const std::string& scan_id) const {
    return newest_before("config_name", config_name, scan_id);
}

core::Result<std::optional<ScanRecord>> History::newest_before(std::string_view column, const std::string& value,
                                                              const std::string& scan_id) const {
    auto rows = select_scans(
        fmt::format("WHERE {} = ?1 AND scan_id <> ?2 AND status IN ('complete','incomplete') AND started_at <= "
                    "COALESCE((SELECT started_at FROM scans WHERE scan_id = ?2), '9999')",
                    column),
        {value, scan_id}, "ORDER BY started_at DESC, rowid DESC LIMIT 1");
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<ScanRecord>{};
    return std::optional<ScanRecord>{std::move(rows->front())};
}

core::Result<std::vector<ScanRecord>> History::prune_candidates(const std::string& config_name,
                                                                std::optional<std::size_t> keep,
                                                                const std::string& older_than) const {
    auto all = select_scans(
        config_name.empty() ? "WHERE status <> 'running'" : "WHERE status <> 'running' AND config_name = ?1",
        config_name.empty() ? std::vector<std::string>{} : std::vector<std::string>{config_name},
        "ORDER BY started_at DESC, rowid DESC");
    if (!all) return all.error();
    std::vector<ScanRecord> removed;
    for (std::size_t i = 0; i < all->size(); ++i) {
        const auto& s = (*all)[i];
        const bool beyond_keep = keep && i >= *keep;
        const bool too_old = !older_than.empty() && s.started_at < older_than;
        if (beyond_keep || too_old) removed.push_back(s);
    }
    return removed;
}

core::Result<std::vector<ScanRecord>> History::prune(const std::string& config_name,
                                                     std::optional<std::size_t> keep,
                                                     const std::string& older_than) {
    auto candidates = prune_candidates(config_name, keep, older_than);
    if (!candidates) return candidates.error();
    auto removed = std::move(*candidates);
    Transaction tx(m_db);
    if (!tx.ok()) return db_error(m_db, "prune");
    Statement del(m_db, "DELETE FROM scans WHERE scan_id = ?1");
    if (!del.ok()) return db_error(m_db, "prune");
    for (const auto& s : removed) {
        del.bind(1, s.scan_id);
        if (del.step() != SQLITE_DONE) return db_error(m_db, "prune");
        del.reset();
    }
    if (auto r = tx.commit(); !r) return r.error();
    return removed;
}

core::Result<void> History::record_alert(const std::string& scan_id, const AlertRecord& alert) {
    Statement s(m_db, "INSERT INTO alerts (scan_id, channel, sent_at, ok, detail) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!s.ok()) return db_error(m_db, "alert");
    s.bind(1, scan_id);
    s.bind(2, alert.channel);
    s.bind(3, alert.sent_at);
    s.bind(4, static_cast<std::int64_t>(alert.ok ? 1 : 0));
    s.bind(5, alert.detail);
    if (s.step() != SQLITE_DONE) return db_error(m_db, "cannot record an alert");
    return {};
}

core::Result<std::vector<AlertRecord>> History::alerts(const std::string& scan_id) const {
    Statement s(m_db, "SELECT channel, sent_at, ok, detail FROM alerts WHERE scan_id = ?1 ORDER BY rowid");
    if (!s.ok()) return db_error(m_db, "query");
    s.bind(1, scan_id);
    std::vector<AlertRecord> out;
    for (int rc = s.step(); rc != SQLITE_DONE; rc = s.step()) {
        if (rc != SQLITE_ROW) return db_error(m_db, "query");
        out.push_back({s.text(0), s.text(1), s.integer(2) != 0, s.text(3)});
    }
    return out;
}

std::vector<ResultRow> result_rows(const core::ScanReport& report) {
    std::vector<ResultRow> out;
    out.reserve(report.results.size());
    for (const auto& r : report.results)
        out.push_back({r.target_id, r.profile_id, r.rule_id, std::string(core::to_string(r.status)),
                       std::string(core::to_string(r.severity))});
    return out;
}

}  // namespace conformscan::scanner
