#include "scanner/inventory.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scanner/digest.hpp"

namespace conformscan::scanner {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kInventory = fs::path(CONFORMSCAN_TEST_DATA) / "inventory";

std::string at(const std::string& name, int line, int column) {
    return (kInventory / name).string() + ":" + std::to_string(line) + ":" + std::to_string(column);
}

TEST(LoadInventory, ExpandsHostsIpv6AndCidrs) {
    auto r = load_inventory(kInventory / "good.yaml");
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->path, kInventory / "good.yaml");
    EXPECT_EQ(r->sha256, sha256_file(kInventory / "good.yaml").value());
    EXPECT_EQ(r->scope.entries(),
              (std::vector<std::string>{"127.0.0.0/8", "::1/128", "*.lab.test", "portal.example.net"}));
    std::vector<std::string> ids;
    for (const auto& t : r->targets) ids.push_back(t.id);
    // The /30 loses its network and broadcast addresses: 2 hosts x 2 ports.
    EXPECT_EQ(ids, (std::vector<std::string>{"127.0.0.1:18443", "[::1]:18443", "[::1]:18444", "127.0.0.17:22",
                                             "127.0.0.17:443", "127.0.0.18:22", "127.0.0.18:443",
                                             "www.lab.test:443", "PORTAL.Example.NET.:8443"}));
    const auto& good = r->targets[0];
    EXPECT_EQ(good.name, "good");
    EXPECT_EQ(good.host, "127.0.0.1");
    EXPECT_EQ(good.port, 18443);
    EXPECT_EQ(good.service, "https");
    EXPECT_EQ(good.sni, "demo.test");
    EXPECT_EQ(good.tags, (std::vector<std::string>{"dmz"}));
    EXPECT_TRUE(good.address.empty());  // nothing resolved while loading
    EXPECT_EQ(r->targets[1].service, "tls");
    EXPECT_EQ(r->targets[1].tags, (std::vector<std::string>{"lab"}));
    EXPECT_EQ(r->targets[3].service, "tcp");
    EXPECT_EQ(r->targets[7].port, 443);  // defaults.ports
}

TEST(LoadInventory, AutoLinesAndDeclaredOpenPorts) {
    auto r = load_inventory(kInventory / "auto_and_open_ports.yaml");
    ASSERT_TRUE(r.ok()) << r.error().describe();
    std::vector<std::string> ids;
    for (const auto& t : r->targets) ids.push_back(t.id);
    EXPECT_EQ(ids, (std::vector<std::string>{"127.0.0.2:443", "127.0.0.2:8443", "127.0.0.1:23", "127.0.0.1:80",
                                             "127.0.0.2:23", "127.0.0.2:80"}));
    // 127.0.0.2: the listed ports, open_ports of both lines naming it; an auto line's ports are not declared.
    const std::vector<std::uint16_t> host2{22, 161, 443, 8443};
    EXPECT_EQ(r->targets[0].declared_open, host2);
    EXPECT_EQ(r->targets[1].declared_open, host2);
    EXPECT_EQ(r->targets[4].declared_open, host2);
    EXPECT_EQ(r->targets[2].declared_open, (std::vector<std::uint16_t>{161}));
    EXPECT_EQ(r->targets[2].service, "auto");
}

TEST(LoadInventory, OperatorIsRecordedWhenGiven) {
    auto r = load_inventory(kInventory / "operator.yaml");
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_EQ(r->operator_name, "Ministry of Examples, CERT");
    r = load_inventory(kInventory / "good.yaml");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->operator_name, "");
}

TEST(LoadInventory, LargestCidrIsExpanded) {
    auto r = load_inventory(kInventory / "cidr_largest.yaml");
    ASSERT_TRUE(r.ok()) << r.error().describe();
    ASSERT_EQ(r->targets.size(), 4094u);
    EXPECT_EQ(r->targets.front().id, "127.16.0.1:443");
    EXPECT_EQ(r->targets.back().id, "127.16.15.254:443");
}

struct BadCase {
    const char* file;
    int line;
    int column;
    const char* phrase;
};

class LoadInventoryBadFile : public ::testing::TestWithParam<BadCase> {};

TEST_P(LoadInventoryBadFile, IsRefusedWithPosition) {
    const auto& c = GetParam();
    auto r = load_inventory(kInventory / c.file);
    ASSERT_FALSE(r.ok()) << c.file << " loaded";
    EXPECT_EQ(r.error().where, at(c.file, c.line, c.column));
    EXPECT_THAT(r.error().message, HasSubstr(c.phrase));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LoadInventoryBadFile,
    ::testing::Values(
        BadCase{"out_of_scope.yaml", 5, 12,
                "target 192.0.2.3:443 is outside scope.allow [127.0.0.0/8, ::1/128, *.lab.test]; nothing was "
                "scanned"},
        BadCase{"out_of_scope_name.yaml", 4, 12, "target evil.example.com:443 is outside scope.allow"},
        BadCase{"out_of_scope_apex.yaml", 4, 12, "target lab.test:443 is outside scope.allow"},
        BadCase{"cidr_partly_out.yaml", 4, 12, "target 127.0.0.4:22 is outside scope.allow [127.0.0.0/30]"},
        BadCase{"missing_scope.yaml", 1, 1, "scope: required"},
        BadCase{"empty_scope.yaml", 2, 10, "scope.allow: expected at least one"},
        BadCase{"cidr_too_large.yaml", 4, 12,
                "targets[0].cidr: 127.0.0.0/16 holds 2^16 addresses; at most 4096"},
        BadCase{"duplicate_target.yaml", 5, 25, "target 127.0.0.1:443 is listed twice (first at "},
        BadCase{"unknown_key.yaml", 4, 23, "targets[0].prot: unknown key; expected one of name, host, cidr"},
        BadCase{"unknown_scope_key.yaml", 3, 3, "scope.deny: unknown key; expected one of allow"},
        BadCase{"host_and_cidr.yaml", 4, 5, "targets[0]: expected exactly one of host: or cidr:"},
        BadCase{"no_port.yaml", 4, 5, "targets[0].port: required"},
        BadCase{"bad_port.yaml", 4, 29, "targets[0].port: expected 1..65535; got 70000"},
        BadCase{"bad_service.yaml", 4, 43, "targets[0].service: expected a service name"},
        BadCase{"numeric_name.yaml", 4, 12, "expected an IP address or a DNS host name; got '127.1'"},
        BadCase{"bad_scope_entry.yaml", 2, 24, "scope entry 'w*w.lab.test': '*' may only start a pattern"},
        BadCase{"auto_too_large.yaml", 4, 12,
                "targets[0].cidr: 127.0.0.0/23 is too large for service: auto: at most 256 addresses"},
        BadCase{"auto_too_many_pairs.yaml", 4, 12, "254 addresses x 17 ports is more than the 4096"},
        BadCase{"blank_operator.yaml", 1, 11, "operator: must not be empty (the name of the organisation"},
        BadCase{"auto_out_of_scope.yaml", 4, 12,
                "targets[0].cidr: 127.0.0.0/29 is not inside scope.allow [127.0.0.0/30] (127.0.0.4 is outside)"}),
    [](const auto& param_info) {
        std::string name = param_info.param.file;
        return name.substr(0, name.find('.'));
    });

TEST(LoadInventory, DuplicateNamesBothPositions) {
    auto r = load_inventory(kInventory / "duplicate_target.yaml");
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message, HasSubstr(at("duplicate_target.yaml", 4, 12)));
}

TEST(LoadInventory, MissingFileIsAnError) {
    auto r = load_inventory(kInventory / "nope.yaml");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "bad_inventory");
}

TEST(Cidr, ParsesAndMatchesIpv4) {
    auto c = Cidr::parse("192.0.2.0/24");
    ASSERT_TRUE(c.ok()) << c.error().describe();
    EXPECT_FALSE(c->v6);
    EXPECT_EQ(c->prefix, 24);
    EXPECT_TRUE(c->contains("192.0.2.0"));
    EXPECT_TRUE(c->contains("192.0.2.255"));
    EXPECT_FALSE(c->contains("198.51.100.0"));
    EXPECT_FALSE(c->contains("::ffff:192.0.2.1"));  // families never mix
    EXPECT_FALSE(c->contains("not-an-ip"));

    auto odd = Cidr::parse("127.1.2.3/9");  // host bits are cleared
    ASSERT_TRUE(odd.ok());
    EXPECT_TRUE(odd->contains("127.127.255.255"));
    EXPECT_FALSE(odd->contains("127.128.0.0"));

    auto bare = Cidr::parse("127.0.0.1");
    ASSERT_TRUE(bare.ok());
    EXPECT_EQ(bare->prefix, 32);
    EXPECT_TRUE(bare->contains("127.0.0.1"));
    EXPECT_FALSE(bare->contains("127.0.0.2"));

    auto all = Cidr::parse("0.0.0.0/0");
    ASSERT_TRUE(all.ok());
    EXPECT_TRUE(all->contains("203.0.113.9"));
}

TEST(Cidr, ParsesAndMatchesIpv6) {
    auto c = Cidr::parse("2001:db8::/32");
    ASSERT_TRUE(c.ok());
    EXPECT_TRUE(c->v6);
    EXPECT_TRUE(c->contains("2001:db8:ffff::1"));
    EXPECT_FALSE(c->contains("2001:db9::1"));
    EXPECT_FALSE(c->contains("192.0.2.1"));
    auto one = Cidr::parse("::1/128");
    ASSERT_TRUE(one.ok());
    EXPECT_TRUE(one->contains("::1"));
    EXPECT_TRUE(one->contains("0:0:0:0:0:0:0:1"));
    EXPECT_FALSE(one->contains("::2"));
    auto odd = Cidr::parse("fe80::/10");
    ASSERT_TRUE(odd.ok());
    EXPECT_TRUE(odd->contains("febf::1"));
    EXPECT_FALSE(odd->contains("fec0::1"));
}

TEST(Cidr, RefusesMalformedBlocks) {
    for (const char* bad : {"", "/24", "192.0.2.0/", "192.0.2.0/33", "::/129", "192.0.2/24", "192.0.2.0/2x",
                            "example.net/24", "192.0.2.0/-1", "192.0.2.0/0024"}) {
        auto c = Cidr::parse(bad);
        EXPECT_FALSE(c.ok()) << bad;
        if (!c.ok()) {
            EXPECT_EQ(c.error().code, "bad_cidr");
        }
    }
}

TEST(Scope, MatchesCidrsAndDnsPatterns) {
    auto s = Scope::parse({"127.0.0.0/8", "::1", "*.lab.test", "Portal.Example.net."});
    ASSERT_TRUE(s.ok()) << s.error().describe();
    EXPECT_TRUE(s->allows_host("127.3.2.1"));
    EXPECT_TRUE(s->allows_host("::1"));
    EXPECT_FALSE(s->allows_host("::2"));
    EXPECT_FALSE(s->allows_host("203.0.113.1"));
    EXPECT_TRUE(s->allows_host("www.lab.test"));
    EXPECT_TRUE(s->allows_host("a.b.LAB.test."));
    EXPECT_FALSE(s->allows_host("lab.test"));      // never the apex itself
    EXPECT_FALSE(s->allows_host("evillab.test"));  // a label boundary, not a string suffix
    EXPECT_FALSE(s->allows_host("www.lab.test.evil.net"));
    EXPECT_TRUE(s->allows_host("portal.example.net"));
    EXPECT_TRUE(s->allows_host("PORTAL.EXAMPLE.NET."));
    EXPECT_FALSE(s->allows_host("www.portal.example.net"));
    EXPECT_FALSE(s->allows_host("127.1"));  // numeric forms getaddrinfo would accept
    EXPECT_FALSE(s->allows_host("0x7f000001"));
    EXPECT_FALSE(s->allows_host(""));
    EXPECT_EQ(s->entries().size(), 4u);
}

TEST(Scope, RefusesBadEntries) {
    for (const char* bad : {"", "*", "*.", "w*.lab.test", "a.*.test", "10.0.0.0/33", "bad name", "-x.test"}) {
        auto s = Scope::parse({bad});
        EXPECT_FALSE(s.ok()) << bad;
        if (!s.ok()) {
            EXPECT_EQ(s.error().code, "bad_scope");
        }
    }
    EXPECT_TRUE(Scope::parse({}).ok());
    EXPECT_TRUE(Scope::parse({}).value().empty());
}

TEST(IsIpLiteral, RecognisesBothFamiliesOnly) {
    EXPECT_TRUE(is_ip_literal("127.0.0.1"));
    EXPECT_TRUE(is_ip_literal("::1"));
    EXPECT_TRUE(is_ip_literal("2001:db8::8:1"));
    EXPECT_FALSE(is_ip_literal("localhost"));
    EXPECT_FALSE(is_ip_literal("127.1"));
    EXPECT_FALSE(is_ip_literal("[::1]"));
    EXPECT_FALSE(is_ip_literal("256.0.0.1"));
    EXPECT_FALSE(is_ip_literal(""));
}

TEST(ParseTargetSpec, AcceptsHostsIpv4AndBracketedIpv6) {
    auto a = parse_target_spec("127.0.0.1:8443");
    ASSERT_TRUE(a.ok()) << a.error().describe();
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 8443);
    EXPECT_EQ(a->service, "tls");
    EXPECT_EQ(a->id, "127.0.0.1:8443");

    auto b = parse_target_spec("[::1]:8443/https");
    ASSERT_TRUE(b.ok()) << b.error().describe();
    EXPECT_EQ(b->host, "::1");
    EXPECT_EQ(b->service, "https");
    EXPECT_EQ(b->id, "[::1]:8443");

    auto c = parse_target_spec("portal.example.net:443/smtp", "https");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->host, "portal.example.net");
    EXPECT_EQ(c->service, "smtp");

    auto d = parse_target_spec("localhost:22", "ssh");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->service, "ssh");
    EXPECT_TRUE(d->address.empty());
}

TEST(ParseTargetSpec, RefusesMalformedSpecs) {
    const std::pair<const char*, const char*> cases[] = {
        {"127.0.0.1", "missing port"},
        {"[::1]", "missing port"},
        {"127.0.0.1:", "bad port ''"},
        {"127.0.0.1:0", "bad port '0'"},
        {"127.0.0.1:65536", "bad port '65536'"},
        {"127.0.0.1:44x", "bad port '44x'"},
        {"127.0.0.1:443/", "the service must be a word"},
        {"127.0.0.1:443/HTTPS", "the service must be a word"},
        {":443", "empty host"},
        {"[]:443", "empty host"},
        {"::1:443", "IPv6 addresses need brackets"},
        {"[::1:443", "unclosed '['"},
        {"[::1]443", "expected ':' after ']'"},
        {"[example.net]:443", "only IPv6 addresses go in brackets"},
        {"bad_host!:443", "neither an IP address nor a DNS host name"},
    };
    for (const auto& [spec, phrase] : cases) {
        auto r = parse_target_spec(spec);
        ASSERT_FALSE(r.ok()) << spec;
        EXPECT_EQ(r.error().code, "bad_target");
        EXPECT_THAT(r.error().message, HasSubstr(phrase)) << spec;
        EXPECT_THAT(r.error().message, HasSubstr(std::string("target '") + spec + "'"));
    }
}

TEST(ResolveTarget, LiteralsNeedNoResolver) {
    core::Target t;
    t.host = "::1";
    ASSERT_TRUE(resolve_target(t).ok());
    EXPECT_EQ(t.address, "::1");
    t.host = "127.0.0.1";
    ASSERT_TRUE(resolve_target(t).ok());
    EXPECT_EQ(t.address, "127.0.0.1");
}

TEST(ResolveTarget, LocalhostResolvesToLoopback) {
    core::Target t;
    t.host = "localhost";
    auto r = resolve_target(t);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    EXPECT_TRUE(t.address == "127.0.0.1" || t.address == "::1") << t.address;
}

}  // namespace
}  // namespace conformscan::scanner
