// Tailoring files, per-language profile text, `profiles lint` and
// `profiles coverage`, on the loader's test profiles with fake checks.
#include "scanner/tailoring.hpp"

#include <unistd.h>

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scanner/coverage.hpp"
#include "scanner/digest.hpp"
#include "scanner/profile_lint.hpp"
#include "scanner/profile_loader.hpp"

namespace conformscan::scanner {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kProfiles = fs::path(CONFORMSCAN_TEST_DATA) / "profiles";

core::Outcome pass_always(const core::CheckContext&, const core::Json&) { return core::Outcome::pass("ok"); }

core::CheckRegistry make_registry() {
    core::CheckRegistry registry;
    core::CheckDescriptor check;
    check.name = "test.check";
    check.params = {
        core::ParamSpec{.name = "threshold", .type = core::ParamType::integer, .default_value = 5, .minimum = 0,
                        .maximum = 100},
        core::ParamSpec{.name = "mode", .type = core::ParamType::string, .default_value = "a", .choices = {"a", "b"}},
    };
    check.validate = [](const core::Json& params) -> core::Result<void> {
        if (params["mode"] == "b" && params["threshold"].get<int>() > 50)
            return core::make_error("test", "mode b takes a threshold of at most 50");
        return {};
    };
    check.evaluate = pass_always;
    core::must_add(registry, check);
    core::CheckDescriptor typed;
    typed.name = "test.typed";
    typed.params = {
        core::ParamSpec{.name = "names", .type = core::ParamType::string_list},
        core::ParamSpec{.name = "flag", .type = core::ParamType::boolean, .default_value = false},
        core::ParamSpec{.name = "ports", .type = core::ParamType::integer_list},
        core::ParamSpec{.name = "ratio", .type = core::ParamType::number},
        core::ParamSpec{.name = "count", .type = core::ParamType::number},
        core::ParamSpec{.name = "extra", .type = core::ParamType::any},
    };
    typed.evaluate = pass_always;
    core::must_add(registry, typed);
    return registry;
}

class Tailoring : public ::testing::Test {
protected:
    core::CheckRegistry m_registry = make_registry();
    ProfileLoader m_loader{m_registry, {kProfiles}};
    std::vector<core::Profile> m_profiles;

    void SetUp() override {
        auto p = m_loader.load_file(kProfiles / "good.yaml");
        ASSERT_TRUE(p.ok()) << p.error().describe();
        m_profiles.push_back(std::move(p).value());
    }
    fs::path write(const std::string& text, const std::string& suffix = "") {
        auto dir = fs::temp_directory_path() / ("conformscan-tailoring-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        auto file =
            dir / (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + suffix + ".yaml");
        std::ofstream(file) << text;
        return file;
    }
    static std::string at(const fs::path& file, int line, int column) {
        return file.string() + ":" + std::to_string(line) + ":" + std::to_string(column);
    }
    core::Error error_of(const std::string& text) {
        const auto file = write(text);
        const auto before = m_profiles;
        auto r = apply_tailoring(file, m_registry, m_profiles);
        EXPECT_FALSE(r.ok());
        EXPECT_EQ(m_profiles.front().rules.size(), before.front().rules.size()) << "a refused file changed nothing";
        EXPECT_TRUE(m_profiles.front().tailoring.is_null());
        return r.ok() ? core::Error{} : r.error();
    }
};

const char* kHeader = "tailoring:\n  id: acme-core\n  profile: test-good\n";

TEST_F(Tailoring, ModifiesDropsAndAddsAndRecordsEachChange) {
    const auto file = write(std::string(kHeader) + R"(  title: ACME core network
  version: "2026.11"
modify:
  - rule: TEST-01
    reason: Renewal runs every 60 days.
    severity: medium
    with: {threshold: 30}
drop:
  - {rule: TEST-02, reason: Not used here.}
add:
  - id: ACME-01
    title: Our own rule
    severity: low
    check: test.check
    with: {mode: b}
    references: [{document: ACME policy, clause: "4.2"}]
    guideline: {summary: Follow the policy.}
)");
    auto r = apply_tailoring(file, m_registry, m_profiles);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    const auto& p = m_profiles.front();
    ASSERT_EQ(p.rules.size(), 2u);
    const auto& modified = p.rules[0];
    EXPECT_EQ(modified.id, "TEST-01");
    EXPECT_EQ(modified.severity, core::Severity::medium);
    EXPECT_EQ(modified.params, (core::Json{{"threshold", 30}, {"mode", "a"}}));
    EXPECT_EQ(modified.tailored["action"], "modified");
    EXPECT_EQ(modified.tailored["tailoring"], "acme-core");
    EXPECT_EQ(modified.tailored["reason"], "Renewal runs every 60 days.");
    EXPECT_EQ(modified.tailored["changes"], (core::Json{"severity: high -> medium", "threshold: 14 -> 30"}));
    const auto& added = p.rules[1];
    EXPECT_EQ(added.id, "ACME-01");
    EXPECT_EQ(added.params, (core::Json{{"threshold", 5}, {"mode", "b"}}));
    EXPECT_EQ(added.tailored["action"], "added");
    EXPECT_EQ(added.from_profile, "acme-core");

    EXPECT_EQ(p.tailoring["id"], "acme-core");
    EXPECT_EQ(p.tailoring["title"], "ACME core network");
    EXPECT_EQ(p.tailoring["version"], "2026.11");
    EXPECT_EQ(p.tailoring["path"], file.string());
    EXPECT_EQ(p.tailoring["sha256"], sha256_file(file).value());
    EXPECT_EQ(p.tailoring["dropped"], (core::Json::array({{{"rule", "TEST-02"}, {"reason", "Not used here."}}})));
    EXPECT_EQ(p.tailoring["added"], (core::Json{"ACME-01"}));
    EXPECT_EQ(p.tailoring["modified"][0]["rule"], "TEST-01");
    // The report's profile entry carries the tailoring.
    EXPECT_EQ(core::profile_summary_json(p)["tailoring"]["sha256"], p.tailoring["sha256"]);
}

TEST_F(Tailoring, RestoresADefaultWithNull) {
    auto r = apply_tailoring(write(std::string(kHeader) + "modify:\n  - {rule: TEST-01, reason: r, with: {threshold: ~}}\n"),
                             m_registry, m_profiles);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(m_profiles.front().rules[0].params["threshold"], 5);
}

TEST_F(Tailoring, RefusesAnUnknownRuleWithItsPosition) {
    const auto text = std::string(kHeader) + "modify:\n  - rule: TEST-99\n    reason: x\n    severity: low\n";
    auto e = error_of(text);
    EXPECT_EQ(e.where, at(write(text), 5, 11));
    EXPECT_THAT(e.message, HasSubstr("has no rule 'TEST-99'"));
}

TEST_F(Tailoring, RefusesAParameterTheCheckDoesNotTake) {
    const auto text = std::string(kHeader) + "modify:\n  - rule: TEST-01\n    reason: x\n    with: {treshold: 3}\n";
    auto e = error_of(text);
    EXPECT_EQ(e.where, at(write(text), 7, 12));
    EXPECT_THAT(e.message, HasSubstr("accepted: threshold, mode"));
}

TEST_F(Tailoring, RefusesAValueOutOfRangeAndACrossParameterConflict) {
    auto e = error_of(std::string(kHeader) + "modify:\n  - {rule: TEST-01, reason: x, with: {threshold: 500}}\n");
    EXPECT_THAT(e.message, HasSubstr("threshold"));
    // Each value is valid alone; together they break the check's own validation.
    e = error_of(std::string(kHeader) + "modify:\n  - {rule: TEST-01, reason: x, with: {mode: b, threshold: 60}}\n");
    EXPECT_THAT(e.message, HasSubstr("at most 50"));
}

TEST_F(Tailoring, RequiresAReasonAndSomethingToChange) {
    auto e = error_of(std::string(kHeader) + "modify:\n  - {rule: TEST-01, severity: low}\n");
    EXPECT_THAT(e.message, HasSubstr("reason"));
    e = error_of(std::string(kHeader) + "drop:\n  - {rule: TEST-01, reason: \"  \"}\n");
    EXPECT_THAT(e.message, HasSubstr("must not be empty"));
    e = error_of(std::string(kHeader) + "modify:\n  - {rule: TEST-01, reason: x}\n");
    EXPECT_THAT(e.message, HasSubstr("nothing to change"));
    e = error_of(std::string(kHeader));
    EXPECT_THAT(e.message, HasSubstr("at least one of modify, drop or add"));
}

TEST_F(Tailoring, RefusesTheSameRuleTwiceAndAnAddedIdThatExists) {
    auto e = error_of(std::string(kHeader) +
                      "modify:\n  - {rule: TEST-01, reason: x, severity: low}\ndrop:\n  - {rule: TEST-01, reason: y}\n");
    EXPECT_THAT(e.message, HasSubstr("twice"));
    e = error_of(std::string(kHeader) +
                 "add:\n  - {id: TEST-02, title: t, severity: low, check: test.check, references: [{document: d, "
                 "clause: \"1\"}], guideline: {summary: s}}\n");
    EXPECT_THAT(e.message, HasSubstr("already has a rule 'TEST-02'"));
}

TEST_F(Tailoring, RefusesAProfileNotInTheRunAndASecondFile) {
    auto e = error_of("tailoring: {id: x, profile: other}\ndrop: [{rule: TEST-01, reason: r}]\n");
    EXPECT_THAT(e.message, HasSubstr("not among the profiles of this run (test-good)"));
    ASSERT_TRUE(apply_tailoring(write(std::string(kHeader) + "drop: [{rule: TEST-02, reason: r}]\n", "-first"),
                                m_registry, m_profiles)
                    .ok());
    auto again = apply_tailoring(write(std::string(kHeader) + "drop: [{rule: TEST-01, reason: r}]\n", "-second"),
                                 m_registry, m_profiles);
    ASSERT_FALSE(again.ok());
    EXPECT_THAT(again.error().message, HasSubstr("already tailored"));
}

TEST_F(Tailoring, RefusesUnknownKeysAndABadSeverity) {
    auto e = error_of(std::string(kHeader) + "remove:\n  - {rule: TEST-01}\n");
    EXPECT_THAT(e.message, HasSubstr("remove"));
    e = error_of(std::string(kHeader) + "modify:\n  - {rule: TEST-01, reason: x, severity: severe}\n");
    EXPECT_THAT(e.message, HasSubstr("expected one of critical"));
}

// ---- text per language -------------------------------------------------

class ProfileText : public Tailoring {};

TEST_F(ProfileText, TitlesAndSummariesMayBeGivenPerLanguage) {
    const auto file = write(R"(profile:
  id: test-i18n
  title: {en: Certificates, fr: Certificats, ar: الشهادات}
  version: 1.0.0
rules:
  - id: I18N-01
    title: {en: Valid certificate, fr: Certificat valide, zh: 有效证书}
    description: {en: The certificate is valid., es: El certificado es válido.}
    severity: low
    check: test.check
    references: [{document: RFC 5280, clause: 4.1.2.5}]
    guideline:
      summary: {en: Renew it., ru: Обновите его.}
)");
    auto p = m_loader.load_file(file);
    ASSERT_TRUE(p.ok()) << p.error().describe();
    EXPECT_EQ(p->title, "Certificates");
    EXPECT_EQ(p->i18n["fr"]["title"], "Certificats");
    EXPECT_EQ(p->i18n["ar"]["title"], "الشهادات");
    const auto& r = p->rules.front();
    EXPECT_EQ(r.title, "Valid certificate");
    EXPECT_EQ(r.description, "The certificate is valid.");
    EXPECT_EQ(r.guideline.summary, "Renew it.");
    EXPECT_EQ(r.i18n["fr"]["title"], "Certificat valide");
    EXPECT_EQ(r.i18n["zh"]["title"], "有效证书");
    EXPECT_EQ(r.i18n["es"]["description"], "El certificado es válido.");
    EXPECT_EQ(r.i18n["ru"]["summary"], "Обновите его.");
}

TEST_F(ProfileText, EnglishIsRequiredAndLanguagesAreTheSixUnOnes) {
    const auto base = std::string("profile: {id: t, title: T, version: 1.0.0}\nrules:\n  - id: R-1\n");
    const auto tail = std::string(
        "    severity: low\n    check: test.check\n    references: [{document: D, clause: \"1\"}]\n"
        "    guideline: {summary: s}\n");
    auto no_en = m_loader.load_file(write(base + "    title: {fr: Titre}\n" + tail, "-no-en"));
    ASSERT_FALSE(no_en.ok());
    EXPECT_THAT(no_en.error().message, HasSubstr("en"));
    auto de = m_loader.load_file(write(base + "    title: {en: Title, de: Titel}\n" + tail, "-de"));
    ASSERT_FALSE(de.ok());
    EXPECT_THAT(de.error().message, HasSubstr("de"));
}

// ---- lint -----------------------------------------------------------------

TEST_F(Tailoring, LintReportsTheRulesOfTheHouse) {
    const auto dir = fs::temp_directory_path() / ("conformscan-lint-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "a.yaml") << R"(profile:
  id: lint-a
  title: A
  version: 1.1.0
  derived_from: [{document: D, edition: "1"}]
  changelog: [{version: 1.0.0, date: 2026-01-01, changes: first}]
rules:
  - id: SAME-01
    title: t
    severity: low
    plane: management
    check: test.check
    references: [{document: D, clause: "1"}]
    guideline: {summary: s}
)";
    std::ofstream(dir / "b.yaml") << R"(profile: {id: lint-b, title: B, version: 1.0.0}
rules:
  - id: SAME-01
    title: t
    severity: low
    dimension: authentication
    layer: applications
    plane: end-user
    check: test.check
    references: [{document: D, clause: "2"}]
    guideline: {summary: s, nginx: "ssl_protocols TLSv1.2;"}
)";
    std::ofstream(dir / "child.yaml") << R"(profile: {id: lint-child, title: C, version: 1.0.0, extends: [b.yaml],
  derived_from: [{document: D}], changelog: [{version: 1.0.0, changes: c}]}
rules:
  - id: SAME-01
    title: overridden
    severity: high
    dimension: authentication
    layer: applications
    plane: end-user
    check: test.check
    references: [{document: D, clause: "2"}]
    guideline: {summary: s, apache: "SSLProtocol -all +TLSv1.2"}
)";
    std::ofstream(dir / "broken.yaml") << "profile: {id: broken, title: B, version: 1.0.0}\nrules: [{id: X}]\n";
    fs::create_directories(dir / "documents");
    std::ofstream(dir / "documents" / "d.yaml") << "document: {id: D, clauses: [{clause: \"1\", title: One}]}\n";

    ProfileLoader loader(m_registry, {dir});
    const auto files = profile_files({dir});
    ASSERT_EQ(files.size(), 4u) << "documents/ is not a profile folder";
    const auto report = lint_profiles(loader, files);
    std::string all;
    for (const auto& f : report.findings) all += f.where + ": " + f.message + "\n";
    SCOPED_TRACE(all);
    auto has = [&](bool error, const std::string& text) {
        return std::any_of(report.findings.begin(), report.findings.end(), [&](const LintFinding& f) {
            return f.error == error && f.message.find(text) != std::string::npos;
        });
    };
    EXPECT_TRUE(has(true, "newest changelog entry (the first) is 1.0.0"));
    EXPECT_TRUE(has(true, "rule id SAME-01 is also defined by profile"));
    EXPECT_TRUE(has(false, "no X.805 dimension, layer"));
    EXPECT_TRUE(has(false, "network gear"));
    EXPECT_TRUE(has(false, "no fix for any software"));
    EXPECT_TRUE(has(false, "names no source document"));
    EXPECT_TRUE(has(true, "rules[0].title: required"));  // broken.yaml: the loader's own error
    // The child overrides SAME-01 of the profile it extends: not a duplicate.
    const auto dupes = std::count_if(report.findings.begin(), report.findings.end(), [](const LintFinding& f) {
        return f.message.find("also defined") != std::string::npos;
    });
    EXPECT_EQ(dupes, 2) << "a.yaml against b.yaml and against child.yaml; never child.yaml against b.yaml";
    EXPECT_EQ(report.profiles.size(), 3u);

    // Coverage against the clause catalogue in documents/.
    auto catalogues = load_clause_catalogues({dir});
    ASSERT_TRUE(catalogues.ok()) << catalogues.error().describe();
    auto b = loader.load_file(dir / "b.yaml");
    ASSERT_TRUE(b.ok());
    const auto c = profile_coverage(*b, *catalogues, "");
    ASSERT_EQ(c["documents"].size(), 1u);
    const auto& d = c["documents"][0];
    EXPECT_EQ(d["listed"], 1);
    EXPECT_EQ(d["covered"], 0);
    EXPECT_EQ(d["clauses"][0]["clause"], "1");
    EXPECT_TRUE(d["clauses"][0]["rules"].empty()) << "clause 1 is not checked";
    EXPECT_EQ(d["clauses"][1]["clause"], "2");
    EXPECT_EQ(d["clauses"][1]["rules"], (core::Json{"SAME-01"}));
    EXPECT_EQ(d["clauses"][1]["not_in_catalogue"], true);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace conformscan::scanner
