// chainward core: the one bounds-checked ABI reader every decoder uses (events, call data, return
// data, Safe signature blobs). Part of src/core, apart from core.hpp to keep that header lean.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/core.hpp"

namespace chainward {

namespace abi {

/// Bounds-checked reader of ABI-encoded data (event data, call arguments after the selector,
/// return data) and of blobs that point into themselves the same way (Safe signatures). Every
/// offset and length taken from the data is compared with the buffer size as a 256-bit number
/// before it becomes a std::size_t: nothing wraps and nothing is truncated. Positions passed in
/// (`offset`, `head_offset`) are the caller's own and are checked too. Errors are InputError
/// naming `what` ("data of transfer(address,uint256)").
class Reader {
public:
    Reader(std::span<const std::uint8_t> data, std::string what);
    std::span<const std::uint8_t> word_at(std::size_t offset) const;
    U256 uint_at(std::size_t offset) const;
    Address address_at(std::size_t offset) const;  ///< rejects dirty upper 12 bytes
    bool bool_at(std::size_t offset) const;
    /// Dynamic `bytes` or `string` whose offset is in the head word at `head_offset`.
    std::span<const std::uint8_t> bytes_at(std::size_t head_offset) const;
    /// Dynamic `bytes` at `offset` (a value read from the data): a 32-byte length, then the bytes.
    std::span<const std::uint8_t> bytes_from(const U256& offset) const;
    /// A dynamic array of static 32-byte elements whose offset is in the head word at
    /// `head_offset`: element i is the word at `first + 32 * i`, all of them inside the data.
    struct Array {
        std::size_t first = 0;
        std::size_t count = 0;
    };
    Array array_at(std::size_t head_offset) const;
    std::vector<U256> uint_array_at(std::size_t head_offset) const;
    /// `v` as a position inside the data (at most its size), or InputError naming `field`.
    std::size_t position(const U256& v, const char* field) const;
    std::size_t size() const { return data_.size(); }

private:
    std::span<const std::uint8_t> data_;
    std::string what_;
};

}  // namespace abi

}  // namespace chainward
