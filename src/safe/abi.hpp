// Internal: ABI words (32-byte big-endian) for hashing and decoding. Not part of the public API.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "safe/safe.hpp"

namespace chainward::safe::abi {

using Word = std::array<std::uint8_t, 32>;

Word word(const U256& v);
Word word(const Address& a);
Word word(const Hash32& h);
void append(ByteVec& out, const Word& w);

/// Bounds-checked reader of ABI-encoded arguments (after the 4-byte selector).
class Reader {
public:
    /// `what` names the data in error messages ("data of transfer(address,uint256)").
    Reader(std::span<const std::uint8_t> args, std::string what);
    std::span<const std::uint8_t> word_at(std::size_t offset) const;
    U256 uint_at(std::size_t offset) const;
    Address address_at(std::size_t offset) const;  ///< rejects dirty upper 12 bytes
    bool bool_at(std::size_t offset) const;
    /// Dynamic `bytes` whose offset is in the head word at `head_offset`.
    std::span<const std::uint8_t> bytes_at(std::size_t head_offset) const;
    /// Dynamic `uint256[]` whose offset is in the head word at `head_offset`.
    std::vector<U256> uint_array_at(std::size_t head_offset) const;
    std::size_t size() const { return args_.size(); }

private:
    std::size_t checked_offset(const U256& v, const char* field) const;
    std::span<const std::uint8_t> args_;
    std::string what_;
};

/// keccak256(signature)[0..4] as "0x........".
std::string selector_hex(std::string_view signature);

}  // namespace chainward::safe::abi
