#include "checks/http/http_client.hpp"

#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>
#include <fmt/format.h>

#include "conformscan_version.hpp"

namespace conformscan::checks::http {

namespace {

using core::make_error;

void global_init_once() {
    // curl_global_init is not thread-safe before 7.84; the engine probes
    // targets from several threads.
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string strip_brackets(const std::string& a) {
    if (a.size() >= 2 && a.front() == '[' && a.back() == ']') return a.substr(1, a.size() - 2);
    return a;
}

// The target's address as a socket address; empty family when it is not an IP literal.
sockaddr_storage numeric_address(const std::string& address, socklen_t& len) {
    sockaddr_storage out{};
    len = 0;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST;  // never DNS
    addrinfo* info = nullptr;
    const std::string host = strip_brackets(address);
    if (::getaddrinfo(host.c_str(), nullptr, &hints, &info) == 0 && info != nullptr) {
        len = std::min<socklen_t>(info->ai_addrlen, sizeof out);
        std::memcpy(&out, info->ai_addr, len);
        ::freeaddrinfo(info);
    }
    return out;
}

bool same_ip(const sockaddr* a, const sockaddr_storage& b) {
    if (a->sa_family != b.ss_family) return false;
    if (a->sa_family == AF_INET)
        return std::memcmp(&reinterpret_cast<const sockaddr_in*>(a)->sin_addr,
                           &reinterpret_cast<const sockaddr_in*>(&b)->sin_addr, sizeof(in_addr)) == 0;
    if (a->sa_family == AF_INET6)
        return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr,
                           &reinterpret_cast<const sockaddr_in6*>(&b)->sin6_addr, sizeof(in6_addr)) == 0;
    return false;
}

// Everything one transfer's callbacks share. Declared before the easy handle
// so that the handle (which closes its sockets) goes first.
struct Transfer {
    const core::Target* target = nullptr;
    core::ConnectionLimiter* limiter = nullptr;
    sockaddr_storage allowed{};
    std::size_t* connections = nullptr;
    std::map<curl_socket_t, core::ConnectionLimiter::Permit> permits;
    bool refused_address = false;
    std::string head;
    bool head_too_large = false;
    std::size_t body_bytes = 0;
    bool body_truncated = false;
};

// CURLOPT_OPENSOCKETFUNCTION: the one place a connection starts, so the
// politeness permit is taken here and the destination is checked against the
// target's address (a last guard behind CURLOPT_CONNECT_TO).
curl_socket_t open_socket(void* clientp, curlsocktype purpose, curl_sockaddr* address) {
    auto* t = static_cast<Transfer*>(clientp);
    if (purpose != CURLSOCKTYPE_IPCXN || !same_ip(&address->addr, t->allowed)) {
        t->refused_address = true;
        return CURL_SOCKET_BAD;
    }
    core::ConnectionLimiter::Permit permit;
    const std::string& host = t->target->address.empty() ? t->target->host : t->target->address;
    if (t->limiter != nullptr) permit = t->limiter->acquire(host, t->target->id);
    const curl_socket_t fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
    if (fd == CURL_SOCKET_BAD) return fd;
    ++*t->connections;
    t->permits.emplace(fd, std::move(permit));
    return fd;
}

int close_socket(void* clientp, curl_socket_t fd) {
    auto* t = static_cast<Transfer*>(clientp);
    t->permits.erase(fd);  // frees the host's slot
    return ::close(fd);
}

// Header lines arrive one at a time, interim (1xx) heads included: each
// status line starts the head afresh, so the last head is the final response's.
std::size_t on_header(char* data, std::size_t size, std::size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    const std::size_t len = size * n;
    if (len >= 5 && std::memcmp(data, "HTTP/", 5) == 0) t->head.clear();
    if (t->head.size() + len > kMaxHeadBytes) {
        t->head_too_large = true;
        return 0;  // aborts the transfer
    }
    t->head.append(data, len);
    return len;
}

std::size_t on_body(char* /*data*/, std::size_t size, std::size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    const std::size_t len = size * n;
    if (t->body_bytes + len > kMaxBodyBytes) {
        t->body_bytes = kMaxBodyBytes;
        t->body_truncated = true;
        return 0;  // stop reading: a body may be endless
    }
    t->body_bytes += len;
    return len;
}

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
    void operator()(curl_slist* s) const { curl_slist_free_all(s); }
};

}  // namespace

std::string url_host(const std::string& host) {
    if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
    return host;
}

HttpClient::HttpClient(const core::Target& target, const core::ProbeOptions& options)
    : m_target(target), m_options(options) {
    global_init_once();
}

core::Result<Fetched> HttpClient::get(const std::string& url, std::uint16_t port, bool verify) {
    Transfer t;
    t.target = &m_target;
    t.limiter = m_options.limiter.get();
    t.connections = &m_connections;
    const std::string& address = m_target.address.empty() ? m_target.host : m_target.address;
    socklen_t len = 0;
    t.allowed = numeric_address(address, len);
    if (len == 0)
        return make_error(std::string(kErrTransport),
                          fmt::format("'{}' is not an IP address literal", address));

    // Any host, any port of the URL -> the target's address on `port`: curl
    // resolves nothing, and Host and SNI stay the URL's host.
    std::unique_ptr<curl_slist, SlistDeleter> connect_to(
        curl_slist_append(nullptr, fmt::format("::{}:{}", url_host(strip_brackets(address)), port).c_str()));
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl || !connect_to)
        return make_error(std::string(kErrTransport), "libcurl could not allocate a handle");
    char errbuf[CURL_ERROR_SIZE] = {0};
    const long timeout_ms = static_cast<long>(m_options.timeout.count());
    const std::string agent = fmt::format("conformscan/{}", kVersion);
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECT_TO, connect_to.get());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");  // never an environment proxy
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(c, CURLOPT_USERAGENT, agent.c_str());
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    // One request is one network operation: the connection, the TLS
    // handshake, the request and the capped answer all fit in the timeout.
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
    if (!m_options.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, m_options.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &t);
    curl_easy_setopt(c, CURLOPT_CLOSESOCKETFUNCTION, close_socket);
    curl_easy_setopt(c, CURLOPT_CLOSESOCKETDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);

    const CURLcode rc = curl_easy_perform(c);
    curl.reset();  // closes the connection now: its permit goes back before the next request
    const std::string why = errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    if (t.refused_address)
        return make_error(std::string(kErrTransport),
                          fmt::format("curl tried an address other than {}", address));
    if (t.head_too_large)
        return make_error(std::string(kErrHead),
                          fmt::format("the response head exceeds {} bytes", kMaxHeadBytes));
    if (rc == CURLE_PEER_FAILED_VERIFICATION) return make_error(std::string(kErrTlsVerify), why);
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && t.body_truncated)) {
        if (rc == CURLE_OPERATION_TIMEDOUT)
            return make_error(std::string(kErrTransport), fmt::format("timeout: {}", why));
        return make_error(std::string(kErrTransport), why);
    }
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(t.head.data());
    auto head = wire::http::parse_response_head(std::span(bytes, t.head.size()));
    if (!head)
        return make_error(std::string(kErrHead),
                          fmt::format("malformed response head: {}", head.error().describe()));
    return Fetched{std::move(*head), t.body_bytes, t.body_truncated};
}

}  // namespace conformscan::checks::http
