#include "scanner/core/connection_limiter.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace conformscan::core {
namespace {

TEST(ConnectionLimiter, CountsConnectionsPerTarget) {
    ConnectionLimiter limiter(0, 0);
    { auto a = limiter.acquire("127.0.0.1", "127.0.0.1:443"); }
    { auto b = limiter.acquire("127.0.0.1", "127.0.0.1:443"); }
    { auto c = limiter.acquire("127.0.0.1", "127.0.0.1:22"); }
    EXPECT_EQ(limiter.connections("127.0.0.1:443"), 2u);
    EXPECT_EQ(limiter.connections("127.0.0.1:22"), 1u);
    EXPECT_EQ(limiter.connections("127.0.0.1:80"), 0u);
}

TEST(ConnectionLimiter, NeverExceedsThePerHostCap) {
    ConnectionLimiter limiter(2, 0);
    std::atomic<int> open{0};
    std::atomic<int> peak{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 20; ++i) {
                auto permit = limiter.acquire("192.0.2.1", "192.0.2.1:" + std::to_string(t));
                const int now_open = ++open;
                int seen = peak.load();
                while (now_open > seen && !peak.compare_exchange_weak(seen, now_open)) {
                }
                std::this_thread::yield();
                --open;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_LE(peak.load(), 2);
    EXPECT_EQ(limiter.connections("192.0.2.1:0"), 20u);
}

TEST(ConnectionLimiter, HostsAreIndependentAndPermitsMoveAndRelease) {
    ConnectionLimiter limiter(1, 0);
    auto a = limiter.acquire("192.0.2.1", "a");
    auto b = limiter.acquire("192.0.2.2", "b");  // another host: not blocked by a
    ConnectionLimiter::Permit moved = std::move(a);
    moved = ConnectionLimiter::Permit{};  // releases 192.0.2.1
    auto again = limiter.acquire("192.0.2.1", "a");  // would block forever if the slot leaked
    EXPECT_EQ(limiter.connections("a"), 2u);
}

}  // namespace
}  // namespace conformscan::core
