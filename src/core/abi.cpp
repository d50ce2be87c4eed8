// The one ABI reader every decoder uses (see core.hpp). The rule throughout: a number read from
// the data is compared, as a U256, with what the buffer has left before it is narrowed, and every
// subtraction is of a smaller size_t from a larger one.
#include <fmt/core.h>

#include "core/abi.hpp"

namespace chainward::abi {

Reader::Reader(std::span<const std::uint8_t> data, std::string what) : data_(data), what_(std::move(what)) {}

std::span<const std::uint8_t> Reader::word_at(std::size_t offset) const {
    if (offset > data_.size() || data_.size() - offset < 32)
        throw InputError(fmt::format("{}: truncated: needs a 32-byte word at offset {}, has {} bytes", what_, offset,
                                     data_.size()));
    return data_.subspan(offset, 32);
}

U256 Reader::uint_at(std::size_t offset) const { return u256_from_be(word_at(offset)); }

Address Reader::address_at(std::size_t offset) const {
    auto w = word_at(offset);
    for (std::size_t i = 0; i < 12; ++i)
        if (w[i] != 0)
            throw InputError(fmt::format("{}: word at offset {} is not an address (upper bytes set)", what_, offset));
    return address_from_word(w);
}

bool Reader::bool_at(std::size_t offset) const {
    U256 v = uint_at(offset);
    if (v > 1) throw InputError(fmt::format("{}: word at offset {} is not a bool", what_, offset));
    return v == 1;
}

std::size_t Reader::position(const U256& v, const char* field) const {
    if (v > data_.size())
        throw InputError(fmt::format("{}: {} {} points past the end ({} bytes)", what_, field, to_decimal(v), data_.size()));
    return static_cast<std::size_t>(v);
}

std::span<const std::uint8_t> Reader::bytes_from(const U256& offset) const {
    std::size_t off = position(offset, "bytes offset");
    U256 len = uint_at(off);  // throws unless 32 bytes follow off
    std::size_t left = data_.size() - off - 32;
    if (len > left)
        throw InputError(fmt::format("{}: bytes at offset {} claim {} bytes but only {} follow", what_, off,
                                     to_decimal(len), left));
    return data_.subspan(off + 32, static_cast<std::size_t>(len));
}

std::span<const std::uint8_t> Reader::bytes_at(std::size_t head_offset) const { return bytes_from(uint_at(head_offset)); }

Reader::Array Reader::array_at(std::size_t head_offset) const {
    std::size_t off = position(uint_at(head_offset), "array offset");
    U256 n = uint_at(off);
    std::size_t room = (data_.size() - off - 32) / 32;
    if (n > room)
        throw InputError(fmt::format("{}: array at offset {} claims {} elements but only {} fit", what_, off,
                                     to_decimal(n), room));
    return {off + 32, static_cast<std::size_t>(n)};
}

std::vector<U256> Reader::uint_array_at(std::size_t head_offset) const {
    Array a = array_at(head_offset);
    std::vector<U256> out;
    out.reserve(a.count);
    for (std::size_t i = 0; i < a.count; ++i) out.push_back(uint_at(a.first + 32 * i));
    return out;
}

}  // namespace chainward::abi
