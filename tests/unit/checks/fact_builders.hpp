// Hand-built facts for check-type tests: a certificate with sensible defaults
// that each test bends, a chain, and a harness that runs one check the way the
// engine does (schema defaults filled, validate, then evaluate).
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "checks/net/tcp_facts.hpp"
#include "checks/tls/tls_facts.hpp"
#include "scanner/core/facts.hpp"
#include "scanner/core/params.hpp"
#include "scanner/core/registry.hpp"
#include "scanner/core/time.hpp"

namespace conformscan::fixtures {

using Json = nlohmann::json;

// EXPECT_TRUE(has_status(outcome, core::Status::pass)) prints the message and evidence on failure.
inline ::testing::AssertionResult has_status(const core::Outcome& o, core::Status s) {
    if (o.status == s) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "status " << core::to_string(o.status) << ", expected " << core::to_string(s) << ": "
           << o.message << "\nobserved: " << o.observed.dump() << "\nexpected: " << o.expected.dump();
}

inline core::TimePoint at(const std::string& text) {
    auto t = core::parse_time(text);
    EXPECT_TRUE(t.ok()) << text;
    return t.ok() ? *t : core::TimePoint{};
}

// A 90-day RSA-2048 / sha256 leaf for www.example.net, issued by "Example CA".
inline checks::tls::CertificateFacts leaf_cert(std::string cn = "www.example.net") {
    checks::tls::CertificateFacts c;
    c.subject = "CN=" + cn;
    c.issuer = "CN=Example CA,O=Example";
    c.serial = "01";
    c.not_before = "2026-01-01T00:00:00Z";
    c.not_after = "2026-04-01T00:00:00Z";
    c.key = {"RSA", 2048, ""};
    c.signature = {"sha256WithRSAEncryption", "sha256", "RSA"};
    c.san_dns = {cn};
    c.common_name = std::move(cn);
    c.sha256 = std::string(64, 'a');
    return c;
}

inline checks::tls::CertificateFacts ca_cert(std::string name, bool self_signed) {
    checks::tls::CertificateFacts c;
    c.subject = name;
    c.issuer = self_signed ? name : "CN=Example Root,O=Example";
    c.serial = "02";
    c.not_before = "2020-01-01T00:00:00Z";
    c.not_after = "2030-01-01T00:00:00Z";
    c.key = {"RSA", 4096, ""};
    c.signature = {"sha256WithRSAEncryption", "sha256", "RSA"};
    c.self_signed = self_signed;
    c.is_ca = true;
    return c;
}

inline checks::tls::TlsFacts tls_facts(std::vector<checks::tls::CertificateFacts> chain,
                                       std::string sni = {}) {
    checks::tls::TlsFacts f;
    f.sni = std::move(sni);
    f.version = "TLSv1.3";
    f.cipher = "TLS_AES_128_GCM_SHA256";
    f.cipher_openssl = "TLS_AES_128_GCM_SHA256";
    f.chain = std::move(chain);
    f.verification.trust_store = "system";
    f.verification.trusted = true;
    return f;
}

inline checks::tls::TlsFacts default_tls() {
    return tls_facts({leaf_cert(), ca_cert("CN=Example CA,O=Example", false)}, "www.example.net");
}

inline core::ProbeRecord record(std::string probe, Json data) {
    core::ProbeRecord r;
    r.probe = std::move(probe);
    r.data = std::move(data);
    return r;
}

// Runs checks of one registry against facts, as the engine would.
class CheckHarness {
public:
    explicit CheckHarness(void (*register_family)(core::CheckRegistry&)) {
        register_family(m_registry);
        m_target.host = "www.example.net";
        m_target.port = 443;
        m_target.id = "www.example.net:443";
        m_target.service = "https";
    }

    void set(std::string probe, Json data) { m_facts.put(record(std::move(probe), std::move(data))); }
    void set_tls(const checks::tls::TlsFacts& f) { set("tls", Json(f)); }
    void set_tcp(const checks::net::TcpFacts& f) { set("tcp", Json(f)); }

    core::Target& target() { return m_target; }
    core::FactSet& facts() { return m_facts; }
    core::TimePoint as_of = at("2026-02-01T00:00:00Z");

    const core::CheckDescriptor& check(const std::string& name) const {
        const auto* d = m_registry.find(name);
        if (d == nullptr) throw std::runtime_error("no check " + name);
        return *d;
    }

    // Defaults filled and cross-validation as when a profile loads.
    core::Result<Json> params(const std::string& name, const Json& with) const {
        const auto& d = check(name);
        auto p = core::validate_params(d.params, with);
        if (!p) return p.error();
        if (d.validate) {
            if (auto ok = d.validate(*p); !ok) return ok.error();
        }
        return p;
    }

    core::Outcome run(const std::string& name, const Json& with = Json::object()) const {
        auto p = params(name, with);
        if (!p) throw std::runtime_error("parameters refused: " + p.error().describe());
        const core::CheckContext ctx{m_facts, m_target, as_of};
        return check(name).evaluate(ctx, *p);
    }

private:
    core::CheckRegistry m_registry;
    core::FactSet m_facts;
    core::Target m_target;
};

}  // namespace conformscan::fixtures
