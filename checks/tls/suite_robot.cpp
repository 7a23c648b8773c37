#include "checks/tls/suite_robot.hpp"

#include <iterator>

#include <fmt/format.h>

#include "checks/tls/vuln_active.hpp"
#include "checks/tls/vuln_derived.hpp"
#include "checks/tls/vuln_session.hpp"
#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;
using Outcome = HelloAttempt::Outcome;

namespace {

// What exchange_to_key_exchange would have reported for the same answer.
KeyExchangeAttempt attempt_of(const RawSession& session) {
    KeyExchangeAttempt k;
    if (session.server_hello()) {
        const auto& sh = *session.server_hello();
        k.hello.outcome = Outcome::server_hello;
        k.hello.server_hello = sh;
        k.hello.detail = fmt::format("ServerHello {}, suite 0x{:04x}", wt::version_name(sh.selected_version),
                                     sh.cipher_suite);
        k.server_key_exchange = session.server_key_exchange();
        if (session.ready())
            k.server_hello_done = !k.server_key_exchange;
        else
            k.detail = "after the ServerHello: " + session.detail();
        return k;
    }
    switch (session.stage()) {
        case RawSession::Stage::alert: k.hello.outcome = Outcome::alert; break;
        case RawSession::Stage::closed: k.hello.outcome = Outcome::closed; break;
        case RawSession::Stage::timeout: k.hello.outcome = Outcome::timeout; break;
        case RawSession::Stage::connect_failed: k.hello.outcome = Outcome::connect_failed; break;
        case RawSession::Stage::malformed:
        case RawSession::Stage::flight_done: k.hello.outcome = Outcome::malformed; break;
    }
    k.hello.detail = session.detail();
    return k;
}

}  // namespace

SuiteRobotRunner::SuiteRobotRunner(std::uint16_t version) : m_version(version) {
    m_round.version = std::string(wt::version_name(version));
}

bool SuiteRobotRunner::wants_more() const {
    return m_round.failure.empty() && m_round.reactions.size() < std::size(wt::kRobotVariants);
}

KeyExchangeAttempt SuiteRobotRunner::exchange(const core::Target& target, const core::ProbeOptions& options,
                                              const wt::ClientHelloSpec& spec) {
    RawSession session(target, options, wt::encode_client_hello_records(spec));
    auto k = attempt_of(session);
    if (!wants_more() || !session.ready() || !k.hello.server_hello ||
        k.hello.server_hello->selected_version != m_version)
        return k;
    const auto suite = k.hello.server_hello->cipher_suite;
    const auto* info = wt::find_cipher_suite(suite);
    if (info == nullptr || !is_rsa_key_transport_suite(std::string(info->name))) return k;
    const auto variant = wt::kRobotVariants[m_round.reactions.size()];
    auto a = robot_variant_on(session, spec.version, variant, options.timeout);
    if (!a.failure.empty()) {
        m_round.failure = fmt::format("{}: {}", wt::robot_variant_name(variant), a.failure);
        return k;
    }
    m_round.suites.push_back(fmt::format("0x{:04x}", suite));
    m_round.reactions.push_back(std::move(a.reaction));
    return k;
}

}  // namespace conformscan::checks::tls
