// The scheduled-scan configuration: what it accepts, and each refusal with
// its file:line:column — inline secrets above all.
#include "scanner/config.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace conformscan::scanner {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class Config : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/conformscan-config-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        m_dir = tmpl;
        write("inventory.yaml",
              "scope:\n  allow: [127.0.0.0/8]\ntargets:\n  - {host: 127.0.0.1, port: 443}\n");
        write("hook.token", "t0ken-value\n");
        write("operator.key", "not read by the loader\n");
    }
    void TearDown() override { fs::remove_all(m_dir); }

    void write(const std::string& name, const std::string& text) const {
        std::ofstream(m_dir / name, std::ios::binary) << text;
    }
    core::Result<ScanConfig> load(const std::string& text) const {
        write("conformscan.yaml", text);
        return load_config(m_dir / "conformscan.yaml");
    }
    // The error's "file:line:column: path: message".
    std::string error_of(const std::string& text) const {
        auto c = load(text);
        EXPECT_FALSE(c.ok()) << "accepted:\n" << text;
        return c ? std::string() : c.error().describe();
    }

    fs::path m_dir;
};

constexpr const char* kMinimal =
    "inventory: inventory.yaml\nprofiles: [itu-t/x805-baseline]\noutput: {directory: reports}\n";

TEST_F(Config, MinimalFileTakesDefaultsAndResolvesPathsAgainstItsDirectory) {
    auto c = load(kMinimal);
    ASSERT_TRUE(c.ok()) << c.error().describe();
    EXPECT_EQ(c->name, "conformscan");
    EXPECT_EQ(c->inventory, (m_dir / "inventory.yaml").string());
    EXPECT_EQ(c->out_dir, (m_dir / "reports").string());
    EXPECT_EQ(c->formats, (std::vector<std::string>{"json", "text"}));
    EXPECT_EQ(c->lang, "en");
    EXPECT_EQ(c->fail_on, "low");
    EXPECT_EQ(c->concurrency, 8);
    EXPECT_FALSE(c->notify.webhook.has_value());
    EXPECT_EQ(c->sha256.size(), 64U);
}

TEST_F(Config, FullFileIsReadIntoEveryField) {
    ::setenv("CONFORMSCAN_TEST_SMTP_PW", "pw-from-env", 1);
    auto c = load(R"(name: core
inventory: inventory.yaml
scope: [127.0.0.1/32]
profiles: [itu-t/x805-baseline, nist/sp800-52r2]
fail_on: high
output: {directory: /var/tmp/cs, formats: [text, html, sarif], lang: ar}
signing: {key: operator.key}
retention: {keep: 30, older_than_days: 400}
limits: {concurrency: 2, timeout: 1.5, max_conn_per_host: 1, rate: 10}
notify:
  events: [regressions]
  certificate_days: 14
  when_unchanged: true
  webhook: {url: "https://127.0.0.1:8443/hook", token_file: hook.token, timeout: 2, retries: 1}
  email: {smtp_url: "smtp://127.0.0.1:2525", from: cs@lab.invalid, to: [noc@lab.invalid],
          username: cs, password_env: CONFORMSCAN_TEST_SMTP_PW}
)");
    ASSERT_TRUE(c.ok()) << c.error().describe();
    EXPECT_EQ(c->name, "core");
    EXPECT_EQ(c->formats, (std::vector<std::string>{"json", "text", "html", "sarif"}))
        << "json is always written";
    EXPECT_EQ(c->lang, "ar");
    EXPECT_EQ(c->signing_key, (m_dir / "operator.key").string());
    EXPECT_EQ(c->keep, 30);
    EXPECT_EQ(c->older_than_days, 400);
    EXPECT_DOUBLE_EQ(c->timeout_s, 1.5);
    EXPECT_EQ(c->max_conn_per_host, 1);
    ASSERT_TRUE(c->notify.webhook.has_value());
    EXPECT_EQ(c->notify.webhook->token.read().value(), "t0ken-value");
    ASSERT_TRUE(c->notify.email.has_value());
    EXPECT_EQ(c->notify.email->password.read().value(), "pw-from-env");
    EXPECT_EQ(c->notify.events, (std::vector<std::string>{"regressions"}));
    // What reports and `config check --format json` show: the secrets' sources, never their values.
    const auto shown = config_json(*c).dump();
    EXPECT_THAT(shown, Not(HasSubstr("t0ken-value")));
    EXPECT_THAT(shown, Not(HasSubstr("pw-from-env")));
    EXPECT_THAT(shown, HasSubstr("environment variable CONFORMSCAN_TEST_SMTP_PW"));
    ::unsetenv("CONFORMSCAN_TEST_SMTP_PW");
    EXPECT_THAT(c->notify.email->password.read().error().message,
                HasSubstr("CONFORMSCAN_TEST_SMTP_PW is not set"));
}

TEST_F(Config, InlineSecretsAreRefusedWhereTheyAre) {
    const std::string base = std::string(kMinimal) + "notify:\n";
    EXPECT_THAT(
        error_of(base + "  webhook: {url: \"https://h.invalid/x\", token: abc}\n"),
        HasSubstr(
            "conformscan.yaml:5:41: notify.webhook.token: secrets are not written in the configuration"));
    EXPECT_THAT(
        error_of(base +
                 "  email:\n    smtp_url: smtp://m.invalid\n    from: a@b.invalid\n    to: [c@d.invalid]\n"
                 "    password: hunter2\n"),
        HasSubstr("conformscan.yaml:9:5: notify.email.password: secrets are not written"));
    EXPECT_THAT(error_of(base + "  webhook: {url: \"https://user:pw@h.invalid/x\"}\n"),
                HasSubstr("notify.webhook.url: a URL must not carry credentials"));
    EXPECT_THAT(error_of(std::string(kMinimal) + "secret: x\n"),
                HasSubstr(":4:1: secret: secrets are not written"));
    EXPECT_THAT(
        error_of(base + "  webhook: {url: \"https://h.invalid/x\", token_file: hook.token, token_env: T}\n"),
        HasSubstr("give token_file or token_env, not both"));
    EXPECT_THAT(
        error_of(base + "  email: {smtp_url: \"smtp://m.invalid\", from: a@b.invalid, to: [c@d.invalid], "
                        "username: u, password_env: PW, starttls: none}\n"),
        HasSubstr("a password is never sent in the clear"));
}

TEST_F(Config, MistakesAreRefusedWithFileLineColumn) {
    EXPECT_THAT(error_of("profiles: [x]\noutput: {directory: r}\n"), HasSubstr("inventory"));
    EXPECT_THAT(error_of("inventory: missing.yaml\nprofiles: [x]\noutput: {directory: r}\n"),
                HasSubstr("conformscan.yaml:1:12: inventory: no such file"));
    EXPECT_THAT(error_of(std::string(kMinimal) + "profile: [x]\n"), HasSubstr(":4:1: "));
    EXPECT_THAT(error_of("inventory: inventory.yaml\nprofiles: []\noutput: {directory: r}\n"),
                HasSubstr("profiles"));
    EXPECT_THAT(
        error_of("inventory: inventory.yaml\nprofiles: [x]\noutput: {directory: r, formats: [pdf]}\n"),
        HasSubstr("output.formats: expected any of json, text, html, csv, junit, sarif, oscal; got 'pdf'"));
    EXPECT_THAT(error_of("inventory: inventory.yaml\nprofiles: [x]\noutput: {directory: r, lang: de}\n"),
                HasSubstr("output.lang: expected one of en, fr, es, ar, ru, zh"));
    EXPECT_THAT(error_of(std::string(kMinimal) + "limits: {concurrency: 0}\n"),
                HasSubstr(":4:23: limits.concurrency: expected 1 to 1024; got 0"));
    EXPECT_THAT(error_of(std::string(kMinimal) + "fail_on: severe\n"),
                HasSubstr("fail_on: expected one of critical"));
    EXPECT_THAT(error_of(std::string(kMinimal) + "notify: {events: [regressions]}\n"),
                HasSubstr("a webhook or an email channel"));
    EXPECT_THAT(error_of(std::string(kMinimal) +
                         "notify:\n  events: [sometimes]\n  webhook: {url: \"http://h.invalid\"}\n"),
                HasSubstr("notify.events: expected any of new_failures, regressions"));
    EXPECT_THAT(error_of(std::string(kMinimal) + "signing: {key: nope.key}\n"),
                HasSubstr("signing.key: no such file"));
    EXPECT_THAT(error_of(std::string(kMinimal) + "tailoring: [nope.yaml]\n"),
                HasSubstr("tailoring: no such file"));
    EXPECT_THAT(error_of("inventory: [inventory.yaml\n"), HasSubstr("conformscan.yaml:"));
}

}  // namespace
}  // namespace conformscan::scanner
