// The scheduled-scan configuration: one YAML file (default
// /etc/conformscan/conformscan.yaml) that says what a nightly run scans, how
// it judges, where its reports and history go and whom it tells. `config
// check` validates it without scanning; `scan --config` runs it.
//
//   name: core-network                  # optional; the history's name for this configuration
//   inventory: inventory.yaml           # paths are relative to this file's directory
//   scope: [10.20.0.0/16]               # optional: narrows the inventory's own scope
//   profiles: [itu-t/x805-baseline]
//   tailoring: [x805-tailoring.yaml]
//   waivers: waivers.yaml
//   ca_file: lab-ca.pem
//   fail_on: high
//   output:
//     directory: /var/lib/conformscan
//     formats: [json, text, html, csv, junit, sarif, oscal]
//     lang: fr
//   signing: {key: /etc/conformscan/operator.key}
//   retention: {keep: 90, older_than_days: 400}
//   limits: {concurrency: 8, timeout: 5, max_conn_per_host: 4, rate: 20}
//   notify:
//     events: [new_failures, regressions, expired_waivers, expiring_certificates]
//     certificate_days: 30
//     when_unchanged: false
//     webhook: {url: "https://hooks.example/cs", token_file: /etc/conformscan/webhook.token,
//               timeout: 10, retries: 3}
//     email: {smtp_url: "smtp://mail.example:587", from: cs@example.net, to: [noc@example.net],
//             username: conformscan, password_env: CONFORMSCAN_SMTP_PASSWORD, starttls: required}
//
// Secrets never sit in the file: a `token`, `password` or `secret` key, or a
// URL with a user:password part, is refused with its file:line:column; they
// are named by `*_file` (a file holding the secret) or `*_env` (an environment
// variable). The secret's value is read only when it is sent.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scanner/core/result.hpp"

namespace conformscan::scanner {

// Where a secret comes from: a file or an environment variable, never inline.
struct SecretRef {
    std::string file;  // absolute after loading
    std::string env;
    [[nodiscard]] bool empty() const { return file.empty() && env.empty(); }
    // "file /etc/x" or "environment variable X": what logs and reports may say.
    [[nodiscard]] std::string describe() const;
    // The secret, without its trailing newline; an error naming the source
    // (never the value) when it cannot be read.
    [[nodiscard]] core::Result<std::string> read() const;
};

struct WebhookConfig {
    std::string url;
    SecretRef token;  // sent as "Authorization: Bearer <token>" when given
    double timeout_s = 10;
    int retries = 3;
    std::string ca_file;  // trust anchors for an https URL; default: the system store
};

struct EmailConfig {
    std::string smtp_url;  // smtp://host:port or smtps://host:port
    std::string from;
    std::vector<std::string> to;
    std::string username;
    SecretRef password;
    std::string starttls = "required";  // required | opportunistic | none (smtp:// only)
    std::string ca_file;  // trust anchors for the server's certificate; default: the system store
    double timeout_s = 30;
};

struct NotifyConfig {
    std::vector<std::string> events;  // notify_events()
    int certificate_days = 30;
    bool when_unchanged = false;
    std::optional<WebhookConfig> webhook;
    std::optional<EmailConfig> email;
};

struct ScanConfig {
    std::string path;    // the file, absolute
    std::string sha256;  // of its bytes
    std::string name;    // defaults to the file's stem
    std::string inventory;
    std::vector<std::string> scope;
    std::vector<std::string> profiles;
    std::vector<std::string> tailoring;
    std::string waivers;
    std::string ca_file;
    std::string fail_on = "low";
    std::string out_dir;
    std::vector<std::string> formats = {"json", "text"};
    std::string lang = "en";
    std::string signing_key;
    std::optional<int> keep;             // scans kept in the history
    std::optional<int> older_than_days;  // scans older than this are pruned
    double timeout_s = 5.0;
    std::int64_t concurrency = 8;
    std::int64_t max_conn_per_host = 4;
    double rate = 0;
    NotifyConfig notify;
};

inline constexpr const char* kDefaultConfigPath = "/etc/conformscan/conformscan.yaml";

const std::vector<std::string>& report_formats();  // json text html csv junit sarif oscal
const std::vector<std::string>& notify_events();
const std::vector<std::string>& report_languages();  // en fr es ar ru zh

// Reads and checks the file: unknown or duplicate keys, types, ranges, inline
// secrets and missing referenced files are refused with file:line:column.
// Profiles, tailoring, waivers and the inventory are only named here; the
// caller loads them (with their own file:line:column errors).
core::Result<ScanConfig> load_config(const std::filesystem::path& file);

// The configuration as a report or `config check --format json` shows it:
// secrets by their source only.
nlohmann::json config_json(const ScanConfig& config);

}  // namespace conformscan::scanner
