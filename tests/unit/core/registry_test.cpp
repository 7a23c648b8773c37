#include "scanner/core/registry.hpp"

#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace conformscan::core {
namespace {

using ::testing::HasSubstr;

CheckDescriptor check(std::string name) {
    CheckDescriptor d;
    d.name = std::move(name);
    d.facts = {"tls"};
    d.evaluate = [](const CheckContext&, const Json&) { return Outcome::pass("ok"); };
    return d;
}

ProbeDescriptor probe(std::string name) {
    ProbeDescriptor d;
    d.name = std::move(name);
    d.run = [](const Target&, const ProbeOptions&, const FactSet&) { return ProbeRecord{}; };
    return d;
}

TEST(CheckRegistry, RefusesDuplicatesAndIncompleteDescriptors) {
    CheckRegistry r;
    ASSERT_TRUE(r.add(check("tls.protocol_versions")).ok());
    auto dup = r.add(check("tls.protocol_versions"));
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, "registry_duplicate");
    EXPECT_THAT(dup.error().message, HasSubstr("'tls.protocol_versions' is registered twice"));

    EXPECT_EQ(r.add(check("")).error().code, "registry");
    auto no_eval = check("x.y");
    no_eval.evaluate = nullptr;
    EXPECT_EQ(r.add(no_eval).error().code, "registry");
    EXPECT_EQ(r.find("x.y"), nullptr);
    EXPECT_THROW(must_add(r, check("tls.protocol_versions")), std::logic_error);
}

TEST(CheckRegistry, AllIsSortedByNameAndFindWorks) {
    CheckRegistry r;
    for (const char* name : {"tls.cipher_suites", "fact.require", "ssh.kex", "http.hsts"})
        must_add(r, check(name));
    std::vector<std::string> names;
    for (const auto* d : r.all()) names.push_back(d->name);
    EXPECT_EQ(names, (std::vector<std::string>{"fact.require", "http.hsts", "ssh.kex", "tls.cipher_suites"}));
    ASSERT_NE(r.find("ssh.kex"), nullptr);
    EXPECT_EQ(r.find("ssh.kex")->name, "ssh.kex");
    EXPECT_EQ(r.find("ssh"), nullptr);
    EXPECT_TRUE(CheckRegistry().all().empty());
}

TEST(CheckDescriptor, NeededProbesPrefersProbesFor) {
    auto d = check("fact.require");
    EXPECT_EQ(d.needed_probes(Json::object()), (std::vector<std::string>{"tls"}));
    d.probes_for = [](const Json& with) {
        return with.contains("path") ? std::vector<std::string>{with["path"].get<std::string>()}
                                     : std::vector<std::string>{};
    };
    EXPECT_EQ(d.needed_probes(Json{{"path", "ssh"}}), (std::vector<std::string>{"ssh"}));
    EXPECT_EQ(d.needed_probes(Json::object()), (std::vector<std::string>{"tls"}));  // empty: fall back
}

TEST(ProbeRegistry, RefusesDuplicatesAndSorts) {
    ProbeRegistry r;
    ASSERT_TRUE(r.add(probe("tls")).ok());
    ASSERT_TRUE(r.add(probe("ssh")).ok());
    EXPECT_EQ(r.add(probe("tls")).error().code, "registry_duplicate");
    auto no_run = probe("tcp");
    no_run.run = nullptr;
    EXPECT_EQ(r.add(no_run).error().code, "registry");
    EXPECT_THROW(must_add(r, probe("ssh")), std::logic_error);
    ASSERT_EQ(r.all().size(), 2u);
    EXPECT_EQ(r.all()[0]->name, "ssh");
    EXPECT_EQ(r.all()[1]->name, "tls");
    EXPECT_NE(r.find("tls"), nullptr);
    EXPECT_EQ(r.find("tcp"), nullptr);
}

}  // namespace
}  // namespace conformscan::core
