#include "checks/tls/group_declared.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "checks/net/socket.hpp"
#include "checks/tls/handshake_driver.hpp"
#include "checks/tls/openssl_ptr.hpp"
#include "checks/tls/raw_hello.hpp"
#include "checks/tls/wire/encrypted_extensions.hpp"
#include "checks/tls/wire/hello.hpp"

namespace conformscan::checks::tls {

namespace wt = wire::tls;

namespace {

// OpenSSL sends a key share for the first group only; the rest are listed so
// that a server without secp384r1 can ask for another with a HelloRetryRequest.
constexpr const char* kGroups = "P-384:X25519:P-256:P-521:X448:ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192";
constexpr const char* kSuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:"
    "TLS_AES_128_CCM_8_SHA256";
constexpr std::uint8_t kServerHelloType = 2;

struct Capture {
    DeclaredGroups* out;
    std::string error;
};

// OpenSSL reports every handshake message it reads (TLS 1.3 ones decrypted)
// before processing it.
void on_message(int write_p, int, int content_type, const void* buf, std::size_t len, SSL*, void* arg) {
    if (write_p != 0 || content_type != SSL3_RT_HANDSHAKE || arg == nullptr || len < 4) return;
    auto* capture = static_cast<Capture*>(arg);
    const auto* bytes = static_cast<const std::uint8_t*>(buf);
    const std::span<const std::uint8_t> message(bytes, len);
    if (bytes[0] == kServerHelloType) {
        if (auto sh = wt::parse_server_hello(message.subspan(4)); sh && sh->key_share_group)
            capture->out->negotiated = sh->key_share_group;
    } else if (bytes[0] == wt::kEncryptedExtensionsType) {
        auto ee = wt::parse_encrypted_extensions_message(message);
        if (!ee)
            capture->error = ee.error().describe();
        else if (ee->supported_groups)
            capture->out->groups = *ee->supported_groups;
    }
}

core::Result<SslCtxPtr> make_context() {
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return core::make_error("openssl", "cannot create an SSL_CTX: " + openssl_errors());
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx.get(), TLS1_3_VERSION);
    SSL_CTX_set_security_level(ctx.get(), 0);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    if (SSL_CTX_set_ciphersuites(ctx.get(), kSuites) != 1 || SSL_CTX_set1_groups_list(ctx.get(), kGroups) != 1)
        return core::make_error("openssl", "cannot configure the TLS 1.3 client: " + openssl_errors());
    return ctx;
}

}  // namespace

DeclaredGroups declared_tls13_groups(const core::Target& target, const core::ProbeOptions& options) {
    DeclaredGroups out;
    auto ctx = make_context();
    if (!ctx) {
        out.detail = ctx.error().message;
        return out;
    }
    SslPtr ssl(SSL_new(ctx->get()));
    if (!ssl) {
        out.detail = "cannot create an SSL: " + openssl_errors();
        return out;
    }
    SSL_set_connect_state(ssl.get());
    const auto sni = sni_for(target);
    if (!sni.empty() && SSL_set_tlsext_host_name(ssl.get(), sni.c_str()) != 1) {
        out.detail = "cannot send '" + sni + "' as SNI: " + openssl_errors();
        return out;
    }
    Capture capture{&out, {}};
    SSL_set_msg_callback(ssl.get(), on_message);
    SSL_set_msg_callback_arg(ssl.get(), &capture);
    auto socket = net::connect_target(target, options);
    if (!socket) {
        out.detail = socket.error().message;
        return out;
    }
    const auto deadline = net::deadline_after(options.timeout);
    HandshakeIo io;
    auto done = run_handshake(ssl.get(), *socket, deadline, options.timeout, io);
    SSL_set_msg_callback(ssl.get(), nullptr);
    SSL_set_msg_callback_arg(ssl.get(), nullptr);
    if (done) send_close_notify(ssl.get(), *socket, std::min(deadline, net::deadline_after(std::chrono::milliseconds(200))));
    ERR_clear_error();
    if (!capture.error.empty()) {
        out.groups.clear();  // a malformed list is not evidence
        out.detail = "malformed EncryptedExtensions: " + capture.error;
    } else if (out.groups.empty()) {
        out.detail = done ? std::string("the server sent no supported_groups in EncryptedExtensions")
                          : done.error().message;
    }
    return out;
}

}  // namespace conformscan::checks::tls
