// One run at a time per configuration: an advisory lock (flock) on a file in
// the output directory. The kernel drops the lock when its holder dies, even
// by kill -9, so a lock left by a dead run is never "stale" in the way a PID
// file is: the next run simply takes it, and says whose lock it found.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "scanner/core/result.hpp"

namespace conformscan::scanner {

class RunLock {
public:
    // Error code of a lock held by a live run; its message names the holder.
    static constexpr const char* kErrLocked = "locked";

    // Takes the lock without waiting. The file records the holder's pid and
    // start time for the message another run prints.
    static core::Result<RunLock> acquire(const std::filesystem::path& file, const std::string& what);
    RunLock(RunLock&&) noexcept;
    RunLock& operator=(RunLock&&) noexcept;
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;
    ~RunLock();

    // "pid 1234 since 2026-11-29T02:00:03Z": what the file held when this run
    // took the lock, i.e. a run that died holding it; empty when it was free.
    [[nodiscard]] const std::optional<std::string>& recovered_from() const { return m_recovered; }

private:
    RunLock() = default;
    int m_fd = -1;
    std::filesystem::path m_file;
    std::optional<std::string> m_recovered;
};

}  // namespace conformscan::scanner
