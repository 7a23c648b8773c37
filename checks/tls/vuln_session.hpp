// A raw TLS <= 1.2 connection held open past the server's first flight, for
// the active vulnerability tests: send our ClientHello, read up to
// ServerHelloDone, then send crafted records and read how the server reacts.
// Every read is bounded in bytes and by the probe's timeout.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checks/net/socket.hpp"
#include "checks/tls/wire/hello.hpp"
#include "checks/tls/wire/record.hpp"
#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

// How the server reacted to what we sent after its first flight.
struct Reaction {
    enum class Kind { alert, closed, timeout, heartbeat, other_record, malformed };
    Kind kind = Kind::timeout;
    std::optional<wire::tls::Alert> alert;
    std::vector<std::uint8_t> fragment;  // the heartbeat (or other) record's fragment
    std::uint8_t record_type = 0;
    std::string detail;

    // "alert fatal bad_record_mac (20)", "closed", "timeout", ...: equal
    // strings are equal reactions (the ROBOT oracle table compares these).
    [[nodiscard]] std::string describe() const;
};

class RawSession {
public:
    enum class Stage { flight_done, alert, closed, timeout, malformed, connect_failed };

    // Connects, sends `client_hello` (records) and reads until ServerHelloDone.
    RawSession(const core::Target& target, const core::ProbeOptions& options,
               const std::vector<std::uint8_t>& client_hello);

    [[nodiscard]] Stage stage() const { return m_stage; }
    [[nodiscard]] bool ready() const { return m_stage == Stage::flight_done; }
    [[nodiscard]] const std::string& detail() const { return m_detail; }  // why not ready
    // Set once a ServerHello arrived, even when the flight then stopped short.
    [[nodiscard]] const std::optional<wire::tls::ServerHello>& server_hello() const { return m_server_hello; }
    // The ServerKeyExchange body (after its 4-byte header), when one came.
    [[nodiscard]] const std::optional<std::vector<std::uint8_t>>& server_key_exchange() const {
        return m_server_key_exchange;
    }
    // DER certificates from the Certificate message, leaf first.
    [[nodiscard]] const std::vector<std::vector<std::uint8_t>>& certificates() const {
        return m_certificates;
    }

    bool send(const std::vector<std::uint8_t>& bytes);
    // Waits up to `wait` for the first alert, heartbeat or other record, a
    // close, or silence.
    Reaction await(std::chrono::milliseconds wait);

private:
    std::optional<net::TcpSocket> m_socket;
    Stage m_stage = Stage::connect_failed;
    std::string m_detail;
    std::optional<wire::tls::ServerHello> m_server_hello;
    std::vector<std::vector<std::uint8_t>> m_certificates;
    std::optional<std::vector<std::uint8_t>> m_server_key_exchange;
    std::vector<std::uint8_t> m_pending;  // bytes after the first flight, not yet a whole record
};

}  // namespace conformscan::checks::tls
