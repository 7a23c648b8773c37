#include "checks/ssh/wire/banner.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "scanner/core/byte_reader.hpp"

namespace conformscan::wire::ssh {

namespace {

constexpr const char* kWhere = "ssh.banner";

bool starts_with_ssh(const std::string& s) {
    return s.rfind("SSH-", 0) == 0;
}

// While a line is still arriving: could it be the identification line?
bool may_be_ssh(const std::string& s) {
    const std::string_view prefix = "SSH-";
    const std::size_t n = std::min(s.size(), prefix.size());
    return std::string_view(s).substr(0, n) == prefix.substr(0, n);
}

core::Result<void> split_identification(Banner& b) {
    // RFC 4253 §4.2: SSH-protoversion-softwareversion SP comments
    const std::string rest = b.line.substr(4);
    const auto dash = rest.find('-');
    if (dash == std::string::npos || dash == 0)
        return core::make_error("malformed", "the identification string has no protoversion-softwareversion",
                                kWhere, 0);
    b.proto_version = rest.substr(0, dash);
    const std::string after = rest.substr(dash + 1);
    const auto space = after.find(' ');
    b.software_version = after.substr(0, space);
    if (space != std::string::npos) b.comments = after.substr(space + 1);
    if (b.software_version.empty())
        return core::make_error("malformed", "the identification string has an empty softwareversion", kWhere, 0);
    for (char c : b.proto_version)
        if (c != '.' && (c < '0' || c > '9'))
            return core::make_error("malformed", fmt::format("protoversion '{}' is not a version number",
                                                             core::escape_bytes({reinterpret_cast<const std::uint8_t*>(
                                                                                     b.proto_version.data()),
                                                                                 b.proto_version.size()})),
                                    kWhere, 4);
    return {};
}

}  // namespace

core::Result<Banner> parse_banner(std::span<const std::uint8_t> data, const BannerLimits& limits) {
    core::ByteReader r(data, kWhere);
    Banner b;
    for (;;) {
        const std::size_t line_start = r.position();
        std::string line;
        bool ended = false;
        while (!r.done()) {
            auto c = r.u8();
            if (!c) return c.error();
            if (*c == '\n') {
                ended = true;
                break;
            }
            if (*c == 0) return r.error("nul_byte", "a NUL byte before the identification string ended");
            line.push_back(static_cast<char>(*c));
            const bool ssh_line = may_be_ssh(line);
            const std::size_t cap = ssh_line ? limits.max_line : limits.max_pre_line;
            if (line.size() + 1 > cap)
                return r.error("line_too_long",
                               fmt::format("{} line longer than {} bytes",
                                           ssh_line ? "the identification" : "a pre-identification", cap));
        }
        if (!ended) return core::make_error(kIncomplete, "the identification line has not ended", kWhere, line_start);
        bool crlf = !line.empty() && line.back() == '\r';
        if (crlf) line.pop_back();
        if (starts_with_ssh(line)) {
            b.line = std::move(line);
            b.crlf = crlf;
            b.consumed = r.position();
            if (auto ok = split_identification(b); !ok) return ok.error();
            return b;
        }
        if (b.pre_lines.size() >= limits.max_pre_lines)
            return r.error("too_many_lines",
                           fmt::format("more than {} lines before an identification string", limits.max_pre_lines));
        b.pre_lines.push_back(core::escape_bytes(
            std::span(reinterpret_cast<const std::uint8_t*>(line.data()), line.size())));
    }
}

bool is_ssh1_only(const std::string& proto_version) {
    return proto_version.rfind("1.", 0) == 0 && proto_version != "1.99";
}

}  // namespace conformscan::wire::ssh
