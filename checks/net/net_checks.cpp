// net.port_open and net.port_closed: judge the `tcp` probe's view of one port.
// X.805 §6.1 (access control dimension): a service that should not be reachable
// is judged by whether its port answers at all.
#include "checks/net/net_checks.hpp"

#include <exception>

#include <fmt/format.h>

#include "checks/net/cleartext_checks.hpp"
#include "checks/net/tcp_facts.hpp"

namespace conformscan::checks::net {

namespace {

using core::Json;
using core::Outcome;

constexpr const char* kProbe = "tcp";

// The engine calls a rule only when the `tcp` record exists with status ok,
// but the data may still come from a hand-edited report.
core::Result<TcpFacts> load_facts(const core::CheckContext& ctx) {
    const auto* record = ctx.facts.get(kProbe);
    if (record == nullptr) return core::make_error("missing_facts", "no tcp facts for this target");
    return parse_tcp_facts(record->data);
}

Json observed_of(const TcpFacts& f) {
    Json j{{"state", f.state}, {"reason", f.reason}};
    if (!f.banner.empty()) j["banner"] = f.banner;
    return j;
}

Outcome evaluate_port_open(const core::CheckContext& ctx, const Json& /*params*/) {
    auto facts = load_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const Json expected{{"state", "open"}};
    if (facts->state == "open")
        return Outcome::pass(fmt::format("port {} is open", ctx.target.port), observed_of(*facts), expected);
    return Outcome::fail(
        fmt::format("port {} is {} ({}), expected open", ctx.target.port, facts->state, facts->reason),
        observed_of(*facts), expected);
}

Outcome evaluate_port_closed(const core::CheckContext& ctx, const Json& params) {
    auto facts = load_facts(ctx);
    if (!facts) return Outcome::error(facts.error().describe());
    const bool allow_filtered = params.value("allow_filtered", true);
    Json expected{{"state", allow_filtered ? Json{"closed", "filtered"} : Json::array({"closed"})}};
    const auto& state = facts->state;
    const auto observed = observed_of(*facts);
    const auto port = ctx.target.port;
    if (state == "closed") return Outcome::pass(fmt::format("port {} is closed", port), observed, expected);
    if (state == "filtered") {
        if (allow_filtered)
            return Outcome::pass(fmt::format("port {} is filtered (no answer)", port), observed, expected);
        return Outcome::fail(fmt::format("port {} is filtered rather than closed ({})", port, facts->reason),
                             observed, expected);
    }
    if (state == "open") {
        if (facts->banner.empty())
            return Outcome::fail(fmt::format("port {} is open", port), observed, expected);
        return Outcome::fail(fmt::format("port {} is open and answers \"{}\"", port, facts->banner), observed,
                             expected);
    }
    return Outcome::error(fmt::format("tcp facts give an unknown port state '{}'", state), observed);
}

// Rules never throw; this guard turns anything unforeseen into an error result.
template <typename F>
auto guarded(F rule) {
    return [rule](const core::CheckContext& ctx, const Json& params) -> Outcome {
        try {
            return rule(ctx, params);
        } catch (const std::exception& e) {
            return Outcome::error(fmt::format("internal error while judging tcp facts: {}", e.what()));
        }
    };
}

}  // namespace

void register_net_checks(core::CheckRegistry& registry) {
    core::CheckDescriptor open;
    open.name = "net.port_open";
    open.title = "The port accepts TCP connections";
    open.description =
        "Passes when the tcp probe found the port open (a connection was established); fails when it was "
        "closed (refused) or filtered (no answer).";
    open.facts = {kProbe};
    open.examples = {"{}"};
    open.evaluate = guarded(evaluate_port_open);
    core::must_add(registry, std::move(open));

    core::CheckDescriptor closed;
    closed.name = "net.port_closed";
    closed.title = "The port does not accept TCP connections";
    closed.description =
        "Passes when the tcp probe found the port closed (connection refused), or filtered (no answer) "
        "unless allow_filtered is false; fails when the port is open, quoting any banner the server sent.";
    closed.facts = {kProbe};
    closed.params = {core::ParamSpec{.name = "allow_filtered",
                                     .type = core::ParamType::boolean,
                                     .description = "Accept a port that does not answer at all (dropped by a "
                                                    "firewall) as well as one that refuses connections.",
                                     .default_value = true}};
    closed.examples = {"{}", "{allow_filtered: false}"};
    closed.evaluate = guarded(evaluate_port_closed);
    core::must_add(registry, std::move(closed));

    register_cleartext_checks(registry);
}

}  // namespace conformscan::checks::net
