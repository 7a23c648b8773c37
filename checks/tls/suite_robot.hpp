// The first round of the ROBOT test, run along the suite enumeration when
// tls_vulns is planned for the target (see SuiteRobotRound in
// tls_scan_facts.hpp). The hellos of the followed version go through a
// RawSession, which reads to ServerHelloDone and keeps the connection; after
// a TLS_RSA pick the next padding variant is sent on it (vuln_robot.cpp) and
// the server's reaction recorded. Five TLS_RSA picks give the whole round at
// no extra connection; tls_vulns takes it only when every answer is the same
// and otherwise runs its own two rounds on one fixed suite list.
#pragma once

#include <cstdint>
#include <vector>

#include "checks/tls/raw_key_exchange.hpp"
#include "checks/tls/tls_scan_facts.hpp"
#include "checks/tls/wire/hello.hpp"

namespace conformscan::checks::tls {

class SuiteRobotRunner {
public:
    explicit SuiteRobotRunner(std::uint16_t version);

    [[nodiscard]] std::uint16_t version() const { return m_version; }
    // True while the round still needs variants and nothing went wrong.
    [[nodiscard]] bool wants_more() const;
    // One hello (one connection): the answer as exchange_to_key_exchange
    // would give it, and the next variant after a TLS_RSA pick.
    KeyExchangeAttempt exchange(const core::Target& target, const core::ProbeOptions& options,
                                const wire::tls::ClientHelloSpec& spec);
    [[nodiscard]] const SuiteRobotRound& round() const { return m_round; }

private:
    std::uint16_t m_version;
    SuiteRobotRound m_round;
};

}  // namespace conformscan::checks::tls
