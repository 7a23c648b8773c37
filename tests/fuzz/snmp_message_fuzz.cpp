// Fuzz target for the SNMP wire layer (checks/snmp/wire/): the input is read
// as an SNMPv1/v2c message and as an SNMPv3 message. Neither may crash; what
// parses must keep the bounds the parsers promise, and must re-encode.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "checks/snmp/wire/ber.hpp"
#include "checks/snmp/wire/message.hpp"

namespace wire = conformscan::wire::snmp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);

    if (auto v = wire::peek_version(bytes); !v && v.error().code.empty()) std::abort();

    if (auto m = wire::parse_community_message(bytes)) {
        if (m->version != wire::kVersion1 && m->version != wire::kVersion2c) std::abort();
        if (m->community.size() > size) std::abort();
        for (const auto& vb : m->pdu.varbinds) {
            if (vb.name.size() > wire::kMaxOidArcs) std::abort();
            if (vb.value.bytes.size() > size) std::abort();
            (void)wire::oid_to_string(vb.name);
            (void)wire::value_type_name(vb.value.tag);
        }
        // What parses re-encodes (as a GetRequest for the same names).
        std::vector<wire::Oid> names;
        for (const auto& vb : m->pdu.varbinds)
            if (vb.name.size() >= 2) names.push_back(vb.name);
        const std::string community(m->community.begin(), m->community.end());
        auto again = wire::parse_community_message(wire::encode_get_request(
            m->version, community, static_cast<std::int32_t>(m->pdu.request_id & 0x7FFFFFFF), names));
        if (!again) std::abort();
    } else if (m.error().code.empty()) {
        std::abort();
    }

    if (auto m = wire::parse_v3_message(bytes)) {
        if (m->usm &&
            (m->usm->engine_id.size() > 32 || m->usm->user_name.size() > 32 || m->usm->engine_boots < 0))
            std::abort();
        if (m->encrypted == m->pdu.has_value()) std::abort();
        if (m->pdu) (void)wire::pdu_type_name(m->pdu->type);
    } else if (m.error().code.empty()) {
        std::abort();
    }
    return 0;
}
