// The per-configuration run lock: a second run is refused with the holder
// named; a lock whose holder died (killed, no clean-up) is taken over.
#include "scanner/run_lock.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace conformscan::scanner {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class Lock : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/conformscan-lock-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        m_dir = tmpl;
    }
    void TearDown() override { fs::remove_all(m_dir); }
    fs::path m_dir;
};

TEST_F(Lock, ASecondRunIsRefusedWithTheHolderNamed) {
    const auto file = m_dir / "nightly.lock";
    auto first = RunLock::acquire(file, "configuration nightly");
    ASSERT_TRUE(first.ok()) << first.error().describe();
    EXPECT_FALSE(first->recovered_from().has_value());
    auto second = RunLock::acquire(file, "configuration nightly");
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, RunLock::kErrLocked);
    EXPECT_THAT(second.error().message,
                HasSubstr("another run of configuration nightly is in progress (pid " +
                          std::to_string(::getpid()) + " since "));
}

TEST_F(Lock, ReleasedOnDestructionSoTheNextRunFindsNoHolder) {
    const auto file = m_dir / "nightly.lock";
    {
        auto first = RunLock::acquire(file, "x");
        ASSERT_TRUE(first.ok());
    }
    auto again = RunLock::acquire(file, "x");
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->recovered_from().has_value());
}

TEST_F(Lock, ALockLeftByAKilledRunIsTakenOverAndReported) {
    const auto file = m_dir / "nightly.lock";
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        auto held = RunLock::acquire(file, "x");
        if (!held.ok()) ::_exit(1);
        ::raise(SIGKILL);  // no destructor runs: the file keeps the child's pid
        ::_exit(2);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child did not die holding the lock";
    auto next = RunLock::acquire(file, "x");
    ASSERT_TRUE(next.ok()) << next.error().describe();
    ASSERT_TRUE(next->recovered_from().has_value());
    EXPECT_THAT(*next->recovered_from(), HasSubstr("pid " + std::to_string(child) + " since "));
}

TEST_F(Lock, AnUnwritableDirectoryIsAClearError) {
    auto r = RunLock::acquire(m_dir / "missing" / "x.lock", "x");
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message, HasSubstr("cannot open the lock file"));
}

}  // namespace
}  // namespace conformscan::scanner
