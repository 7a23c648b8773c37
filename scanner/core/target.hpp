// A scan target: one (host, port) with the service expected there.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace conformscan::core {

struct Target {
    std::string id;       // stable identity in reports: "host:port" or "[v6]:port"
    std::string name;     // operator's label (inventory `name`), may be empty
    std::string host;     // as written: DNS name or IP literal
    std::string address;  // the IP literal connected to (resolved before scanning)
    std::uint16_t port = 0;
    std::string service;  // https, tls, smtp, ssh, tcp, ... ("tls" when unknown but TLS-bearing)
    std::string sni;      // name sent in SNI and matched against the certificate; may be empty
    std::vector<std::string> tags;
    std::string starttls;  // plaintext protocol upgraded before TLS (smtp, imap, ...); empty: TLS from the first byte
    // Ports the inventory declares open on this host: every inventory target's
    // port on the host and its entries' `open_ports`, sorted (net.exposed_services).
    // Empty: nothing declared beyond this target's own port.
    std::vector<std::uint16_t> declared_open;
    // From a `service: auto` inventory line: `service` was identified by the
    // tcp probe, and only the probes that fit it run (scanner/discovery.hpp).
    bool auto_service = false;

    // The name the certificate must match: the SNI name, else the host as written.
    [[nodiscard]] const std::string& expected_name() const { return sni.empty() ? host : sni; }
};

// The protocols whose STARTTLS dialog the probes speak, in the names
// `openssl s_client -starttls` uses (sieve is ManageSieve, RFC 5804).
const std::vector<std::string_view>& starttls_protocols();
[[nodiscard]] bool is_starttls_protocol(std::string_view name);
// The STARTTLS protocol a service implies when the inventory does not say:
// the service itself when it is one of starttls_protocols() (smtp, imap, ...),
// else "" (smtps, imaps, https, tls, ...: TLS from the first byte).
std::string default_starttls(std::string_view service);

// The transport a target's service runs over. Only the services listed in
// target.cpp are UDP (snmp); every other service is TCP. Probes declare
// theirs (ProbeDescriptor::transport) and the engine runs a probe only on
// targets of the same transport, so that no TCP connection goes to a UDP
// service's port and no datagram to a TCP one.
enum class Transport { tcp, udp };
std::string_view to_string(Transport t);
Transport service_transport(std::string_view service);

// "host:port", bracketing IPv6 literals.
std::string make_target_id(const std::string& host, std::uint16_t port);

void to_json(nlohmann::json& j, const Target& t);
void from_json(const nlohmann::json& j, Target& t);

}  // namespace conformscan::core
