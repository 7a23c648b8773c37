#include "scanner/profile_loader.hpp"

#include <cstdlib>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scanner/digest.hpp"

namespace conformscan::scanner {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const fs::path kProfiles = fs::path(CONFORMSCAN_TEST_DATA) / "profiles";

core::Outcome pass_always(const core::CheckContext&, const core::Json&) {
    return core::Outcome::pass("ok");
}

// Fake checks, so that these tests do not move when the real ones do.
core::CheckRegistry make_registry() {
    core::CheckRegistry registry;
    core::CheckDescriptor check;
    check.name = "test.check";
    check.params = {
        core::ParamSpec{.name = "threshold",
                        .type = core::ParamType::integer,
                        .default_value = 5,
                        .minimum = 0,
                        .maximum = 100},
        core::ParamSpec{
            .name = "mode", .type = core::ParamType::string, .default_value = "a", .choices = {"a", "b"}},
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
    typed.validate = [](const core::Json& params) -> core::Result<void> {
        if (params["names"].is_array())
            for (const auto& n : params["names"])
                if (n == "bad") return core::make_error("test", "name 'bad' is not allowed");
        return {};
    };
    typed.evaluate = pass_always;
    core::must_add(registry, typed);

    core::CheckDescriptor required;
    required.name = "test.required";
    required.params = {core::ParamSpec{.name = "level", .type = core::ParamType::integer, .required = true}};
    required.evaluate = pass_always;
    core::must_add(registry, required);
    return registry;
}

class ProfileLoaderTest : public ::testing::Test {
protected:
    core::CheckRegistry m_registry = make_registry();
    ProfileLoader m_loader{m_registry, {kProfiles}};

    core::Error load_error(const std::string& name) {
        auto r = m_loader.load_file(kProfiles / name);
        EXPECT_FALSE(r.ok()) << name << " loaded";
        return r.ok() ? core::Error{} : r.error();
    }
    static std::string at(const std::string& name, int line, int column) {
        return (kProfiles / name).string() + ":" + std::to_string(line) + ":" + std::to_string(column);
    }
};

TEST_F(ProfileLoaderTest, LoadsEveryKeyOfAGoodProfile) {
    const auto path = kProfiles / "good.yaml";
    auto r = m_loader.load_file(path);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    const auto& p = *r;
    EXPECT_EQ(p.id, "test-good");
    EXPECT_EQ(p.title, "A profile that exercises every key");
    EXPECT_EQ(p.version, "1.2.0");
    EXPECT_EQ(p.description, "Used by profile_loader_test.");
    ASSERT_EQ(p.derived_from.size(), 1u);
    EXPECT_EQ(p.derived_from[0].document, "ITU-T X.509");
    EXPECT_EQ(p.derived_from[0].edition, "10/2019");
    EXPECT_EQ(p.derived_from[0].url, "https://www.itu.int/rec/T-REC-X.509");
    EXPECT_EQ(p.status, "active");
    ASSERT_EQ(p.changelog.size(), 2u);
    EXPECT_EQ(p.changelog[0].version, "1.2.0");
    EXPECT_EQ(p.changelog[0].date, "2026-11-27");
    EXPECT_EQ(p.changelog[0].changes, std::vector<std::string>{"Add TEST-02."});
    EXPECT_EQ(p.changelog[1].changes, (std::vector<std::string>{"First release", "Two lines"}));
    EXPECT_EQ(p.path, path.string());
    EXPECT_EQ(p.sha256, sha256_file(path).value());
    EXPECT_TRUE(p.parents.empty());
    ASSERT_EQ(p.rules.size(), 2u);

    const auto& a = p.rules[0];
    EXPECT_EQ(a.id, "TEST-01");
    EXPECT_EQ(a.severity, core::Severity::high);
    EXPECT_EQ(a.dimension, "authentication");
    EXPECT_EQ(a.layer, "applications");
    EXPECT_EQ(a.plane, "end-user");
    EXPECT_EQ(a.applies_to.services, (std::vector<std::string>{"https", "tls"}));
    EXPECT_EQ(a.applies_to.tags, (std::vector<std::string>{"dmz"}));
    EXPECT_EQ(a.applies_to.ports, (std::vector<std::uint16_t>{443}));
    EXPECT_EQ(a.check, "test.check");
    EXPECT_EQ(a.params, (core::Json{{"threshold", 14}, {"mode", "a"}}));
    ASSERT_EQ(a.references.size(), 2u);
    EXPECT_EQ(a.references[0].document, "RFC 5280");
    EXPECT_EQ(a.references[0].clause, "4.1.2.5");
    EXPECT_TRUE(a.references[0].verified);
    EXPECT_EQ(a.references[1].clause, "7.2");
    EXPECT_FALSE(a.references[1].verified);
    EXPECT_EQ(a.references[1].url, "https://example.test/x509");
    EXPECT_EQ(a.references[1].note, "edition 10/2019");
    EXPECT_EQ(a.guideline.summary, "Renew before expiry.");
    EXPECT_EQ(a.guideline.fixes.at("nginx"), "ssl_certificate /etc/ssl/fullchain.pem;");
    EXPECT_EQ(a.guideline.fixes.size(), 2u);
    EXPECT_EQ(a.cwe, (std::vector<std::string>{"CWE-295"}));
    EXPECT_EQ(a.cve, (std::vector<std::string>{"CVE-2014-0160"}));
    ASSERT_TRUE(a.effective_from && a.effective_until);
    EXPECT_EQ(core::format_time(*a.effective_from), "2024-01-01T00:00:00Z");
    EXPECT_EQ(core::format_time(*a.effective_until), "2031-12-31T23:59:59Z");
    EXPECT_EQ(a.defined_in, path.string() + ":16:5");
    EXPECT_EQ(a.from_profile, "test-good");

    const auto& b = p.rules[1];
    EXPECT_EQ(b.severity, core::Severity::info);
    EXPECT_EQ(b.defined_in, path.string() + ":37:5");
    EXPECT_EQ(b.params["names"], (core::Json{"alpha", "beta", "3"}));
    EXPECT_EQ(b.params["flag"], true);
    EXPECT_EQ(b.params["ports"], (core::Json{22, 443}));
    EXPECT_EQ(b.params["ratio"], 0.5);
    EXPECT_TRUE(b.params["count"].is_number_integer());
    EXPECT_EQ(b.params["count"], 7);
    EXPECT_EQ(b.params["extra"], core::Json::parse(R"({"a": [1, true, "x", 2.5, "7"], "b": null})"));
}

TEST_F(ProfileLoaderTest, ExtendsOverridesByIdAndExcludes) {
    auto r = m_loader.load_file(kProfiles / "child.yaml");
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r->rules.size(), 3u);
    EXPECT_EQ(r->rules[0].id, "BASE-01");  // replaced in place
    EXPECT_EQ(r->rules[0].severity, core::Severity::critical);
    EXPECT_EQ(r->rules[0].from_profile, "test-child");
    EXPECT_EQ(r->rules[0].params["threshold"], 1);
    EXPECT_EQ(r->rules[1].id, "BASE-02");
    EXPECT_EQ(r->rules[1].from_profile, "test-base");
    EXPECT_EQ(r->rules[1].defined_in, (kProfiles / "examples/base.yaml").string() + ":12:5");
    EXPECT_EQ(r->rules[2].id, "CHILD-01");  // appended; BASE-03 excluded
    EXPECT_EQ(r->extends, (std::vector<std::string>{"examples/base"}));
    ASSERT_EQ(r->parents.size(), 1u);
    EXPECT_EQ(r->parents[0].id, "test-base");
    EXPECT_EQ(r->parents[0].version, "1.0.0");
    EXPECT_EQ(r->parents[0].path, (kProfiles / "examples/base.yaml").string());
    EXPECT_EQ(r->parents[0].sha256, sha256_file(kProfiles / "examples/base.yaml").value());
}

TEST_F(ProfileLoaderTest, ExtendsByIdAndByFileNameListsEveryAncestorOnce) {
    auto r = m_loader.load_file(kProfiles / "grandchild.yaml");
    ASSERT_TRUE(r.ok()) << r.error().describe();
    std::vector<std::string> ids;
    for (const auto& rule : r->rules) ids.push_back(rule.id + "@" + rule.from_profile);
    // The later parent (the base) takes BASE-01 back and brings BASE-03 again.
    EXPECT_EQ(ids, (std::vector<std::string>{"BASE-01@test-base", "BASE-02@test-base", "CHILD-01@test-child",
                                             "BASE-03@test-base"}));
    ASSERT_EQ(r->parents.size(), 2u);
    EXPECT_EQ(r->parents[0].id, "test-child");
    EXPECT_EQ(r->parents[1].id, "test-base");
}

TEST_F(ProfileLoaderTest, RefusesAnExtendsCycle) {
    auto e = load_error("cycle_a.yaml");
    EXPECT_EQ(e.where, at("cycle_b.yaml", 6, 7));
    EXPECT_THAT(e.message, HasSubstr("extends cycle: test-cycle-a -> test-cycle-b -> test-cycle-a"));
}

TEST_F(ProfileLoaderTest, RefusesAMissingParent) {
    auto e = load_error("missing_parent.yaml");
    EXPECT_EQ(e.where, at("missing_parent.yaml", 5, 28));
    EXPECT_THAT(e.message, HasSubstr("extends 'no-such-parent': no such profile; looked in"));
    EXPECT_THAT(e.message, HasSubstr((kProfiles / "no-such-parent.yaml").string()));
}

struct BadCase {
    const char* file;
    int line;
    int column;
    const char* phrase;
};

class ProfileLoaderBadFile : public ProfileLoaderTest, public ::testing::WithParamInterface<BadCase> {};

TEST_P(ProfileLoaderBadFile, IsRefusedWithPosition) {
    const auto& c = GetParam();
    auto e = load_error(std::string("bad/") + c.file);
    EXPECT_EQ(e.code, "bad_profile");
    EXPECT_EQ(e.where, at(std::string("bad/") + c.file, c.line, c.column));
    EXPECT_THAT(e.message, HasSubstr(c.phrase));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ProfileLoaderBadFile,
    ::testing::Values(
        BadCase{"unknown_top_key.yaml", 12, 1, "extra: unknown key; expected one of profile, rules"},
        BadCase{"unknown_rule_key.yaml", 12, 5, "rules[0].sevrity: unknown key; expected one of id, title"},
        BadCase{"bad_severity.yaml", 8, 15,
                "rules[0].severity: expected one of critical, high, medium, low, info; got 'hgh'"},
        BadCase{"missing_references.yaml", 6, 5, "rules[0].references: required"},
        BadCase{"missing_summary.yaml", 11, 16, "rules[0].guideline.summary: required"},
        BadCase{"unknown_check.yaml", 9, 12,
                "rules[0].check: unknown check type 'tls.nope'; see `conformscan checks list`"},
        BadCase{"with_unknown_param.yaml", 12, 26,
                "rules[0].with.treshold: unknown parameter of check 'test.check'; accepted: threshold, mode"},
        BadCase{"with_wrong_type.yaml", 12, 23, "rules[0].with.threshold: expected an integer; got '5'"},
        BadCase{"with_bad_choice.yaml", 12, 18, "rules[0].with.mode: 'mode' must be one of [a, b], got 'c'"},
        BadCase{"with_out_of_range.yaml", 12, 23, "'threshold' must be at most 100, got 1000"},
        BadCase{"with_missing_required.yaml", 6, 5, "rules[0].with: missing required parameter 'level'"},
        BadCase{"with_validate.yaml", 12, 5, "check 'test.typed': name 'bad' is not allowed"},
        BadCase{"duplicate_rule_id.yaml", 12, 5, "rules[1].id: duplicate rule id 'R-01' (first defined at "},
        BadCase{"duplicate_key.yaml", 12, 5, "rules[0].title: duplicate key (first at "},
        BadCase{"bad_exclude.yaml", 5, 13, "profile.exclude[0]: no inherited rule 'NOPE-01'"},
        BadCase{"bad_cwe.yaml", 12, 20, "rules[0].cwe[1]: expected CWE-<number>; got 'cwe-1'"},
        BadCase{"bad_time.yaml", 12, 21, "rules[0].effective_from: '2024-13-01' is not an ISO 8601 time"},
        BadCase{"no_rules.yaml", 1, 1, "rules: required"},
        BadCase{"bad_profile_id.yaml", 2, 7, "profile.id: expected lower-case letters"},
        BadCase{"not_mapping.yaml", 1, 1, "must be a mapping of keys to values; got a list"},
        BadCase{"empty.yaml", 1, 1, "the profile is empty"},
        BadCase{"comment_only.yaml", 1, 1, "the profile is empty"},
        BadCase{"not_yaml.yaml", 4, 1, "not valid YAML"}),
    [](const auto& param_info) {
        std::string name = param_info.param.file;
        return name.substr(0, name.find('.'));
    });

TEST_F(ProfileLoaderTest, DuplicateMessagesNameBothPositions) {
    auto e = load_error("bad/duplicate_rule_id.yaml");
    EXPECT_THAT(e.message, HasSubstr(at("bad/duplicate_rule_id.yaml", 6, 5)));
    auto k = load_error("bad/duplicate_key.yaml");
    EXPECT_THAT(k.message, HasSubstr(at("bad/duplicate_key.yaml", 7, 5)));
}

TEST_F(ProfileLoaderTest, RefusesAMissingFile) {
    auto e = load_error("does-not-exist.yaml");
    EXPECT_THAT(e.message, HasSubstr("no such file"));
}

TEST_F(ProfileLoaderTest, RefusesAFileOverFourMebibytes) {
    const auto big = fs::temp_directory_path() / "conformscan_profile_loader_big.yaml";
    {
        std::ofstream out(big, std::ios::binary);
        out << "profile: {id: big, title: Big, version: '1'}\nrules: []\n# ";
        out << std::string(4 * 1024 * 1024, 'x') << "\n";
    }
    auto r = m_loader.load_file(big);
    fs::remove(big);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message, HasSubstr("files over 4194304 bytes are refused"));
}

TEST_F(ProfileLoaderTest, LoadResolvesPathsRefsAndIds) {
    auto by_path = m_loader.load((kProfiles / "child.yaml").string());
    ASSERT_TRUE(by_path.ok()) << by_path.error().describe();
    EXPECT_EQ(by_path->id, "test-child");

    auto by_ref = m_loader.load("examples/base");
    ASSERT_TRUE(by_ref.ok()) << by_ref.error().describe();
    EXPECT_EQ(by_ref->id, "test-base");
    EXPECT_EQ(by_ref->path, (kProfiles / "examples/base.yaml").string());

    auto by_id = m_loader.load("test-good");
    ASSERT_TRUE(by_id.ok()) << by_id.error().describe();
    EXPECT_EQ(by_id->path, (kProfiles / "good.yaml").string());

    auto missing = m_loader.load("nope/none");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, "profile_not_found");
    EXPECT_THAT(missing.error().message, HasSubstr("no profile 'nope/none'"));
    EXPECT_THAT(missing.error().message, HasSubstr((kProfiles / "nope/none.yaml").string()));
}

TEST_F(ProfileLoaderTest, CatalogReadsHeadersAndSkipsBrokenFiles) {
    auto entries = m_loader.catalog();
    std::vector<std::string> refs;
    for (const auto& e : entries) refs.push_back(e.ref);
    EXPECT_TRUE(std::is_sorted(refs.begin(), refs.end()));
    auto find = [&](const std::string& ref) {
        return std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.ref == ref; });
    };
    auto base = find("examples/base");
    ASSERT_NE(base, entries.end());
    EXPECT_EQ(base->id, "test-base");
    EXPECT_EQ(base->title, "Base profile");
    EXPECT_EQ(base->version, "1.0.0");
    EXPECT_EQ(base->path, kProfiles / "examples/base.yaml");
    EXPECT_NE(find("good"), entries.end());
    // Only the header is read: a file with a bad rule is still listed.
    EXPECT_NE(find("bad/bad_severity"), entries.end());
    EXPECT_EQ(find("bad/not_yaml"), entries.end());
    EXPECT_EQ(find("bad/empty"), entries.end());
    EXPECT_EQ(find("bad/not_mapping"), entries.end());
}

TEST(DefaultProfileRoots, EnvironmentFirstExistingOnlyNoDuplicates) {
    const std::string value = kProfiles.string() + ":/nonexistent/conformscan:" + kProfiles.string() + "/";
    ASSERT_EQ(setenv("CONFORMSCAN_PROFILES", value.c_str(), 1), 0);
    auto roots = default_profile_roots();
    unsetenv("CONFORMSCAN_PROFILES");
    ASSERT_FALSE(roots.empty());
    EXPECT_EQ(fs::weakly_canonical(roots[0]), fs::weakly_canonical(kProfiles));
    for (std::size_t i = 1; i < roots.size(); ++i) {
        EXPECT_NE(fs::weakly_canonical(roots[i]), fs::weakly_canonical(kProfiles));
        EXPECT_TRUE(fs::is_directory(roots[i]));
    }
}

}  // namespace
}  // namespace conformscan::scanner
