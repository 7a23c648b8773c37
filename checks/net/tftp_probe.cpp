// The `tftp` probe. RFC 1350 §4: a server answers a read request from a new
// port of its own, so the probe keeps its socket unconnected and accepts a
// datagram from the target's address on any port. The request names a file
// that exists nowhere ("conformscan-probe-absent"): a server answers ERROR 1
// (file not found) or, at worst, DATA; either means TFTP answers. No answer
// within min(timeout, 2 s) is recorded as such: over UDP a closed port and a
// filtered one look alike.
#include "checks/net/tftp_probe.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "checks/net/socket.hpp"
#include "checks/net/wire/service_id.hpp"

namespace conformscan::checks::net {

namespace {

using core::Json;
using std::chrono::milliseconds;

constexpr milliseconds kReplyWait{2000};
constexpr std::string_view kAbsentFile = "conformscan-probe-absent";

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

bool same_address(const sockaddr_storage& a, const sockaddr_storage& b) {
    if (a.ss_family != b.ss_family) return false;
    if (a.ss_family == AF_INET)
        return std::memcmp(&reinterpret_cast<const sockaddr_in&>(a).sin_addr,
                           &reinterpret_cast<const sockaddr_in&>(b).sin_addr, sizeof(in_addr)) == 0;
    return std::memcmp(&reinterpret_cast<const sockaddr_in6&>(a).sin6_addr,
                       &reinterpret_cast<const sockaddr_in6&>(b).sin6_addr, sizeof(in6_addr)) == 0;
}

// One read request to address:port; the reply's description, "" when none came.
core::Result<std::string> ask(const std::string& address, std::uint16_t port, milliseconds wait) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;  // never DNS
    addrinfo* info = nullptr;
    std::string host = address;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &info) != 0 || info == nullptr)
        return core::make_error("bad_address", fmt::format("'{}' is not an IP address literal", address));
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(info, &freeaddrinfo);
    sockaddr_storage target{};
    std::memcpy(&target, info->ai_addr, std::min<std::size_t>(info->ai_addrlen, sizeof target));
    Fd sock{::socket(info->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
    if (sock.fd < 0) return core::make_error("io", fmt::format("socket: {}", std::strerror(errno)));
    const auto rrq = wire::net::tftp_read_request(kAbsentFile);
    if (::sendto(sock.fd, rrq.data(), rrq.size(), 0, info->ai_addr, info->ai_addrlen) < 0)
        return core::make_error("io", fmt::format("sendto: {}", std::strerror(errno)));
    const Deadline deadline = deadline_after(wait);
    std::uint8_t buf[1024];
    for (;;) {
        const auto left = std::chrono::duration_cast<milliseconds>(deadline - SteadyClock::now()).count();
        if (left <= 0) return std::string();
        pollfd pfd{sock.fd, POLLIN, 0};
        const int rc = ::poll(&pfd, 1, static_cast<int>(left));
        if (rc < 0 && errno == EINTR) continue;
        if (rc <= 0) return std::string();
        sockaddr_storage from{};
        socklen_t from_len = sizeof from;
        const ssize_t n =
            ::recvfrom(sock.fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
        if (n < 0) continue;  // an ICMP error on some stacks: keep waiting until the deadline
        if (!same_address(from, target)) continue;  // not from the target: ignore it
        auto reply = wire::net::parse_tftp_reply(std::span(buf, static_cast<std::size_t>(n)));
        if (reply) return reply->detail;
    }
}

core::ProbeRecord run_tftp(const core::Target& target, const core::ProbeOptions& options) {
    const auto started = SteadyClock::now();
    std::set<std::uint16_t> ports;
    if (auto it = options.inputs.find("ports"); it != options.inputs.end() && it->is_array())
        for (const auto& p : *it)
            if (p.is_number_integer() && p.get<long long>() >= 1 && p.get<long long>() <= 65535)
                ports.insert(static_cast<std::uint16_t>(p.get<long long>()));
    if (ports.empty()) ports.insert(69);
    const std::string& address = target.address.empty() ? target.host : target.address;
    Json out = Json::array();
    for (auto port : ports) {
        core::ConnectionLimiter::Permit permit;
        if (options.limiter) permit = options.limiter->acquire(address, target.id);
        auto reply = ask(address, port, std::min(options.timeout, kReplyWait));
        if (!reply) return core::ProbeRecord::failure("tftp", reply.error().message);
        Json entry{{"port", port}, {"answers", !reply->empty()}};
        if (!reply->empty()) entry["reply"] = *reply;
        out.push_back(std::move(entry));
    }
    core::ProbeRecord record;
    record.probe = "tftp";
    record.data = Json{{"host", address}, {"ports", out}};
    record.duration_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
    return record;
}

}  // namespace

void register_tftp_probe(core::ProbeRegistry& registry) {
    core::ProbeDescriptor d;
    d.name = "tftp";
    d.title = "Whether a TFTP server answers on the host (UDP)";
    d.description =
        "Once per host: sends a TFTP read request for a file that exists nowhere to each UDP port the rules "
        "give "
        "(default 69) and records whether a TFTP ERROR or DATA came back from the host within 2 s. Silence "
        "means no TFTP server answered (over UDP, closed and filtered look alike).";
    d.facts = {"tftp.host", "tftp.ports[*].port", "tftp.ports[*].answers", "tftp.ports[*].reply"};
    d.per_host = true;
    d.run = [](const core::Target& target, const core::ProbeOptions& options, const core::FactSet&) {
        try {
            return run_tftp(target, options);
        } catch (const std::exception& e) {
            return core::ProbeRecord::failure("tftp", fmt::format("internal error: {}", e.what()));
        }
    };
    core::must_add(registry, std::move(d));
}

}  // namespace conformscan::checks::net
