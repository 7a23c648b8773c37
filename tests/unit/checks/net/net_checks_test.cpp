#include "checks/net/net_checks.hpp"

#include <gtest/gtest.h>

#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::net {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

TcpFacts tcp(std::string state, std::string banner = {}) {
    TcpFacts f;
    f.state = std::move(state);
    f.reason = f.state == "open"     ? "connected"
               : f.state == "closed" ? "connection refused"
                                     : "no answer within 5000 ms";
    f.banner = std::move(banner);
    f.banner_bytes = f.banner.size();
    return f;
}

class NetChecks : public ::testing::Test {
protected:
    fixtures::CheckHarness h{register_net_checks};
};

TEST_F(NetChecks, DescriptorsReadTheTcpProbe) {
    for (const char* name : {"net.port_open", "net.port_closed"}) {
        const auto& d = h.check(name);
        EXPECT_EQ(d.facts, std::vector<std::string>{"tcp"});
        EXPECT_FALSE(d.title.empty());
        EXPECT_FALSE(d.examples.empty());
        for (const auto& example : d.examples) EXPECT_FALSE(example.empty());
    }
    EXPECT_TRUE(h.check("net.port_open").params.empty());
    auto p = h.params("net.port_closed", Json::object());
    ASSERT_TRUE(p.ok());
    EXPECT_EQ((*p)["allow_filtered"], true);
    EXPECT_FALSE(h.params("net.port_closed", Json{{"allow_filtered", "no"}}).ok());
    EXPECT_FALSE(h.params("net.port_open", Json{{"port", 22}}).ok());
}

TEST_F(NetChecks, PortOpenPassesOnlyWhenOpen) {
    h.set_tcp(tcp("open"));
    auto o = h.run("net.port_open");
    EXPECT_TRUE(has_status(o, Status::pass));
    EXPECT_EQ(o.observed["state"], "open");
    EXPECT_EQ(o.expected["state"], "open");

    for (const char* state : {"closed", "filtered"}) {
        h.set_tcp(tcp(state));
        o = h.run("net.port_open");
        EXPECT_TRUE(has_status(o, Status::fail)) << state;
        EXPECT_NE(o.message.find(state), std::string::npos) << o.message;
        EXPECT_EQ(o.observed["state"], state);
    }
}

TEST_F(NetChecks, PortClosedPassesWhenClosed) {
    h.set_tcp(tcp("closed"));
    EXPECT_TRUE(has_status(h.run("net.port_closed"), Status::pass));
    EXPECT_TRUE(has_status(h.run("net.port_closed", {{"allow_filtered", false}}), Status::pass));
}

TEST_F(NetChecks, PortClosedJudgesFilteredByAllowFiltered) {
    h.set_tcp(tcp("filtered"));
    EXPECT_TRUE(has_status(h.run("net.port_closed"), Status::pass));
    auto o = h.run("net.port_closed", {{"allow_filtered", false}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.expected["state"], Json::array({"closed"}));
    EXPECT_NE(o.message.find("filtered"), std::string::npos);
}

TEST_F(NetChecks, PortClosedFailsWhenOpenAndQuotesTheBanner) {
    h.set_tcp(tcp("open", "220 mail.example.net ESMTP Postfix"));
    auto o = h.run("net.port_closed");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["banner"], "220 mail.example.net ESMTP Postfix");
    EXPECT_NE(o.message.find("ESMTP Postfix"), std::string::npos) << o.message;
    EXPECT_NE(o.message.find("443"), std::string::npos) << o.message;

    h.set_tcp(tcp("open"));
    o = h.run("net.port_closed");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_FALSE(o.observed.contains("banner"));
}

TEST_F(NetChecks, MalformedOrUnknownFactsAreErrors) {
    h.set("tcp", Json{{"state", 7}});
    EXPECT_TRUE(has_status(h.run("net.port_open"), Status::error));
    EXPECT_TRUE(has_status(h.run("net.port_closed"), Status::error));
    h.set("tcp", Json::array());
    EXPECT_TRUE(has_status(h.run("net.port_closed"), Status::error));
    h.set_tcp(tcp("half-open"));
    EXPECT_TRUE(has_status(h.run("net.port_closed"), Status::error));
    EXPECT_TRUE(has_status(h.run("net.port_open"), Status::fail));
}

TEST(NetChecksRegistry, RegisteringTwiceIsRefused) {
    core::CheckRegistry registry;
    register_net_checks(registry);
    EXPECT_THROW(register_net_checks(registry), std::logic_error);
    core::CheckDescriptor again = *registry.find("net.port_open");
    EXPECT_FALSE(registry.add(std::move(again)).ok());
}

}  // namespace
}  // namespace conformscan::checks::net
