// ROBOT: Bleichenbacher's RSA padding oracle, tested the way the ROBOT paper
// (Böck, Somorovsky, Young, USENIX Security 2018, §3) describes: five
// ClientKeyExchange messages whose RSA plaintexts differ only in their PKCS #1
// v1.5 structure, each followed by ChangeCipherSpec and a Finished the server
// cannot decrypt, each on a fresh connection. A server without an oracle
// answers all five alike (RFC 5246 §7.4.7.1 requires a random premaster
// secret on any padding error, so the failure shows only at Finished).
#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "checks/tls/openssl_ptr.hpp"
#include "checks/tls/raw_hello.hpp"
#include "checks/tls/vuln_active.hpp"
#include "checks/tls/wire/client_flight.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;

namespace {

constexpr std::string_view kName = "robot";
constexpr int kRounds = 2;

struct RsaKey {
    BignumPtr n, e;
    std::size_t bytes = 0;
};

std::optional<RsaKey> rsa_key_of(const std::vector<std::uint8_t>& der, std::string& error) {
    const unsigned char* p = der.data();
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert) {
        error = "the leaf certificate does not parse";
        return std::nullopt;
    }
    EVP_PKEY* key = X509_get0_pubkey(cert.get());  // owned by cert
    if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        error = "the leaf certificate has no RSA key";
        return std::nullopt;
    }
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) != 1) {
        BN_free(n);
        BN_free(e);
        error = "cannot read the RSA modulus";
        return std::nullopt;
    }
    RsaKey k;
    k.n.reset(n);
    k.e.reset(e);
    k.bytes = static_cast<std::size_t>(BN_num_bytes(n));
    return k;
}

// Textbook RSA, m^e mod n, as the client side of RSA key transport does
// after padding (the padding here is the test vector itself).
std::vector<std::uint8_t> rsa_encrypt_raw(const RsaKey& key, const std::vector<std::uint8_t>& block) {
    BignumPtr m(BN_bin2bn(block.data(), static_cast<int>(block.size()), nullptr));
    BignumPtr c(BN_new());
    std::unique_ptr<BN_CTX, OpenSslDeleter<&BN_CTX_free>> ctx(BN_CTX_new());
    if (!m || !c || !ctx || BN_cmp(m.get(), key.n.get()) >= 0) return {};
    if (BN_mod_exp(c.get(), m.get(), key.e.get(), key.n.get(), ctx.get()) != 1) return {};
    std::vector<std::uint8_t> out(key.bytes);
    if (BN_bn2binpad(c.get(), out.data(), static_cast<int>(out.size())) < 0) return {};
    return out;
}

using Attempt = RobotAttempt;

Attempt one_variant(const core::Target& target, const core::ProbeOptions& options, const LegacyHello& plan,
                    wt::RobotVariant variant) {
    auto spec = hello_for_version(plan.version, target);
    spec.cipher_suites = plan.suites;
    RawSession session(target, options, wt::encode_client_hello_records(spec));
    if (!session.ready()) return {{}, "the handshake did not reach ServerHelloDone: " + session.detail()};
    const auto& sh = *session.server_hello();
    if (std::find(plan.suites.begin(), plan.suites.end(), sh.cipher_suite) == plan.suites.end())
        return {{}, fmt::format("the server chose suite 0x{:04x}, which was not offered", sh.cipher_suite)};
    auto a = robot_variant_on(session, spec.version, variant, options.timeout);
    return {std::move(a.reaction), std::move(a.failure)};
}

std::vector<std::string> table(const std::vector<std::string>& round) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < round.size() && i < std::size(wt::kRobotVariants); ++i)
        out.push_back(fmt::format("{}: {}", wt::robot_variant_name(wt::kRobotVariants[i]), round[i]));
    return out;
}

}  // namespace

RobotAttempt robot_variant_on(RawSession& session, std::uint16_t hello_version, wt::RobotVariant variant,
                              std::chrono::milliseconds wait) {
    if (!session.ready() || !session.server_hello()) return {{}, "the handshake did not reach ServerHelloDone"};
    if (session.certificates().empty()) return {{}, "no Certificate message in the first flight"};
    std::string error;
    auto key = rsa_key_of(session.certificates().front(), error);
    if (!key) return {{}, error};
    // RFC 5246 §7.4.7.1: client_version is the version the ClientHello offered.
    auto block = wt::robot_plaintext(variant, key->bytes, hello_version);
    if (block.empty()) return {{}, fmt::format("an RSA key of {} bytes is too small for the test", key->bytes)};
    auto encrypted = rsa_encrypt_raw(*key, block);
    if (encrypted.empty()) return {{}, "raw RSA encryption failed (plaintext not below the modulus)"};
    const auto version = session.server_hello()->selected_version;
    auto flight = wt::encode_record(static_cast<std::uint8_t>(wt::ContentType::handshake), version,
                                    wt::encode_rsa_client_key_exchange(encrypted, version));
    auto ccs = wt::encode_change_cipher_spec(version);
    auto finished = wt::encode_opaque_finished(version);
    flight.insert(flight.end(), ccs.begin(), ccs.end());
    flight.insert(flight.end(), finished.begin(), finished.end());
    if (!session.send(flight)) return {{}, "could not send the ClientKeyExchange"};
    return {session.await(wait).describe(), {}};
}

VulnerabilityFact judge_robot(const std::vector<std::vector<std::string>>& rounds, int connections) {
    if (rounds.empty() || rounds[0].empty())
        return make_vuln(kName, kInconclusive, "no ClientKeyExchange variant was answered", connections);
    const auto& first = rounds[0];
    const std::set<std::string> distinct(first.begin(), first.end());
    if (distinct.size() == 1) {
        auto f = make_vuln(kName, kNotVulnerable,
                           fmt::format("all {} ClientKeyExchange padding variants got the same answer: {}",
                                       first.size(), first[0]),
                           connections);
        f.details = table(first);
        return f;
    }
    const bool consistent =
        rounds.size() >= 2 && std::all_of(rounds.begin() + 1, rounds.end(),
                                          [&](const std::vector<std::string>& r) { return r == first; });
    if (!consistent) {
        auto f = make_vuln(kName, kInconclusive,
                           "the answers to the padding variants differ, but not the same way in every round",
                           connections);
        for (std::size_t r = 0; r < rounds.size(); ++r)
            for (const auto& line : table(rounds[r]))
                f.details.push_back(fmt::format("round {}: {}", r + 1, line));
        return f;
    }
    // The paper's strong oracle: a PKCS #1-conformant plaintext (correct) is
    // told apart from a non-conformant header (wrong prefix).
    const bool strong = first.size() > 1 && first[0] != first[1];
    auto f = make_vuln(kName, kVulnerable,
                       fmt::format("RSA padding oracle ({}): {} distinct answers to the {} ClientKeyExchange "
                                   "variants, the same in {} rounds",
                                   strong ? "strong: correct vs wrong prefix differ" : "weak",
                                   distinct.size(), first.size(), rounds.size()),
                       connections);
    f.details = table(first);
    return f;
}

VulnerabilityFact test_robot(const core::Target& target, const core::ProbeOptions& options,
                             const EarlierFacts& facts) {
    if (!facts.versions) return make_vuln(kName, kInconclusive, facts.versions_error);
    if (!facts.suites) return make_vuln(kName, kInconclusive, facts.suites_error);
    auto plan = legacy_hello(facts, is_rsa_key_transport_suite);
    if (plan.version == 0 || plan.suites.empty())
        return make_vuln(kName, kVulnNotApplicable,
                         "no TLS_RSA key-transport suite is accepted from SSLv3 to TLS 1.2");
    // tls_suites' round along its own hellos (suite_robot.hpp) starts the
    // first round when its answers are all alike: the variants it did not
    // reach run here, and five identical answers end the test. Any
    // difference, and the test starts over on its own connections.
    int connections = 0;
    const auto& along = facts.suites->robot_round;
    if (along.version == wt::version_name(plan.version) && !along.reactions.empty() &&
        along.reactions.size() <= std::size(wt::kRobotVariants) &&
        std::set<std::string>(along.reactions.begin(), along.reactions.end()).size() == 1) {
        auto round = along.reactions;
        for (auto i = round.size(); i < std::size(wt::kRobotVariants); ++i) {
            ++connections;
            auto a = one_variant(target, options, plan, wt::kRobotVariants[i]);
            if (!a.failure.empty()) break;
            round.push_back(std::move(a.reaction));
        }
        if (round.size() == std::size(wt::kRobotVariants) &&
            std::set<std::string>(round.begin(), round.end()).size() == 1) {
            auto f = judge_robot({round}, connections);
            f.evidence += fmt::format(" ({}; {} on the suite enumeration's connections with suites {}{})",
                                      wt::version_name(plan.version), along.reactions.size(),
                                      fmt::join(along.suites, ", "),
                                      connections == 0 ? "" : fmt::format(", {} on its own", connections));
            return f;
        }
    }
    std::vector<std::vector<std::string>> rounds;
    for (int r = 0; r < kRounds; ++r) {
        std::vector<std::string> round;
        for (auto variant : wt::kRobotVariants) {
            ++connections;
            auto a = one_variant(target, options, plan, variant);
            if (!a.failure.empty())
                return make_vuln(kName, kInconclusive,
                                 fmt::format("{} ({}): {}", wt::robot_variant_name(variant),
                                             wt::version_name(plan.version), a.failure),
                                 connections);
            round.push_back(std::move(a.reaction));
        }
        rounds.push_back(std::move(round));
        // Identical answers need no second round.
        if (std::set<std::string>(rounds[0].begin(), rounds[0].end()).size() == 1) break;
    }
    auto f = judge_robot(rounds, connections);
    f.evidence += fmt::format(" ({} with {})", wt::version_name(plan.version),
                              plan.suites.size() == 1 ? fmt::format("suite 0x{:04x}", plan.suites[0])
                                                      : fmt::format("{} TLS_RSA suites", plan.suites.size()));
    return f;
}

}  // namespace conformscan::checks::tls
