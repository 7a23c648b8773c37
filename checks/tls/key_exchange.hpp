// The tls.key_exchange check type (key_exchange.cpp), over tls_groups facts.
#pragma once

#include "scanner/core/registry.hpp"

namespace conformscan::checks::tls {

core::CheckDescriptor key_exchange_check();

}  // namespace conformscan::checks::tls
