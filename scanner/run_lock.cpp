#include "scanner/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "scanner/core/time.hpp"

namespace conformscan::scanner {

namespace {

std::string read_holder(int fd) {
    std::array<char, 256> buf{};
    const auto n = ::pread(fd, buf.data(), buf.size() - 1, 0);
    if (n <= 0) return {};
    std::string s(buf.data(), static_cast<std::size_t>(n));
    while (!s.empty() && (s.back() == '\n' || s.back() == '\0')) s.pop_back();
    return s;
}

}  // namespace

core::Result<RunLock> RunLock::acquire(const std::filesystem::path& file, const std::string& what) {
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return core::make_error(
            "lock", fmt::format("cannot open the lock file {}: {}", file.string(), std::strerror(errno)),
            "lock");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        const auto holder = read_holder(fd);
        ::close(fd);
        if (err == EWOULDBLOCK)
            return core::make_error(kErrLocked,
                                    fmt::format("another run of {} is in progress ({}; lock file {})", what,
                                                holder.empty() ? "holder unknown" : holder, file.string()),
                                    "lock");
        return core::make_error("lock", fmt::format("cannot lock {}: {}", file.string(), std::strerror(err)),
                                "lock");
    }
    RunLock lock;
    lock.m_fd = fd;
    lock.m_file = file;
    if (auto previous = read_holder(fd); !previous.empty()) lock.m_recovered = previous;
    const auto me = fmt::format("pid {} since {}\n", ::getpid(), core::format_time(core::now()));
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size()))
        return core::make_error("lock", fmt::format("cannot write the lock file {}", file.string()), "lock");
    return lock;
}

RunLock::RunLock(RunLock&& other) noexcept
    : m_fd(other.m_fd), m_file(std::move(other.m_file)), m_recovered(std::move(other.m_recovered)) {
    other.m_fd = -1;
}

RunLock& RunLock::operator=(RunLock&& other) noexcept {
    if (this != &other) {
        this->~RunLock();
        m_fd = other.m_fd;
        m_file = std::move(other.m_file);
        m_recovered = std::move(other.m_recovered);
        other.m_fd = -1;
    }
    return *this;
}

RunLock::~RunLock() {
    if (m_fd < 0) return;
    // Emptied before unlocking: the next run finds no holder to report.
    if (::ftruncate(m_fd, 0) != 0) {
        // Nothing to do: the lock is released by close() either way.
    }
    ::close(m_fd);
    m_fd = -1;
}

}  // namespace conformscan::scanner
