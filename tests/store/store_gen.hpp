// Random blocks with transfers of every shape for the store tests, and helpers to read back.
#pragma once

#include <random>
#include <vector>

#include "store/store.hpp"

namespace chainward::test {

using store::BlockInput;
using store::TransferRef;
using store::TransferStore;

inline Address addr(std::uint32_t i) {
    Address a;
    a.b[0] = 0xaa;
    a.b[16] = static_cast<std::uint8_t>(i >> 24);
    a.b[17] = static_cast<std::uint8_t>(i >> 16);
    a.b[18] = static_cast<std::uint8_t>(i >> 8);
    a.b[19] = static_cast<std::uint8_t>(i);
    return a;
}

/// Random blocks with transfers of every shape, including amounts that need each encoding.
inline std::vector<BlockInput> random_blocks(std::uint64_t first, std::uint64_t last, std::uint32_t seed) {
    std::mt19937_64 r(seed);
    std::vector<BlockInput> out;
    const U256 amounts[] = {0, 1, U256(~0ull), U256(~0ull) + 1, U256("1000000000000000000000000"),
                            ~U256(0), U256("123456789012345678901234567890123"), U256(1) << 200};
    for (auto n = first; n <= last; ++n) {
        BlockInput b;
        b.block.number = n;
        b.block.timestamp = 1000 + n;
        b.block.hash.b[0] = static_cast<std::uint8_t>(seed);
        b.block.hash.b[31] = static_cast<std::uint8_t>(n);
        b.block.hash.b[30] = static_cast<std::uint8_t>(n >> 8);
        std::uint32_t txs = static_cast<std::uint32_t>(r() % 5);
        for (std::uint32_t tx = 0; tx <= txs; ++tx) {
            std::uint32_t per = 1 + static_cast<std::uint32_t>(r() % 4);
            for (std::uint32_t s = 0; s < per; ++s) {
                Transfer t;
                t.block = n;
                t.tx_index = tx == txs ? kBlockLevelTx : tx;
                t.seq = s;
                t.kind = static_cast<TransferKind>(r() % 14);
                t.ref = static_cast<std::uint32_t>(r() % 100);
                if (r() % 8) t.from = addr(static_cast<std::uint32_t>(r() % 50));
                if (r() % 8) t.to = addr(static_cast<std::uint32_t>(r() % 50));
                switch (r() % 4) {
                    case 0: break;
                    case 1: t.asset = {AssetType::Erc20, addr(1000 + r() % 3), 0}; break;
                    case 2: t.asset = {AssetType::Erc721, addr(2000), U256(r() % 5)}; break;
                    default: t.asset = {AssetType::Erc1155, addr(3000), ~U256(0) - r() % 2}; break;
                }
                t.amount = amounts[r() % std::size(amounts)] + (r() % 2 ? U256(r()) : U256(0));
                if (t.tx_index != kBlockLevelTx) t.tx_hash.b[0] = static_cast<std::uint8_t>(tx + 1), t.tx_hash.b[1] = static_cast<std::uint8_t>(n);
                b.transfers.push_back(t);
            }
        }
        out.push_back(std::move(b));
    }
    return out;
}

inline std::vector<Transfer> all(const TransferStore& st) {
    std::vector<Transfer> out;
    st.scan([&](const TransferRef& r) {
        out.push_back(st.resolve(r));
        return true;
    });
    return out;
}

inline std::vector<Transfer> flatten(const std::vector<BlockInput>& bs) {
    std::vector<Transfer> out;
    for (const auto& b : bs) out.insert(out.end(), b.transfers.begin(), b.transfers.end());
    return out;
}

}  // namespace chainward::test
