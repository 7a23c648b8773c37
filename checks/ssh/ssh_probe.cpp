// The `ssh` probe.
//
// Connection 1 exchanges identification strings (RFC 4253 §4.2), reads the
// server's KEXINIT (§7.1) and runs one key exchange up to the server's reply
// (§8, RFC 5656 §4, RFC 4419 §3), offering a single host key algorithm, so
// the reply carries that host key. Each further distinct host key (RSA keys
// serve ssh-rsa and rsa-sha2-256/512 alike) costs one more connection, as
// does each group-exchange request: (1024, 2048, 8192) for the group the
// server serves a typical client, and (1024, 1024, 1024) to see whether it
// hands out a group below 2048 bits. The probe never derives keys or
// authenticates; it stops at the reply.
#include "checks/ssh/ssh_probe.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "checks/ssh/ssh_algorithms.hpp"
#include "checks/ssh/ssh_connection.hpp"
#include "checks/ssh/ssh_facts.hpp"

namespace conformscan::checks::ssh {

namespace {

using Clock = std::chrono::steady_clock;

// Host keys probed at most (distinct keys, one connection each).
constexpr std::size_t kMaxHostKeys = 8;
constexpr GexRequest kGexTypical{1024, 2048, 8192};
constexpr GexRequest kGexSmall{1024, 1024, 1024};

bool contains(const std::vector<std::string>& v, std::string_view s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// Which host key an algorithm signs with: RSA keys serve three names.
std::string key_slot(const std::string& algorithm) {
    if (algorithm == "ssh-rsa" || algorithm == "rsa-sha2-256" || algorithm == "rsa-sha2-512") return "rsa";
    if (algorithm == "ssh-rsa-cert-v01@openssh.com" || algorithm == "rsa-sha2-256-cert-v01@openssh.com" ||
        algorithm == "rsa-sha2-512-cert-v01@openssh.com")
        return "rsa-cert";
    return algorithm;
}

void fill_kexinit(SshFacts& f, const wire::ssh::KexInit& k) {
    f.kexinit_received = true;
    f.kex_algorithms = k.kex;
    f.host_key_algorithms = k.host_key;
    f.ciphers_c2s = k.ciphers_c2s;
    f.ciphers_s2c = k.ciphers_s2c;
    f.macs_c2s = k.macs_c2s;
    f.macs_s2c = k.macs_s2c;
    f.compression_c2s = k.compression_c2s;
    f.compression_s2c = k.compression_s2c;
    f.first_kex_packet_follows = k.first_kex_packet_follows;
    f.strict_kex = contains(k.kex, "kex-strict-s-v00@openssh.com");
    f.ext_info = contains(k.kex, "ext-info-s");
    for (const auto& name : k.kex) {
        const auto* a = find_algorithm(AlgorithmKind::kex, name);
        if (a != nullptr && a->bits > 0 && name.rfind("diffie-hellman-group", 0) == 0 &&
            name.find("exchange") == std::string::npos)
            f.fixed_dh_bits.push_back(static_cast<std::size_t>(a->bits));
    }
}

class Prober {
public:
    Prober(const core::Target& target, const core::ProbeOptions& options) : m_target(target), m_options(options) {}

    core::Result<SshConnection> connect() {
        ++m_facts.connections;
        return SshConnection::open(m_target, m_options);
    }

    // Runs one key exchange on `conn` (KEXINIT already read) and records what it shows.
    core::Result<KexOutcome> exchange(SshConnection& conn, const wire::ssh::KexInit& server, const KexChoice& kex,
                                      const std::string& host_key_alg, const GexRequest& gex, bool stop_after_group) {
        ++m_facts.handshakes;
        return conn.key_exchange(server, kex, host_key_alg, gex, stop_after_group);
    }

    // A fresh connection up to the server's KEXINIT.
    core::Result<std::pair<SshConnection, wire::ssh::KexInit>> fresh() {
        auto conn = connect();
        if (!conn) return conn.error();
        auto k = conn->read_kexinit();
        if (!k) return k.error();
        return std::make_pair(std::move(*conn), std::move(*k));
    }

    void host_key(SshConnection* first, const wire::ssh::KexInit& first_kexinit, const KexChoice& kex,
                  const std::string& alg, const std::vector<std::string>& same_key) {
        const std::string stage = "host_key:" + alg;
        std::optional<std::pair<SshConnection, wire::ssh::KexInit>> opened;
        SshConnection* conn = first;
        const wire::ssh::KexInit* kexinit = &first_kexinit;
        if (conn == nullptr) {
            auto f = fresh();
            if (!f) return error(stage, f.error().message);
            opened.emplace(std::move(*f));
            conn = &opened->first;
            kexinit = &opened->second;
        }
        auto out = exchange(*conn, *kexinit, kex, alg, kGexTypical, false);
        if (!out) return error(stage, out.error().message);
        if (kex.method == KexMethod::dh_gex && !m_gex_done) {
            m_facts.gex.push_back({kex.name, kGexTypical.min, kGexTypical.n, kGexTypical.max, out->gex_modulus_bits, ""});
            m_gex_done = true;
        }
        const auto& reply = *out->reply;
        auto key = wire::ssh::parse_host_key(reply.host_key_blob);
        if (!key) return error(stage, key.error().describe());
        SshHostKey k;
        k.algorithm = alg;
        k.type = key->type;
        k.family = key->family;
        k.bits = key->bits;
        k.curve = key->curve;
        k.certificate = key->certificate;
        k.signature_algorithm = reply.signature_algorithm;
        k.fingerprint_sha256 = fingerprint_sha256(reply.host_key_blob);
        k.kex = kex.name;
        k.also_for = same_key;
        m_facts.host_keys.push_back(std::move(k));
    }

    void gex_request(const std::string& kex_name, const GexRequest& req) {
        SshGexResult r{kex_name, req.min, req.n, req.max, 0, ""};
        auto f = fresh();
        if (f) {
            auto kex = kex_choice(kex_name);
            auto hk = f->second.host_key.empty() ? std::string() : f->second.host_key.front();
            auto out = exchange(f->first, f->second, *kex, hk, req, true);
            if (out)
                r.modulus_bits = out->gex_modulus_bits;
            else
                r.error = out.error().message;
        } else {
            r.error = f.error().message;
        }
        if (!r.error.empty()) error(fmt::format("gex:{}/{}/{}", req.min, req.n, req.max), r.error);
        m_facts.gex.push_back(std::move(r));
    }

    core::ProbeRecord run() {
        auto conn = connect();
        if (!conn) return core::ProbeRecord::failure(kSshProbe, fmt::format("banner: {}", conn.error().message));
        const auto& b = conn->banner();
        m_facts.banner = core::escape_bytes(std::span(reinterpret_cast<const std::uint8_t*>(b.line.data()), b.line.size()));
        m_facts.proto_version = b.proto_version;
        m_facts.software_version = b.software_version;
        m_facts.comments = b.comments;
        m_facts.pre_banner_lines = b.pre_lines;
        m_facts.banner_crlf = b.crlf;
        m_facts.ssh1_only = wire::ssh::is_ssh1_only(b.proto_version);
        if (m_facts.ssh1_only) {
            m_facts.kexinit_error = "the server speaks only SSH-1 (RFC 4253 §5); no SSH-2 KEXINIT";
            return finish();
        }
        auto k = conn->read_kexinit();
        if (!k) {
            m_facts.kexinit_error = k.error().describe();
            error("kexinit", m_facts.kexinit_error);
            return finish();
        }
        fill_kexinit(m_facts, *k);

        std::optional<KexChoice> kex;
        for (auto name : kex_preference())
            if (contains(k->kex, name)) {
                kex = kex_choice(name);
                break;
            }
        if (!kex) {
            error("kex", "the server offers no key exchange this probe speaks (curve25519, ecdh-sha2-nistp*, "
                         "diffie-hellman-group*); host keys not read");
            return finish();
        }
        // Distinct keys in the server's order; the first one on this connection.
        std::vector<std::string> slots;
        std::map<std::string, std::vector<std::string>> by_slot;
        for (const auto& alg : k->host_key) {
            const auto slot = key_slot(alg);
            if (by_slot.count(slot) == 0) slots.push_back(slot);
            by_slot[slot].push_back(alg);
        }
        // Closed before any further connection: holding it while opening the
        // next could deadlock against the per-host connection cap.
        std::optional<SshConnection> first(std::move(*conn));
        for (std::size_t i = 0; i < slots.size(); ++i) {
            const auto& algs = by_slot[slots[i]];
            if (i >= kMaxHostKeys) {
                error("host_key:" + algs.front(), fmt::format("not probed: more than {} host keys", kMaxHostKeys));
                continue;
            }
            host_key(i == 0 ? &*first : nullptr, *k, *kex, algs.front(),
                     std::vector<std::string>(algs.begin() + 1, algs.end()));
            first.reset();
        }
        first.reset();
        for (auto name : {"diffie-hellman-group-exchange-sha256", "diffie-hellman-group-exchange-sha1"}) {
            if (!contains(k->kex, name)) continue;
            if (!m_gex_done) gex_request(name, kGexTypical);
            gex_request(name, kGexSmall);
            break;
        }
        return finish();
    }

private:
    void error(std::string stage, std::string reason) { m_facts.errors.push_back({std::move(stage), std::move(reason)}); }

    core::ProbeRecord finish() {
        core::ProbeRecord record;
        record.probe = kSshProbe;
        record.status = core::ProbeStatus::ok;
        record.connections = m_facts.connections;
        record.data = m_facts;
        return record;
    }

    const core::Target& m_target;
    const core::ProbeOptions& m_options;
    SshFacts m_facts;
    bool m_gex_done = false;
};

}  // namespace

void register_ssh_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = kSshProbe;
    d.title = "SSH banner, algorithms, host keys and DH group sizes (no libssh)";
    d.description =
        "Exchanges identification strings (RFC 4253 §4.2: 255-byte line, up to 32 lines before it; SSH-1 and "
        "1.99 recognised), reads the server's KEXINIT (key exchange, host key, cipher, MAC and compression "
        "lists both ways, strict-KEX and ext-info markers), then runs a key exchange up to the server's reply "
        "(curve25519, ECDH P-256/384/521 or a fixed DH group, through OpenSSL) once per distinct host key, "
        "offering only that host key algorithm, to read each key's type and size. When group exchange is "
        "offered it asks for (1024, 2048, 8192) and (1024, 1024, 1024) and records the modulus sizes returned. "
        "Never authenticates. Connections: one per host key, plus up to two for group exchange.";
    d.facts = {"ssh.banner",         "ssh.proto_version",   "ssh.software_version", "ssh.ssh1_only",
               "ssh.kex_algorithms", "ssh.host_key_algorithms", "ssh.ciphers_c2s",  "ssh.ciphers_s2c",
               "ssh.macs_c2s",       "ssh.macs_s2c",        "ssh.compression_c2s",  "ssh.compression_s2c",
               "ssh.strict_kex",     "ssh.ext_info",        "ssh.host_keys[*].bits", "ssh.host_keys[*].type",
               "ssh.gex[*].modulus_bits", "ssh.fixed_dh_bits", "ssh.errors",        "ssh.handshakes"};
    d.run = [](const core::Target& target, const core::ProbeOptions& options, const core::FactSet&) {
        const auto started = Clock::now();
        core::ProbeRecord record;
        try {
            record = Prober(target, options).run();
        } catch (const std::exception& e) {
            record = core::ProbeRecord::failure(kSshProbe, fmt::format("internal error: {}", e.what()));
        }
        record.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        return record;
    };
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::ssh
