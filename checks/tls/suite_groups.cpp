#include "checks/tls/suite_groups.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checks/tls/wire/handshake.hpp"
#include "checks/tls/wire/iana_tables.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;
using Outcome = HelloAttempt::Outcome;

namespace {

// RFC 8422 §5.1.1 deprecates the explicit-curve pseudo-groups; a server
// choosing one would send parameters the ServerKeyExchange parser refuses.
constexpr std::uint16_t kExplicitPrime = 0xff01;
constexpr std::uint16_t kExplicitChar2 = 0xff02;

std::string_view kex_of(std::uint16_t suite) {
    const auto* info = wt::find_cipher_suite(suite);
    return info != nullptr ? info->kex : std::string_view{};
}

bool contains(const std::vector<std::uint16_t>& v, std::uint16_t x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

std::string group_name(std::uint16_t code) {
    const auto* g = wt::find_group(code);
    return g != nullptr ? std::string(g->name) : fmt::format("0x{:04x}", code);
}

}  // namespace

SuiteGroupTracker::SuiteGroupTracker(std::uint16_t version) : m_version(version) {
    for (const auto& g : wt::all_groups())
        if (g.kind == "ecdhe" && g.code != kExplicitPrime && g.code != kExplicitChar2) m_all.push_back(g.code);
    m_unseen = m_all;
}

std::vector<std::uint16_t> SuiteGroupTracker::groups_for() const {
    // Reduce only once a group is known to be accepted: before that the
    // list is the full one anyway.
    if (m_state == State::removing && !m_accepted.empty() && !m_unseen.empty()) return m_unseen;
    return m_all;
}

void SuiteGroupTracker::stop(std::string why) {
    m_state = State::done;
    if (m_note.empty()) m_note = std::move(why);
}

SuiteGroupTracker::Verdict SuiteGroupTracker::on_answer(const KeyExchangeAttempt& k,
                                                        const std::vector<std::uint16_t>& offered_groups,
                                                        const std::vector<std::uint16_t>& offered_suites) {
    const bool reduced = offered_groups.size() < m_all.size();
    const bool ecdhe_offered = std::any_of(offered_suites.begin(), offered_suites.end(),
                                           [](std::uint16_t s) { return kex_of(s) == "ECDHE"; });
    const bool answered = k.hello.outcome == Outcome::server_hello && k.hello.server_hello &&
                          k.hello.server_hello->selected_version == m_version;
    if (!answered) {
        const bool refused = k.hello.outcome == Outcome::alert || k.hello.outcome == Outcome::closed;
        if (refused && reduced && ecdhe_offered && m_state == State::removing) {
            m_state = State::pending;
            m_ambiguous_offer = offered_suites;
            return Verdict::retry_all;
        }
        return Verdict::record;  // the suite probe ends or notes it as it would
    }
    const std::uint16_t suite = k.hello.server_hello->cipher_suite;
    const auto kex = kex_of(suite);
    if (kex == "ECDHE" || kex == "DHE") {
        if (!k.server_key_exchange) {
            if (m_state != State::done) stop(fmt::format("no ServerKeyExchange after suite 0x{:04x}: {}", suite, k.detail));
            return Verdict::record;
        }
        auto ske = wt::parse_server_key_exchange(*k.server_key_exchange,
                                                 kex == "DHE" ? wt::KeyExchangeKind::dhe : wt::KeyExchangeKind::ecdhe,
                                                 m_version);
        if (!ske) {
            if (m_state != State::done) stop("malformed ServerKeyExchange: " + ske.error().describe());
            return Verdict::record;
        }
        const auto* info = wt::find_cipher_suite(suite);
        if (kex == "DHE") {
            if (m_dh_bits == 0) m_dh_bits = ske->dh_bits;
        } else if (info != nullptr && info->auth == "ECDSA" && m_state != State::done) {
            // RFC 8422 §5.1: with TLS 1.2 the client's curves also bound the
            // ECDSA certificate's, so a reduced list could rule out the
            // certificate rather than the key exchange. Record what this pick
            // shows and list every group from now on.
            if (ske->named_group && contains(m_unseen, *ske->named_group)) {
                m_unseen.erase(std::find(m_unseen.begin(), m_unseen.end(), *ske->named_group));
                m_accepted.push_back(*ske->named_group);
            }
            stop("an ECDSA certificate: its curve must stay offered; tls_groups asks for the other groups");
            return Verdict::record;
        } else if (ske->named_group) {
            const auto group = *ske->named_group;
            if (!contains(offered_groups, group)) {
                // RFC 8422 §5.4: the curve must be one the client offered.
                stop(fmt::format("the server chose {}, which was not offered", group_name(group)));
                return Verdict::record;
            }
            const bool known_group = !contains(m_unseen, group);
            if (!known_group) {
                m_unseen.erase(std::find(m_unseen.begin(), m_unseen.end(), group));
                m_accepted.push_back(group);
            }
            if (m_state == State::pending) {
                // An ECDHE pick, with a group already seen, of a suite the
                // ambiguous hello offered too: only its groups kept the server
                // from ECDHE there, so none of them is accepted.
                m_complete = known_group && contains(m_ambiguous_offer, suite);
                if (!m_complete) m_note = "an ambiguous answer was not settled; tls_groups asks again";
                m_state = State::done;
            } else if (m_unseen.empty()) {
                m_complete = true;
                m_state = State::done;
            }
            return Verdict::record;
        }
    }
    if (m_state == State::removing && reduced && ecdhe_offered && kex != "ECDHE") {
        m_state = State::pending;
        m_held = suite;
        m_ambiguous_offer = offered_suites;
        return Verdict::hold;
    }
    if (m_state == State::pending && m_held && suite == *m_held) {
        // The server prefers it with every group listed too: not a proof.
        m_state = State::done;
        m_note = "the server prefers a non-ECDHE suite; tls_groups confirms the unseen groups";
    }
    return Verdict::record;
}

SuiteKeyExchangeSeen SuiteGroupTracker::seen() const {
    SuiteKeyExchangeSeen out;
    out.version = std::string(wt::version_name(m_version));
    for (auto g : m_accepted) out.ecdhe_groups.push_back(group_name(g));
    out.ecdhe_complete = m_complete;
    out.dh_bits = m_dh_bits;
    out.note = m_note;
    return out;
}

}  // namespace conformscan::checks::tls
