#include "checks/net/cleartext_checks.hpp"

#include <gtest/gtest.h>

#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::net {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

TcpFacts open_as(std::string service, std::optional<bool> tls = std::nullopt) {
    TcpFacts f;
    f.state = "open";
    f.reason = "connected";
    f.service = std::move(service);
    f.identified_by = "greeting";
    f.evidence = "evidence line";
    f.tls_offered = tls;
    return f;
}

class CleartextChecks : public ::testing::Test {
protected:
    void SetUp() override { h.set("tftp", quiet_tftp()); }
    static Json quiet_tftp() {
        return {{"host", "192.0.2.1"}, {"ports", {{{"port", 69}, {"answers", false}}}}};
    }
    fixtures::CheckHarness h{register_cleartext_checks};
};

TEST_F(CleartextChecks, TftpIsJudgedPerHostWhenForbidden) {
    const auto& d = h.check("net.cleartext_management");
    auto p = h.params("net.cleartext_management", Json::object());
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(d.needed_probes(*p), (std::vector<std::string>{"tcp", "tftp"}));
    EXPECT_EQ(d.probe_inputs(*p)["tftp"]["ports"], Json::array({69}));
    auto no_tftp = h.params("net.cleartext_management", {{"forbidden", {"telnet"}}});
    EXPECT_EQ(d.needed_probes(*no_tftp), (std::vector<std::string>{"tcp"}));
    EXPECT_FALSE(d.probe_inputs(*no_tftp).contains("tftp"));

    TcpFacts closed;
    closed.state = "closed";
    h.set_tcp(closed);
    h.set("tftp", {{"host", "192.0.2.1"},
                   {"ports", {{{"port", 69}, {"answers", true}, {"reply", "ERROR 1: File not found"}}}}});
    auto o = h.run("net.cleartext_management");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_NE(o.message.find("TFTP answers on 192.0.2.1 udp/69: ERROR 1"), std::string::npos) << o.message;
    EXPECT_TRUE(has_status(h.run("net.cleartext_management", {{"forbidden", {"telnet"}}}), Status::pass));
    h.facts() = core::FactSet{};
    h.set_tcp(closed);
    EXPECT_TRUE(has_status(h.run("net.cleartext_management"), Status::error));
}

TEST_F(CleartextChecks, DescriptorsAskTheTcpProbeToIdentify) {
    for (const char* name : {"net.cleartext_management", "net.ftp_auth_tls"}) {
        const auto& d = h.check(name);
        EXPECT_EQ(d.facts, std::vector<std::string>{"tcp"});
        ASSERT_TRUE(d.probe_inputs);
        auto p = h.params(name, Json::object());
        ASSERT_TRUE(p.ok());
        EXPECT_EQ(d.probe_inputs(*p)["tcp"]["identify"], true);
    }
    auto p = h.params("net.ftp_auth_tls", Json{{"require_before_user", true}});
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(h.check("net.ftp_auth_tls").probe_inputs(*p)["tcp"]["ftp_user"], "anonymous");
    EXPECT_FALSE(h.params("net.ftp_auth_tls", Json{{"user", "a b"}}).ok());
    EXPECT_FALSE(h.params("net.ftp_auth_tls", Json{{"user", "a\r\nPASS x"}}).ok());
    EXPECT_FALSE(h.params("net.cleartext_management", Json{{"forbidden", {"gopher"}}}).ok());
    EXPECT_FALSE(h.params("net.cleartext_management", Json{{"http_admin_ports", {0}}}).ok());
}

TEST_F(CleartextChecks, TelnetRloginRshFail) {
    for (const char* s : {"telnet", "rlogin", "rsh"}) {
        h.set_tcp(open_as(s, false));
        auto o = h.run("net.cleartext_management");
        EXPECT_TRUE(has_status(o, Status::fail)) << s;
        EXPECT_EQ(o.observed["service"], s);
        EXPECT_EQ(o.observed["evidence"], "evidence line");
    }
    h.set_tcp(open_as("telnet", false));
    EXPECT_TRUE(has_status(h.run("net.cleartext_management", {{"forbidden", {"rsh"}}}), Status::pass));
}

TEST_F(CleartextChecks, FtpFailsOnlyWithoutTls) {
    h.set_tcp(open_as("ftp", false));
    EXPECT_TRUE(has_status(h.run("net.cleartext_management"), Status::fail));
    h.set_tcp(open_as("ftp", true));
    EXPECT_TRUE(has_status(h.run("net.cleartext_management"), Status::pass));
    h.set_tcp(open_as("ftp"));
    EXPECT_TRUE(has_status(h.run("net.cleartext_management"), Status::error));
}

TEST_F(CleartextChecks, HttpFailsOnlyOnNamedAdminPorts) {
    h.target().port = 8080;
    h.set_tcp(open_as("http", false));
    EXPECT_TRUE(has_status(h.run("net.cleartext_management"), Status::pass));
    EXPECT_TRUE(
        has_status(h.run("net.cleartext_management", {{"http_admin_ports", {80, 8080}}}), Status::fail));
}

TEST_F(CleartextChecks, ClosedPortsAndOtherServicesPass) {
    TcpFacts closed;
    closed.state = "closed";
    h.set_tcp(closed);
    EXPECT_TRUE(has_status(h.run("net.cleartext_management"), Status::pass));
    for (const char* s : {"ssh", "tls", "smtp", "silent", "unknown"}) {
        h.set_tcp(open_as(s));
        EXPECT_TRUE(has_status(h.run("net.cleartext_management"), Status::pass)) << s;
    }
    h.set_tcp(open_as(""));
    EXPECT_TRUE(has_status(h.run("net.cleartext_management"), Status::error));
}

TEST_F(CleartextChecks, FtpAuthTls) {
    h.set_tcp(open_as("ssh"));
    EXPECT_TRUE(has_status(h.run("net.ftp_auth_tls"), Status::not_applicable));
    h.set_tcp(open_as("ftp", false));
    EXPECT_TRUE(has_status(h.run("net.ftp_auth_tls"), Status::fail));
    h.set_tcp(open_as("ftp", true));
    EXPECT_TRUE(has_status(h.run("net.ftp_auth_tls"), Status::pass));
    // Required before USER: the reply decides.
    const Json strict{{"require_before_user", true}};
    EXPECT_TRUE(has_status(h.run("net.ftp_auth_tls", strict), Status::error));
    auto f = open_as("ftp", true);
    f.ftp_user_reply = "331 Please specify the password.";
    h.set_tcp(f);
    auto o = h.run("net.ftp_auth_tls", strict);
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["ftp_user_reply"], "331 Please specify the password.");
    for (const char* reply : {"530 Anonymous sessions must use encryption.", "534 Policy requires SSL."}) {
        f.ftp_user_reply = reply;
        h.set_tcp(f);
        EXPECT_TRUE(has_status(h.run("net.ftp_auth_tls", strict), Status::pass)) << reply;
    }
}

}  // namespace
}  // namespace conformscan::checks::net
