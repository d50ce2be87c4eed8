// Pieces both tracing directions share. Internal to src/trace.
#pragma once

#include <unordered_map>

#include "trace/trace.hpp"

namespace chainward::trace {

/// Fees and burnt base fees leave the traced value: they are counted, never followed.
inline bool is_fee(TransferKind k) { return k == TransferKind::Fee || k == TransferKind::Burn; }

/// The roles given, plus mainnet WETH9 as a converter (wraps are swaps) unless told otherwise.
inline std::unordered_map<AddressId, Role> effective_roles(const Graph& g, std::unordered_map<AddressId, Role> roles,
                                                           bool builtin_converters) {
    if (builtin_converters) {
        static const Address weth9 = parse_address("0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2");
        if (auto id = g.find_address(weth9)) roles.try_emplace(*id, Role::Converter);
    }
    return roles;
}

}  // namespace chainward::trace
