#include "scanner/core/target.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace conformscan::core {

const std::vector<std::string_view>& starttls_protocols() {
    static const std::vector<std::string_view> kProtocols = {
        "smtp", "submission", "lmtp", "imap", "pop3", "ftp", "ldap", "xmpp", "xmpp-server",
        "postgres", "mysql", "nntp", "sieve"};
    return kProtocols;
}

bool is_starttls_protocol(std::string_view name) {
    const auto& all = starttls_protocols();
    return std::find(all.begin(), all.end(), name) != all.end();
}

std::string default_starttls(std::string_view service) {
    return is_starttls_protocol(service) ? std::string(service) : std::string();
}

std::string_view to_string(Transport t) {
    return t == Transport::udp ? "udp" : "tcp";
}

Transport service_transport(std::string_view service) {
    // snmp: RFC 3417 §3 (UDP port 161).
    return service == "snmp" ? Transport::udp : Transport::tcp;
}

std::string make_target_id(const std::string& host, std::uint16_t port) {
    if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
    return fmt::format("{}:{}", host, port);
}

void to_json(nlohmann::json& j, const Target& t) {
    j = nlohmann::json{{"id", t.id},           {"name", t.name}, {"host", t.host},
                       {"address", t.address}, {"port", t.port}, {"service", t.service},
                       {"sni", t.sni},         {"tags", t.tags},       {"starttls", t.starttls}};
    // Only when set: reports of targets without them keep their form.
    if (!t.declared_open.empty()) j["declared_open"] = t.declared_open;
    if (t.auto_service) j["auto_service"] = true;
}

void from_json(const nlohmann::json& j, Target& t) {
    t.id = j.at("id").get<std::string>();
    t.name = j.value("name", "");
    t.host = j.at("host").get<std::string>();
    t.address = j.value("address", "");
    const auto port = j.at("port").get<long long>();
    if (port < 1 || port > 65535) throw nlohmann::json::other_error::create(501, "port out of range 1..65535", &j);
    t.port = static_cast<std::uint16_t>(port);
    t.service = j.value("service", "");
    t.sni = j.value("sni", "");
    t.tags = j.value("tags", std::vector<std::string>{});
    // Reports written before STARTTLS existed have no key: those scans spoke TLS at once.
    t.starttls = j.value("starttls", "");
    t.declared_open = j.value("declared_open", std::vector<std::uint16_t>{});
    t.auto_service = j.value("auto_service", false);
}

}  // namespace conformscan::core
