#include "checks/net/tcp_facts.hpp"

#include <gtest/gtest.h>

namespace conformscan::checks::net {
namespace {

using Json = nlohmann::json;

TEST(TcpFacts, RoundTripsThroughJsonTextWithoutLoss) {
    TcpFacts f;
    f.state = "open";
    f.reason = "connected";
    f.connect_ms = 1.0 / 3.0;
    f.banner = "SSH-2.0-OpenSSH_9.2p1\\x0d\\x0a";
    f.banner_hex = "5353482d";
    f.banner_bytes = 23;
    const Json j = f;
    EXPECT_EQ(j.size(), 6u);
    auto parsed = parse_tcp_facts(Json::parse(j.dump()));
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(Json(*parsed), j);
    EXPECT_EQ(parsed->state, "open");
    EXPECT_EQ(parsed->banner, f.banner);
    EXPECT_DOUBLE_EQ(parsed->connect_ms, f.connect_ms);
    EXPECT_EQ(parsed->banner_bytes, 23u);
}

TEST(TcpFacts, MissingOptionalKeysTakeDefaults) {
    auto parsed = parse_tcp_facts(Json{{"state", "closed"}});
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->state, "closed");
    EXPECT_EQ(parsed->reason, "");
    EXPECT_EQ(parsed->banner_bytes, 0u);
}

TEST(TcpFacts, MalformedJsonIsAnErrorNotAnException) {
    for (const char* text :
         {R"([])", R"(null)", R"({})", R"({"state": 1})", R"({"state": "open", "connect_ms": "x"})",
          R"({"state": "open", "banner": 5})", R"({"state": "open", "banner_bytes": -1})",
          R"({"state": "open", "banner_bytes": 1.5})"}) {
        core::Result<TcpFacts> r = core::make_error("unset", "");
        EXPECT_NO_THROW(r = parse_tcp_facts(Json::parse(text))) << text;
        ASSERT_FALSE(r.ok()) << text;
        EXPECT_EQ(r.error().code, "bad_facts");
    }
}

}  // namespace
}  // namespace conformscan::checks::net
