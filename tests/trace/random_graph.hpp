// Random small chains for property and differential tests: valid balances for every plain
// address (no overdrafts), swaps through a converter, WETH wraps, NFT purchases, fees, burns,
// terminals that also pay out, payouts that precede pay-ins within a transaction, value that goes
// round a cycle of addresses within one transaction.
#pragma once

#include <map>
#include <random>
#include <vector>

#include "trace/trace.hpp"

namespace chainward::trace::testing {

struct RandomChain {
    MemoryGraph g;
    std::unordered_map<AddressId, Role> roles;
    std::vector<std::vector<TransferRef>> txs;  ///< transfers of each transaction (sources pick from these)
    AddressId n_plain = 0;
    std::uint64_t blocks = 0;
};

// Address ids: 1..n plain, then converter (DEX), WETH, marketplace, two terminals, miner.
// Assets: 0 native, 1 and 2 tokens, 3 WETH, 4 a fake token (big chains only), 10.. NFTs (one
// asset id per token). `big`: amounts from 2^64 up to 2^252, and sometimes a fake token minted
// twice near 2^255, so that some sums pass 2^256 - 1.
inline RandomChain random_chain(std::uint64_t seed, int n_plain = 8, int n_txs = 40, bool big = false) {
    std::mt19937_64 rng(seed);
    auto below = [&](std::uint64_t n) { return n ? rng() % n : 0; };
    auto below_u = [&](const U256& n) -> U256 {  // roughly uniform in [0, n)
        if (n == 0) return 0;
        if (n <= std::numeric_limits<std::uint64_t>::max()) return rng() % n.convert_to<std::uint64_t>();
        U256 r = 0;
        for (int i = 0; i < 4; ++i) r = (r << 64) | U256(rng());
        return r % n;
    };
    RandomChain c;
    c.n_plain = static_cast<AddressId>(n_plain);
    const AddressId dex = n_plain + 1, weth = n_plain + 2, market = n_plain + 3, ex = n_plain + 4, mixer = n_plain + 5,
                    miner = n_plain + 6;
    c.roles = {{dex, Role::Converter}, {weth, Role::Converter}, {market, Role::Converter}, {ex, Role::Terminal}, {mixer, Role::Terminal}};
    std::map<std::pair<AddressId, AssetId>, U256> bal;
    std::map<AssetId, AddressId> nft_owner;
    // sometimes amounts that round; big: 2^k plus odd low bits, k in [64, 244]
    const U256 scale = big ? (U256(1) << (64 + below(181))) + below_u(U256(1) << 40) : U256(1 + below(3) * 999);
    const bool fake = big && below(2);
    std::uint64_t block = 1;
    std::uint32_t tx_index = 0;
    std::vector<TransferRef> cur;
    std::uint32_t seq = 0;
    auto hash_of = [&](std::uint64_t b, std::uint32_t t) {
        Hash32 h{};
        h.b[0] = 0xab;
        std::memcpy(h.b.data() + 8, &b, 8);
        std::memcpy(h.b.data() + 16, &t, 4);
        return h;
    };
    auto emit = [&](TransferKind k, AddressId from, AddressId to, AssetId asset, U256 amount) {
        TransferRef t;
        t.block = block;
        t.tx_index = tx_index;
        t.seq = seq++;
        t.kind = k;
        t.from = from;
        t.to = to;
        t.asset = asset;
        t.amount = amount;
        if (from != 0) bal[{from, asset}] -= amount;
        if (to != 0) bal[{to, asset}] += amount;
        cur.push_back(t);
    };
    auto end_tx = [&]() {
        // chain order within a tx is by seq; the generator emits some records out of seq order
        // (payouts first), so sort before storing
        std::sort(cur.begin(), cur.end(), [](const TransferRef& a, const TransferRef& b) { return a.seq < b.seq; });
        std::vector<TransferRef> stored;
        for (auto& t : cur) {
            t.id = c.g.add(t, hash_of(t.block, t.tx_index));
            stored.push_back(t);
        }
        if (!stored.empty()) c.txs.push_back(stored);
        cur.clear();
        seq = 0;
        ++tx_index;
        if (below(3) == 0) {
            ++block;
            tx_index = 0;
        }
    };
    // genesis: opening balances
    for (AddressId a = 1; a <= static_cast<AddressId>(n_plain); ++a) {
        emit(TransferKind::Genesis, 0, a, 0, (1 + below(100)) * scale);
        if (below(2)) emit(TransferKind::Token, 0, a, 1, (1 + below(100)) * scale);
        if (below(3) == 0) emit(TransferKind::Token, 0, a, 2, (1 + below(50)) * scale);
        if (fake && a <= 2) emit(TransferKind::Token, 0, a, 4, (U256(1) << 255) + below(1000));  // wraps in `bal`
    }
    emit(TransferKind::Genesis, 0, ex, 0, 1000 * scale);
    for (AssetId n = 10; n < 13; ++n) {
        AddressId o = 1 + static_cast<AddressId>(below(n_plain));
        emit(TransferKind::Nft, 0, o, n, 1);
        nft_owner[n] = o;
    }
    end_tx();
    auto plain = [&]() { return 1 + static_cast<AddressId>(below(n_plain)); };
    auto some = [&](AddressId a, AssetId s) -> U256 {
        U256 b = bal[{a, s}];
        if (b == 0) return 0;
        return below(4) == 0 ? b : 1 + below_u(b);
    };
    for (int i = 0; i < n_txs; ++i) {
        AddressId a = plain();
        switch (below(10)) {
            case 0:
            case 1:
            case 2: {  // plain transfer, maybe passed on within the same tx, maybe with fees
                AssetId s = fake && below(3) == 0 ? 4 : static_cast<AssetId>(below(3));
                U256 v = some(a, s);
                if (!v) break;
                AddressId b = below(6) == 0 ? (below(2) ? ex : mixer) : plain();
                emit(s ? TransferKind::Token : TransferKind::Call, a, b, s, v);
                if (below(3) == 0 && b <= c.n_plain) {
                    U256 w = some(b, s);
                    if (w) emit(s ? TransferKind::Token : TransferKind::Internal, b, plain(), s, w);
                }
                if (below(2) && bal[{a, 0}] >= 2) {
                    emit(TransferKind::Fee, a, miner, 0, 1);
                    emit(TransferKind::Burn, a, 0, 0, 1);
                }
                break;
            }
            case 3: {  // swap through the DEX; the payout is sometimes recorded before the pay-in
                AssetId s = static_cast<AssetId>(below(3)), r = static_cast<AssetId>((s + 1 + below(2)) % 3);
                U256 v = some(a, s);
                if (!v) break;
                bool payout_first = below(2);
                std::uint32_t s1 = payout_first ? 1 : 0, s2 = payout_first ? 0 : 1;
                seq = s1;
                emit(s ? TransferKind::Token : TransferKind::Call, a, dex, s, v);
                seq = s2;
                emit(r ? TransferKind::Token : TransferKind::Internal, dex, a, r, 1 + below_u(v > std::numeric_limits<U256>::max() / 3 ? v : 3 * v));
                seq = 2;
                break;
            }
            case 4: {  // wrap or unwrap
                if (below(2)) {
                    U256 v = some(a, 0);
                    if (!v) break;
                    emit(TransferKind::Call, a, weth, 0, v);
                    emit(TransferKind::Wrap, 0, a, 3, v);
                } else {
                    U256 v = some(a, 3);
                    if (!v) break;
                    emit(TransferKind::Unwrap, a, 0, 3, v);
                    emit(TransferKind::Internal, weth, a, 0, v);
                }
                break;
            }
            case 5: {  // NFT purchase through the marketplace
                AssetId n = 10 + static_cast<AssetId>(below(3));
                AddressId seller = nft_owner[n];
                U256 v = some(a, 0);
                if (!v || seller == a) break;
                emit(TransferKind::Call, a, market, 0, v);
                emit(TransferKind::Internal, market, seller, 0, v);
                emit(TransferKind::Nft, seller, a, n, 1);
                nft_owner[n] = a;
                break;
            }
            case 6: {  // token burn or an exchange withdrawal (terminal pays out clean value)
                if (below(2)) {
                    U256 v = some(a, 1);
                    if (v) emit(TransferKind::Token, a, 0, 1, v);
                } else {
                    emit(TransferKind::Call, ex, a, 0, 1 + below_u(20 * scale));
                }
                break;
            }
            case 7: {  // NFT gift onward
                for (auto& [n, o] : nft_owner)
                    if (o == a && below(2)) {
                        AddressId b = below(4) == 0 ? ex : plain();
                        emit(TransferKind::Nft, a, b, n, 1);
                        o = b;
                        break;
                    }
                break;
            }
            case 8: {  // value that goes round a cycle of addresses within one transaction, twice
                AssetId s = static_cast<AssetId>(below(2));
                U256 v = some(a, s);
                if (!v) break;
                std::vector<AddressId> ring{a};
                for (int j = 0, k = 2 + static_cast<int>(below(3)); j < k; ++j) ring.push_back(plain());
                const int legs = static_cast<int>(ring.size()) * (1 + static_cast<int>(below(2))) + static_cast<int>(below(2));
                for (int j = 0; j < legs; ++j) {
                    AddressId f = ring[j % ring.size()], t = ring[(j + 1) % ring.size()];
                    U256 w = std::min<U256>(v, bal[{f, s}]);
                    if (!w) break;
                    emit(s ? TransferKind::Token : (j ? TransferKind::Internal : TransferKind::Call), f, t, s, w);
                }
                break;
            }
            default: {  // fan-out in one transaction
                U256 v = bal[{a, 0}];
                int k = 2 + static_cast<int>(below(3));
                for (int j = 0; j < k && v >= 2; ++j) {
                    U256 w = 1 + below_u(v / 2);
                    emit(j == 0 ? TransferKind::Call : TransferKind::Internal, a, plain(), 0, w);
                    v -= w;
                }
            }
        }
        end_tx();
    }
    // block-level withdrawal at the end of the last block
    tx_index = kBlockLevelTx;
    emit(TransferKind::Withdrawal, 0, plain(), 0, 5 * scale);
    end_tx();
    c.blocks = block;
    return c;
}

}  // namespace chainward::trace::testing
