// Internal: a small RLP reader/writer, enough for signed Ethereum transactions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "safe/safe.hpp"

namespace chainward::safe::rlp {

struct Item {
    bool is_list = false;
    std::span<const std::uint8_t> payload;  ///< string bytes, or the list's concatenated items
    std::span<const std::uint8_t> raw;      ///< the whole encoding (header + payload)
    std::vector<Item> items;                ///< list elements
};

/// Decodes exactly one item spanning all of `in`; throws InputError (naming `what`) on bad or
/// non-canonical lengths and trailing bytes.
Item decode(std::span<const std::uint8_t> in, const char* what);
/// Big-endian integer of a string item (no leading zeros allowed, at most 32 bytes).
U256 to_uint(const Item& item, const char* what);

ByteVec encode_string(std::span<const std::uint8_t> s);
ByteVec encode_uint(const U256& v);
/// Wraps already encoded items in a list header.
ByteVec encode_list(std::span<const std::uint8_t> encoded_items);

}  // namespace chainward::safe::rlp
