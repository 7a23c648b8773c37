#include "checks/tls/vuln_session.hpp"

#include <array>

#include <fmt/format.h>

#include "checks/tls/wire/handshake.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;

namespace {
constexpr std::size_t kMaxFlightBytes = 256 * 1024;
// A heartbeat response is at most one record of 2^14 + 2048 bytes.
constexpr std::size_t kMaxReactionBytes = 64 * 1024;
}  // namespace

std::string Reaction::describe() const {
    switch (kind) {
        case Kind::alert:
            return alert ? fmt::format("alert {} {} ({})", wt::alert_level_name(alert->level),
                                       wt::alert_description_name(alert->description), alert->description)
                         : std::string("alert");
        case Kind::closed:
            return "connection closed";
        case Kind::timeout:
            return "no answer (timeout)";
        case Kind::heartbeat:
            return fmt::format("heartbeat record of {} bytes", fragment.size());
        case Kind::other_record:
            return fmt::format("{} record of {} bytes", wt::content_type_name(record_type), fragment.size());
        case Kind::malformed:
            return "malformed answer: " + detail;
    }
    return "unknown";
}

RawSession::RawSession(const core::Target& target, const core::ProbeOptions& options,
                       const std::vector<std::uint8_t>& client_hello) {
    auto socket = net::connect_target(target, options);
    if (!socket) {
        m_detail = socket.error().message;
        return;
    }
    m_socket.emplace(std::move(*socket));
    const auto deadline = net::deadline_after(options.timeout);
    if (client_hello.empty() || !m_socket->send_all(client_hello, deadline)) {
        m_stage = Stage::closed;
        m_detail = "could not send the ClientHello";
        return;
    }
    wt::FlightReader reader(kMaxFlightBytes);
    std::array<std::uint8_t, 8192> chunk{};
    for (;;) {
        auto n = m_socket->recv_some(chunk, deadline);
        if (!n) {
            m_stage = n.error().code == net::kErrTimeout ? Stage::timeout : Stage::closed;
            m_detail = n.error().code == net::kErrTimeout ? "no ServerHelloDone in time" : n.error().message;
            return;
        }
        if (*n == 0) {
            m_stage = Stage::closed;
            m_detail = "connection closed before ServerHelloDone";
            return;
        }
        if (auto fed = reader.feed(std::span(chunk.data(), *n)); !fed) {
            m_stage = Stage::malformed;
            m_detail = "malformed first flight: " + fed.error().describe();
            return;
        }
        const auto& flight = reader.flight();
        if (!m_server_hello)
            for (const auto& msg : flight.messages)
                if (msg.type == wt::handshake_type::kServerHello)
                    if (auto sh = wt::parse_server_hello(msg.body)) m_server_hello = std::move(sh).value();
        if (flight.alert) {
            m_stage = Stage::alert;
            m_detail = wt::describe_alert(*flight.alert);
            return;
        }
        if (!reader.has(wt::handshake_type::kServerHelloDone)) {
            if (flight.encrypted_records || flight.change_cipher_spec) {
                m_stage = Stage::malformed;
                m_detail = "encrypted records before ServerHelloDone (resumption or TLS 1.3)";
                return;
            }
            continue;
        }
        for (const auto& msg : flight.messages) {
            if (msg.type == wt::handshake_type::kServerHello && !m_server_hello) {
                auto sh = wt::parse_server_hello(msg.body);
                if (!sh) {
                    m_stage = Stage::malformed;
                    m_detail = "malformed ServerHello: " + sh.error().describe();
                    return;
                }
                m_server_hello = std::move(sh).value();
            } else if (msg.type == wt::handshake_type::kCertificate && m_certificates.empty()) {
                auto certs = wt::parse_certificate_list(msg.body);
                if (certs) m_certificates = std::move(certs).value();
            } else if (msg.type == wt::handshake_type::kServerKeyExchange && !m_server_key_exchange) {
                m_server_key_exchange = msg.body;
            }
        }
        if (!m_server_hello) {
            m_stage = Stage::malformed;
            m_detail = "ServerHelloDone without a ServerHello";
            return;
        }
        m_stage = Stage::flight_done;
        return;
    }
}

bool RawSession::send(const std::vector<std::uint8_t>& bytes) {
    if (!m_socket || bytes.empty()) return false;
    return m_socket->send_all(bytes, net::deadline_after(std::chrono::milliseconds(2000))).ok();
}

Reaction RawSession::await(std::chrono::milliseconds wait) {
    Reaction r;
    if (!m_socket) {
        r.kind = Reaction::Kind::closed;
        return r;
    }
    const auto deadline = net::deadline_after(wait);
    std::array<std::uint8_t, 8192> chunk{};
    for (;;) {
        if (m_pending.size() >= wt::kRecordHeaderSize) {
            auto header = wt::parse_record_header(m_pending);
            if (!header) {
                r.kind = Reaction::Kind::malformed;
                r.detail = wt::describe_server_bytes(m_pending);
                return r;
            }
            const std::size_t total = wt::kRecordHeaderSize + header->length;
            if (m_pending.size() >= total) {
                r.record_type = header->content_type;
                r.fragment.assign(m_pending.begin() + wt::kRecordHeaderSize,
                                  m_pending.begin() + static_cast<std::ptrdiff_t>(total));
                m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(total));
                const auto type = static_cast<wt::ContentType>(header->content_type);
                if (type == wt::ContentType::alert) {
                    core::ByteReader body(r.fragment, "Alert");
                    auto alert = wt::parse_alert(body);
                    if (!alert) {
                        // An encrypted alert (after a server CCS) cannot be read.
                        r.kind = Reaction::Kind::other_record;
                        return r;
                    }
                    r.kind = Reaction::Kind::alert;
                    r.alert = *alert;
                    return r;
                }
                r.kind = type == wt::ContentType::heartbeat ? Reaction::Kind::heartbeat
                                                            : Reaction::Kind::other_record;
                return r;
            }
        }
        if (m_pending.size() > kMaxReactionBytes) {
            r.kind = Reaction::Kind::malformed;
            r.detail = "answer too large";
            return r;
        }
        auto n = m_socket->recv_some(chunk, deadline);
        if (!n) {
            r.kind = n.error().code == net::kErrTimeout ? Reaction::Kind::timeout : Reaction::Kind::closed;
            r.detail = n.error().message;
            return r;
        }
        if (*n == 0) {
            r.kind = Reaction::Kind::closed;
            return r;
        }
        m_pending.insert(m_pending.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*n));
    }
}

}  // namespace conformscan::checks::tls
