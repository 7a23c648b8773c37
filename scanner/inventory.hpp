// Inventory: targets and the scope they must fall in. Scope is enforced before
// any packet is sent, DNS lookups included.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "scanner/core/result.hpp"
#include "scanner/core/target.hpp"

namespace conformscan::scanner {

struct Cidr {
    bool v6 = false;
    std::uint8_t bytes[16] = {};
    int prefix = 0;
    std::string text;

    static core::Result<Cidr> parse(const std::string& text);  // "192.0.2.0/24", "::1/128", "127.0.0.1"
    [[nodiscard]] bool contains(const std::string& ip_literal) const;
};

class Scope {
public:
    static core::Result<Scope> parse(const std::vector<std::string>& entries);  // CIDRs, IPs, DNS patterns

    // A literal IP must fall in a CIDR; a DNS name must match a pattern
    // ("*.example.net" matches one or more labels under example.net, never
    // example.net itself; "portal.example.net" matches exactly).
    [[nodiscard]] bool allows_host(const std::string& host) const;
    [[nodiscard]] const std::vector<std::string>& entries() const { return m_entries; }
    [[nodiscard]] bool empty() const { return m_entries.empty(); }

private:
    std::vector<Cidr> m_cidrs;
    std::vector<std::string> m_patterns;  // lower-case
    std::vector<std::string> m_entries;
};

struct Inventory {
    std::string operator_name;  // `operator:`, recorded in the report; may be empty
    Scope scope;
    std::vector<core::Target> targets;
    std::filesystem::path path;
    std::string sha256;
};

// Reads a targets file. Refused with file:line:column: unknown keys, bad
// hosts/ports/CIDRs, a missing scope.allow, a target outside the scope, a CIDR
// larger than 4096 addresses; for `service: auto` lines, a CIDR larger than
// 256 addresses (/24), more than 4096 address:port pairs, or any address of
// the block outside the scope. Each target's declared_open is the union of
// the ports listed for its host and the `open_ports` of those entries.
core::Result<Inventory> load_inventory(const std::filesystem::path& file);

// "host:port[/service]", "[2001:db8::1]:443/https". Service defaults to
// `default_service`; STARTTLS to what the service implies (core::default_starttls).
core::Result<core::Target> parse_target_spec(const std::string& spec, const std::string& default_service = "tls");

// True for IPv4/IPv6 literals.
bool is_ip_literal(const std::string& host);

// Fills Target::address: IP literals as they are, names through the resolver.
// Call only after the scope check.
core::Result<void> resolve_target(core::Target& target);

}  // namespace conformscan::scanner
