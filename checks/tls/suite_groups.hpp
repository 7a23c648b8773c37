// Following the ECDHE groups along the suite enumeration (tls_suites), so that
// tls_groups has little or nothing left to ask. Under the highest accepted
// version <= TLS 1.2, every hello of the removal method over suites lists only
// the ECDHE groups not yet seen, and each ECDHE pick's ServerKeyExchange names
// one more accepted group (RFC 8422 §5.4); a DHE pick's gives the DH prime.
//
// While the list is reduced a server may be unable to do ECDHE at all, and
// then picks a non-ECDHE suite (or refuses) although ECDHE suites it accepts
// are still offered. That answer is ambiguous: it is held back, not recorded,
// and the next hellos list every ECDHE group again, so the held suite is
// picked again at its true place in the server's order. If the server then
// picks an ECDHE suite that the ambiguous hello also offered, the ambiguous
// answer proves that no group still unseen is accepted (ecdhe_complete);
// otherwise tls_groups confirms the unseen ones itself. A pick among the
// suites riding at the end of a hello to test the server's order is held the
// same way, so a reduced list never decides server or client order. The
// first ECDHE_ECDSA pick ends the reduction: with TLS 1.2 the client's curves
// also bound the ECDSA certificate's (RFC 8422 §5.1).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "checks/tls/raw_key_exchange.hpp"
#include "checks/tls/tls_scan_facts.hpp"

namespace conformscan::checks::tls {

class SuiteGroupTracker {
public:
    explicit SuiteGroupTracker(std::uint16_t version);

    [[nodiscard]] std::uint16_t version() const { return m_version; }
    // The supported_groups of the next hello.
    [[nodiscard]] std::vector<std::uint16_t> groups_for() const;

    enum class Verdict {
        record,     // a normal answer: the suite probe records it as it would
        hold,       // ambiguous pick: do not record; the suite stays in the offer
        retry_all,  // ambiguous refusal: send the same suites again with every group
    };
    // Judges one answer. `offered_groups` is what groups_for() returned for
    // that hello; `offered_suites` the suites it carried.
    Verdict on_answer(const KeyExchangeAttempt& k, const std::vector<std::uint16_t>& offered_groups,
                      const std::vector<std::uint16_t>& offered_suites);

    [[nodiscard]] SuiteKeyExchangeSeen seen() const;

private:
    enum class State { removing, pending, done };
    void stop(std::string why);

    std::uint16_t m_version;
    std::vector<std::uint16_t> m_all;       // every ECDHE group of the table
    std::vector<std::uint16_t> m_unseen;
    std::vector<std::uint16_t> m_accepted;  // in the order seen
    State m_state = State::removing;
    std::optional<std::uint16_t> m_held;
    std::vector<std::uint16_t> m_ambiguous_offer;  // the suites of the ambiguous hello
    bool m_complete = false;
    int m_dh_bits = 0;
    std::string m_note;
};

}  // namespace conformscan::checks::tls
