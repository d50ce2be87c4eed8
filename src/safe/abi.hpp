// Internal: ABI words (32-byte big-endian) for hashing and decoding. Not part of the public API.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "core/abi.hpp"
#include "safe/safe.hpp"

namespace chainward::safe::abi {

using Word = std::array<std::uint8_t, 32>;

Word word(const U256& v);
Word word(const Address& a);
Word word(const Hash32& h);
void append(ByteVec& out, const Word& w);

/// The bounds-checked ABI reader of src/core, shared with every other decoder.
using Reader = chainward::abi::Reader;

/// keccak256(signature)[0..4] as "0x........".
std::string selector_hex(std::string_view signature);

}  // namespace chainward::safe::abi
