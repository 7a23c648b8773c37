#include "scanner/config.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scanner/digest.hpp"
#include "scanner/yaml_util.hpp"

namespace conformscan::scanner {

namespace {

using yaml::Fields;
namespace fs = std::filesystem;

constexpr std::string_view kCode = "bad_config";
constexpr std::size_t kMaxSecretBytes = 64 * 1024;

const std::vector<std::string_view> kTopKeys = {"name",      "inventory", "scope",   "profiles", "tailoring",
                                                "waivers",   "ca_file",   "fail_on", "output",   "signing",
                                                "retention", "limits",    "notify"};
const std::vector<std::string_view> kOutputKeys = {"directory", "formats", "lang"};
const std::vector<std::string_view> kSigningKeys = {"key"};
const std::vector<std::string_view> kRetentionKeys = {"keep", "older_than_days"};
const std::vector<std::string_view> kLimitKeys = {"concurrency", "timeout", "max_conn_per_host", "rate"};
const std::vector<std::string_view> kNotifyKeys = {"events", "certificate_days", "when_unchanged", "webhook",
                                                   "email"};
const std::vector<std::string_view> kWebhookKeys = {"url",     "token_file", "token_env",
                                                    "timeout", "retries",    "ca_file"};
const std::vector<std::string_view> kEmailKeys = {
    "smtp_url", "from", "to", "username", "password_file", "password_env", "starttls", "ca_file", "timeout"};
// Keys that would hold a secret inline: refused with a pointer to *_file / *_env.
const std::vector<std::string_view> kInlineSecretKeys = {"token", "password", "secret", "api_key", "auth"};
const std::vector<std::string> kSeverities = {"critical", "high", "medium", "low", "info"};

// Refuses inline secrets before the generic unknown-key message would hide why.
core::Result<void> refuse_inline_secrets(const yaml::Context& ctx, const YAML::Node& node,
                                         std::string_view path) {
    if (!node.IsMap()) return {};
    for (const auto& kv : node) {
        const auto key = kv.first.Scalar();
        if (std::find(kInlineSecretKeys.begin(), kInlineSecretKeys.end(), key) != kInlineSecretKeys.end())
            return ctx.error(
                kv.first.Mark(), yaml::join_path(path, key),
                fmt::format("secrets are not written in the configuration: name a file holding it "
                            "({0}_file: /etc/conformscan/{0}) or an environment variable ({0}_env: NAME)",
                            key == "secret" || key == "api_key" || key == "auth" ? "token" : key));
    }
    return {};
}

// A URL with "user:password@" carries a secret too.
core::Result<void> refuse_userinfo(const yaml::Context& ctx, const Fields::Entry& e, std::string_view path,
                                   const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return {};
    const auto host_end = url.find_first_of("/?#", scheme + 3);
    const auto authority =
        url.substr(scheme + 3, host_end == std::string::npos ? std::string::npos : host_end - scheme - 3);
    if (authority.find('@') != std::string::npos)
        return ctx.error(
            Fields::mark_of(e), path,
            "a URL must not carry credentials (user:password@); use username with password_file or "
            "password_env, or token_file / token_env");
    return {};
}

core::Result<std::vector<std::string>> one_of_list(const yaml::Context& ctx, const Fields& f,
                                                   std::string_view key,
                                                   const std::vector<std::string>& allowed) {
    auto list = f.optional_string_list(ctx, key);
    if (!list) return list.error();
    for (const auto& item : *list)
        if (std::find(allowed.begin(), allowed.end(), item) == allowed.end())
            return ctx.error(
                Fields::mark_of(*f.find(key)), f.path_of(key),
                fmt::format("expected any of {}; got {}", fmt::join(allowed, ", "), yaml::quote(item)));
    return list;
}

core::Result<std::string> one_of(const yaml::Context& ctx, const Fields& f, std::string_view key,
                                 const std::vector<std::string>& allowed, std::string fallback) {
    if (auto r = f.optional_string(ctx, key, fallback); !r) return r.error();
    if (std::find(allowed.begin(), allowed.end(), fallback) == allowed.end())
        return ctx.error(
            Fields::mark_of(*f.find(key)), f.path_of(key),
            fmt::format("expected one of {}; got {}", fmt::join(allowed, ", "), yaml::quote(fallback)));
    return fallback;
}

core::Result<void> number(const yaml::Context& ctx, const Fields& f, std::string_view key, double lo,
                          double hi, double& out) {
    const auto* e = f.find(key);
    if (e == nullptr) return {};
    auto v = yaml::to_double(ctx, e->value, Fields::mark_of(*e), f.path_of(key));
    if (!v) return v.error();
    if (*v < lo || *v > hi)
        return ctx.error(Fields::mark_of(*e), f.path_of(key),
                         fmt::format("expected {} to {}; got {}", lo, hi, *v));
    out = *v;
    return {};
}

core::Result<void> integer(const yaml::Context& ctx, const Fields& f, std::string_view key, std::int64_t lo,
                           std::int64_t hi, std::int64_t& out) {
    const auto* e = f.find(key);
    if (e == nullptr) return {};
    auto v = yaml::to_int(ctx, e->value, Fields::mark_of(*e), f.path_of(key));
    if (!v) return v.error();
    if (*v < lo || *v > hi)
        return ctx.error(Fields::mark_of(*e), f.path_of(key),
                         fmt::format("expected {} to {}; got {}", lo, hi, *v));
    out = *v;
    return {};
}

// A path relative to the configuration's directory; `must_exist` files are
// checked now, so that a typo is found by `config check`, not at 3 a.m.
core::Result<std::string> path_value(const yaml::Context& ctx, const Fields& f, std::string_view key,
                                     const fs::path& base, bool must_exist) {
    std::string text;
    if (auto r = f.optional_string(ctx, key, text); !r) return r.error();
    if (text.empty()) return text;
    fs::path p(text);
    if (p.is_relative()) p = base / p;
    p = p.lexically_normal();
    std::error_code ec;
    if (must_exist && !fs::is_regular_file(p, ec))
        return ctx.error(Fields::mark_of(*f.find(key)), f.path_of(key),
                         fmt::format("no such file: {}", p.string()));
    return p.string();
}

core::Result<SecretRef> secret(const yaml::Context& ctx, const Fields& f, std::string_view stem,
                               const fs::path& base) {
    SecretRef out;
    auto file = path_value(ctx, f, fmt::format("{}_file", stem), base, true);
    if (!file) return file.error();
    out.file = *file;
    if (auto r = f.optional_string(ctx, fmt::format("{}_env", stem), out.env); !r) return r.error();
    if (!out.file.empty() && !out.env.empty())
        return ctx.error(Fields::mark_of(*f.find(fmt::format("{}_env", stem))),
                         f.path_of(fmt::format("{}_env", stem)),
                         fmt::format("give {0}_file or {0}_env, not both", stem));
    if (!out.env.empty() &&
        (out.env.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
             std::string::npos ||
         (out.env[0] >= '0' && out.env[0] <= '9')))
        return ctx.error(Fields::mark_of(*f.find(fmt::format("{}_env", stem))),
                         f.path_of(fmt::format("{}_env", stem)),
                         fmt::format("not an environment variable name: {}", yaml::quote(out.env)));
    return out;
}

core::Result<Fields> section(const yaml::Context& ctx, const Fields& top, std::string_view key,
                             const std::vector<std::string_view>& keys) {
    const auto* e = top.find(key);
    if (auto r = refuse_inline_secrets(ctx, e->value, top.path_of(key)); !r) return r.error();
    return Fields::read(ctx, e->value, Fields::mark_of(*e), top.path_of(key), keys);
}

core::Result<void> read_webhook(const yaml::Context& ctx, const Fields& notify, const fs::path& base,
                                NotifyConfig& n) {
    auto f = section(ctx, notify, "webhook", kWebhookKeys);
    if (!f) return f.error();
    WebhookConfig w;
    auto url = f->required_text(ctx, "url", "the URL the JSON message is POSTed to");
    if (!url) return url.error();
    if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0)
        return ctx.error(Fields::mark_of(*f->find("url")), f->path_of("url"),
                         fmt::format("expected an http:// or https:// URL; got {}", yaml::quote(*url)));
    if (auto r = refuse_userinfo(ctx, *f->find("url"), f->path_of("url"), *url); !r) return r.error();
    w.url = *url;
    auto token = secret(ctx, *f, "token", base);
    if (!token) return token.error();
    w.token = *token;
    if (auto r = number(ctx, *f, "timeout", 0.1, 300, w.timeout_s); !r) return r.error();
    std::int64_t retries = w.retries;
    if (auto r = integer(ctx, *f, "retries", 0, 10, retries); !r) return r.error();
    w.retries = static_cast<int>(retries);
    auto ca = path_value(ctx, *f, "ca_file", base, true);
    if (!ca) return ca.error();
    w.ca_file = *ca;
    n.webhook = std::move(w);
    return {};
}

core::Result<void> read_email(const yaml::Context& ctx, const Fields& notify, const fs::path& base,
                              NotifyConfig& n) {
    auto f = section(ctx, notify, "email", kEmailKeys);
    if (!f) return f.error();
    EmailConfig m;
    auto url = f->required_text(ctx, "smtp_url", "the mail server, e.g. smtp://mail.example.net:587");
    if (!url) return url.error();
    if (url->rfind("smtp://", 0) != 0 && url->rfind("smtps://", 0) != 0)
        return ctx.error(Fields::mark_of(*f->find("smtp_url")), f->path_of("smtp_url"),
                         fmt::format("expected an smtp:// or smtps:// URL; got {}", yaml::quote(*url)));
    if (auto r = refuse_userinfo(ctx, *f->find("smtp_url"), f->path_of("smtp_url"), *url); !r)
        return r.error();
    m.smtp_url = *url;
    auto from = f->required_text(ctx, "from", "the sender address");
    if (!from) return from.error();
    m.from = *from;
    auto to = f->optional_string_list(ctx, "to");
    if (!to) return to.error();
    if (to->empty()) return f->missing(ctx, "to", "one or more recipient addresses");
    m.to = std::move(*to);
    if (auto r = f->optional_string(ctx, "username", m.username); !r) return r.error();
    auto password = secret(ctx, *f, "password", base);
    if (!password) return password.error();
    m.password = *password;
    if (!m.username.empty() && m.password.empty())
        return f->missing(ctx, "password_file", "the SMTP password's file (or password_env) for username");
    auto starttls = one_of(ctx, *f, "starttls", {"required", "opportunistic", "none"}, m.starttls);
    if (!starttls) return starttls.error();
    m.starttls = *starttls;
    auto ca = path_value(ctx, *f, "ca_file", base, true);
    if (!ca) return ca.error();
    m.ca_file = *ca;
    if (auto r = number(ctx, *f, "timeout", 0.1, 300, m.timeout_s); !r) return r.error();
    if (m.smtp_url.rfind("smtp://", 0) == 0 && m.starttls == "none" && !m.password.empty())
        return ctx.error(Fields::mark_of(*f->find("starttls")), f->path_of("starttls"),
                         "a password is never sent in the clear: use starttls: required or an smtps:// URL");
    n.email = std::move(m);
    return {};
}

core::Result<void> read_notify(const yaml::Context& ctx, const Fields& top, const fs::path& base,
                               ScanConfig& c) {
    auto f = section(ctx, top, "notify", kNotifyKeys);
    if (!f) return f.error();
    auto events = one_of_list(ctx, *f, "events", notify_events());
    if (!events) return events.error();
    c.notify.events = f->find("events") != nullptr ? *events : notify_events();
    std::int64_t days = c.notify.certificate_days;
    if (auto r = integer(ctx, *f, "certificate_days", 1, 3650, days); !r) return r.error();
    c.notify.certificate_days = static_cast<int>(days);
    if (const auto* e = f->find("when_unchanged")) {
        auto b = yaml::to_bool(ctx, e->value, Fields::mark_of(*e), f->path_of("when_unchanged"));
        if (!b) return b.error();
        c.notify.when_unchanged = *b;
    }
    if (f->find("webhook") != nullptr)
        if (auto r = read_webhook(ctx, *f, base, c.notify); !r) return r.error();
    if (f->find("email") != nullptr)
        if (auto r = read_email(ctx, *f, base, c.notify); !r) return r.error();
    if (!c.notify.webhook && !c.notify.email)
        return f->missing(ctx, "webhook",
                          "a webhook or an email channel (notify without a channel sends nothing)");
    return {};
}

core::Result<ScanConfig> read_config(const yaml::Context& ctx, const yaml::Document& doc,
                                     const fs::path& file) {
    if (auto r = refuse_inline_secrets(ctx, doc.root, ""); !r) return r.error();
    auto top = Fields::read(ctx, doc.root, YAML::Mark::null_mark(), "", kTopKeys);
    if (!top) return top.error();
    ScanConfig c;
    const fs::path base = file.parent_path();
    c.name = file.stem().string();
    if (auto r = top->optional_string(ctx, "name", c.name); !r) return r.error();
    auto inventory = path_value(ctx, *top, "inventory", base, true);
    if (!inventory) return inventory.error();
    if (inventory->empty()) return top->missing(ctx, "inventory", "the inventory file: scope and targets");
    c.inventory = *inventory;
    auto scope = top->optional_string_list(ctx, "scope");
    if (!scope) return scope.error();
    c.scope = std::move(*scope);
    auto profiles = top->optional_string_list(ctx, "profiles");
    if (!profiles) return profiles.error();
    if (profiles->empty())
        return top->missing(ctx, "profiles", "one or more profiles, e.g. [itu-t/x805-baseline]");
    // A profile given as a file path is relative to the configuration, like every other path.
    for (auto& p : *profiles)
        if (p.find('/') != std::string::npos && (p.ends_with(".yaml") || p.ends_with(".yml")) &&
            fs::path(p).is_relative())
            p = (base / p).lexically_normal().string();
    c.profiles = std::move(*profiles);
    auto tailoring = top->optional_string_list(ctx, "tailoring");
    if (!tailoring) return tailoring.error();
    for (auto& t : *tailoring) {
        fs::path p(t);
        if (p.is_relative()) p = base / p;
        std::error_code ec;
        if (!fs::is_regular_file(p, ec))
            return ctx.error(Fields::mark_of(*top->find("tailoring")), "tailoring",
                             fmt::format("no such file: {}", p.lexically_normal().string()));
        t = p.lexically_normal().string();
    }
    c.tailoring = std::move(*tailoring);
    auto waivers = path_value(ctx, *top, "waivers", base, true);
    if (!waivers) return waivers.error();
    c.waivers = *waivers;
    auto ca = path_value(ctx, *top, "ca_file", base, true);
    if (!ca) return ca.error();
    c.ca_file = *ca;
    auto fail_on = one_of(ctx, *top, "fail_on", kSeverities, c.fail_on);
    if (!fail_on) return fail_on.error();
    c.fail_on = *fail_on;

    if (top->find("output") == nullptr)
        return top->missing(ctx, "output", "output.directory for reports and history");
    auto out = section(ctx, *top, "output", kOutputKeys);
    if (!out) return out.error();
    auto dir = out->required_text(ctx, "directory", "the directory for reports and the history database");
    if (!dir) return dir.error();
    c.out_dir = (fs::path(*dir).is_relative() ? base / *dir : fs::path(*dir)).lexically_normal().string();
    if (out->find("formats") != nullptr) {
        auto formats = one_of_list(ctx, *out, "formats", report_formats());
        if (!formats) return formats.error();
        // The canonical JSON is always written: every other format and the history come from it.
        if (std::find(formats->begin(), formats->end(), "json") == formats->end())
            formats->insert(formats->begin(), "json");
        c.formats = std::move(*formats);
    }
    auto lang = one_of(ctx, *out, "lang", report_languages(), c.lang);
    if (!lang) return lang.error();
    c.lang = *lang;

    if (top->find("signing") != nullptr) {
        auto s = section(ctx, *top, "signing", kSigningKeys);
        if (!s) return s.error();
        auto key = path_value(ctx, *s, "key", base, true);
        if (!key) return key.error();
        if (key->empty()) return s->missing(ctx, "key", "the Ed25519 private key file (conformscan keygen)");
        c.signing_key = *key;
    }
    if (top->find("retention") != nullptr) {
        auto r = section(ctx, *top, "retention", kRetentionKeys);
        if (!r) return r.error();
        std::int64_t v = 0;
        if (r->find("keep") != nullptr) {
            if (auto e = integer(ctx, *r, "keep", 1, 1000000, v); !e) return e.error();
            c.keep = static_cast<int>(v);
        }
        if (r->find("older_than_days") != nullptr) {
            if (auto e = integer(ctx, *r, "older_than_days", 1, 36500, v); !e) return e.error();
            c.older_than_days = static_cast<int>(v);
        }
    }
    if (top->find("limits") != nullptr) {
        auto l = section(ctx, *top, "limits", kLimitKeys);
        if (!l) return l.error();
        if (auto e = integer(ctx, *l, "concurrency", 1, 1024, c.concurrency); !e) return e.error();
        if (auto e = number(ctx, *l, "timeout", 0.1, 600, c.timeout_s); !e) return e.error();
        if (auto e = integer(ctx, *l, "max_conn_per_host", 0, 1024, c.max_conn_per_host); !e)
            return e.error();
        if (auto e = number(ctx, *l, "rate", 0, 100000, c.rate); !e) return e.error();
    }
    if (top->find("notify") != nullptr)
        if (auto r = read_notify(ctx, *top, base, c); !r) return r.error();
    return c;
}

}  // namespace

std::string SecretRef::describe() const {
    if (!file.empty()) return fmt::format("file {}", file);
    if (!env.empty()) return fmt::format("environment variable {}", env);
    return "none";
}

core::Result<std::string> SecretRef::read() const {
    std::string value;
    if (!env.empty()) {
        const char* v = std::getenv(env.c_str());
        if (v == nullptr || *v == '\0')
            return core::make_error(std::string(kCode),
                                    fmt::format("environment variable {} is not set", env), "config");
        value = v;
    } else if (!file.empty()) {
        std::ifstream in(file, std::ios::binary);
        if (!in)
            return core::make_error(std::string(kCode), fmt::format("cannot read the secret file {}", file),
                                    "config");
        std::ostringstream ss;
        ss << in.rdbuf();
        value = ss.str();
        if (value.size() > kMaxSecretBytes)
            return core::make_error(std::string(kCode), fmt::format("the secret file {} is too large", file),
                                    "config");
    }
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    return value;
}

const std::vector<std::string>& report_formats() {
    static const std::vector<std::string> v = {"json", "text", "html", "csv", "junit", "sarif", "oscal"};
    return v;
}

const std::vector<std::string>& notify_events() {
    static const std::vector<std::string> v = {"new_failures", "regressions", "expired_waivers",
                                               "expiring_certificates"};
    return v;
}

const std::vector<std::string>& report_languages() {
    static const std::vector<std::string> v = {"en", "fr", "es", "ar", "ru", "zh"};
    return v;
}

core::Result<ScanConfig> load_config(const fs::path& file) {
    std::error_code ec;
    const fs::path abs = fs::absolute(file, ec).lexically_normal();
    const yaml::Context ctx(file.string(), std::string(kCode));
    return yaml::read_document(ctx, file, "configuration", [&](const yaml::Document& doc) -> core::Result<ScanConfig> {
        auto c = read_config(ctx, doc, abs);
        if (!c) return c.error();
        c->path = abs.string();
        c->sha256 = sha256_hex(doc.bytes);
        return c;
    });
}

nlohmann::json config_json(const ScanConfig& c) {
    nlohmann::json j{{"path", c.path},
                     {"sha256", c.sha256},
                     {"name", c.name},
                     {"inventory", c.inventory},
                     {"profiles", c.profiles},
                     {"tailoring", c.tailoring},
                     {"fail_on", c.fail_on},
                     {"output", {{"directory", c.out_dir}, {"formats", c.formats}, {"lang", c.lang}}},
                     {"limits",
                      {{"concurrency", c.concurrency},
                       {"timeout", c.timeout_s},
                       {"max_conn_per_host", c.max_conn_per_host},
                       {"rate", c.rate}}}};
    if (!c.scope.empty()) j["scope"] = c.scope;
    if (!c.waivers.empty()) j["waivers"] = c.waivers;
    if (!c.ca_file.empty()) j["ca_file"] = c.ca_file;
    if (!c.signing_key.empty()) j["signing"] = {{"key", c.signing_key}};
    nlohmann::json retention = nlohmann::json::object();
    if (c.keep) retention["keep"] = *c.keep;
    if (c.older_than_days) retention["older_than_days"] = *c.older_than_days;
    if (!retention.empty()) j["retention"] = retention;
    if (c.notify.webhook || c.notify.email) {
        nlohmann::json n{{"events", c.notify.events},
                         {"certificate_days", c.notify.certificate_days},
                         {"when_unchanged", c.notify.when_unchanged}};
        if (const auto& w = c.notify.webhook) {
            n["webhook"] = {{"url", w->url}, {"timeout", w->timeout_s}, {"retries", w->retries}};
            if (!w->token.empty()) n["webhook"]["token"] = w->token.describe();
        }
        if (const auto& m = c.notify.email) {
            n["email"] = {
                {"smtp_url", m->smtp_url}, {"from", m->from}, {"to", m->to}, {"starttls", m->starttls}};
            if (!m->username.empty()) n["email"]["username"] = m->username;
            if (!m->password.empty()) n["email"]["password"] = m->password.describe();
        }
        j["notify"] = n;
    }
    return j;
}

}  // namespace conformscan::scanner
