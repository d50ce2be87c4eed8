// Keys and exact arithmetic both tracing directions share. Internal to src/trace.
#pragma once

#include "trace/trace.hpp"

namespace chainward::trace {

inline std::uint64_t pot_key(AddressId a, AssetId s) { return (static_cast<std::uint64_t>(a) << 32) | s; }
inline AddressId key_addr(std::uint64_t k) { return static_cast<AddressId>(k >> 32); }
inline AssetId key_asset(std::uint64_t k) { return static_cast<AssetId>(k & 0xFFFFFFFFu); }

/// floor(a * t / b) exactly (b > 0, t <= b): never more than a.
inline U256 mul_div(const U256& a, const U256& t, const U256& b) {
    static const U256 k128 = (U256(1) << 128) - 1;
    if (a <= k128 && t <= k128) return (a * t) / b;
    boost::multiprecision::uint512_t p = boost::multiprecision::uint512_t(a) * boost::multiprecision::uint512_t(t);
    p /= boost::multiprecision::uint512_t(b);
    return p.convert_to<U256>();
}

/// A sum of one asset would pass 2^256 - 1 (a fake token's amounts): the asset is set aside.
struct AssetOverflow {
    AssetId asset;
};

/// x += y, or AssetOverflow{asset} with x unchanged.
inline void add_checked(U256& x, const U256& y, AssetId asset) {
    if (y > std::numeric_limits<U256>::max() - x) throw AssetOverflow{asset};
    x += y;
}

}  // namespace chainward::trace
