#include "reports/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>

namespace conformscan::reports {

namespace {

core::Error io_error(const std::string& what, const std::filesystem::path& p) {
    return core::make_error("io", fmt::format("{} {}: {}", what, p.string(), std::strerror(errno)));
}

}  // namespace

core::Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content) {
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return core::make_error("io", fmt::format("cannot create {}: {}", dir.string(), ec.message()));

    std::random_device rd;
    const auto tmp = dir / fmt::format(".{}.tmp-{:08x}", path.filename().string(), rd());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return io_error("cannot create", tmp);
    std::size_t written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            auto err = io_error("cannot write", tmp);
            ::close(fd);
            ::unlink(tmp.c_str());
            return err;
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        auto err = io_error("cannot flush", tmp);
        ::unlink(tmp.c_str());
        return err;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        auto err = io_error("cannot rename into", path);
        ::unlink(tmp.c_str());
        return err;
    }
    // Persist the rename itself.
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

}  // namespace conformscan::reports
