#include "checks/tls/chain_verify.hpp"

#include <algorithm>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <fmt/format.h>

#include "checks/tls/certificate_facts.hpp"
#include "checks/tls/openssl_ptr.hpp"

namespace conformscan::checks::tls {

namespace {

std::string last_openssl_error() {
    std::string text;
    while (const unsigned long e = ERR_get_error()) {
        const char* reason = ERR_reason_error_string(e);
        text = reason != nullptr ? reason : fmt::format("error {:#x}", e);
    }
    return text.empty() ? "unknown error" : text;
}

// Records the problem and tells OpenSSL to carry on, so that one pass lists
// every issue of the chain (an unknown root and a bad intermediate both).
int record_issue(int ok, X509_STORE_CTX* ctx) {
    if (ok == 1) return 1;
    auto* issues = static_cast<std::vector<VerifyIssue>*>(X509_STORE_CTX_get_app_data(ctx));
    if (issues == nullptr) return 0;
    VerifyIssue issue;
    issue.depth = X509_STORE_CTX_get_error_depth(ctx);
    issue.code = X509_STORE_CTX_get_error(ctx);
    issue.reason = X509_verify_cert_error_string(issue.code);
    const bool seen = std::any_of(issues->begin(), issues->end(), [&](const VerifyIssue& i) {
        return i.depth == issue.depth && i.code == issue.code;
    });
    if (!seen) issues->push_back(std::move(issue));
    return 1;
}

}  // namespace

core::Result<TlsFacts::Verification> verify_chain(STACK_OF(X509) * presented, const std::string& ca_file) {
    TlsFacts::Verification v;
    v.trust_store = ca_file.empty() ? "system" : ca_file;

    X509StorePtr store(X509_STORE_new());
    if (!store) return core::make_error("openssl", "cannot allocate an X509_STORE", "verification");
    ERR_clear_error();
    if (ca_file.empty()) {
        // Missing system directories are not an error: nothing is trusted then.
        (void)X509_STORE_set_default_paths(store.get());
    } else if (X509_STORE_load_file(store.get(), ca_file.c_str()) != 1) {
        return core::make_error(
            "trust_store", fmt::format("cannot load the trust store '{}': {}", ca_file, last_openssl_error()),
            "verification");
    }
    ERR_clear_error();
    if (presented == nullptr || sk_X509_num(presented) == 0) return v;  // nothing presented (anonymous suite)

    X509* leaf = sk_X509_value(presented, 0);
    X509StackPtr untrusted(sk_X509_new_null());
    if (!untrusted) return core::make_error("openssl", "cannot allocate a stack", "verification");
    for (int i = 1; i < sk_X509_num(presented); ++i) {
        if (sk_X509_push(untrusted.get(), sk_X509_value(presented, i)) <= 0)
            return core::make_error("openssl", "cannot allocate a stack", "verification");
    }

    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) != 1)
        return core::make_error("openssl", "cannot set up chain verification", "verification");
    // What a TLS client checks: serverAuth purpose and trust (RFC 5280
    // §4.2.1.12 extendedKeyUsage). Set first: it replaces the parameters.
    X509_STORE_CTX_set_default(ctx.get(), "ssl_server");
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    // Dates are judged by tls.certificate.validity against the scan's as-of
    // date, key and hash strength by their own rules: keep them out of trust.
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_CHECK_TIME);
    X509_VERIFY_PARAM_set_auth_level(param, 0);

    std::vector<VerifyIssue> issues;
    X509_STORE_CTX_set_app_data(ctx.get(), &issues);
    X509_STORE_CTX_set_verify_cb(ctx.get(), record_issue);
    const int rc = X509_verify_cert(ctx.get());
    if (rc != 1 && issues.empty()) {
        // Failures outside the callback (an internal error) still count.
        VerifyIssue issue;
        issue.depth = X509_STORE_CTX_get_error_depth(ctx.get());
        issue.code = X509_STORE_CTX_get_error(ctx.get());
        issue.reason = X509_verify_cert_error_string(issue.code);
        issues.push_back(std::move(issue));
    }
    ERR_clear_error();
    v.trusted = rc == 1 && issues.empty();
    v.issues = std::move(issues);
    // Only a path that reaches an anchor is a verified chain; a partial one
    // would read as if it were.
    if (v.trusted) {
        STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
        for (int i = 0; built != nullptr && i < sk_X509_num(built); ++i)
            v.verified_chain.push_back(name_text(X509_get_subject_name(sk_X509_value(built, i))));
    }
    return v;
}

}  // namespace conformscan::checks::tls
