#include "btc/btc.hpp"

#include "core/core.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace chainward::btc {

std::array<std::uint8_t, 4> network_magic(Network net) {
    switch (net) {
        case Network::mainnet: return {0xf9, 0xbe, 0xb4, 0xd9};
        case Network::testnet: return {0x0b, 0x11, 0x09, 0x07};
        case Network::signet: return {0x0a, 0x03, 0xcf, 0x40};
        case Network::regtest: return {0xfa, 0xbf, 0xb5, 0xda};
    }
    return {};
}

void read_blk_file(ByteSpan file, Network net, std::string_view source, ByteSpan xor_key,
                   const std::function<void(Block&&, std::size_t)>& on_block) {
    const bool keyed = std::any_of(xor_key.begin(), xor_key.end(), [](auto b) { return b != 0; });
    auto at = [&](std::size_t i) -> std::uint8_t {
        return keyed ? static_cast<std::uint8_t>(file[i] ^ xor_key[i % xor_key.size()]) : file[i];
    };
    const auto magic = network_magic(net);
    std::size_t pos = 0;
    Bytes block;
    while (pos < file.size()) {
        if (at(pos) == 0) {
            // Preallocated tail: everything left must be zero.
            for (std::size_t i = pos; i < file.size(); ++i)
                if (at(i) != 0)
                    throw InputError(fmt::format("{}: byte offset {}: block magic: non-zero data after zero padding", source, i));
            return;
        }
        if (file.size() - pos < 8)
            throw InputError(fmt::format("{}: byte offset {}: block frame: truncated magic and size", source, pos));
        for (std::size_t i = 0; i < 4; ++i)
            if (at(pos + i) != magic[i])
                throw InputError(fmt::format("{}: byte offset {}: block magic: not the {} magic {:02x}{:02x}{:02x}{:02x} (wrong --network, or an xor.dat key is missing)",
                                             source, pos, network_name(net), magic[0], magic[1], magic[2], magic[3]));
        std::uint32_t size = 0;
        for (std::size_t i = 4; i-- > 0;) size = (size << 8) | at(pos + 4 + i);
        if (size > file.size() - pos - 8)
            throw InputError(fmt::format("{}: byte offset {}: block size: {} bytes but {} left in the file", source, pos + 4, size, file.size() - pos - 8));
        block.resize(size);
        for (std::size_t i = 0; i < size; ++i) block[i] = at(pos + 8 + i);
        auto name = fmt::format("{} (block at byte offset {})", source, pos);
        on_block(parse_block(block, name), pos);
        pos += 8 + size;
    }
}

}  // namespace chainward::btc
