// Fuzz target for the service classifier (checks/net/wire/service_id.hpp): the
// input is read as a greeting, as the answer to every nudge, as FTP/SMTP,
// POP3 and IMAP replies, and as a TFTP reply. Nothing may crash, and what is
// returned must respect the bounds the functions promise.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "checks/net/wire/service_id.hpp"

namespace wn = conformscan::wire::net;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);
    const auto g = wn::classify_greeting(input, static_cast<std::uint16_t>(size));
    if (size == 0 && g.service != wn::Service::silent) std::abort();
    if (g.ambiguous_220 && g.service != wn::Service::unknown) std::abort();
    for (auto n : {wn::Nudge::tls_client_hello, wn::Nudge::http_head, wn::Nudge::rlogin, wn::Nudge::rsh})
        (void)wn::classify_reply(n, input);
    if (wn::telnet_negotiation(input, 4).size() > 4) std::abort();
    if (auto r = wn::parse_coded_reply(input)) {
        if (r->code < 100 || r->code > 999 || r->lines.empty()) std::abort();
        (void)wn::ehlo_keywords(*r);
        (void)wn::ftp_features_offer_tls(wn::ftp_features(*r));
    }
    (void)wn::pop3_capabilities(input);
    (void)wn::imap_capabilities(input);
    (void)wn::imap_tagged_done(input, "a1");
    if (auto t = wn::parse_tftp_reply(input); t && t->opcode != 3 && t->opcode != 5) std::abort();
    if (wn::first_line(input, 50).size() > 50 + 3) std::abort();
    return 0;
}
