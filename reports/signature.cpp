#include "reports/signature.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "conformscan_version.hpp"
#include "reports/atomic_file.hpp"
#include "scanner/core/byte_reader.hpp"

namespace conformscan::reports {

namespace {

constexpr std::uintmax_t kMaxKeyBytes = 64 * 1024;
constexpr std::uintmax_t kMaxSignatureBytes = 1024 * 1024;
constexpr std::uintmax_t kMaxReportBytes = 512ull * 1024 * 1024;  // as json_report.cpp
constexpr std::size_t kEd25519SignatureBytes = 64;

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

// Reads a whole file of at most `cap` bytes; errors name the file.
core::Result<std::string> read_capped(const std::filesystem::path& file, std::uintmax_t cap) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) return core::make_error("io", fmt::format("cannot read {}: {}", file.string(), ec.message()));
    if (size > cap) return core::make_error("io", fmt::format("{} is larger than {} bytes", file.string(), cap));
    std::ifstream in(file, std::ios::binary);
    if (!in) return core::make_error("io", fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
    std::string bytes(static_cast<std::size_t>(size), '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::uintmax_t>(in.gcount()) != size)
        return core::make_error("io", fmt::format("cannot read {}: short read", file.string()));
    return bytes;
}

// A PEM reader must never prompt for a passphrase: a scheduled scan has no TTY.
int no_passphrase(char*, int, int, void*) { return 0; }

core::Result<std::string> key_id_of(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key, &der);
    if (len <= 0) return core::make_error("crypto", "cannot encode the public key");
    auto id = sha256_hex_of(std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len)));
    OPENSSL_free(der);
    return id;
}

std::string base64_encode(const unsigned char* data, std::size_t len) {
    std::string out(4 * ((len + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// Strict: only the canonical encoding of some bytes is accepted.
std::optional<std::vector<unsigned char>> base64_decode(const std::string& text) {
    if (text.empty() || text.size() % 4 != 0) return std::nullopt;
    std::vector<unsigned char> out(text.size() / 4 * 3);
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    if (n < 0) return std::nullopt;
    std::size_t pad = 0;
    if (text.back() == '=') ++pad;
    if (text.size() >= 2 && text[text.size() - 2] == '=') ++pad;
    out.resize(static_cast<std::size_t>(n) - pad);
    if (base64_encode(out.data(), out.size()) != text) return std::nullopt;
    return out;
}

bool is_hex(const nlohmann::json& j, std::size_t digits) {
    if (!j.is_string()) return false;
    const auto& s = j.get_ref<const std::string&>();
    if (s.size() != digits) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

// Creates PATH with CONTENT and MODE, never replacing an existing file: the
// bytes go to a temporary file that is then hard-linked into place (link(2)
// fails with EEXIST), so a killed keygen leaves no half-written key.
core::Result<void> write_new_file(const std::filesystem::path& path, std::string_view content, mode_t mode) {
    const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::random_device rd;
    const auto tmp = dir / fmt::format(".{}.tmp-{:08x}", path.filename().string(), rd());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) return core::make_error("io", fmt::format("cannot create {}: {}", tmp.string(), std::strerror(errno)));
    bool ok = ::fchmod(fd, mode) == 0;
    std::size_t written = 0;
    while (ok && written < content.size()) {
        const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) ok = false;
        else written += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    const int saved = errno;
    ok = (::close(fd) == 0) && ok;
    if (!ok) {
        ::unlink(tmp.c_str());
        return core::make_error("io", fmt::format("cannot write {}: {}", tmp.string(), std::strerror(saved)));
    }
    if (::link(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        if (err == EEXIST)
            return core::make_error("exists", fmt::format("{} exists; keygen never overwrites a key", path.string()));
        return core::make_error("io", fmt::format("cannot create {}: {}", path.string(), std::strerror(err)));
    }
    ::unlink(tmp.c_str());
    return {};
}

core::Result<std::string> pem_of(EVP_PKEY* key, bool private_key) {
    Bio bio(BIO_new(BIO_s_mem()), &BIO_free);
    if (!bio) return core::make_error("crypto", "out of memory");
    // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY") for Ed25519.
    const int ok = private_key ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
                               : PEM_write_bio_PUBKEY(bio.get(), key);
    if (ok != 1) return core::make_error("crypto", "cannot encode the key as PEM");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

VerifyResult fail(VerifyStatus status, std::string message) {
    VerifyResult r;
    r.status = status;
    r.message = std::move(message);
    return r;
}

}  // namespace

std::string sha256_hex_of(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1) return {};
    return core::to_hex(std::span<const std::uint8_t>(digest, len));
}

core::Result<Ed25519Key> Ed25519Key::load(const std::filesystem::path& file, bool private_key) {
    auto pem = read_capped(file, kMaxKeyBytes);
    if (!pem) return pem.error();
    Bio bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())), &BIO_free);
    EVP_PKEY* raw = nullptr;
    if (bio)
        raw = private_key ? PEM_read_bio_PrivateKey(bio.get(), nullptr, &no_passphrase, nullptr)
                          : PEM_read_bio_PUBKEY(bio.get(), nullptr, &no_passphrase, nullptr);
    if (raw == nullptr)
        return core::make_error(
            "key", fmt::format("{}: not a PEM {} key ({}, as written by conformscan keygen)", file.string(),
                               private_key ? "private" : "public",
                               private_key ? "PKCS#8, unencrypted" : "\"BEGIN PUBLIC KEY\""));
    Ed25519Key k;
    k.m_key.reset(raw, &EVP_PKEY_free);
    if (EVP_PKEY_is_a(raw, "ED25519") != 1)
        return core::make_error("key", fmt::format("{}: a {} key, not Ed25519", file.string(), EVP_PKEY_get0_type_name(raw)));
    auto id = key_id_of(raw);
    if (!id) return id.error();
    k.m_key_id = std::move(id).value();
    k.m_private = private_key;
    return k;
}

core::Result<Ed25519Key> Ed25519Key::load_private(const std::filesystem::path& file) { return load(file, true); }

core::Result<Ed25519Key> Ed25519Key::load_public(const std::filesystem::path& file) { return load(file, false); }

core::Result<KeyPairFiles> generate_key_pair(const std::filesystem::path& prefix) {
    KeyPairFiles out;
    out.private_key = prefix.string() + ".key";
    out.public_key = prefix.string() + ".pub";
    for (const auto& p : {out.private_key, out.public_key}) {
        std::error_code ec;
        if (std::filesystem::symlink_status(p, ec).type() != std::filesystem::file_type::not_found)
            return core::make_error("exists", fmt::format("{} exists; keygen never overwrites a key", p.string()));
    }
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"),
                                                            &EVP_PKEY_free);
    if (!key) return core::make_error("crypto", "Ed25519 key generation failed");
    auto priv = pem_of(key.get(), true);
    if (!priv) return priv.error();
    auto pub = pem_of(key.get(), false);
    if (!pub) return pub.error();
    auto id = key_id_of(key.get());
    if (!id) return id.error();
    out.key_id = std::move(id).value();
    if (auto w = write_new_file(out.private_key, *priv, 0600); !w) return w.error();
    OPENSSL_cleanse(priv->data(), priv->size());
    if (auto w = write_new_file(out.public_key, *pub, 0644); !w) {
        ::unlink(out.private_key.c_str());  // ours, just created: no pair without its half
        return w.error();
    }
    return out;
}

std::string signed_message(const nlohmann::json& signature_object) {
    auto meta = signature_object;
    meta.erase("signature");
    return std::string(kSignatureFormat) + "\n" + meta.dump(-1, ' ', true, nlohmann::json::error_handler_t::strict);
}

core::Result<nlohmann::json> make_signature(std::string_view report_bytes, const core::ScanReport& report,
                                            const Ed25519Key& key, const std::string& signed_file) {
    if (!key.has_private()) return core::make_error("key", "signing needs a private key");
    nlohmann::json profiles = nlohmann::json::array();
    nlohmann::json tailoring = nlohmann::json::array();
    for (const auto& p : report.profiles) {
        if (!p.is_object()) continue;
        profiles.push_back({{"id", p.value("id", "")}, {"version", p.value("version", "")}, {"sha256", p.value("sha256", "")}});
        if (p.contains("tailoring") && p["tailoring"].is_object())
            tailoring.push_back({{"profile", p.value("id", "")}, {"sha256", p["tailoring"].value("sha256", "")}});
    }
    nlohmann::json sig = {{"format", kSignatureFormat},
                          {"algorithm", "Ed25519"},
                          {"key_id", key.key_id()},
                          {"signed_file", signed_file},
                          {"signed_sha256", sha256_hex_of(report_bytes)},
                          {"signed_size", report_bytes.size()},
                          {"scan_id", report.scan_id},
                          {"tool_version", std::string(kVersion)},
                          {"openssl_version", std::string(OpenSSL_version(OPENSSL_VERSION))},
                          {"profiles", profiles},
                          {"signed_at", core::format_time(core::now())}};
    if (!tailoring.empty()) sig["tailoring"] = tailoring;
    std::string message;
    try {
        message = signed_message(sig);
    } catch (const nlohmann::json::exception& e) {
        return core::make_error("sign", fmt::format("cannot encode the signature metadata: {}", e.what()));
    }
    MdCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    unsigned char raw[kEd25519SignatureBytes];
    std::size_t len = sizeof raw;
    // Pure Ed25519 (RFC 8032 §5.1.6): no digest is named; the message is signed whole.
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), raw, &len, reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
        len != kEd25519SignatureBytes)
        return core::make_error("sign", "Ed25519 signing failed");
    sig["signature"] = base64_encode(raw, len);
    return sig;
}

core::Result<void> write_signature(const std::filesystem::path& report_path, std::string_view report_bytes,
                                   const core::ScanReport& report, const Ed25519Key& key) {
    auto sig = make_signature(report_bytes, report, key, report_path.filename().string());
    if (!sig) return sig.error();
    return write_file_atomic(report_path.string() + kSignatureSuffix, sig->dump(2) + "\n");
}

const char* to_string(VerifyStatus s) {
    switch (s) {
        case VerifyStatus::ok: return "ok";
        case VerifyStatus::key_unreadable: return "key_unreadable";
        case VerifyStatus::report_unreadable: return "report_unreadable";
        case VerifyStatus::signature_missing: return "signature_missing";
        case VerifyStatus::signature_malformed: return "signature_malformed";
        case VerifyStatus::wrong_key: return "wrong_key";
        case VerifyStatus::report_truncated: return "report_truncated";
        case VerifyStatus::report_modified: return "report_modified";
        case VerifyStatus::signature_invalid: return "signature_invalid";
    }
    return "unknown";
}

VerifyResult verify_report(const std::filesystem::path& report, const std::filesystem::path& pubkey,
                           const std::filesystem::path& signature) {
    auto key = Ed25519Key::load_public(pubkey);
    if (!key) return fail(VerifyStatus::key_unreadable, key.error().describe());
    return verify_report(report, *key, signature);
}

VerifyResult verify_report(const std::filesystem::path& report, const Ed25519Key& pubkey,
                           const std::filesystem::path& signature) {
    auto bytes = read_capped(report, kMaxReportBytes);
    if (!bytes) return fail(VerifyStatus::report_unreadable, bytes.error().describe());
    return verify_report_bytes(*bytes, report, pubkey, signature);
}

VerifyResult verify_report_bytes(std::string_view report_bytes, const std::filesystem::path& report,
                                 const Ed25519Key& pubkey, const std::filesystem::path& signature) {
    const auto sig_path = signature.empty() ? std::filesystem::path(report.string() + kSignatureSuffix) : signature;
    std::error_code ec;
    if (!std::filesystem::exists(sig_path, ec))
        return fail(VerifyStatus::signature_missing,
                    fmt::format("{} is not signed: no signature file {}", report.string(), sig_path.string()));
    auto sig_text = read_capped(sig_path, kMaxSignatureBytes);
    if (!sig_text) return fail(VerifyStatus::signature_malformed, sig_text.error().describe());

    const auto malformed = [&](const std::string& what) {
        return fail(VerifyStatus::signature_malformed, fmt::format("{}: malformed signature file: {}", sig_path.string(), what));
    };
    auto sig = nlohmann::json::parse(*sig_text, nullptr, false);
    if (sig.is_discarded()) return malformed("not valid JSON (truncated or corrupted)");
    if (!sig.is_object()) return malformed("not a JSON object");
    if (sig.value("format", "") != kSignatureFormat)
        return malformed(fmt::format("format is not \"{}\"", kSignatureFormat));
    if (sig.value("algorithm", "") != "Ed25519") return malformed("algorithm is not \"Ed25519\"");
    if (!is_hex(sig.value("key_id", nlohmann::json()), 64)) return malformed("key_id is not 64 hex digits");
    if (!is_hex(sig.value("signed_sha256", nlohmann::json()), 64)) return malformed("signed_sha256 is not 64 hex digits");
    if (!sig.contains("signed_size") || !sig["signed_size"].is_number_unsigned())
        return malformed("signed_size is not a byte count");
    for (const char* field : {"signed_at", "tool_version", "signature"})
        if (!sig.contains(field) || !sig[field].is_string()) return malformed(fmt::format("{} is missing", field));
    const auto raw = base64_decode(sig["signature"].get<std::string>());
    if (!raw || raw->size() != kEd25519SignatureBytes) return malformed("signature is not 64 bytes of base64");

    VerifyResult r;
    r.key_id = sig["key_id"].get<std::string>();
    r.signed_at = sig["signed_at"].get<std::string>();
    r.tool_version = sig["tool_version"].get<std::string>();
    r.scan_id = sig.value("scan_id", "");
    r.signature = sig;
    if (r.key_id != pubkey.key_id()) {
        r.status = VerifyStatus::wrong_key;
        r.message = fmt::format("{} was signed with key {}, not with the given public key {}", report.string(),
                                r.key_id, pubkey.key_id());
        return r;
    }
    const auto signed_size = sig["signed_size"].get<std::uintmax_t>();
    const auto digest = sha256_hex_of(report_bytes);
    if (digest != sig["signed_sha256"].get<std::string>()) {
        if (report_bytes.size() < signed_size) {
            r.status = VerifyStatus::report_truncated;
            r.message = fmt::format("{} is truncated: {} bytes, the signature covers {} bytes", report.string(),
                                    report_bytes.size(), signed_size);
        } else {
            r.status = VerifyStatus::report_modified;
            r.message = fmt::format("{} was modified after signing: its SHA-256 is {}, the signature covers {}",
                                    report.string(), digest, sig["signed_sha256"].get<std::string>());
        }
        return r;
    }
    std::string message;
    try {
        message = signed_message(sig);
    } catch (const nlohmann::json::exception&) {
        return malformed("cannot be re-encoded");
    }
    MdCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    const bool valid = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pubkey.get()) == 1 &&
                       EVP_DigestVerify(ctx.get(), raw->data(), raw->size(),
                                        reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
    if (!valid) {
        r.status = VerifyStatus::signature_invalid;
        r.message = fmt::format("{}: the signature does not verify: the signature file's metadata was edited, or it "
                                "was not made by key {}",
                                sig_path.string(), pubkey.key_id());
        return r;
    }
    r.status = VerifyStatus::ok;
    r.message = fmt::format("signature OK: key {}, signed {}, tool {}", r.key_id, r.signed_at, r.tool_version);
    return r;
}

}  // namespace conformscan::reports
