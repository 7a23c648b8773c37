#include "scanner/notify.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "conformscan_version.hpp"
#include "scanner/core/time.hpp"

namespace conformscan::scanner {

namespace {

constexpr std::string_view kCode = "notify";
constexpr std::size_t kMaxListed = 50;  // findings listed per section of a message
constexpr long kMaxResponseBytes = 64 * 1024;

std::string key_of(const ResultRow& r) {
    return r.target_id + '\x1f' + r.profile_id + '\x1f' + r.rule_id;
}

// Whole days from `as_of` to `not_after` (negative once past).
long days_between(core::TimePoint as_of, core::TimePoint not_after) {
    return static_cast<long>(std::chrono::floor<std::chrono::hours>(not_after - as_of).count() / 24);
}

nlohmann::json rows_json(const std::vector<ResultRow>& rows) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : rows) {
        if (out.size() >= kMaxListed) break;
        out.push_back({{"target", r.target_id},
                       {"profile", r.profile_id},
                       {"rule", r.rule_id},
                       {"severity", r.severity},
                       {"status", r.status}});
    }
    return out;
}

struct CurlHandle {
    CURL* h = curl_easy_init();
    curl_slist* headers = nullptr;
    curl_slist* recipients = nullptr;
    CurlHandle() = default;
    CurlHandle(const CurlHandle&) = delete;
    CurlHandle& operator=(const CurlHandle&) = delete;
    ~CurlHandle() {
        curl_slist_free_all(headers);
        curl_slist_free_all(recipients);
        if (h != nullptr) curl_easy_cleanup(h);
    }
};

std::size_t discard_body(char*, std::size_t size, std::size_t n, void* userdata) {
    auto* total = static_cast<long*>(userdata);
    *total += static_cast<long>(size * n);
    return *total > kMaxResponseBytes ? 0 : size * n;  // a runaway answer aborts the transfer
}

struct Upload {
    std::string data;
    std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t n, void* userdata) {
    auto* up = static_cast<Upload*>(userdata);
    const std::size_t len = std::min(size * n, up->data.size() - up->offset);
    std::copy_n(up->data.data() + up->offset, len, buffer);
    up->offset += len;
    return len;
}

std::string rfc5322_date() {
    const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buf;
}

// A header value with CR/LF removed, so nothing from a report can add headers.
std::string header_safe(std::string s) {
    std::replace_if(
        s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    return s;
}

void append_rows(std::string& out, const char* title, const std::vector<ResultRow>& rows) {
    if (rows.empty()) return;
    out += fmt::format("\n{} ({}):\n", title, rows.size());
    std::size_t n = 0;
    for (const auto& r : rows) {
        if (++n > kMaxListed) {
            out += fmt::format("  … and {} more (see the report)\n", rows.size() - kMaxListed);
            break;
        }
        out += fmt::format("  - [{}] {} {} ({})\n", r.severity, r.target_id, r.rule_id, r.profile_id);
    }
}

}  // namespace

std::vector<std::string> ScanChanges::events() const {
    std::vector<std::string> out;
    if (!new_failures.empty()) out.emplace_back("new_failures");
    if (!regressions.empty()) out.emplace_back("regressions");
    if (new_expired_waivers > 0) out.emplace_back("expired_waivers");
    if (std::any_of(expiring_certificates.begin(), expiring_certificates.end(),
                    [](const ExpiringCertificate& e) { return e.is_new; }))
        out.emplace_back("expiring_certificates");
    return out;
}

namespace {

std::string certificate_key(const ExpiringCertificate& e) { return e.target_id + '|' + e.not_after; }
std::string waiver_key(const nlohmann::json& w) {
    return w.value("id", std::string()) + '|' + w.value("expires_on", std::string());
}

bool listed(const nlohmann::json& keys, const std::string& key) {
    if (!keys.is_array()) return false;
    return std::any_of(keys.begin(), keys.end(), [&](const nlohmann::json& k) { return k.is_string() && k == key; });
}

}  // namespace

nlohmann::json watch_keys(const ScanChanges& changes) {
    nlohmann::json certs = nlohmann::json::array();
    for (const auto& e : changes.expiring_certificates) certs.push_back(certificate_key(e));
    nlohmann::json waivers = nlohmann::json::array();
    for (const auto& w : changes.expired_waivers) waivers.push_back(waiver_key(w));
    return {{"expiring_certificates", certs}, {"expired_waivers", waivers}};
}

void forget_known(ScanChanges& changes, const nlohmann::json& previous_watch) {
    if (!previous_watch.is_object()) return;
    const auto certs = previous_watch.value("expiring_certificates", nlohmann::json::array());
    for (auto& e : changes.expiring_certificates)
        if (listed(certs, certificate_key(e))) e.is_new = false;
    const auto waivers = previous_watch.value("expired_waivers", nlohmann::json::array());
    changes.new_expired_waivers = 0;
    for (const auto& w : changes.expired_waivers)
        if (!listed(waivers, waiver_key(w))) ++changes.new_expired_waivers;
}

nlohmann::json changes_json(const ScanChanges& changes) {
    nlohmann::json expiring = nlohmann::json::array();
    for (const auto& e : changes.expiring_certificates)
        expiring.push_back({{"target", e.target_id},
                            {"subject", e.subject},
                            {"not_after", e.not_after},
                            {"days_left", e.days_left},
                            {"new", e.is_new}});
    return {{"previous_scan", changes.has_previous ? nlohmann::json(changes.previous_scan_id) : nlohmann::json()},
            {"events", changes.events()},
            {"new_failures", {{"count", changes.new_failures.size()}, {"items", rows_json(changes.new_failures)}}},
            {"regressions", {{"count", changes.regressions.size()}, {"items", rows_json(changes.regressions)}}},
            {"fixed", {{"count", changes.fixed.size()}, {"items", rows_json(changes.fixed)}}},
            {"expired_waivers", {{"count", changes.expired_waivers.size()},
                                 {"new", changes.new_expired_waivers},
                                 {"items", changes.expired_waivers}}},
            {"expiring_certificates", expiring}};
}

ScanChanges compare_scans(const core::ScanReport& report, const std::vector<ResultRow>& current,
                          const std::vector<ResultRow>* previous, const std::string& previous_scan_id,
                          int certificate_days) {
    ScanChanges c;
    std::map<std::string, std::string> before;
    if (previous != nullptr) {
        c.has_previous = true;
        c.previous_scan_id = previous_scan_id;
        for (const auto& r : *previous) before.emplace(key_of(r), r.status);
    }
    for (const auto& r : current) {
        const auto it = before.find(key_of(r));
        const std::string old = it == before.end() ? std::string() : it->second;
        if (r.status == "fail" && old != "fail") c.new_failures.push_back(r);
        if (r.status == "fail" && old == "pass") c.regressions.push_back(r);
        if (r.status == "pass" && old == "fail") c.fixed.push_back(r);
    }
    if (report.waivers.is_object() && report.waivers.contains("expired") &&
        report.waivers["expired"].is_array())
        c.expired_waivers = report.waivers["expired"];
    c.new_expired_waivers = c.expired_waivers.size();
    for (const auto& t : report.targets) {
        const auto* tls = t.facts.get("tls");
        if (tls == nullptr) continue;
        const auto& data = tls->data;
        if (!data.is_object() || !data.contains("chain") || !data["chain"].is_array() ||
            data["chain"].empty())
            continue;
        const auto& leaf = data["chain"][0];
        const auto not_after_text = leaf.value("not_after", std::string());
        auto not_after = core::parse_time(not_after_text, true);
        if (!not_after) continue;
        const long days = days_between(report.as_of, *not_after);
        if (days <= certificate_days)
            c.expiring_certificates.push_back(ExpiringCertificate{
                t.target.id, leaf.value("common_name", std::string()), not_after_text, days});
    }
    return c;
}

bool should_notify(const NotifyConfig& notify, const ScanChanges& changes) {
    if (notify.when_unchanged) return true;
    for (const auto& e : changes.events())
        if (std::find(notify.events.begin(), notify.events.end(), e) != notify.events.end()) return true;
    return false;
}

nlohmann::json alert_json(const AlertContext& ctx, const ScanChanges& changes, const NotifyConfig& notify) {
    return {
        {"conformscan", {{"version", kVersion}, {"host", ctx.host}}},
        {"scan",
         {{"id", ctx.scan_id},
          {"configuration", ctx.config_name},
          {"configuration_file", ctx.config_path},
          {"started_at", ctx.started_at},
          {"finished_at", ctx.finished_at},
          {"report", ctx.report_path},
          {"summary", ctx.summary}}},
        {"previous_scan", changes.has_previous ? nlohmann::json(changes.previous_scan_id) : nlohmann::json()},
        {"events", changes.events()},
        {"undelivered_scans", ctx.undelivered_scans},
        {"subscribed_events", notify.events},
        {"changes", changes_json(changes)}};
}

std::string alert_subject(const AlertContext& ctx, const ScanChanges& changes) {
    std::vector<std::string> parts;
    if (!changes.regressions.empty())
        parts.push_back(fmt::format("{} regressions", changes.regressions.size()));
    if (!changes.new_failures.empty())
        parts.push_back(fmt::format("{} new failures", changes.new_failures.size()));
    if (!changes.expired_waivers.empty())
        parts.push_back(fmt::format("{} expired waivers", changes.expired_waivers.size()));
    if (!changes.expiring_certificates.empty())
        parts.push_back(fmt::format("{} certificates expiring", changes.expiring_certificates.size()));
    if (parts.empty()) parts.emplace_back("no changes");
    return header_safe(fmt::format("[conformscan] {}: {}", ctx.config_name, fmt::join(parts, ", ")));
}

std::string alert_text(const AlertContext& ctx, const ScanChanges& changes, const NotifyConfig& notify) {
    std::string out = fmt::format(
        "conformscan scan {} of configuration {} ({})\nfinished {} on {}\nreport: {}\n", ctx.scan_id,
        ctx.config_name, ctx.config_path, ctx.finished_at, ctx.host, ctx.report_path);
    if (ctx.summary.is_object()) {
        const auto totals = ctx.summary.value("results", nlohmann::json::object());
        out += fmt::format("results: {} pass, {} fail, {} error, {} waived\n", totals.value("pass", 0),
                           totals.value("fail", 0), totals.value("error", 0), totals.value("waived", 0));
    }
    out += changes.has_previous
               ? fmt::format("compared with the previous scan {}\n", changes.previous_scan_id)
               : std::string("first scan of this configuration: every failure is new\n");
    if (!ctx.undelivered_scans.empty())
        out += fmt::format("the alerts of scan(s) {} were not delivered: this message covers the changes since {}\n",
                           fmt::join(ctx.undelivered_scans, ", "),
                           changes.has_previous ? changes.previous_scan_id : std::string("the first scan"));
    append_rows(out, "Regressions (passed before, fail now)", changes.regressions);
    append_rows(out, "New failures", changes.new_failures);
    append_rows(out, "Fixed", changes.fixed);
    if (!changes.expired_waivers.empty()) {
        out += fmt::format("\nExpired waivers ({}):\n", changes.expired_waivers.size());
        for (const auto& w : changes.expired_waivers)
            out += fmt::format("  - {} (rule {}, expired {})\n", w.value("id", std::string("?")),
                               w.value("rule", std::string("?")), w.value("expires_on", std::string("?")));
    }
    if (!changes.expiring_certificates.empty()) {
        out += fmt::format("\nCertificates expiring within {} days ({}):\n", notify.certificate_days,
                           changes.expiring_certificates.size());
        for (const auto& e : changes.expiring_certificates)
            out += fmt::format("  - {} {}: {} ({} days)\n", e.target_id, e.subject, e.not_after, e.days_left);
    }
    return out;
}

core::Result<void> send_webhook(const WebhookConfig& webhook, const nlohmann::json& body) {
    const std::string payload = body.dump();
    std::string token;
    if (!webhook.token.empty()) {
        auto t = webhook.token.read();
        if (!t) return t.error();
        token = *t;
    }
    std::string last;
    auto delay = std::chrono::seconds(1);
    for (int attempt = 0; attempt <= webhook.retries; ++attempt) {
        if (attempt > 0) {
            spdlog::warn("webhook {}: {}; retrying in {} s", webhook.url, last, delay.count());
            std::this_thread::sleep_for(delay);
            delay = std::min(delay * 2, std::chrono::seconds(30));
        }
        CurlHandle c;
        if (c.h == nullptr)
            return core::make_error(std::string(kCode), "cannot initialise libcurl", "webhook");
        c.headers = curl_slist_append(c.headers, "Content-Type: application/json");
        c.headers = curl_slist_append(c.headers, fmt::format("User-Agent: conformscan/{}", kVersion).c_str());
        if (!token.empty())
            c.headers = curl_slist_append(c.headers, fmt::format("Authorization: Bearer {}", token).c_str());
        long received = 0;
        curl_easy_setopt(c.h, CURLOPT_URL, webhook.url.c_str());
        curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.headers);
        curl_easy_setopt(c.h, CURLOPT_POSTFIELDS, payload.c_str());
        curl_easy_setopt(c.h, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
        curl_easy_setopt(c.h, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c.h, CURLOPT_TIMEOUT_MS, static_cast<long>(webhook.timeout_s * 1000));
        curl_easy_setopt(c.h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, discard_body);
        curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &received);
        if (!webhook.ca_file.empty()) curl_easy_setopt(c.h, CURLOPT_CAINFO, webhook.ca_file.c_str());
        const CURLcode rc = curl_easy_perform(c.h);
        if (rc != CURLE_OK) {
            last = curl_easy_strerror(rc);
            continue;
        }
        long status = 0;
        curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status < 300) return {};
        last = fmt::format("HTTP status {}", status);
        if (status != 429 && status < 500) break;  // the receiver refused it: retrying will not help
    }
    return core::make_error(std::string(kCode), fmt::format("webhook {}: {}", webhook.url, last), "webhook");
}

core::Result<void> send_email(const EmailConfig& email, const std::string& subject, const std::string& text) {
    std::string password;
    if (!email.password.empty()) {
        auto p = email.password.read();
        if (!p) return p.error();
        password = *p;
    }
    Upload up;
    up.data = fmt::format(
        "Date: {}\r\nFrom: {}\r\nTo: {}\r\nSubject: {}\r\nMessage-ID: <{}.{}@conformscan.invalid>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n",
        rfc5322_date(), header_safe(email.from), header_safe(fmt::format("{}", fmt::join(email.to, ", "))),
        header_safe(subject), std::chrono::system_clock::now().time_since_epoch().count(), ::getpid());
    // Body lines in CRLF; a line of a single dot would end the DATA phase early: libcurl escapes it.
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) up.data += '\r';
        up.data += text[i];
    }
    CurlHandle c;
    if (c.h == nullptr) return core::make_error(std::string(kCode), "cannot initialise libcurl", "email");
    for (const auto& to : email.to)
        c.recipients = curl_slist_append(c.recipients, fmt::format("<{}>", to).c_str());
    curl_easy_setopt(c.h, CURLOPT_URL, email.smtp_url.c_str());
    curl_easy_setopt(c.h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c.h, CURLOPT_MAIL_FROM, fmt::format("<{}>", email.from).c_str());
    curl_easy_setopt(c.h, CURLOPT_MAIL_RCPT, c.recipients);
    curl_easy_setopt(c.h, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(c.h, CURLOPT_READDATA, &up);
    curl_easy_setopt(c.h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c.h, CURLOPT_TIMEOUT_MS, static_cast<long>(email.timeout_s * 1000));
    if (email.smtp_url.rfind("smtp://", 0) == 0) {
        if (email.starttls == "required")
            curl_easy_setopt(c.h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
        if (email.starttls == "opportunistic")
            curl_easy_setopt(c.h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    }
    if (!email.ca_file.empty()) curl_easy_setopt(c.h, CURLOPT_CAINFO, email.ca_file.c_str());
    if (!email.username.empty()) {
        curl_easy_setopt(c.h, CURLOPT_USERNAME, email.username.c_str());
        curl_easy_setopt(c.h, CURLOPT_PASSWORD, password.c_str());
    }
    const CURLcode rc = curl_easy_perform(c.h);
    if (rc != CURLE_OK)
        return core::make_error(std::string(kCode),
                                fmt::format("e-mail via {}: {}", email.smtp_url, curl_easy_strerror(rc)),
                                "email");
    return {};
}

}  // namespace conformscan::scanner
