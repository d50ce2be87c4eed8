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

std::string selector_hex(std::string_view signature) {
    Hash32 h = keccak256(signature);
    return to_hex(std::span(h.b.data(), 4));
}

}  // namespace chainward::safe::abi
