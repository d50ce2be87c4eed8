// Explaining paths (docs/tracing.md "Paths"): every path is a simple chain of transfers in chain
// order from a source to the holding (backward: from the origin to a target), on hand-built swap
// cycles inside one transaction and on random chains whose transactions send value round cycles.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "random_graph.hpp"
#include "transfer_util.hpp"

namespace chainward::trace::testing {
namespace {

/// Checks a path's shape against the graph; returns "" or what is wrong.
std::string check_chain(const MemoryGraph& g, const Path& p) {
    if (p.omitted != 0 || p.steps.size() != p.hops) return "path cut or hops wrong";
    std::set<AddressId> seen;
    std::set<std::uint64_t> ids;
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
        const PathStep& s = p.steps[i];
        const TransferRef& t = g.transfers().at(s.transfer.id);
        if (t.from != s.from || t.to != s.to) return "step is not the transfer it names";
        if (s.from == s.to) return "a self-transfer as a step";
        if (i == 0) seen.insert(s.from);
        if (!seen.insert(s.to).second) return "address twice";
        if (!ids.insert(t.id).second) return "transfer twice";
        if (i > 0) {
            if (p.steps[i - 1].to != s.from) return "not a chain";
            if (p.steps[i - 1].transfer.id >= t.id) return "not in chain order";
        }
    }
    return "";
}

/// Random sources: the transfers of one random transaction, or an address from a block.
Options random_sources(const RandomChain& c, std::uint64_t seed, Model m) {
    std::mt19937_64 rng(seed * 104729 + 3);
    Options o;
    o.model = m;
    o.roles = c.roles;
    o.builtin_converters = false;
    if (rng() % 4 == 0)
        o.source_addresses.push_back({1 + static_cast<AddressId>(rng() % c.n_plain), 1 + rng() % (c.blocks + 1)});
    else
        o.source_transfers = c.txs[1 + rng() % (c.txs.size() - 1)];
    if (rng() % 4 == 0) o.through_terminals = true;
    return o;
}

TEST(PathsProperty, ForwardPathsAreSimpleChainsFromASourceToTheHolding) {
    int paths = 0, long_ones = 0;
    for (std::uint64_t seed = 1; seed <= 400; ++seed) {
        RandomChain c = random_chain(seed, 4 + static_cast<int>(seed % 6), 20 + static_cast<int>(seed % 40));
        for (Model m : {Model::Poison, Model::Haircut, Model::Fifo, Model::Lifo, Model::Tiho}) {
            Options o = random_sources(c, seed, m);
            Result r = trace(c.g, o);
            std::set<std::uint64_t> src_ids;
            for (const auto& t : o.source_transfers) src_ids.insert(t.id);
            std::set<AddressId> src_addr;
            for (const auto& a : o.source_addresses) src_addr.insert(a.address);
            auto check = [&](const Holding& h) {
                Path p = r.path(h, 1000);
                const std::string where = "seed " + std::to_string(seed) + " " + model_name(m) + " address " + std::to_string(h.address);
                ASSERT_EQ(check_chain(c.g, p), "") << where;
                if (p.steps.empty()) {  // only a source holds taint without a path
                    bool sender = false;
                    for (const auto& t : o.source_transfers) sender = sender || t.from == h.address;
                    ASSERT_TRUE(src_addr.contains(h.address) || sender) << where;
                    return;
                }
                ASSERT_EQ(p.steps.back().to, h.address) << where;
                const PathStep& first = p.steps.front();
                // it starts at a source: with a source transfer, or from a source address after its start
                const bool from_tx = src_ids.contains(first.transfer.id);
                const bool from_addr = src_addr.contains(first.from) && first.transfer.block >= o.source_addresses.front().since_block;
                bool from_sender = false;  // the sender of stolen value, after it sent it
                for (const auto& t : o.source_transfers) from_sender = from_sender || (t.from == first.from && t.id < first.transfer.id);
                ASSERT_TRUE(from_tx || from_addr || from_sender) << where;
                ASSERT_EQ(p.hops, h.hop) << where;  // the fewest hops the trace counted
                ++paths;
                if (p.hops >= 3) ++long_ones;
            };
            for (const auto& h : r.at_rest) check(h);
            for (const auto& h : r.freeze_points) check(h);
        }
    }
    EXPECT_GT(paths, 2500);
    EXPECT_GT(long_ones, 100);
}

TEST(PathsProperty, BackwardPathsAreSimpleChainsFromTheOriginToATarget) {
    int paths = 0;
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        RandomChain c = random_chain(seed, 4 + static_cast<int>(seed % 6), 20 + static_cast<int>(seed % 40));
        std::mt19937_64 rng(seed * 31 + 11);
        BackwardOptions o;
        o.builtin_converters = false;
        o.roles = c.roles;
        o.targets.push_back({1 + static_cast<AddressId>(rng() % c.n_plain), std::nullopt, std::nullopt});
        if (rng() % 2) o.targets.push_back({1 + static_cast<AddressId>(rng() % c.n_plain), std::nullopt, std::nullopt});
        if (rng() % 3 == 0) o.since_block = rng() % (c.blocks + 1);
        const std::set<AddressId> targets{o.targets.front().address, o.targets.back().address};
        for (Model m : {Model::Poison, Model::Haircut, Model::Fifo}) {
            o.model = m;
            BackwardResult r = trace_backward(c.g, o);
            for (const auto& x : r.origins) {
                Path p = r.path(x, 1000);
                const std::string where = "seed " + std::to_string(seed) + " " + model_name(m) + " origin " + std::to_string(x.address);
                ASSERT_EQ(check_chain(c.g, p), "") << where;
                if (p.steps.empty()) {
                    ASSERT_TRUE(targets.contains(x.address)) << where;
                    continue;
                }
                ASSERT_EQ(p.steps.front().from, x.address) << where;
                ASSERT_TRUE(targets.contains(p.steps.back().to)) << where;
                ASSERT_EQ(p.hops, x.kind == OriginKind::Created || x.kind == OriginKind::Fees || x.kind == OriginKind::Horizon ? x.hop : x.hop)
                    << where;
                ++paths;
            }
        }
    }
    EXPECT_GT(paths, 1000);
}

// A swap through a router that wraps ETH: user U -> router R (ETH), R -> WETH contract W (ETH),
// W mints WETH to R, R -> pair P (WETH), P -> U (TOK); then U -> X -> Y (TOK) and U -> Y (ETH).
struct SwapChain {
    static constexpr AddressId V = 1, U = 2, R = 3, W = 4, P = 5, X = 6, Y = 7;
    static constexpr AssetId ETH = 0, WETH_T = 1, TOK = 2;
    MemoryGraph g;
    std::uint64_t theft, pay, wrap, mint, topair, out, hop1, hop2, eth_on;
    std::uint64_t t(std::uint64_t b, std::uint32_t tx, TransferKind k, AddressId f, AddressId to, AssetId a, U256 v) {
        return g.add(make_transfer(b, tx, 0, k, f, to, a, v));
    }
    SwapChain() {
        t(0, kBlockLevelTx, TransferKind::Genesis, 0, V, ETH, 100);
        t(0, kBlockLevelTx, TransferKind::Token, 0, P, TOK, 1000);
        t(0, kBlockLevelTx, TransferKind::Token, 0, P, WETH_T, 50);
        theft = t(1, 0, TransferKind::Call, V, U, ETH, 100);
        pay = t(2, 0, TransferKind::Call, U, R, ETH, 60);
        wrap = t(2, 0, TransferKind::Internal, R, W, ETH, 60);
        mint = t(2, 0, TransferKind::Wrap, 0, R, WETH_T, 60);
        topair = t(2, 0, TransferKind::Token, R, P, WETH_T, 60);
        out = t(2, 0, TransferKind::Token, P, U, TOK, 300);
        hop1 = t(3, 0, TransferKind::Token, U, X, TOK, 200);
        hop2 = t(4, 0, TransferKind::Token, X, Y, TOK, 150);
        eth_on = t(4, 1, TransferKind::Call, U, Y, ETH, 40);
    }
    std::vector<TransferRef> tx(std::uint64_t block) const {
        std::vector<TransferRef> v;
        for (const auto& x : g.transfers())
            if (x.block == block) v.push_back(x);
        return v;
    }
};

using V64 = std::vector<std::uint64_t>;
/// Path (transfer ids) of every holding at rest, by address and asset.
std::map<std::pair<AddressId, AssetId>, V64> rest_paths(const MemoryGraph& g, const Result& r) {
    std::map<std::pair<AddressId, AssetId>, V64> m;
    for (const auto& h : r.at_rest) {
        Path p = r.path(h);
        EXPECT_EQ(check_chain(g, p), "") << h.address;
        EXPECT_EQ(p.hops, h.hop) << h.address;
        auto& v = m[{h.address, h.asset}];
        for (const auto& s : p.steps) v.push_back(s.transfer.id);
    }
    return m;
}

// The case: `--tx SWAP`, nothing labelled. Every transfer of the swap is a source, and
// the swap sends value round U -> R -> P -> U; a parent map set per first arrival loops there.
TEST(Paths, TracingTheSwapTransactionItselfGivesSimplePaths) {
    SwapChain c;
    using S = SwapChain;
    for (Model m : {Model::Poison, Model::Haircut}) {
        Options o;
        o.model = m;
        o.builtin_converters = false;
        o.source_transfers = c.tx(2);
        Result r = trace(c.g, o);
        auto got = rest_paths(c.g, r);
        // by hand, applying the swap in chain order: W keeps the 60 ETH the router wrapped (one
        // step from R, which sent stolen value itself: a source); the router's minted WETH went on
        // to P, which keeps 110 WETH (poison) or 60 (haircut), with no step: P, U and R sent
        // transfers of the swap, so each is a source; U keeps 100 TOK; X got 200 TOK from U and
        // passed 150 to Y.
        std::map<std::pair<AddressId, AssetId>, V64> want{{{S::W, S::ETH}, {c.wrap}},
                                                          {{S::P, S::WETH_T}, {}},  // P sent stolen value in the swap: a source
                                                          {{S::U, S::TOK}, {}},
                                                          {{S::X, S::TOK}, {c.hop1}},
                                                          {{S::Y, S::TOK}, {c.hop1, c.hop2}}};
        EXPECT_EQ(got, want) << model_name(m);
    }
}

// The same chain with the router, WETH and pair labelled (converters), traced from the theft: the
// swap converts U's ETH into TOK in place, so no step goes through the converters.
TEST(Paths, SwapThroughLabelledConvertersIsNoStep) {
    SwapChain c;
    using S = SwapChain;
    Options o;
    o.model = Model::Haircut;
    o.builtin_converters = false;
    o.roles = {{S::R, Role::Converter}, {S::W, Role::Converter}, {S::P, Role::Converter}};
    o.source_transfers = {c.g.transfers()[c.theft]};
    Result r = trace(c.g, o);
    auto got = rest_paths(c.g, r);
    // by hand: U paid 60 of its 100 stolen ETH for 300 TOK (all tainted), kept 100 TOK, sent 200
    // to X (who passed 150 to Y) and its last 40 ETH to Y directly: Y's two-hop arrival is its path.
    std::map<std::pair<AddressId, AssetId>, V64> want{{{S::U, S::TOK}, {c.theft}},
                                                      {{S::X, S::TOK}, {c.theft, c.hop1}},
                                                      {{S::Y, S::TOK}, {c.theft, c.eth_on}},
                                                      {{S::Y, S::ETH}, {c.theft, c.eth_on}}};
    EXPECT_EQ(got, want);
    (void)c.pay;
    (void)c.mint;
    (void)c.out;
}

TEST(Paths, OnlyAGenuinelyLongPathIsCutAndItSaysSo) {
    MemoryGraph g;
    auto t = [&](std::uint64_t b, AddressId f, AddressId to, U256 v) {
        return g.add(make_transfer(b, f ? 0 : kBlockLevelTx, 0, f ? TransferKind::Call : TransferKind::Genesis, f, to, 0, v));
    };
    t(0, 0, 1, 1000);
    std::vector<std::uint64_t> chain;
    for (AddressId a = 1; a <= 100; ++a) chain.push_back(t(a, a, a + 1, 1000));  // a 100-hop peel chain
    Options o;
    o.model = Model::Haircut;
    o.source_transfers = {g.transfers()[chain[0]]};
    Result r = trace(g, o);
    ASSERT_EQ(r.at_rest.size(), 1u);
    EXPECT_EQ(r.at_rest[0].address, 101u);
    Path whole = r.path(r.at_rest[0], 1000);
    EXPECT_EQ(whole.hops, 100u);
    EXPECT_EQ(whole.omitted, 0u);
    ASSERT_EQ(whole.steps.size(), 100u);
    Path cut = r.path(r.at_rest[0], 64);
    EXPECT_EQ(cut.hops, 100u);
    EXPECT_EQ(cut.omitted, 36u);
    EXPECT_EQ(cut.cut_at, 32u);
    ASSERT_EQ(cut.steps.size(), 64u);
    EXPECT_EQ(cut.steps[0].transfer.id, chain[0]);
    EXPECT_EQ(cut.steps[31].transfer.id, chain[31]);
    EXPECT_EQ(cut.steps[32].transfer.id, chain[68]);
    EXPECT_EQ(cut.steps[63].transfer.id, chain[99]);
    // a path within the cap is never cut
    Options o2 = o;
    o2.until_block = 50;
    Result r2 = trace(g, o2);
    Path p50 = r2.path(r2.at_rest[0], 64);
    EXPECT_EQ(p50.hops, 50u);
    EXPECT_EQ(p50.omitted, 0u);
    EXPECT_EQ(p50.steps.size(), 50u);
    // the JSON says how long the path is and how much was cut
    ReportContext ctx;
    ctx.graph = &g;
    const std::string j = report_json(r, ctx);
    EXPECT_NE(j.find("\"path_hops\":100,\"path_omitted\":36"), std::string::npos);
}

}  // namespace
}  // namespace chainward::trace::testing
