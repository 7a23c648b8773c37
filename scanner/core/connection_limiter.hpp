// Politeness: at most N connections open to one host at a time, at most R new
// connections per second overall, and a count of the connections each target
// cost (recorded in its facts). Probes take a Permit before connecting and
// hold it for the life of the connection.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace conformscan::core {

class ConnectionLimiter {
public:
    // 0 means unlimited for either bound.
    ConnectionLimiter(std::size_t max_per_host, double rate_per_second);

    class Permit {
    public:
        Permit() = default;
        Permit(Permit&& other) noexcept;
        Permit& operator=(Permit&& other) noexcept;
        Permit(const Permit&) = delete;
        Permit& operator=(const Permit&) = delete;
        ~Permit();

    private:
        friend class ConnectionLimiter;
        Permit(ConnectionLimiter* owner, std::string host) : m_owner(owner), m_host(std::move(host)) {}
        void release();
        ConnectionLimiter* m_owner = nullptr;
        std::string m_host;
    };

    // Blocks until the host has a free slot and the rate allows a new
    // connection; counts the connection against `target_id`.
    Permit acquire(const std::string& host, const std::string& target_id);
    [[nodiscard]] std::size_t connections(const std::string& target_id) const;
    [[nodiscard]] std::size_t max_per_host() const { return m_max_per_host; }
    [[nodiscard]] double rate_per_second() const { return m_rate; }

private:
    void release(const std::string& host);

    const std::size_t m_max_per_host;
    const double m_rate;
    mutable std::mutex m_mutex;
    std::condition_variable m_freed;
    std::map<std::string, std::size_t> m_open;      // host -> open connections
    std::map<std::string, std::size_t> m_counted;   // target id -> connections made
    std::chrono::steady_clock::time_point m_next_slot{};  // earliest time of the next connection
};

}  // namespace conformscan::core
