// Alerts after a scheduled scan: what got worse since the previous scan of
// the same configuration (new failures, regressions), waivers that expired,
// certificates that expire soon — and one message per scan to a webhook
// (JSON POST) and/or by e-mail (SMTP with STARTTLS), through libcurl.
// Nothing is sent when nothing changed, unless the configuration asks.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/config.hpp"
#include "scanner/core/report_model.hpp"
#include "scanner/core/result.hpp"
#include "scanner/history.hpp"

namespace conformscan::scanner {

struct ExpiringCertificate {
    std::string target_id;
    std::string subject;    // the leaf's common name
    std::string not_after;  // ISO 8601
    long days_left = 0;     // negative: already expired
    bool is_new = true;     // not listed by the previous scan (forget_known)
};

// The comparison of a scan with the previous scan of its configuration.
struct ScanChanges {
    bool has_previous = false;
    std::string previous_scan_id;
    std::vector<ResultRow> new_failures;  // fail now, not fail before (or not judged before)
    std::vector<ResultRow> regressions;   // pass before, fail now (also among new_failures)
    std::vector<ResultRow> fixed;         // fail before, pass now
    nlohmann::json expired_waivers = nlohmann::json::array();  // as the report lists them
    std::size_t new_expired_waivers = 0;                       // of those, not listed by the previous scan
    std::vector<ExpiringCertificate> expiring_certificates;

    // The events of notify_events() that happened. An expired waiver or an
    // expiring certificate is an event once: when the previous scan did not
    // list it already (forget_known), so an unchanged rerun stays quiet.
    [[nodiscard]] std::vector<std::string> events() const;
};

// What a scan remembers for the next one's forget_known: the keys of the
// expired waivers and expiring certificates it listed.
nlohmann::json watch_keys(const ScanChanges& changes);
// Marks the expired waivers and expiring certificates that `previous_watch`
// (watch_keys of the previous scan) already listed as not new.
void forget_known(ScanChanges& changes, const nlohmann::json& previous_watch);
// The comparison as a report (`comparison`) and the webhook body carry it.
nlohmann::json changes_json(const ScanChanges& changes);

// `previous` empty on the first scan of a configuration: every failure is new.
ScanChanges compare_scans(const core::ScanReport& report, const std::vector<ResultRow>& current,
                          const std::vector<ResultRow>* previous, const std::string& previous_scan_id,
                          int certificate_days);

struct AlertContext {
    std::string config_name;
    std::string config_path;
    std::string scan_id;
    std::string started_at;
    std::string finished_at;
    std::string report_path;
    std::string host;  // the scanning machine's name, so the reader knows which one
    nlohmann::json summary;
    // Scans since the comparison's baseline whose alerts reached nobody (every
    // attempt failed): this message carries their news too.
    std::vector<std::string> undelivered_scans;
};

// Whether the configuration's events (or when_unchanged) call for a message.
bool should_notify(const NotifyConfig& notify, const ScanChanges& changes);

// The webhook body: {"conformscan": {...}, "scan": {...}, "changes": {...}}.
nlohmann::json alert_json(const AlertContext& ctx, const ScanChanges& changes, const NotifyConfig& notify);
// The e-mail subject and plain-text body.
std::string alert_subject(const AlertContext& ctx, const ScanChanges& changes);
std::string alert_text(const AlertContext& ctx, const ScanChanges& changes, const NotifyConfig& notify);

// POSTs `body` as JSON; retries on connection errors, 429 and 5xx with
// backoff (1 s, 2 s, 4 s … capped at 30 s); never follows redirects. The error
// names the URL and the last failure, never the token.
core::Result<void> send_webhook(const WebhookConfig& webhook, const nlohmann::json& body);
// Sends one message to every recipient; the error names the server and the
// SMTP failure, never the password.
core::Result<void> send_email(const EmailConfig& email, const std::string& subject, const std::string& text);

}  // namespace conformscan::scanner
