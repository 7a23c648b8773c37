#include "scanner/inventory.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "scanner/digest.hpp"
#include "scanner/host_names.hpp"
#include "scanner/yaml_util.hpp"

namespace conformscan::scanner {

namespace {

using yaml::Fields;

constexpr std::string_view kCode = "bad_inventory";
constexpr int kMaxCidrHostBits = 12;  // 4096 addresses
constexpr std::size_t kMaxTargets = 65536;
const std::vector<std::string_view> kTopKeys = {"operator", "scope", "defaults", "targets"};
const std::vector<std::string_view> kScopeKeys = {"allow"};
const std::vector<std::string_view> kDefaultKeys = {"service", "port", "ports", "sni", "tags", "starttls"};
const std::vector<std::string_view> kTargetKeys = {"name", "host", "cidr",     "port",      "ports",
                                                   "service", "sni", "tags", "starttls", "open_ports"};
// service: auto lines probe every address and port they expand to, with
// identification dialogs: a smaller bound than for listed targets.
constexpr int kMaxAutoHostBits = 8;           // 256 addresses
constexpr std::size_t kMaxAutoPairs = 4096;   // addresses x ports per line

bool is_service_word(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

// What a target entry (or `defaults`) says, before expansion.
struct Settings {
    std::string service;
    std::string sni;
    std::vector<std::string> tags;
    std::vector<std::uint16_t> ports;
    std::optional<std::string> starttls;  // a protocol or "none"; unset: implied by the service
};

core::Result<void> read_settings(const yaml::Context& ctx, const Fields& f, Settings& out) {
    const auto* port = f.find("port");
    const auto* ports = f.find("ports");
    if (port != nullptr && ports != nullptr)
        return ctx.error(ports->key_mark, f.path_of("ports"), "give either port or ports, not both");
    if (port != nullptr) {
        auto v = yaml::to_int(ctx, port->value, Fields::mark_of(*port), f.path_of("port"));
        if (!v) return v.error();
        if (*v < 1 || *v > 65535)
            return ctx.error(Fields::mark_of(*port), f.path_of("port"),
                             fmt::format("expected 1..65535; got {}", *v));
        out.ports = {static_cast<std::uint16_t>(*v)};
    }
    if (ports != nullptr) {
        auto v = yaml::to_int_list(ctx, ports->value, Fields::mark_of(*ports), f.path_of("ports"), 1, 65535);
        if (!v) return v.error();
        if (v->empty())
            return ctx.error(Fields::mark_of(*ports), f.path_of("ports"), "expected at least one port");
        out.ports.clear();
        for (auto p : *v) out.ports.push_back(static_cast<std::uint16_t>(p));
    }
    if (const auto* s = f.find("service")) {
        auto v = yaml::to_string(ctx, s->value, Fields::mark_of(*s), f.path_of("service"));
        if (!v) return v.error();
        if (!is_service_word(*v))
            return ctx.error(
                Fields::mark_of(*s), f.path_of("service"),
                fmt::format("expected a service name of a-z, 0-9 and '-'; got {}", yaml::quote(*v)));
        out.service = std::move(*v);
    }
    if (const auto* s = f.find("sni")) {
        auto v = yaml::to_string(ctx, s->value, Fields::mark_of(*s), f.path_of("sni"));
        if (!v) return v.error();
        // RFC 6066 §3: the server name is a DNS host name, never an address literal.
        if (is_ip_literal(*v) || !is_valid_host_name(*v))
            return ctx.error(Fields::mark_of(*s), f.path_of("sni"),
                             fmt::format("expected a DNS host name; got {}", yaml::quote(*v)));
        out.sni = std::move(*v);
    }
    if (const auto* s = f.find("starttls")) {
        auto v = yaml::to_string(ctx, s->value, Fields::mark_of(*s), f.path_of("starttls"));
        if (!v) return v.error();
        if (*v != "none" && !core::is_starttls_protocol(*v))
            return ctx.error(Fields::mark_of(*s), f.path_of("starttls"),
                             fmt::format("expected none or one of {}; got {}",
                                         fmt::join(core::starttls_protocols(), ", "), yaml::quote(*v)));
        out.starttls = std::move(*v);
    }
    if (const auto* t = f.find("tags")) {
        auto v = yaml::to_string_list(ctx, t->value, Fields::mark_of(*t), f.path_of("tags"));
        if (!v) return v.error();
        out.tags = std::move(*v);
    }
    return {};
}

core::Result<Scope> read_scope(const yaml::Context& ctx, const Fields& top) {
    const auto* e = top.find("scope");
    if (e == nullptr) return top.missing(ctx, "scope", "a mapping with allow: [CIDRs and host names]");
    auto f = Fields::read(ctx, e->value, e->key_mark, "scope", kScopeKeys);
    if (!f) return f.error();
    const auto* allow = f->find("allow");
    if (allow == nullptr)
        return f->missing(ctx, "allow", "a non-empty list of CIDRs, addresses and host names");
    auto entries = yaml::to_string_list(ctx, allow->value, Fields::mark_of(*allow), "scope.allow");
    if (!entries) return entries.error();
    if (entries->empty())
        return ctx.error(Fields::mark_of(*allow), "scope.allow", "expected at least one CIDR or host name");
    for (std::size_t i = 0; i < entries->size(); ++i) {
        if (auto one = Scope::parse({(*entries)[i]}); !one)
            return ctx.error(allow->value[i].Mark(), yaml::index_path("scope.allow", i), one.error().message);
    }
    return Scope::parse(*entries);
}

// Every address of a CIDR block; IPv4 blocks wider than /31 lose their network
// and broadcast addresses, which no server answers on.
core::Result<std::vector<std::string>> expand(const Cidr& cidr) {
    const int bits = (cidr.v6 ? 128 : 32) - cidr.prefix;
    if (bits > kMaxCidrHostBits)
        return core::make_error(std::string(kCode),
                                fmt::format("{} holds 2^{} addresses; at most {} are expanded", cidr.text,
                                            bits, 1 << kMaxCidrHostBits));
    const std::size_t count = std::size_t{1} << bits;
    const bool skip_edges = !cidr.v6 && cidr.prefix < 31;
    std::vector<std::string> out;
    const std::size_t len = cidr.v6 ? 16 : 4;
    for (std::size_t offset = 0; offset < count; ++offset) {
        if (skip_edges && (offset == 0 || offset == count - 1)) continue;
        std::uint8_t bytes[16];
        std::copy(cidr.bytes, cidr.bytes + 16, bytes);
        std::size_t carry = offset;
        for (std::size_t i = len; i-- > 0 && carry != 0;) {
            carry += bytes[i];
            bytes[i] = static_cast<std::uint8_t>(carry & 0xFF);
            carry >>= 8;
        }
        char buf[INET6_ADDRSTRLEN] = {};
        inet_ntop(cidr.v6 ? AF_INET6 : AF_INET, bytes, buf, sizeof buf);
        out.emplace_back(buf);
    }
    return out;
}

class Builder {
public:
    Builder(const yaml::Context& ctx, const Scope& scope, Settings defaults)
        : m_ctx(ctx), m_scope(scope), m_defaults(std::move(defaults)) {}

    core::Result<void> add(const YAML::Node& node, const YAML::Mark& fallback, std::size_t index);
    // The targets, each with the ports declared open on its host (net.exposed_services).
    std::vector<core::Target> take() {
        for (auto& t : m_targets) {
            const auto& open = m_host_open[t.host];
            t.declared_open.assign(open.begin(), open.end());
        }
        return std::move(m_targets);
    }

private:
    core::Result<void> emit(const core::Target& base, const std::string& host,
                            const std::vector<std::uint16_t>& ports, const YAML::Mark& mark);

    const yaml::Context& m_ctx;
    const Scope& m_scope;
    Settings m_defaults;
    std::vector<core::Target> m_targets;
    std::map<std::string, std::string> m_seen;  // id -> where
    std::map<std::string, std::set<std::uint16_t>> m_host_open;  // host -> ports declared open
    std::vector<std::uint16_t> m_open_ports;  // the current entry's open_ports
};

core::Result<void> Builder::add(const YAML::Node& node, const YAML::Mark& fallback, std::size_t index) {
    auto f = Fields::read(m_ctx, node, fallback, yaml::index_path("targets", index), kTargetKeys);
    if (!f) return f.error();
    Settings s = m_defaults;
    if (auto r = read_settings(m_ctx, *f, s); !r) return r.error();
    if (s.ports.empty()) return f->missing(m_ctx, "port", "port: N or ports: [N, ...] (or defaults.ports)");
    m_open_ports.clear();
    if (const auto* open = f->find("open_ports")) {
        auto v = yaml::to_int_list(m_ctx, open->value, Fields::mark_of(*open), f->path_of("open_ports"), 1, 65535);
        if (!v) return v.error();
        for (auto p : *v) m_open_ports.push_back(static_cast<std::uint16_t>(p));
    }
    core::Target base;
    if (auto r = f->optional_string(m_ctx, "name", base.name); !r) return r.error();
    base.service = s.service.empty() ? "tls" : s.service;
    base.sni = s.sni;
    base.tags = s.tags;
    base.starttls = !s.starttls ? core::default_starttls(base.service) : *s.starttls == "none" ? "" : *s.starttls;

    const auto* host = f->find("host");
    const auto* cidr = f->find("cidr");
    if ((host == nullptr) == (cidr == nullptr))
        return m_ctx.error(f->mark(), f->path(), "expected exactly one of host: or cidr:");
    if (host != nullptr) {
        const auto mark = Fields::mark_of(*host);
        auto text = yaml::to_string(m_ctx, host->value, mark, f->path_of("host"));
        if (!text) return text.error();
        auto canonical = canonical_ip(*text);
        if (canonical.empty() && !is_valid_host_name(*text))
            return m_ctx.error(
                mark, f->path_of("host"),
                fmt::format("expected an IP address or a DNS host name; got {}", yaml::quote(*text)));
        return emit(base, canonical.empty() ? *text : canonical, s.ports, mark);
    }
    const auto mark = Fields::mark_of(*cidr);
    auto text = yaml::to_string(m_ctx, cidr->value, mark, f->path_of("cidr"));
    if (!text) return text.error();
    auto block = Cidr::parse(*text);
    if (!block) return m_ctx.error(mark, f->path_of("cidr"), block.error().message);
    const bool is_auto = base.service == "auto";
    if (is_auto && (block->v6 ? 128 : 32) - block->prefix > kMaxAutoHostBits)
        return m_ctx.error(mark, f->path_of("cidr"),
                           fmt::format("{} is too large for service: auto: at most {} addresses (/{} for IPv4, "
                                       "/{} for IPv6) are swept per line",
                                       block->text, 1 << kMaxAutoHostBits, 32 - kMaxAutoHostBits,
                                       128 - kMaxAutoHostBits));
    auto addresses = expand(*block);
    if (!addresses) return m_ctx.error(mark, f->path_of("cidr"), addresses.error().message);
    if (is_auto) {
        if (addresses->size() * s.ports.size() > kMaxAutoPairs)
            return m_ctx.error(mark, f->path_of("cidr"),
                               fmt::format("{} addresses x {} ports is more than the {} address:port pairs a "
                                           "service: auto line may sweep",
                                           addresses->size(), s.ports.size(), kMaxAutoPairs));
        // The whole block must be in scope before anything is swept.
        for (const auto& address : *addresses)
            if (!m_scope.allows_host(address))
                return m_ctx.error(mark, f->path_of("cidr"),
                                   fmt::format("{} is not inside scope.allow [{}] ({} is outside); nothing was "
                                               "scanned",
                                               block->text, fmt::join(m_scope.entries(), ", "), address));
    }
    for (const auto& address : *addresses)
        if (auto r = emit(base, address, s.ports, mark); !r) return r;
    return {};
}

core::Result<void> Builder::emit(const core::Target& base, const std::string& host,
                                 const std::vector<std::uint16_t>& ports, const YAML::Mark& mark) {
    // Scope is enforced here, while reading: nothing has been resolved or sent yet.
    if (!m_scope.allows_host(host))
        return m_ctx.error(
            mark, "",
            fmt::format("target {} is outside scope.allow [{}]; nothing was scanned",
                        core::make_target_id(host, ports.front()), fmt::join(m_scope.entries(), ", ")));
    auto& declared = m_host_open[host];
    declared.insert(m_open_ports.begin(), m_open_ports.end());
    // A listed port is a declared one; the ports of an auto line are only candidates.
    if (base.service != "auto") declared.insert(ports.begin(), ports.end());
    for (auto port : ports) {
        core::Target t = base;
        t.host = host;
        t.port = port;
        t.id = core::make_target_id(host, port);
        const auto where = m_ctx.where(mark);
        auto [it, inserted] = m_seen.emplace(t.id, where);
        if (!inserted)
            return m_ctx.error(mark, "",
                               fmt::format("target {} is listed twice (first at {})", t.id, it->second));
        if (m_targets.size() >= kMaxTargets)
            return m_ctx.error(mark, "", fmt::format("more than {} targets after expansion", kMaxTargets));
        m_targets.push_back(std::move(t));
    }
    return {};
}

core::Result<Inventory> read_inventory(const yaml::Context& ctx, const yaml::Document& doc,
                                       const std::filesystem::path& file) {
    auto top = Fields::read(ctx, doc.root, YAML::Mark::null_mark(), "", kTopKeys);
    if (!top) return top.error();
    Inventory inv;
    auto scope = read_scope(ctx, *top);
    if (!scope) return scope.error();
    inv.scope = std::move(*scope);
    if (top->find("operator") != nullptr) {
        auto name = top->required_text(ctx, "operator", "the name of the organisation whose network this is");
        if (!name) return name.error();
        inv.operator_name = std::move(*name);
    }

    Settings defaults;
    if (const auto* d = top->find("defaults")) {
        auto f = Fields::read(ctx, d->value, d->key_mark, "defaults", kDefaultKeys);
        if (!f) return f.error();
        if (auto r = read_settings(ctx, *f, defaults); !r) return r.error();
    }
    const auto* targets = top->find("targets");
    if (targets == nullptr)
        return top->missing(ctx, "targets", "a list of {host or cidr, port or ports, ...}");
    if (!targets->value.IsSequence() || targets->value.size() == 0)
        return ctx.error(Fields::mark_of(*targets), "targets", "expected a non-empty list of targets");
    Builder builder(ctx, inv.scope, std::move(defaults));
    std::size_t i = 0;
    for (const auto& item : targets->value)
        if (auto r = builder.add(item, Fields::mark_of(*targets), i++); !r) return r.error();
    inv.targets = builder.take();
    inv.path = file;
    inv.sha256 = sha256_hex(doc.bytes);
    return inv;
}

core::Error bad_spec(const std::string& spec, std::string_view why) {
    return core::make_error("bad_target",
                            fmt::format("target '{}': {}; expected host:port[/service]", spec, why));
}

}  // namespace

core::Result<Inventory> load_inventory(const std::filesystem::path& file) {
    const yaml::Context ctx(file.string(), std::string(kCode));
    return yaml::read_document(ctx, file, "inventory",
                               [&](const yaml::Document& doc) { return read_inventory(ctx, doc, file); });
}

core::Result<core::Target> parse_target_spec(const std::string& spec, const std::string& default_service) {
    std::string host_port = spec;
    std::string service = default_service;
    if (const auto slash = spec.find('/'); slash != std::string::npos) {
        host_port = spec.substr(0, slash);
        service = spec.substr(slash + 1);
        if (!is_service_word(service))
            return bad_spec(spec, "the service must be a word of a-z, 0-9 and '-'");
    }
    std::string host;
    std::string port_text;
    bool have_port = false;
    if (!host_port.empty() && host_port.front() == '[') {
        const auto close = host_port.find(']');
        if (close == std::string::npos) return bad_spec(spec, "unclosed '['");
        host = host_port.substr(1, close - 1);
        if (close + 1 < host_port.size()) {
            if (host_port[close + 1] != ':') return bad_spec(spec, "expected ':' after ']'");
            port_text = host_port.substr(close + 2);
            have_port = true;
        }
        if (!host.empty() && (!is_ip_literal(host) || host.find(':') == std::string::npos))
            return bad_spec(spec, "only IPv6 addresses go in brackets");
    } else {
        const auto colon = host_port.find(':');
        if (colon != std::string::npos && host_port.find(':', colon + 1) != std::string::npos)
            return bad_spec(spec, "IPv6 addresses need brackets, as in [2001:db8::1]:443");
        host = host_port.substr(0, colon);
        if (colon != std::string::npos) {
            port_text = host_port.substr(colon + 1);
            have_port = true;
        }
    }
    if (host.empty()) return bad_spec(spec, "empty host");
    if (!have_port) return bad_spec(spec, "missing port");
    const bool digits =
        !port_text.empty() && port_text.size() <= 5 &&
        std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; });
    const int port = digits ? std::stoi(port_text) : 0;
    if (port < 1 || port > 65535) return bad_spec(spec, fmt::format("bad port '{}' (1..65535)", port_text));
    auto canonical = canonical_ip(host);
    if (canonical.empty() && !is_valid_host_name(host))
        return bad_spec(spec, fmt::format("'{}' is neither an IP address nor a DNS host name", host));
    core::Target t;
    t.host = canonical.empty() ? host : canonical;
    t.port = static_cast<std::uint16_t>(port);
    t.service = service;
    t.starttls = core::default_starttls(service);
    t.id = core::make_target_id(t.host, t.port);
    return t;
}

core::Result<void> resolve_target(core::Target& target) {
    if (auto canonical = canonical_ip(target.host); !canonical.empty()) {
        target.address = canonical;
        return {};
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(target.host.c_str(), nullptr, &hints, &found);
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(found, &freeaddrinfo);
    if (rc != 0 || found == nullptr)
        return core::make_error("resolve", fmt::format("cannot resolve '{}': {}", target.host,
                                                       rc != 0 ? gai_strerror(rc) : "no address"));
    char buf[INET6_ADDRSTRLEN] = {};
    const void* addr = nullptr;
    if (found->ai_family == AF_INET)
        addr = &reinterpret_cast<const sockaddr_in*>(found->ai_addr)->sin_addr;
    else if (found->ai_family == AF_INET6)
        addr = &reinterpret_cast<const sockaddr_in6*>(found->ai_addr)->sin6_addr;
    if (addr == nullptr || inet_ntop(found->ai_family, addr, buf, sizeof buf) == nullptr)
        return core::make_error("resolve",
                                fmt::format("cannot resolve '{}': unexpected address family", target.host));
    target.address = buf;
    return {};
}

}  // namespace conformscan::scanner
