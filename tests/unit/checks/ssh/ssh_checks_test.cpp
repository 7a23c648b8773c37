// The ssh.* check types on hand-built facts, and the algorithm table.
#include "checks/ssh/ssh_checks.hpp"

#include <gtest/gtest.h>

#include "checks/ssh/ssh_algorithms.hpp"
#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::checks::ssh {
namespace {

using core::Status;
using fixtures::has_status;
using Json = nlohmann::json;

// What the lab's hardened sshd shows (see tests/unit/data/ssh/hardened-*).
SshFacts hardened() {
    SshFacts f;
    f.banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10";
    f.proto_version = "2.0";
    f.software_version = "OpenSSH_9.2p1";
    f.comments = "Debian-2+deb12u10";
    f.kexinit_received = true;
    f.kex_algorithms = {"sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org",
                        "kex-strict-s-v00@openssh.com"};
    f.strict_kex = true;
    f.host_key_algorithms = {"ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"};
    f.ciphers_c2s = f.ciphers_s2c = {"chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com",
                                     "aes128-gcm@openssh.com"};
    f.macs_c2s = f.macs_s2c = {"hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com"};
    f.compression_c2s = f.compression_s2c = {"none", "zlib@openssh.com"};
    f.host_keys = {SshHostKey{"ssh-ed25519", "ssh-ed25519", "ed25519", 256, "", false, "ssh-ed25519", "SHA256:x",
                              "curve25519-sha256", {}},
                   SshHostKey{"rsa-sha2-512", "ssh-rsa", "rsa", 4096, "", false, "rsa-sha2-512", "SHA256:y",
                              "curve25519-sha256", {"rsa-sha2-256"}}};
    return f;
}

SshFacts weak() {
    SshFacts f = hardened();
    f.kex_algorithms = {"diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1", "diffie-hellman-group14-sha256"};
    f.strict_kex = false;
    f.fixed_dh_bits = {1024, 2048, 2048};
    f.host_key_algorithms = {"rsa-sha2-256", "ssh-rsa", "ssh-dss"};
    f.ciphers_c2s = f.ciphers_s2c = {"aes128-cbc", "3des-cbc", "aes128-ctr"};
    f.macs_c2s = f.macs_s2c = {"hmac-sha1", "hmac-md5"};
    f.host_keys = {SshHostKey{"rsa-sha2-256", "ssh-rsa", "rsa", 1024, "", false, "rsa-sha2-256", "", "", {"ssh-rsa"}},
                   SshHostKey{"ssh-dss", "ssh-dss", "dsa", 1024, "", false, "ssh-dss", "", "", {}}};
    return f;
}

class SshChecks : public ::testing::Test {
protected:
    SshChecks() : h(register_ssh_checks) { h.target().service = "ssh"; }
    core::Outcome run(const SshFacts& f, const std::string& check, const Json& with = Json::object()) {
        h.set(kSshProbe, Json(f));
        return h.run(check, with);
    }
    fixtures::CheckHarness h;
};

TEST_F(SshChecks, ProtocolVersion) {
    auto f = hardened();
    EXPECT_TRUE(has_status(run(f, "ssh.protocol_version"), Status::pass));
    f.proto_version = "1.99";
    EXPECT_TRUE(has_status(run(f, "ssh.protocol_version"), Status::fail));
    f.proto_version = "1.5";
    f.ssh1_only = true;
    f.kexinit_received = false;
    auto o = run(f, "ssh.protocol_version");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["proto_version"], "1.5");
    // Without a KEXINIT the algorithm checks cannot judge.
    EXPECT_TRUE(has_status(run(f, "ssh.kex_algorithms", {{"forbidden_properties", {"sha1"}}}), Status::error));
}

TEST_F(SshChecks, KexByProperty) {
    const Json with{{"forbidden_properties", {"sha1", "rfc9142_should_not", "rfc9142_must_not"}}};
    EXPECT_TRUE(has_status(run(hardened(), "ssh.kex_algorithms", with), Status::pass));
    auto o = run(weak(), "ssh.kex_algorithms", with);
    EXPECT_TRUE(has_status(o, Status::fail));
    ASSERT_EQ(o.observed["violations"].size(), 2u);
    EXPECT_EQ(o.observed["violations"][0]["name"], "diffie-hellman-group1-sha1");
    // The strict-KEX marker is not judged as a key exchange.
    EXPECT_TRUE(has_status(run(hardened(), "ssh.kex_algorithms",
                               {{"allowed", {"sntrup761x25519-sha512@openssh.com", "curve25519-sha256",
                                             "curve25519-sha256@libssh.org"}}}),
                           Status::pass));
    // non_pq: only the PQ hybrid may be offered.
    EXPECT_TRUE(has_status(run(hardened(), "ssh.kex_algorithms", {{"forbidden_properties", {"non_pq"}}}), Status::fail));
    EXPECT_TRUE(has_status(
        run(hardened(), "ssh.kex_algorithms", {{"required", {"sntrup761x25519-sha512@openssh.com", "mlkem768x25519-sha256"}}}),
        Status::pass));
    EXPECT_TRUE(has_status(run(weak(), "ssh.kex_algorithms", {{"required", {"mlkem768x25519-sha256"}}}), Status::fail));
}

TEST_F(SshChecks, HostKeyCipherMac) {
    EXPECT_TRUE(has_status(run(hardened(), "ssh.host_key_algorithms", {{"forbidden_properties", {"sha1", "dsa"}}}),
                           Status::pass));
    auto hk = run(weak(), "ssh.host_key_algorithms", {{"forbidden", {"ssh-rsa"}}, {"forbidden_properties", {"dsa"}}});
    EXPECT_TRUE(has_status(hk, Status::fail));
    EXPECT_EQ(hk.observed["violations"].size(), 2u);
    EXPECT_TRUE(has_status(run(hardened(), "ssh.ciphers", {{"forbidden_properties", {"cbc", "weak_cipher"}}}),
                           Status::pass));
    auto c = run(weak(), "ssh.ciphers", {{"forbidden_properties", {"cbc"}}});
    EXPECT_TRUE(has_status(c, Status::fail));
    EXPECT_EQ(c.observed["violations"][0]["direction"], "client_to_server");
    EXPECT_TRUE(has_status(run(hardened(), "ssh.macs", {{"forbidden_properties", {"sha1", "encrypt_and_mac"}}}),
                           Status::pass));
    EXPECT_TRUE(has_status(run(weak(), "ssh.macs", {{"forbidden_properties", {"encrypt_and_mac"}}}), Status::fail));
}

TEST_F(SshChecks, EmptyParamsAreRefused) {
    EXPECT_FALSE(h.params("ssh.macs", Json::object()).ok());
    EXPECT_FALSE(h.params("ssh.ciphers", {{"forbidden_properties", {"no-such-property"}}}).ok());
}

TEST_F(SshChecks, HostKeySize) {
    EXPECT_TRUE(has_status(run(hardened(), "ssh.host_key_size", {{"min_rsa_bits", 3072}}), Status::pass));
    auto o = run(weak(), "ssh.host_key_size");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["host_keys"][0]["bits"], 1024);
    auto f = hardened();
    f.host_keys.clear();
    f.errors = {{"host_key:ssh-ed25519", "timed out"}};
    EXPECT_TRUE(has_status(run(f, "ssh.host_key_size"), Status::error));
}

TEST_F(SshChecks, DhModulusSize) {
    EXPECT_TRUE(has_status(run(hardened(), "ssh.dh_modulus_size"), Status::pass));
    EXPECT_TRUE(has_status(run(weak(), "ssh.dh_modulus_size"), Status::fail));
    auto gex = hardened();
    gex.kex_algorithms = {"diffie-hellman-group-exchange-sha256"};
    gex.gex = {{"diffie-hellman-group-exchange-sha256", 1024, 2048, 8192, 2048, ""},
               {"diffie-hellman-group-exchange-sha256", 1024, 1024, 1024, 0, "the server closed the connection"}};
    EXPECT_TRUE(has_status(run(gex, "ssh.dh_modulus_size"), Status::pass));
    auto o = run(gex, "ssh.dh_modulus_size", {{"min_bits", 3072}});
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["gex"][0]["modulus_bits"], 2048);
    gex.gex.clear();
    EXPECT_TRUE(has_status(run(gex, "ssh.dh_modulus_size"), Status::error));
}

TEST_F(SshChecks, StrictKex) {
    EXPECT_TRUE(has_status(run(hardened(), "ssh.strict_kex"), Status::pass));
    auto f = hardened();
    f.strict_kex = false;
    auto o = run(f, "ssh.strict_kex");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["terrapin_modes"][0], "chacha20-poly1305@openssh.com");
    auto w = weak();  // CBC but no -etm MAC, no chacha20
    EXPECT_TRUE(has_status(run(w, "ssh.strict_kex"), Status::fail));
    EXPECT_TRUE(has_status(run(w, "ssh.strict_kex", {{"only_when_vulnerable_modes", true}}), Status::pass));
}

TEST_F(SshChecks, Banner) {
    auto o = run(hardened(), "ssh.banner");
    EXPECT_TRUE(has_status(o, Status::fail));
    EXPECT_EQ(o.observed["software_version"], "OpenSSH_9.2p1");
    EXPECT_TRUE(has_status(run(hardened(), "ssh.banner", {{"allow_version", true}}), Status::fail));
    EXPECT_TRUE(has_status(run(hardened(), "ssh.banner", {{"allow_version", true}, {"allow_comments", true}}),
                           Status::pass));
    auto quiet = hardened();
    quiet.software_version = "SSHServer";
    quiet.comments.clear();
    EXPECT_TRUE(has_status(run(quiet, "ssh.banner"), Status::pass));
}

TEST_F(SshChecks, OnlySshTargetsByDefault) {
    const auto& d = h.check("ssh.kex_algorithms");
    EXPECT_EQ(d.service_mismatch("ssh"), "");
    EXPECT_NE(d.service_mismatch("https"), "");
}

TEST(SshAlgorithms, Properties) {
    EXPECT_TRUE(has_property(AlgorithmKind::kex, "diffie-hellman-group1-sha1", "rfc9142_should_not"));
    EXPECT_TRUE(has_property(AlgorithmKind::kex, "rsa1024-sha1", "rfc9142_must_not"));
    EXPECT_FALSE(has_property(AlgorithmKind::kex, "mlkem768x25519-sha256", "non_pq"));
    EXPECT_TRUE(has_property(AlgorithmKind::kex, "curve25519-sha256", "non_pq"));
    EXPECT_TRUE(has_property(AlgorithmKind::kex, "ecdh-sha2-nistp256", "nist_curve"));
    EXPECT_EQ(find_algorithm(AlgorithmKind::kex, "diffie-hellman-group14-sha256")->rfc9142, "MUST");
    EXPECT_TRUE(has_property(AlgorithmKind::mac, "hmac-sha2-256", "encrypt_and_mac"));
    EXPECT_FALSE(has_property(AlgorithmKind::mac, "hmac-sha2-256-etm@openssh.com", "encrypt_and_mac"));
    EXPECT_TRUE(has_property(AlgorithmKind::cipher, "3des-cbc", "weak_cipher"));
    EXPECT_TRUE(has_property(AlgorithmKind::cipher, "x-new-cipher@example.org", "unknown"));
    EXPECT_TRUE(is_kex_marker("kex-strict-s-v00@openssh.com"));
    EXPECT_EQ(properties_of(AlgorithmKind::host_key, "ssh-dss"), (std::vector<std::string>{"sha1", "dsa"}));
}

}  // namespace
}  // namespace conformscan::checks::ssh
