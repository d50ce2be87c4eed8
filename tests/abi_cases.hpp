// ABI words and the hostile offsets and lengths every decode path is tested with: values near
// 2^256 (where `x + 32` wraps to a small number), near 2^64 (where narrowing to std::size_t keeps
// a small remainder), counts whose 32x wraps (2^251, 2^59), and values around the buffer size.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/core.hpp"

namespace chainward::test {

inline const U256 kTwo256m1 = ~U256(0);  // 2^256 - 1

inline std::vector<std::uint8_t> abi_word(const U256& v) {
    std::vector<std::uint8_t> w(32);
    U256 x = v;
    for (int i = 31; i >= 0; --i) {
        w[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(x & 0xff);
        x >>= 8;
    }
    return w;
}

inline std::vector<std::uint8_t> cat(std::initializer_list<std::vector<std::uint8_t>> parts) {
    std::vector<std::uint8_t> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

/// Content padded with zeros to whole words.
inline std::vector<std::uint8_t> padded(std::string_view s) {
    std::vector<std::uint8_t> out(s.begin(), s.end());
    out.resize((out.size() + 31) / 32 * 32);
    return out;
}

struct Hostile {
    std::string name;
    U256 value;
};

/// Offsets or lengths a decoder must reject, given where the honest value would be (`honest`)
/// and the size of the buffer: each wraps or truncates onto `honest` (or a small number) in
/// careless arithmetic, or points just past the end.
inline std::vector<Hostile> hostile_values(const U256& honest, std::size_t size) {
    const U256 two64 = U256(1) << 64;
    const U256 two256m = kTwo256m1;  // + 1 would be 2^256
    return {
        {"2^256-1", two256m},
        {"2^256-32 (+32 wraps to 0)", two256m - 31},
        {"2^256-16 (+32 wraps to 16)", two256m - 15},
        {"2^256-32-honest (+32+honest wraps to 0)", two256m - 31 - honest},
        {"2^256-1-honest", two256m - honest},
        {"2^251+honest (x32 wraps)", (U256(1) << 251) + honest},
        {"2^64", two64},
        {"2^64+honest (narrows to honest)", two64 + honest},
        {"2^64-1", two64 - 1},
        {"2^59+honest (x32 wraps 64-bit)", (U256(1) << 59) + honest},
        {"2^32+honest", (U256(1) << 32) + honest},
        {"size+1", U256(size) + 1},
        {"size", U256(size)},
        {"size-31", U256(size) - 31},
    };
}

}  // namespace chainward::test
