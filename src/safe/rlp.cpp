#include "safe/rlp.hpp"

#include <fmt/core.h>

namespace chainward::safe::rlp {

namespace {

std::size_t read_be(std::span<const std::uint8_t> b, const char* what) {
    if (b.empty() || b[0] == 0 || b.size() > 4)
        throw InputError(fmt::format("{}: non-canonical RLP length", what));
    std::size_t v = 0;
    for (auto x : b) v = (v << 8) | x;
    return v;
}

Item decode_one(std::span<const std::uint8_t> in, std::size_t& used, const char* what, int depth) {
    if (depth > 16) throw InputError(fmt::format("{}: RLP nested too deep", what));
    if (in.empty()) throw InputError(fmt::format("{}: truncated RLP", what));
    const std::uint8_t b = in[0];
    std::size_t header = 0, len = 0;
    Item it;
    if (b < 0x80) {
        header = 0;
        len = 1;
    } else if (b <= 0xb7) {
        header = 1;
        len = b - 0x80u;
    } else if (b <= 0xbf) {
        std::size_t ll = b - 0xb7u;
        if (in.size() < 1 + ll) throw InputError(fmt::format("{}: truncated RLP length", what));
        header = 1 + ll;
        len = read_be(in.subspan(1, ll), what);
        if (len < 56) throw InputError(fmt::format("{}: non-canonical RLP length", what));
    } else if (b <= 0xf7) {
        it.is_list = true;
        header = 1;
        len = b - 0xc0u;
    } else {
        it.is_list = true;
        std::size_t ll = b - 0xf7u;
        if (in.size() < 1 + ll) throw InputError(fmt::format("{}: truncated RLP length", what));
        header = 1 + ll;
        len = read_be(in.subspan(1, ll), what);
        if (len < 56) throw InputError(fmt::format("{}: non-canonical RLP length", what));
    }
    if (in.size() - header < len)
        throw InputError(fmt::format("{}: RLP item claims {} bytes, {} present", what, len,
                                     in.size() - header));
    it.payload = in.subspan(header, len);
    it.raw = in.subspan(0, header + len);
    if (header == 1 && !it.is_list && len == 1 && it.payload[0] < 0x80)
        throw InputError(fmt::format("{}: non-canonical RLP single byte", what));
    if (it.is_list) {
        std::size_t pos = 0;
        while (pos < len) {
            std::size_t u = 0;
            it.items.push_back(decode_one(it.payload.subspan(pos), u, what, depth + 1));
            pos += u;
        }
    }
    used = header + len;
    return it;
}

ByteVec header(std::size_t len, std::uint8_t short_base, std::uint8_t long_base) {
    if (len < 56) return {static_cast<std::uint8_t>(short_base + len)};
    ByteVec be;
    for (std::size_t v = len; v; v >>= 8) be.insert(be.begin(), static_cast<std::uint8_t>(v & 0xff));
    ByteVec out{static_cast<std::uint8_t>(long_base + be.size())};
    out.insert(out.end(), be.begin(), be.end());
    return out;
}

}  // namespace

Item decode(std::span<const std::uint8_t> in, const char* what) {
    std::size_t used = 0;
    Item it = decode_one(in, used, what, 0);
    if (used != in.size())
        throw InputError(fmt::format("{}: {} bytes after the RLP item", what, in.size() - used));
    return it;
}

U256 to_uint(const Item& item, const char* what) {
    if (item.is_list) throw InputError(fmt::format("{}: expected an integer, got a list", what));
    if (item.payload.size() > 32) throw InputError(fmt::format("{}: integer longer than 32 bytes", what));
    if (!item.payload.empty() && item.payload[0] == 0)
        throw InputError(fmt::format("{}: integer with leading zero", what));
    U256 v = 0;
    for (auto b : item.payload) v = (v << 8) | b;
    return v;
}

ByteVec encode_string(std::span<const std::uint8_t> s) {
    if (s.size() == 1 && s[0] < 0x80) return {s[0]};
    ByteVec out = header(s.size(), 0x80, 0xb7);
    out.insert(out.end(), s.begin(), s.end());
    return out;
}

ByteVec encode_uint(const U256& v) {
    ByteVec be;
    for (U256 x = v; x != 0; x >>= 8) be.insert(be.begin(), static_cast<std::uint8_t>(x & 0xff));
    return encode_string(be);
}

ByteVec encode_list(std::span<const std::uint8_t> encoded_items) {
    ByteVec out = header(encoded_items.size(), 0xc0, 0xf7);
    out.insert(out.end(), encoded_items.begin(), encoded_items.end());
    return out;
}

}  // namespace chainward::safe::rlp
