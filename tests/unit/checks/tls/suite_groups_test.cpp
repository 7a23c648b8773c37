#include "checks/tls/suite_groups.hpp"

#include <gtest/gtest.h>

#include "checks/tls/wire/hello.hpp"

namespace conformscan::checks::tls {
namespace {

namespace wt = wire::tls;
using Verdict = SuiteGroupTracker::Verdict;

constexpr std::uint16_t kEcdheRsaAes128Gcm = 0xc02f;
constexpr std::uint16_t kEcdheRsaAes256Gcm = 0xc030;
constexpr std::uint16_t kRsaAes128Gcm = 0x009c;
constexpr std::uint16_t kDheRsaAes128Gcm = 0x009e;
constexpr std::uint16_t kX25519 = 0x001d;
constexpr std::uint16_t kP256 = 0x0017;

// A TLS 1.2 ServerKeyExchange for ECDHE on `group`: named_curve, a 1-byte
// point, rsa_pkcs1_sha256 and a 1-byte signature (the parser reads, never verifies).
std::vector<std::uint8_t> ecdhe_ske(std::uint16_t group) {
    return {0x03, static_cast<std::uint8_t>(group >> 8), static_cast<std::uint8_t>(group), 0x01, 0x04,
            0x04, 0x01,  0x00, 0x01, 0x00};
}

// DHE with a 9-bit p (0x0101), g = 2.
std::vector<std::uint8_t> dhe_ske() {
    return {0x00, 0x02, 0x01, 0x01, 0x00, 0x01, 0x02, 0x00, 0x01, 0x07, 0x04, 0x01, 0x00, 0x01, 0x00};
}

KeyExchangeAttempt picked(std::uint16_t suite, std::optional<std::vector<std::uint8_t>> ske = std::nullopt) {
    KeyExchangeAttempt k;
    k.hello.outcome = HelloAttempt::Outcome::server_hello;
    wt::ServerHello sh;
    sh.selected_version = wt::kTls12;
    sh.cipher_suite = suite;
    k.hello.server_hello = sh;
    k.server_key_exchange = std::move(ske);
    if (!k.server_key_exchange) k.server_hello_done = true;
    return k;
}

KeyExchangeAttempt refused() {
    KeyExchangeAttempt k;
    k.hello.outcome = HelloAttempt::Outcome::alert;
    return k;
}

const std::vector<std::uint16_t> kOffer{kEcdheRsaAes256Gcm, kEcdheRsaAes128Gcm, kDheRsaAes128Gcm, kRsaAes128Gcm};

TEST(SuiteGroupTracker, ListsEveryGroupUntilOneIsSeen) {
    SuiteGroupTracker t(wt::kTls12);
    const auto all = t.groups_for();
    EXPECT_GT(all.size(), 5u);
    EXPECT_EQ(t.on_answer(picked(kEcdheRsaAes256Gcm, ecdhe_ske(kX25519)), all, kOffer), Verdict::record);
    const auto reduced = t.groups_for();
    EXPECT_EQ(reduced.size(), all.size() - 1);
    EXPECT_EQ(std::find(reduced.begin(), reduced.end(), kX25519), reduced.end());
    EXPECT_EQ(t.seen().ecdhe_groups, std::vector<std::string>{"x25519"});
    EXPECT_FALSE(t.seen().ecdhe_complete);
}

TEST(SuiteGroupTracker, NonEcdhePickWhileReducedIsHeldAndAnEcdhePickAfterItProvesTheRest) {
    SuiteGroupTracker t(wt::kTls12);
    ASSERT_EQ(t.on_answer(picked(kEcdheRsaAes256Gcm, ecdhe_ske(kX25519)), t.groups_for(), kOffer),
              Verdict::record);
    const std::vector<std::uint16_t> rest{kEcdheRsaAes128Gcm, kDheRsaAes128Gcm, kRsaAes128Gcm};
    EXPECT_EQ(t.on_answer(picked(kRsaAes128Gcm), t.groups_for(), rest), Verdict::hold);
    // Every group again: the server picks ECDHE with the group it chose before.
    const auto all = t.groups_for();
    EXPECT_EQ(t.on_answer(picked(kEcdheRsaAes128Gcm, ecdhe_ske(kX25519)), all, rest), Verdict::record);
    EXPECT_TRUE(t.seen().ecdhe_complete);
    EXPECT_EQ(t.groups_for(), all);
}

TEST(SuiteGroupTracker, TheHeldSuiteChosenAgainProvesNothing) {
    SuiteGroupTracker t(wt::kTls12);
    ASSERT_EQ(t.on_answer(picked(kEcdheRsaAes256Gcm, ecdhe_ske(kX25519)), t.groups_for(), kOffer),
              Verdict::record);
    const std::vector<std::uint16_t> rest{kEcdheRsaAes128Gcm, kDheRsaAes128Gcm, kRsaAes128Gcm};
    ASSERT_EQ(t.on_answer(picked(kDheRsaAes128Gcm, dhe_ske()), t.groups_for(), rest), Verdict::hold);
    EXPECT_EQ(t.seen().dh_bits, 9);  // read from the held pick all the same
    EXPECT_EQ(t.on_answer(picked(kDheRsaAes128Gcm, dhe_ske()), t.groups_for(), rest), Verdict::record);
    EXPECT_EQ(t.on_answer(picked(kEcdheRsaAes128Gcm, ecdhe_ske(kP256)), t.groups_for(), {kEcdheRsaAes128Gcm}),
              Verdict::record);
    EXPECT_FALSE(t.seen().ecdhe_complete);
    EXPECT_EQ(t.seen().ecdhe_groups, (std::vector<std::string>{"x25519", "secp256r1"}));
}

TEST(SuiteGroupTracker, RefusalWhileReducedAsksForARetryWithEveryGroup) {
    SuiteGroupTracker t(wt::kTls12);
    ASSERT_EQ(t.on_answer(picked(kEcdheRsaAes256Gcm, ecdhe_ske(kX25519)), t.groups_for(), kOffer),
              Verdict::record);
    const std::vector<std::uint16_t> rest{kEcdheRsaAes128Gcm};
    EXPECT_EQ(t.on_answer(refused(), t.groups_for(), rest), Verdict::retry_all);
    EXPECT_EQ(t.on_answer(picked(kEcdheRsaAes128Gcm, ecdhe_ske(kX25519)), t.groups_for(), rest),
              Verdict::record);
    EXPECT_TRUE(t.seen().ecdhe_complete);
}

TEST(SuiteGroupTracker, RefusalWithEveryGroupListedIsAnEnd) {
    SuiteGroupTracker t(wt::kTls12);
    EXPECT_EQ(t.on_answer(refused(), t.groups_for(), kOffer), Verdict::record);
    EXPECT_FALSE(t.seen().ecdhe_complete);
}

TEST(SuiteGroupTracker, ACurveThatWasNotOfferedStopsFollowing) {
    SuiteGroupTracker t(wt::kTls12);
    const auto all = t.groups_for();
    ASSERT_EQ(t.on_answer(picked(kEcdheRsaAes256Gcm, ecdhe_ske(kX25519)), t.groups_for(), kOffer),
              Verdict::record);
    EXPECT_EQ(t.on_answer(picked(kEcdheRsaAes128Gcm, ecdhe_ske(kX25519)), t.groups_for(), kOffer),
              Verdict::record);
    EXPECT_FALSE(t.seen().ecdhe_complete);
    EXPECT_NE(t.seen().note.find("not offered"), std::string::npos);
    EXPECT_EQ(t.groups_for().size(), all.size());  // every group from now on
}

TEST(SuiteGroupTracker, AnEcdsaPickEndsTheReduction) {
    SuiteGroupTracker t(wt::kTls12);
    const auto all = t.groups_for();
    const std::uint16_t ecdhe_ecdsa_aes128_gcm = 0xc02b;
    EXPECT_EQ(t.on_answer(picked(ecdhe_ecdsa_aes128_gcm, ecdhe_ske(kP256)), all, {ecdhe_ecdsa_aes128_gcm}),
              Verdict::record);
    EXPECT_EQ(t.seen().ecdhe_groups, std::vector<std::string>{"secp256r1"});
    EXPECT_EQ(t.groups_for(), all);
    EXPECT_FALSE(t.seen().ecdhe_complete);
    EXPECT_NE(t.seen().note.find("ECDSA"), std::string::npos);
}

TEST(SuiteGroupTracker, MissingServerKeyExchangeStopsFollowing) {
    SuiteGroupTracker t(wt::kTls12);
    EXPECT_EQ(t.on_answer(picked(kEcdheRsaAes256Gcm), t.groups_for(), kOffer), Verdict::record);
    EXPECT_FALSE(t.seen().note.empty());
    EXPECT_TRUE(t.seen().ecdhe_groups.empty());
}

}  // namespace
}  // namespace conformscan::checks::tls
