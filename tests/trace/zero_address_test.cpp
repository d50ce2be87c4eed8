// The zero address is not an account (docs/tracing.md: token mints come from none, burns go to
// none). Scenario computed by hand from those rules, through extraction and the tracer:
//   block 1: V sends 100 USDT to A (the theft, the source);
//   block 2: A burns the 100 (Transfer A -> 0x0);
//   block 3: the issuer mints 50 USDT to C (Transfer 0x0 -> C), unrelated.
// Every model: A's pot holds only the 100 tainted units, so all 100 are burnt (`burnt` = 100),
// nothing is at rest, and C's 50 are clean: C is never followed.
#include <gtest/gtest.h>

#include <map>

#include "eth/eth.hpp"
#include "trace/trace.hpp"

namespace chainward::trace {
namespace {

const Address kUsdt = parse_address("0xdac17f958d2ee523a2206206994597c13d831ec7");
const Address kV = parse_address("0x00000000000000000000000000000000000000a1");
const Address kA = parse_address("0x00000000000000000000000000000000000000a2");
const Address kC = parse_address("0x00000000000000000000000000000000000000a3");

Hash32 topic(const Address& a) {
    Hash32 h{};
    std::copy(a.b.begin(), a.b.end(), h.b.begin() + 12);
    return h;
}

eth::BlockData transfer_block(std::uint64_t n, const Address& from, const Address& to, unsigned amount) {
    eth::BlockData b;
    b.number = n;
    eth::TxData tx;
    tx.from = kV;
    tx.hash.b[0] = static_cast<std::uint8_t>(n);
    b.txs.push_back(tx);
    eth::ReceiptData r;
    r.status = 1;
    eth::LogData l;
    l.address = kUsdt;
    l.topics = {keccak256("Transfer(address,address,uint256)"), topic(from), topic(to)};
    l.data.assign(32, 0);
    l.data[31] = static_cast<std::uint8_t>(amount);
    r.logs.push_back(l);
    b.receipts.push_back(r);
    return b;
}

}  // namespace

TEST(ZeroAddress, BurntTaintNeverReachesTheNextMint) {
    std::vector<Transfer> all;
    for (const auto& b : {transfer_block(1, kV, kA, 100), transfer_block(2, kA, Address{}, 100),
                          transfer_block(3, Address{}, kC, 50)}) {
        auto t = eth::extract_transfers(b, {});
        all.insert(all.end(), t.begin(), t.end());
    }
    ASSERT_EQ(all.size(), 3u);
    EXPECT_FALSE(all[1].to) << "a burn goes to none";
    EXPECT_FALSE(all[2].from) << "a mint comes from none";

    // Into a graph: none is AddressId 0 (store::kNoAddress), as in the store.
    MemoryGraph g;
    std::map<Address, AddressId> ids;
    auto id = [&](const std::optional<Address>& a) -> AddressId {
        if (!a) return store::kNoAddress;
        auto [it, fresh] = ids.emplace(*a, static_cast<AddressId>(ids.size() + 1));
        if (fresh) g.set_address(it->second, *a);
        return it->second;
    };
    g.set_asset(1, {AssetType::Erc20, kUsdt, 0});
    std::vector<std::uint64_t> refs;
    for (const auto& t : all) {
        store::TransferRef r;
        r.block = t.block;
        r.tx_index = t.tx_index;
        r.seq = t.seq;
        r.kind = t.kind;
        r.from = id(t.from);
        r.to = id(t.to);
        r.asset = 1;
        r.amount = t.amount;
        refs.push_back(g.add(r, t.tx_hash));
    }
    for (Model m : {Model::Poison, Model::Haircut, Model::Fifo, Model::Lifo, Model::Tiho}) {
        Options o;
        o.model = m;
        o.source_transfers = {g.transfers()[refs[0]]};
        Result r = trace(g, o);
        const auto& t = r.totals.at(1);
        EXPECT_EQ(t.traced, 100u) << model_name(m);
        EXPECT_EQ(t.burnt, 100u) << model_name(m);
        EXPECT_EQ(t.inflow(), t.outflow()) << model_name(m);
        for (const auto& h : r.at_rest) EXPECT_EQ(h.amount, 0u) << model_name(m) << " at " << h.address;
        for (const auto* holdings : {&r.at_rest, &r.freeze_points, &r.frontier, &r.converted})
            for (const auto& h : *holdings) EXPECT_NE(h.address, ids.at(kC)) << model_name(m) << ": the mint's receiver holds no taint";
    }
}

}  // namespace chainward::trace
