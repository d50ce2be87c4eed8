#include "safe/abi.hpp"

#include <fmt/core.h>

namespace chainward::safe::abi {

Word word(const U256& v) {
    Word w{};
    U256 x = v;
    for (int i = 31; i >= 0; --i) {
        w[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(x & 0xff);
        x >>= 8;
    }
    return w;
}

Word word(const Address& a) {
    Word w{};
    std::copy(a.b.begin(), a.b.end(), w.begin() + 12);
    return w;
}

Word word(const Hash32& h) {
    Word w{};
    std::copy(h.b.begin(), h.b.end(), w.begin());
    return w;
}

void append(ByteVec& out, const Word& w) { out.insert(out.end(), w.begin(), w.end()); }

Reader::Reader(std::span<const std::uint8_t> args, std::string what)
    : args_(args), what_(std::move(what)) {}

std::span<const std::uint8_t> Reader::word_at(std::size_t offset) const {
    if (offset > args_.size() || args_.size() - offset < 32)
        throw InputError(fmt::format("{}: truncated: needs a 32-byte word at offset {}, has {} bytes",
                                     what_, offset, args_.size()));
    return args_.subspan(offset, 32);
}

U256 Reader::uint_at(std::size_t offset) const { return u256_from_be(word_at(offset)); }

Address Reader::address_at(std::size_t offset) const {
    auto w = word_at(offset);
    for (std::size_t i = 0; i < 12; ++i)
        if (w[i] != 0)
            throw InputError(fmt::format("{}: word at offset {} is not an address (upper bytes set)",
                                         what_, offset));
    return address_from_word(w);
}

bool Reader::bool_at(std::size_t offset) const {
    U256 v = uint_at(offset);
    if (v > 1) throw InputError(fmt::format("{}: word at offset {} is not a bool", what_, offset));
    return v == 1;
}

std::size_t Reader::checked_offset(const U256& v, const char* field) const {
    if (v > args_.size())
        throw InputError(fmt::format("{}: {} {} points past the end ({} bytes)", what_, field,
                                     to_decimal(v), args_.size()));
    return static_cast<std::size_t>(v);
}

std::span<const std::uint8_t> Reader::bytes_at(std::size_t head_offset) const {
    std::size_t off = checked_offset(uint_at(head_offset), "bytes offset");
    std::size_t len = checked_offset(uint_at(off), "bytes length");
    if (args_.size() - off - 32 < len)
        throw InputError(fmt::format("{}: bytes at offset {} claim {} bytes but only {} follow", what_,
                                     off, len, args_.size() - off - 32));
    return args_.subspan(off + 32, len);
}

std::vector<U256> Reader::uint_array_at(std::size_t head_offset) const {
    std::size_t off = checked_offset(uint_at(head_offset), "array offset");
    std::size_t n = checked_offset(uint_at(off), "array length");
    std::vector<U256> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(uint_at(off + 32 + 32 * i));
    return out;
}

std::string selector_hex(std::string_view signature) {
    Hash32 h = keccak256(signature);
    return to_hex(std::span(h.b.data(), 4));
}

}  // namespace chainward::safe::abi
