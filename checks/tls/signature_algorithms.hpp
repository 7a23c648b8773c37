// The tls.signature_algorithms check type (signature_algorithms.cpp), over
// tls_sigalgs facts.
#pragma once

#include <string>
#include <vector>

#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

// The property names profiles may forbid (forbid_properties).
const std::vector<std::string>& sigalg_property_names();

core::CheckDescriptor signature_algorithms_check();

}  // namespace conformscan::checks::tls
