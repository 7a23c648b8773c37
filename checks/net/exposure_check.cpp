// net.exposed_services: only the ports the inventory declares for a host are
// open on it. X.805 §6.1 (access control) and §8.1 (management plane); CIS
// Controls v8 4.8 (uninstall or disable unnecessary services); ISO/IEC
// 27002:2022 8.20-8.22. Reads the per-host `port_sweep` record.
#include <algorithm>
#include <exception>
#include <set>

#include <fmt/format.h>

#include "checks/net/cleartext_checks.hpp"
#include "checks/net/sweep_probe.hpp"

namespace conformscan::checks::net {

namespace {

using core::Json;
using core::Outcome;

std::string describe(const Json& entry) {
    const auto service = entry.value("service", std::string("unknown"));
    const auto evidence = entry.value("evidence", std::string());
    if (evidence.empty()) return fmt::format("{} {}", entry.value("port", 0), service);
    return fmt::format("{} {} ({})", entry.value("port", 0), service, evidence);
}

Outcome evaluate_exposed(const core::CheckContext& ctx, const Json& params) {
    const auto* record = ctx.facts.get("port_sweep");
    if (record == nullptr) return Outcome::error("no port_sweep facts for this target");
    const Json& data = record->data;
    if (!data.is_object() || !data.contains("open") || !data["open"].is_array())
        return Outcome::error("malformed port_sweep facts: no open list");
    std::set<int> allowed(ctx.target.declared_open.begin(), ctx.target.declared_open.end());
    if (allowed.empty()) allowed.insert(ctx.target.port);
    for (const auto& p : params.at("also_allowed")) allowed.insert(p.get<int>());
    const auto host = data.value("host", ctx.target.host);

    Json unexpected = Json::array();
    std::vector<std::string> lines;
    std::set<int> open_ports;
    for (const auto& entry : data["open"]) {
        if (!entry.is_object() || !entry.contains("port") || !entry["port"].is_number_integer())
            return Outcome::error("malformed port_sweep facts: an open entry without a port");
        const int port = entry["port"].get<int>();
        open_ports.insert(port);
        if (allowed.count(port) != 0) continue;
        unexpected.push_back(entry);
        lines.push_back(describe(entry));
    }
    Json declared_closed = Json::array();
    const auto swept = data.value("ports", Json::array());
    for (int p : allowed)
        if (open_ports.count(p) == 0 && std::find(swept.begin(), swept.end(), Json(p)) != swept.end())
            declared_closed.push_back(p);
    const Json observed{{"host", host},
                        {"swept", swept.size()},
                        {"open", data["open"]},
                        {"unexpected", unexpected},
                        {"declared", Json(allowed)},
                        {"declared_not_open", declared_closed}};
    const Json expected{{"open_only", Json(allowed)}};
    if (!unexpected.empty())
        return Outcome::fail(
            fmt::format("{}: {} open port{} the inventory does not declare: {}", host, unexpected.size(),
                        unexpected.size() == 1 ? "" : "s", fmt::join(lines, "; ")),
            observed, expected);
    return Outcome::pass(
        fmt::format("{}: of {} swept ports, {} open, all declared", host, swept.size(), open_ports.size()),
        observed, expected);
}

}  // namespace

void register_exposure_check(core::CheckRegistry& registry) {
    core::CheckDescriptor c;
    c.name = "net.exposed_services";
    c.title = "Only the ports the inventory declares are open on the host";
    c.description =
        "Sweeps the host of each target once (the port_sweep probe) over `ports` and fails when a port is "
        "open "
        "that the inventory does not declare for that host: the ports of every inventory target on the host, "
        "the `open_ports` of those entries, and `also_allowed`. Each unexpected port is reported with the "
        "service identified on it and the bytes that identified it. Every target of a host gets the same "
        "verdict (one sweep, shared); give the rule an applies_to (a tag, a port) to judge it on one target per "
        "host.";
    c.facts = {"port_sweep"};
    std::vector<int> defaults(default_sweep_ports().begin(), default_sweep_ports().end());
    c.params = {
        core::ParamSpec{.name = "ports",
                        .type = core::ParamType::integer_list,
                        .description =
                            "Ports to sweep on each host (default: well-known management and cleartext "
                            "ports, see the port_sweep probe).",
                        .default_value = Json(defaults),
                        .minimum = 1,
                        .maximum = 65535},
        core::ParamSpec{
            .name = "also_allowed",
            .type = core::ParamType::integer_list,
            .description = "Ports allowed open on every host besides those the inventory declares.",
            .default_value = Json::array(),
            .minimum = 1,
            .maximum = 65535},
    };
    c.examples = {"{}", "{ports: [21, 22, 23, 80, 443, 8080], also_allowed: [22]}"};
    c.validate = [](const Json& params) -> core::Result<void> {
        if (params.at("ports").empty())
            return core::make_error("bad_param", "ports: expected at least one port");
        if (params.at("ports").size() > kMaxSweepPorts)
            return core::make_error("bad_param", fmt::format("ports: at most {} ports", kMaxSweepPorts));
        return {};
    };
    c.probe_inputs = [](const Json& params) { return Json{{"port_sweep", {{"ports", params.at("ports")}}}}; };
    c.evaluate = [](const core::CheckContext& ctx, const Json& params) -> Outcome {
        try {
            return evaluate_exposed(ctx, params);
        } catch (const std::exception& e) {
            return Outcome::error(fmt::format("internal error while judging port_sweep facts: {}", e.what()));
        }
    };
    core::must_add(registry, std::move(c));
}

}  // namespace conformscan::checks::net
