// The `port_sweep` probe. One connect() per port, sequentially, within the
// scan's politeness limits (connect_target_raw); on an open port, the same
// identification as the `tcp` probe with its dialogs (service_identify.hpp),
// so that an unexpected port comes with evidence. Connect and reply waits are
// capped at 2 s per port so that a firewalled host does not cost the full
// timeout on every port of the list.
#include "checks/net/sweep_probe.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <set>

#include <fmt/format.h>

#include "checks/net/service_identify.hpp"
#include "checks/net/socket.hpp"
#include "checks/net/tcp_facts.hpp"

namespace conformscan::checks::net {

namespace {

using core::Json;
using std::chrono::milliseconds;

constexpr milliseconds kPortWait{2000};
constexpr milliseconds kGreetingWait{800};
constexpr milliseconds kGreetingGap{150};

std::vector<std::uint16_t> ports_of(const Json& inputs) {
    std::set<std::uint16_t> out;
    if (auto it = inputs.find("ports"); it != inputs.end() && it->is_array()) {
        for (const auto& p : *it)
            if (p.is_number_integer() && p.get<long long>() >= 1 && p.get<long long>() <= 65535)
                out.insert(static_cast<std::uint16_t>(p.get<long long>()));
    }
    if (out.empty()) out.insert(default_sweep_ports().begin(), default_sweep_ports().end());
    std::vector<std::uint16_t> v(out.begin(), out.end());
    if (v.size() > kMaxSweepPorts) v.resize(kMaxSweepPorts);
    return v;
}

core::ProbeRecord run_sweep(const core::Target& target, const core::ProbeOptions& options) {
    const auto started = SteadyClock::now();
    const auto ports = ports_of(options.inputs);
    core::ProbeOptions per_port = options;
    per_port.timeout = std::min(options.timeout, kPortWait);
    Json open = Json::array();
    Json closed = Json::array();
    Json filtered = Json::array();
    Json errors = Json::array();
    for (auto port : ports) {
        core::Target t = target;  // same id: the connections count against the target that swept
        t.port = port;
        auto sock = connect_target_raw(t, per_port);
        if (!sock) {
            const auto state = port_state(sock.error());
            if (state == "closed")
                closed.push_back(port);
            else if (state == "filtered")
                filtered.push_back(port);
            else
                errors.push_back({{"port", port}, {"error", sock.error().message}});
            continue;
        }
        std::vector<std::uint8_t> greeting;
        if (auto g =
                sock->read_bounded(options.max_banner_bytes,
                                   deadline_after(std::min(per_port.timeout, kGreetingWait)), kGreetingGap))
            greeting = std::move(g).value();
        TcpFacts f;
        identify_service(*sock, greeting, t, per_port, IdentifyRequest{.dialogs = true, .ftp_user = {}}, f);
        Json entry{{"port", port},
                   {"service", f.service},
                   {"identified_by", f.identified_by},
                   {"evidence", f.evidence}};
        if (f.tls_offered) entry["tls_offered"] = *f.tls_offered;
        open.push_back(std::move(entry));
    }
    if (!errors.empty() && open.empty() && closed.empty() && filtered.empty())
        return core::ProbeRecord::failure("port_sweep", errors.front().value("error", "cannot connect"));
    core::ProbeRecord record;
    record.probe = "port_sweep";
    record.data = Json{{"host", target.address.empty() ? target.host : target.address},
                       {"ports", ports},
                       {"open", open},
                       {"closed", closed},
                       {"filtered", filtered},
                       {"errors", errors}};
    record.duration_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
    return record;
}

}  // namespace

const std::vector<std::uint16_t>& default_sweep_ports() {
    static const std::vector<std::uint16_t> kPorts = {
        21,   22,   23,   25,   53,   80,   110,  111,  135,  139,  143,  443,  445,  512,  513,   514,  873,
        1080, 1433, 2323, 3306, 3389, 5432, 5900, 5985, 6379, 8080, 8291, 8443, 8728, 9100, 10000, 27017};
    return kPorts;
}

void register_sweep_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = "port_sweep";
    d.title = "Open ports of the target's host, with their services";
    d.description = fmt::format(
        "Once per host (however many targets share it): connects to each port of the list the rules give "
        "(default: "
        "{} well-known management and cleartext ports) and reports it open, closed or filtered; identifies "
        "the "
        "service on each open port as the tcp probe does (greeting, capability queries, nudges). At most 2 s "
        "per "
        "port, at most {} ports.",
        default_sweep_ports().size(), kMaxSweepPorts);
    d.facts = {"port_sweep.host",
               "port_sweep.ports[*]",
               "port_sweep.open[*].port",
               "port_sweep.open[*].service",
               "port_sweep.open[*].evidence",
               "port_sweep.open[*].tls_offered",
               "port_sweep.closed[*]",
               "port_sweep.filtered[*]",
               "port_sweep.errors[*]"};
    d.per_host = true;
    d.run = [](const core::Target& target, const core::ProbeOptions& options, const core::FactSet&) {
        try {
            return run_sweep(target, options);
        } catch (const std::exception& e) {
            return core::ProbeRecord::failure("port_sweep", fmt::format("internal error: {}", e.what()));
        }
    };
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::net
