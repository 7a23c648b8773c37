// net.cleartext_management and net.ftp_auth_tls: judge the service the `tcp`
// probe identified on a port. X.805 §8.1 (management plane) with §6.2
// (authentication) and §6.4 (data confidentiality); CIS Controls v8 4.6 "do
// not use insecure management protocols, such as Telnet and HTTP"; RFC 4217
// (securing FTP with TLS).
#include "checks/net/cleartext_checks.hpp"

#include <algorithm>
#include <exception>
#include <optional>

#include <fmt/format.h>

#include "checks/net/tcp_facts.hpp"

namespace conformscan::checks::net {

namespace {

using core::Json;
using core::Outcome;

const std::vector<std::string> kCleartextServices = {"telnet", "ftp", "rlogin", "rsh", "tftp", "http"};
const Json kDefaultForbidden = Json(kCleartextServices);

core::Result<TcpFacts> load_facts(const core::CheckContext& ctx) {
    const auto* record = ctx.facts.get("tcp");
    if (record == nullptr) return core::make_error("missing_facts", "no tcp facts for this target");
    return parse_tcp_facts(record->data);
}

Json evidence_of(const TcpFacts& f) {
    Json j{{"state", f.state}, {"service", f.service}};
    if (!f.identified_by.empty()) j["identified_by"] = f.identified_by;
    if (!f.evidence.empty()) j["evidence"] = f.evidence;
    if (f.tls_offered) j["tls_offered"] = *f.tls_offered;
    if (!f.capabilities.empty()) j["capabilities"] = f.capabilities;
    if (!f.ftp_user_reply.empty()) j["ftp_user_reply"] = f.ftp_user_reply;
    return j;
}

bool contains(const Json& list, const Json& value) {
    return std::any_of(list.begin(), list.end(), [&](const Json& v) { return v == value; });
}

bool tftp_forbidden(const Json& params) {
    return contains(params.value("forbidden", kDefaultForbidden), "tftp");
}

// TFTP is judged per host (the tftp probe's per-host record): a host where it
// answers fails on every target, with the reply as evidence.
std::optional<Outcome> judge_tftp(const core::CheckContext& ctx, const Json& expected) {
    const auto* record = ctx.facts.get("tftp");
    if (record == nullptr) return Outcome::error("no tftp facts for this target's host");
    for (const auto& p : record->data.value("ports", Json::array())) {
        if (!p.is_object() || !p.value("answers", false)) continue;
        return Outcome::fail(
            fmt::format("TFTP answers on {} udp/{}: {}", record->data.value("host", ctx.target.host),
                        p.value("port", 0), p.value("reply", std::string())),
            Json{{"tftp", record->data}}, expected);
    }
    return std::nullopt;
}

Outcome evaluate_cleartext(const core::CheckContext& ctx, const Json& params) {
    auto f = load_facts(ctx);
    if (!f) return Outcome::error(f.error().describe());
    const Json& forbidden = params.at("forbidden");
    const Json& http_ports = params.at("http_admin_ports");
    const Json expected{{"forbidden", forbidden}, {"http_admin_ports", http_ports}};
    if (tftp_forbidden(params))
        if (auto tftp = judge_tftp(ctx, expected)) return *tftp;
    const auto port = ctx.target.port;
    if (f->state != "open")
        return Outcome::pass(fmt::format("port {} is {}: no service answers", port, f->state),
                             evidence_of(*f), expected);
    const auto& s = f->service;
    if (s.empty())
        return Outcome::error("the tcp facts identify no service (a report from before identification?)",
                              evidence_of(*f));
    const auto fail = [&](std::string why) {
        return Outcome::fail(std::move(why), evidence_of(*f), expected);
    };
    if (s == "ftp" && contains(forbidden, "ftp")) {
        if (!f->tls_offered.has_value())
            return Outcome::error("FTP answers, but whether it offers AUTH TLS was not observed",
                                  evidence_of(*f));
        if (!*f->tls_offered)
            return fail(
                fmt::format("FTP on port {} offers no TLS (no AUTH TLS in FEAT, AUTH TLS refused): "
                            "logins cross the network in cleartext",
                            port));
        return Outcome::pass(
            fmt::format("FTP on port {} offers AUTH TLS (net.ftp_auth_tls judges whether it is "
                        "required)",
                        port),
            evidence_of(*f), expected);
    }
    if (s == "http") {
        if (contains(forbidden, "http") && contains(http_ports, port))
            return fail(fmt::format("plain HTTP answers on port {}, named as an admin port", port));
        return Outcome::pass(
            fmt::format("plain HTTP on port {}, which the profile does not name as an admin port", port),
            evidence_of(*f), expected);
    }
    if (s != "ftp" && contains(forbidden, s)) {
        const std::string why = s == "telnet" ? "telnet carries logins and sessions in cleartext"
                                : s == "rlogin"
                                    ? "rlogin trusts source addresses and carries sessions in cleartext"
                                : s == "rsh" ? "rsh trusts source addresses and carries commands in cleartext"
                                             : "a cleartext management protocol";
        return fail(fmt::format("{} answers on port {}: {}", s, port, why));
    }
    return Outcome::pass(fmt::format("port {} answers as {}, not a forbidden cleartext service", port, s),
                         evidence_of(*f), expected);
}

// RFC 4217 §4: 534 "request denied for policy reasons" or 530 "not logged in"
// to USER before AUTH is how a server says TLS is required first.
bool refused_before_tls(const std::string& reply) {
    return reply.rfind("530", 0) == 0 || reply.rfind("534", 0) == 0;
}

Outcome evaluate_ftp_auth_tls(const core::CheckContext& ctx, const Json& params) {
    auto f = load_facts(ctx);
    if (!f) return Outcome::error(f.error().describe());
    const bool require = params.at("require_before_user").get<bool>();
    const Json expected{{"auth_tls_offered", true}, {"user_refused_before_tls", require}};
    if (f->state != "open")
        return Outcome::not_applicable(fmt::format("port {} is {}", ctx.target.port, f->state));
    if (f->service != "ftp")
        return Outcome::not_applicable(
            fmt::format("port {} answers as {}, not FTP", ctx.target.port,
                        f->service.empty() ? "an unidentified service" : f->service));
    if (!f->tls_offered.has_value())
        return Outcome::error("whether the FTP server offers AUTH TLS was not observed", evidence_of(*f));
    if (!*f->tls_offered)
        return Outcome::fail("the FTP server does not offer AUTH TLS", evidence_of(*f), expected);
    if (!require) return Outcome::pass("the FTP server offers AUTH TLS", evidence_of(*f), expected);
    if (f->ftp_user_reply.empty())
        return Outcome::error("the reply to USER before TLS was not observed", evidence_of(*f));
    if (refused_before_tls(f->ftp_user_reply))
        return Outcome::pass(fmt::format("the FTP server offers AUTH TLS and refuses USER before it: \"{}\"",
                                         f->ftp_user_reply),
                             evidence_of(*f), expected);
    return Outcome::fail(fmt::format("the FTP server accepts USER before TLS: \"{}\"", f->ftp_user_reply),
                         evidence_of(*f), expected);
}

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

void register_cleartext_checks(core::CheckRegistry& registry) {
    core::CheckDescriptor c;
    c.name = "net.cleartext_management";
    c.title = "No cleartext management protocol answers on the port";
    c.description =
        "Fails when the tcp probe identifies, by handshake, a forbidden cleartext service on an open port: "
        "telnet (IAC option negotiation), rlogin/rsh (their NUL-byte handshake on 513/514), FTP that offers "
        "no "
        "TLS (neither AUTH TLS in FEAT nor a 234 to AUTH TLS), or plain HTTP on a port the profile names in "
        "http_admin_ports; or a TFTP server answering a read request on the host (udp tftp_ports, the tftp "
        "probe, once per host). Passes on closed and filtered ports and on any other service, quoting the "
        "evidence.";
    c.facts = {"tcp"};
    c.params = {
        core::ParamSpec{.name = "forbidden",
                        .type = core::ParamType::string_list,
                        .description = "Services that must not answer (ftp: only without TLS; http: only on "
                                       "http_admin_ports).",
                        .default_value = kDefaultForbidden,
                        .choices = kCleartextServices},
        core::ParamSpec{.name = "http_admin_ports",
                        .type = core::ParamType::integer_list,
                        .description = "Ports where plain HTTP is an administration interface (a finding).",
                        .default_value = Json::array(),
                        .minimum = 1,
                        .maximum = 65535},
        core::ParamSpec{.name = "tftp_ports",
                        .type = core::ParamType::integer_list,
                        .description = "UDP ports where TFTP is looked for when tftp is forbidden.",
                        .default_value = Json::array({69}),
                        .minimum = 1,
                        .maximum = 65535},
    };
    c.examples = {"{}", "{forbidden: [telnet, rlogin, rsh]}", "{http_admin_ports: [80, 8080]}",
                  "{tftp_ports: [69, 1069]}"};
    c.probes_for = [](const Json& params) {
        if (tftp_forbidden(params)) return std::vector<std::string>{"tcp", "tftp"};
        return std::vector<std::string>{"tcp"};
    };
    c.probe_inputs = [](const Json& params) {
        Json inputs{{"tcp", {{"identify", true}}}};
        if (tftp_forbidden(params))
            inputs["tftp"] = {{"ports", params.value("tftp_ports", Json::array({69}))}};
        return inputs;
    };
    c.evaluate = guarded(evaluate_cleartext);
    core::must_add(registry, std::move(c));

    core::CheckDescriptor ftp;
    ftp.name = "net.ftp_auth_tls";
    ftp.title = "FTP offers AUTH TLS and, if asked, requires it before USER";
    ftp.description =
        "On a port the tcp probe identifies as FTP: fails when the server offers no AUTH TLS (RFC 4217); "
        "with "
        "require_before_user, also sends USER <user> before TLS (never a password) and fails unless the "
        "server "
        "refuses it with 530 or 534. Not applicable to other services and to closed ports.";
    ftp.facts = {"tcp"};
    ftp.params = {
        core::ParamSpec{.name = "require_before_user",
                        .type = core::ParamType::boolean,
                        .description = "Also require the server to refuse USER before AUTH TLS.",
                        .default_value = false},
        core::ParamSpec{.name = "user",
                        .type = core::ParamType::string,
                        .description = "The user name sent in USER when require_before_user is set.",
                        .default_value = "anonymous"},
    };
    ftp.examples = {"{}", "{require_before_user: true}", "{require_before_user: true, user: admin}"};
    ftp.validate = [](const Json& params) -> core::Result<void> {
        const auto user = params.value("user", std::string("anonymous"));
        const bool ok = !user.empty() && user.size() <= 64 &&
                        std::all_of(user.begin(), user.end(), [](char ch) { return ch > ' ' && ch < 0x7F; });
        if (!ok)
            return core::make_error("bad_param", "user: expected 1..64 printable characters without spaces");
        return {};
    };
    ftp.probe_inputs = [](const Json& params) {
        Json tcp{{"identify", true}};
        if (params.value("require_before_user", false)) tcp["ftp_user"] = params.value("user", "anonymous");
        return Json{{"tcp", tcp}};
    };
    ftp.evaluate = guarded(evaluate_ftp_auth_tls);
    core::must_add(registry, std::move(ftp));

    register_exposure_check(registry);
}

}  // namespace conformscan::checks::net
