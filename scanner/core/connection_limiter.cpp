#include "scanner/core/connection_limiter.hpp"

#include <thread>
#include <utility>

namespace conformscan::core {

ConnectionLimiter::ConnectionLimiter(std::size_t max_per_host, double rate_per_second)
    : m_max_per_host(max_per_host), m_rate(rate_per_second > 0 ? rate_per_second : 0) {}

ConnectionLimiter::Permit::Permit(Permit&& other) noexcept
    : m_owner(std::exchange(other.m_owner, nullptr)), m_host(std::move(other.m_host)) {}

ConnectionLimiter::Permit& ConnectionLimiter::Permit::operator=(Permit&& other) noexcept {
    if (this != &other) {
        release();
        m_owner = std::exchange(other.m_owner, nullptr);
        m_host = std::move(other.m_host);
    }
    return *this;
}

ConnectionLimiter::Permit::~Permit() { release(); }

void ConnectionLimiter::Permit::release() {
    if (m_owner != nullptr) m_owner->release(m_host);
    m_owner = nullptr;
}

ConnectionLimiter::Permit ConnectionLimiter::acquire(const std::string& host, const std::string& target_id) {
    std::chrono::steady_clock::time_point start_at;
    {
        std::unique_lock lock(m_mutex);
        if (m_max_per_host > 0)
            m_freed.wait(lock, [&] { return m_open[host] < m_max_per_host; });
        ++m_open[host];
        ++m_counted[target_id];
        // Token spacing: each connection takes the next free 1/R-second slot.
        const auto now = std::chrono::steady_clock::now();
        start_at = now;
        if (m_rate > 0) {
            const auto spacing = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(1.0 / m_rate));
            start_at = std::max(now, m_next_slot);
            m_next_slot = start_at + spacing;
        }
    }
    std::this_thread::sleep_until(start_at);
    return Permit(this, host);
}

void ConnectionLimiter::release(const std::string& host) {
    {
        std::lock_guard lock(m_mutex);
        auto it = m_open.find(host);
        if (it != m_open.end() && it->second > 0) --it->second;
    }
    m_freed.notify_all();
}

std::size_t ConnectionLimiter::connections(const std::string& target_id) const {
    std::lock_guard lock(m_mutex);
    auto it = m_counted.find(target_id);
    return it == m_counted.end() ? 0 : it->second;
}

}  // namespace conformscan::core
