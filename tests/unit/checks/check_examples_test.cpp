// Every `with:` example a check type documents is valid YAML that its own
// schema and validate() accept: the catalogue never shows a broken example.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "checks/generic/generic_checks.hpp"
#include "checks/http/http_checks.hpp"
#include "checks/net/net_checks.hpp"
#include "checks/snmp/snmp_checks.hpp"
#include "checks/ssh/ssh_checks.hpp"
#include "checks/tls/session_checks.hpp"
#include "checks/tls/signature_algorithms.hpp"
#include "checks/tls/tls_checks.hpp"
#include "checks/tls/vulnerability.hpp"
#include "scanner/core/params.hpp"

namespace conformscan::checks {
namespace {

using Json = nlohmann::json;

// Plain scalars become bool / integer / number where they read as one; quoted
// scalars stay strings (the profile loader's rule).
Json to_json(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Sequence: {
            Json out = Json::array();
            for (const auto& e : node) out.push_back(to_json(e));
            return out;
        }
        case YAML::NodeType::Map: {
            Json out = Json::object();
            for (const auto& kv : node) out[kv.first.as<std::string>()] = to_json(kv.second);
            return out;
        }
        case YAML::NodeType::Scalar: {
            const auto text = node.Scalar();
            if (node.Tag() == "!") return text;
            if (text == "true") return true;
            if (text == "false") return false;
            std::size_t used = 0;
            try {
                auto i = std::stoll(text, &used);
                if (used == text.size()) return i;
                auto d = std::stod(text, &used);
                if (used == text.size()) return d;
            } catch (const std::exception&) {
            }
            return text;
        }
        default:
            return nullptr;
    }
}

TEST(CheckExamples, EveryExampleIsAcceptedByItsSchema) {
    core::CheckRegistry registry;
    net::register_net_checks(registry);
    http::register_http_checks(registry);
    snmp::register_snmp_checks(registry);
    tls::register_tls_checks(registry);
    tls::register_session_checks(registry);
    core::must_add(registry, tls::signature_algorithms_check());
    core::must_add(registry, tls::vulnerability_check());
    generic::register_generic_checks(registry);
    ssh::register_ssh_checks(registry);
    // The catalogue: adding a check type adds one line here.
    const std::vector<std::string> catalogue{
        "fact.at_least",         "fact.at_most",           "fact.forbid",              "fact.matches",
        "fact.require",
        "http.cookies",          "http.headers",           "http.hsts",                "http.redirect_to_https",
        "net.cleartext_management", "net.exposed_services", "net.ftp_auth_tls",
        "net.port_closed",        "net.port_open",
        "snmp.community",        "snmp.version",
        "ssh.banner",            "ssh.ciphers",            "ssh.dh_modulus_size",      "ssh.host_key_algorithms",
        "ssh.host_key_size",     "ssh.kex_algorithms",     "ssh.macs",                 "ssh.protocol_version",
        "ssh.strict_kex",
        "tls.certificate.hostname",
        "tls.certificate.key",   "tls.certificate.lifetime", "tls.certificate.signature", "tls.certificate.trusted",
        "tls.certificate.validity", "tls.cipher_suites",   "tls.compression",
        "tls.early_data",
        "tls.extensions",
        "tls.fallback_scsv",     "tls.forward_secrecy",    "tls.heartbeat",            "tls.key_exchange",
        "tls.ocsp_stapling",
        "tls.protocol_versions", "tls.renegotiation",
        "tls.sct",
        "tls.server_preference",
        "tls.session_resumption",
        "tls.signature_algorithms",
        "tls.vulnerability"};
    std::vector<std::string> registered;
    for (const auto* d : registry.all()) registered.push_back(d->name);
    ASSERT_EQ(registered, catalogue);
    for (const auto* d : registry.all()) {
        EXPECT_FALSE(d->examples.empty()) << d->name;
        for (const auto& example : d->examples) {
            Json with;
            ASSERT_NO_THROW(with = to_json(YAML::Load(example))) << d->name << ": " << example;
            auto params = core::validate_params(d->params, with);
            ASSERT_TRUE(params.ok()) << d->name << ": " << example << ": " << params.error().describe();
            if (d->validate) {
                auto ok = d->validate(*params);
                EXPECT_TRUE(ok.ok()) << d->name << ": " << example << ": " << ok.error().describe();
            }
        }
        for (const auto& p : d->params) EXPECT_FALSE(p.description.empty()) << d->name << "." << p.name;
    }
}

}  // namespace
}  // namespace conformscan::checks
