// Fuzz target for the header-value parsers (checks/http/wire/): the input is
// read as a Strict-Transport-Security value, a Set-Cookie value, a cookie
// date and a Content-Security-Policy value. None may crash; what parses
// must satisfy the grammar's promises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "checks/http/wire/csp.hpp"
#include "checks/http/wire/hsts.hpp"
#include "checks/http/wire/set_cookie.hpp"

namespace wire = conformscan::wire::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (auto sts = wire::parse_sts(text)) {
        int max_ages = 0;
        for (std::size_t i = 0; i < sts->directives.size(); ++i) {
            max_ages += sts->directives[i].name == "max-age";
            for (std::size_t j = i + 1; j < sts->directives.size(); ++j)
                if (sts->directives[i].name == sts->directives[j].name)
                    std::abort();  // §6.1 duplicates refused
        }
        if (max_ages != 1) std::abort();
    } else if (sts.error().code.empty()) {
        std::abort();
    }

    if (auto c = wire::parse_set_cookie(text)) {
        if (c->name.empty() || c->name.size() > size || c->value.size() > size) std::abort();
        if (!c->same_site.empty() && c->same_site != "Strict" && c->same_site != "Lax" &&
            c->same_site != "None")
            std::abort();
        if (c->path && (c->path->empty() || c->path->front() != '/')) std::abort();
    }

    if (auto t = wire::parse_cookie_date(text)) {
        // §5.1.1: years 1601 and later, so the time is after 1601-01-01.
        if (*t < -11644473600LL) std::abort();
        (void)wire::format_epoch(*t);
    }

    for (const auto& policy : wire::parse_csp(text)) {
        if (policy.directives.empty()) std::abort();
        if (auto fa = wire::frame_ancestors(policy)) (void)wire::frame_ancestors_allow_any(*fa);
    }
    return 0;
}
