#include "reports/html_report.hpp"

#include <regex>

#include <gtest/gtest.h>

#include "reports/html_sections.hpp"
#include "reports/json_report.hpp"

namespace conformscan::reports {
namespace {

using nlohmann::json;

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
    return n;
}

// A report whose every server-sourced string is hostile markup.
core::ScanReport sample_report() {
    core::ScanReport r;
    r.tool_version = "0.1.0";
    r.openssl_version = "OpenSSL 3.0";
    r.scan_id = "id-1";
    r.started_at = *core::parse_time("2026-11-27T10:00:00Z");
    r.finished_at = *core::parse_time("2026-11-27T10:00:05Z");
    r.as_of = r.started_at;
    r.scope_allow = {"127.0.0.1/32"};
    r.profiles = json::array({{{"id", "p"},
                               {"version", "1.0.0"},
                               {"title", "Profile"},
                               {"sha256", "ab"},
                               {"tailoring", {{"id", "t"}, {"sha256", "cd"}}}}});
    core::TargetRecord t;
    t.target.id = "127.0.0.1:443";
    t.target.name = "<img src=x onerror=alert(1)>";
    t.target.host = "127.0.0.1";
    t.target.port = 443;
    t.target.service = "https";
    core::ProbeRecord http;
    http.probe = "http";
    http.data = {{"headers", json::array({{{"name", "Server"}, {"value", "nginx/1.22 <b>"}}})}};
    t.facts.put(http);
    r.targets.push_back(t);

    core::RuleResult fail;
    fail.target_id = t.target.id;
    fail.profile_id = "p";
    fail.rule_id = "R-1";
    fail.title = "Certificate is valid";
    fail.severity = core::Severity::high;
    fail.status = core::Status::fail;
    fail.message = "</td><script>alert('m')</script>";
    fail.observed = {{"subject", "CN=<script>x</script>"}};
    fail.dimension = "authentication";
    fail.plane = "end-user";
    fail.references = {{"ITU-T X.805", "6.2", "", true, ""}, {"RFC 5280", "4.1.2.5", "", false, ""}};
    fail.guideline.summary = "Renew it.";
    fail.guideline.fixes = {{"apache", "SSLCertificateFile ..."}, {"nginx", "ssl_certificate ...;"}};
    fail.i18n = {{"fr", {{"title", "Certificat valide"}, {"summary", "Renouvelez-le."}}}};
    auto other = fail;
    other.rule_id = "R-2";
    other.title = "Key is long enough";
    other.i18n = json();
    auto pass = fail;
    pass.rule_id = "R-3";
    pass.status = core::Status::pass;
    pass.dimension.clear();
    auto waived = fail;
    waived.rule_id = "R-4";
    waived.status = core::Status::waived;
    waived.waiver = {{"id", "W-1"}, {"kind", "risk-accepted"}, {"justification", "<i>legacy</i>"},
                     {"approved_by", "CISO"}, {"expires_on", "2099-01-01T00:00:00Z"}, {"real_status", "fail"}};
    r.results = {fail, other, pass, waived};
    r.waivers = {{"file", "w.yaml"},
                 {"sha256", "ef"},
                 {"as_of", "2026-11-27T10:00:00Z"},
                 {"active", json::array({{{"id", "W-1"}, {"rule", "R-4"}, {"kind", "risk-accepted"},
                                          {"justification", "<i>legacy</i>"}, {"results", 1}}})},
                 {"expired", json::array()},
                 {"unused", json::array({"W-9"})}};
    return r;
}

TEST(HtmlReport, EscapesEverythingFromTheReport) {
    const auto page = render_html(sample_report(), HtmlOptions{});
    EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_EQ(page.find("<img"), std::string::npos);
    EXPECT_EQ(page.find("<b>"), std::string::npos);
    EXPECT_EQ(page.find("<i>"), std::string::npos);
    EXPECT_EQ(page.find("alert('m')"), std::string::npos);
    EXPECT_NE(page.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
    EXPECT_NE(page.find("&lt;/td&gt;&lt;script&gt;alert(&#39;m&#39;)&lt;/script&gt;"), std::string::npos);
    // The only script is the renderer's own.
    EXPECT_EQ(count(page, "<script"), 1u);
}

TEST(HtmlReport, ReferencesNothingOutsideTheDocument) {
    const auto page = render_html(sample_report(), HtmlOptions{});
    const std::regex link(R"re(\b(src|href|action|srcset)\s*=\s*"([^"]*)")re");
    for (auto it = std::sregex_iterator(page.begin(), page.end(), link); it != std::sregex_iterator(); ++it) {
        const auto target = (*it)[2].str();
        EXPECT_TRUE(target.rfind("#", 0) == 0 || target.rfind("data:", 0) == 0) << (*it)[0].str();
    }
    EXPECT_EQ(page.find("url("), std::string::npos);
    EXPECT_EQ(page.find("@import"), std::string::npos);
    EXPECT_NE(page.find("default-src 'none'"), std::string::npos);
}

TEST(HtmlReport, OneRowPerResultAndFailuresCounted) {
    const auto page = render_html(sample_report(), HtmlOptions{});
    EXPECT_EQ(count(page, "<tr class=\"result "), 4u);
    EXPECT_EQ(count(page, "<tr class=\"result status-fail\""), 2u);
    EXPECT_EQ(count(page, "<tr class=\"result status-waived\""), 1u);
    EXPECT_NE(page.find("id=\"fail-total\">2<"), std::string::npos);
    // Matrix: authentication × end-user holds 0 passed (R-3 has no dimension) and 2 failed.
    EXPECT_NE(page.find("data-pass=\"0\" data-fail=\"2\""), std::string::npos);
    EXPECT_NE(page.find("W-1"), std::string::npos);
    EXPECT_NE(page.find("W-9"), std::string::npos);
}

TEST(HtmlReport, HighlightsTheFixForTheSoftwareFound) {
    const auto page = render_html(sample_report(), HtmlOptions{});
    EXPECT_NE(page.find("<li class=\"match\" data-software=\"nginx\">"), std::string::npos);
    EXPECT_EQ(page.find("<li class=\"match\" data-software=\"apache\">"), std::string::npos);
    EXPECT_NE(page.find("HTTP Server: nginx/1.22 &lt;b&gt;"), std::string::npos);
}

TEST(HtmlReport, DetectsSoftwareFromBanners) {
    core::FactSet facts;
    core::ProbeRecord ssh;
    ssh.probe = "ssh";
    ssh.data = {{"banner", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10"}};
    facts.put(ssh);
    core::ProbeRecord tcp;
    tcp.probe = "tcp";
    tcp.data = {{"evidence", "220 mx.example ESMTP Postfix (Debian/GNU)"}};
    facts.put(tcp);
    core::ProbeRecord http;
    http.probe = "http";
    http.data = {{"headers", json::array({{{"name", "server"}, {"value", "Apache-Coyote/1.1"}}})}};
    facts.put(http);
    std::vector<std::string> keys;
    for (const auto& h : html::detect_software(facts)) keys.push_back(h.key);
    EXPECT_EQ(keys, (std::vector<std::string>{"tomcat", "openssh", "postfix"}));
    EXPECT_TRUE(html::detect_software(core::FactSet{}).empty());
}

TEST(HtmlReport, FrenchUsesTheProfileTranslationsAndMarksEnglishFallbacks) {
    HtmlOptions o;
    o.lang = "fr";
    const auto page = render_html(sample_report(), o);
    EXPECT_NE(page.find("<html lang=\"fr\" dir=\"ltr\">"), std::string::npos);
    EXPECT_NE(page.find(">Synthèse</h2>"), std::string::npos);
    EXPECT_NE(page.find("Certificat valide"), std::string::npos);
    EXPECT_NE(page.find("Renouvelez-le."), std::string::npos);
    // R-2 has no French title: English, marked.
    EXPECT_NE(page.find("lang=\"en\" dir=\"ltr\" title=\"non traduit : texte anglais du profil\">Key is long enough"
                        "<sup class=\"en-mark\">EN</sup>"),
              std::string::npos);
}

TEST(HtmlReport, ArabicIsRightToLeft) {
    HtmlOptions o;
    o.lang = "ar";
    const auto page = render_html(sample_report(), o);
    EXPECT_NE(page.find("<html lang=\"ar\" dir=\"rtl\">"), std::string::npos);
    EXPECT_NE(page.find(">الملخص التنفيذي</h2>"), std::string::npos);
    o.lang = "xx";  // unknown: English
    EXPECT_NE(render_html(sample_report(), o).find("<html lang=\"en\" dir=\"ltr\">"), std::string::npos);
}

TEST(HtmlReport, CoverageListsUncheckedClausesOnlyWithACatalogue) {
    HtmlOptions o;
    const auto without = render_html(sample_report(), o);
    EXPECT_EQ(count(without, "No clause catalogue of this document was available"), 2u);
    EXPECT_EQ(count(without, "<tr class=\"not-checked\">"), 0u);
    o.clause_catalogues = json::array({{{"document", "ITU-T X.805"},
                                        {"edition", "10/2003"},
                                        {"clauses", json::array({{{"clause", "6.1"}, {"title", "Access control"}},
                                                                 {{"clause", "6.2"}, {"title", "Authentication"}}})}}});
    const auto with = render_html(sample_report(), o);
    EXPECT_EQ(count(with, "No clause catalogue of this document was available"), 1u);  // RFC 5280 only
    EXPECT_EQ(count(with, "<tr class=\"not-checked\">"), 1u);                         // 6.1
    EXPECT_NE(with.find("<tr class=\"not-checked\"><td><bdi>6.1</bdi></td><td>Access control</td>"), std::string::npos);
}

TEST(HtmlReport, SignatureStatusOnTheCover) {
    HtmlOptions o;
    EXPECT_NE(render_html(sample_report(), o).find("not checked when this page was made"), std::string::npos);
    o.signature_status = "FAILED: <signature> does not match";
    EXPECT_NE(render_html(sample_report(), o).find("class=\"sig-bad\" dir=\"ltr\">FAILED: &lt;signature&gt;"),
              std::string::npos);
}

TEST(HtmlReport, VerificationOutcomeOnTheCover) {
    HtmlOptions o;
    EXPECT_NE(render_html(sample_report(), o).find("data-signature=\"not_checked\""), std::string::npos);
    VerifyResult ok;
    ok.status = VerifyStatus::ok;
    ok.message = "signature OK: key abc, signed 2026-11-27T10:00:05Z, tool 0.1.0";
    o.verification = ok;
    o.signature_status = "signed with key abc when written";  // the verification takes precedence
    const auto good = render_html(sample_report(), o);
    EXPECT_NE(good.find("<span class=\"sig-ok\" data-signature=\"ok\">verified</span>"), std::string::npos);
    EXPECT_NE(good.find("signature OK: key abc, signed 2026-11-27T10:00:05Z"), std::string::npos);
    EXPECT_EQ(good.find("when written"), std::string::npos);
    VerifyResult bad;
    bad.status = VerifyStatus::report_modified;
    bad.message = "r.json was modified after signing: <its SHA-256>";
    o.verification = bad;
    const auto failed = render_html(sample_report(), o);
    EXPECT_NE(failed.find("<span class=\"sig-bad\" data-signature=\"report_modified\">verification FAILED "
                          "(<bdi>report_modified</bdi>)</span>"),
              std::string::npos);
    EXPECT_NE(failed.find("r.json was modified after signing: &lt;its SHA-256&gt;"), std::string::npos);
    EXPECT_EQ(failed.find("class=\"sig-ok\""), std::string::npos);
    o.lang = "fr";
    EXPECT_NE(render_html(sample_report(), o).find("ÉCHEC de la vérification"), std::string::npos);
}

TEST(HtmlReport, RendersFromJsonOrSaysWhyNot) {
    const auto j = to_json(sample_report());
    auto page = render_html(j, HtmlOptions{});
    ASSERT_TRUE(page.ok()) << page.error().describe();
    EXPECT_EQ(*page, render_html(*parse_report(j), HtmlOptions{}));
    auto bad = render_html(json{{"hello", 1}}, HtmlOptions{});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("not a conformscan report"), std::string::npos);
}

}  // namespace
}  // namespace conformscan::reports
