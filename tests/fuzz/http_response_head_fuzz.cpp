// Fuzz target for the HTTP response-head parser
// (checks/http/wire/response_head.hpp): anything parsed must keep the
// promises of the parser, and every error must name where it happened.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "checks/http/wire/response_head.hpp"

namespace wire = conformscan::wire::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::HeadLimits limits{.max_fields = 64, .max_line = 1024};
    auto head = wire::parse_response_head(std::span(data, size), limits);
    if (!head) {
        if (head.error().where.empty() || head.error().code.empty()) std::abort();
        return 0;
    }
    if (head->status < 0 || head->status > 999 || head->fields.size() > limits.max_fields) std::abort();
    for (const auto& f : head->fields) {
        if (f.name.empty()) std::abort();
        for (char c : f.name)
            if (c >= 'A' && c <= 'Z') std::abort();  // names are lower-cased
    }
    return 0;
}
