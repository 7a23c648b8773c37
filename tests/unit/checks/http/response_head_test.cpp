#include "checks/http/wire/response_head.hpp"

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace conformscan::wire::http {
namespace {

std::vector<std::uint8_t> bytes(const std::string& s) {
    return {s.begin(), s.end()};
}

std::vector<std::uint8_t> capture(const std::string& name) {
    std::ifstream in(std::string(CONFORMSCAN_TEST_DATA) + "/http/" + name, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

core::Result<ResponseHead> parse(const std::string& s, HeadLimits limits = {}) {
    const auto b = bytes(s);
    return parse_response_head(b, limits);
}

TEST(HttpResponseHead, ParsesTheLabNginxWithRepeatedFields) {
    const auto b = capture("nginx-weak.head");
    ASSERT_FALSE(b.empty());
    auto head = parse_response_head(b);
    ASSERT_TRUE(head.ok()) << head.error().describe();
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->reason, "OK");
    EXPECT_EQ(head->version_minor, 1);
    EXPECT_EQ(field_values(*head, "server"), std::vector<std::string>{"nginx/1.22.1"});
    EXPECT_EQ(field_values(*head, "x-powered-by"), std::vector<std::string>{"PHP/8.2.7"});
    const auto cookies = field_values(*head, "set-cookie");
    ASSERT_EQ(cookies.size(), 2u);
    EXPECT_EQ(cookies[1], "prefs=dark; Max-Age=3600");
}

TEST(HttpResponseHead, ParsesTheLabRedirect) {
    auto head = parse_response_head(capture("nginx-redirect.head"));
    ASSERT_TRUE(head.ok()) << head.error().describe();
    EXPECT_EQ(head->status, 301);
    EXPECT_EQ(field_values(*head, "location"), std::vector<std::string>{"https://demo.test:18610/"});
    auto good = parse_response_head(capture("nginx-good.head"));
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(field_values(*good, "strict-transport-security"),
              std::vector<std::string>{"max-age=63072000; includeSubDomains; preload"});
}

TEST(HttpResponseHead, LowerCasesNamesTrimsValuesAndUnfolds) {
    auto head = parse("HTTP/1.0 404 Not Found\nX-A:   one  \r\nX-b: two\r\n  three\r\nX-Empty:\r\n\r\n");
    ASSERT_TRUE(head.ok()) << head.error().describe();
    EXPECT_EQ(head->version_minor, 0);
    EXPECT_EQ(head->reason, "Not Found");
    ASSERT_EQ(head->fields.size(), 3u);
    EXPECT_EQ(head->fields[0].name, "x-a");
    EXPECT_EQ(head->fields[0].value, "one");
    EXPECT_EQ(head->fields[1].value, "two three");  // RFC 9112 §5.2 obs-fold -> SP
    EXPECT_EQ(head->fields[2].value, "");
}

TEST(HttpResponseHead, AcceptsAStatusLineWithoutReason) {
    auto head = parse("HTTP/1.1 204\r\n\r\n");
    ASSERT_TRUE(head.ok()) << head.error().describe();
    EXPECT_EQ(head->status, 204);
    EXPECT_TRUE(head->reason.empty());
}

TEST(HttpResponseHead, RefusesMalformedHeads) {
    struct Case {
        std::string input, code;
    };
    const std::vector<Case> cases{
        {"", "truncated"},
        {"HTTP/1.1 200 OK\r\nServer: x\r\n", "truncated"},
        {"SSH-2.0-OpenSSH_9.2\r\n\r\n", "bad_status_line"},
        {"HTTP/1.1 2000 OK\r\n\r\n", "bad_status_line"},
        {"HTTP/1.1 20 OK\r\n\r\n", "bad_status_line"},
        {"HTTP/11 200 OK\r\n\r\n", "bad_status_line"},
        {"HTTP/1.1 200OK\r\n\r\n", "bad_status_line"},
        {"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", "bad_field"},
        {"HTTP/1.1 200 OK\r\nServer : x\r\n\r\n", "bad_field"},
        {"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "bad_field"},
        {"HTTP/1.1 200 OK\r\n: x\r\n\r\n", "bad_field"},
        {"HTTP/1.1 200 OK\r\n folded-first\r\n\r\n", "bad_field"},
        {"HTTP/1.1 200 OK\r\n\r\nbody", "trailing_data"},
    };
    for (const auto& c : cases) {
        auto head = parse(c.input);
        ASSERT_FALSE(head.ok()) << c.input;
        EXPECT_EQ(head.error().code, c.code) << c.input << ": " << head.error().describe();
        EXPECT_FALSE(head.error().where.empty());
    }
}

TEST(HttpResponseHead, EnforcesItsLimits) {
    std::string many = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 5; ++i) many += "X-N: v\r\n";
    many += "\r\n";
    auto head = parse(many, HeadLimits{.max_fields = 4, .max_line = 100});
    ASSERT_FALSE(head.ok());
    EXPECT_EQ(head.error().code, "too_many_fields");
    head = parse("HTTP/1.1 200 OK\r\nX: " + std::string(200, 'a') + "\r\n\r\n",
                 HeadLimits{.max_fields = 4, .max_line = 100});
    ASSERT_FALSE(head.ok());
    EXPECT_EQ(head.error().code, "line_too_long");
}

}  // namespace
}  // namespace conformscan::wire::http
