// Hand-built tls_features facts for the feature check tests.
#pragma once

#include <string>

#include "checks/tls/tls_feature_facts.hpp"
#include "tests/unit/checks/fact_builders.hpp"

namespace conformscan::fixtures {

// A typical nginx: TLS 1.2 + 1.3, renegotiation_info, EMS, tickets, ALPN
// http/1.1, an AEAD pick with CBC also accepted but without ETM.
inline checks::tls::TlsFeaturesFacts modern_features() {
    checks::tls::TlsFeaturesFacts f;
    f.probed_version = "TLSv1.2";
    f.secure_renegotiation = true;
    f.extended_master_secret = true;
    f.encrypt_then_mac = "no";
    f.session_ticket = true;
    f.alpn = {"http/1.1"};
    f.fallback_scsv = "honoured";
    f.downgrade_sentinel = "present";
    f.hellos = {"features: ServerHello TLSv1.2, suite 0xc030",
                "alpn h2 alone: alert: fatal no_application_protocol (120)",
                "cbc suites only: ServerHello TLSv1.2, suite 0xc014",
                "fallback TLSv1.2 with TLS_FALLBACK_SCSV: alert: fatal inappropriate_fallback (86)"};
    f.connections = 4;
    return f;
}

// A TLS 1.3-only server: every TLS 1.2 feature not applicable.
inline checks::tls::TlsFeaturesFacts tls13_only_features() {
    checks::tls::TlsFeaturesFacts f;
    f.not_applicable = checks::tls::extension_feature_names();
    f.not_applicable.emplace_back(checks::tls::kFeatCompression);
    f.notes = {"TLS 1.3 only"};
    return f;
}

inline void set_features(CheckHarness& h, const checks::tls::TlsFeaturesFacts& f) {
    h.set("tls_features", Json(f));
}

}  // namespace conformscan::fixtures
