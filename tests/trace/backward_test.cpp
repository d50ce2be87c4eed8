// Backward trace: hand-computed cases per model, and properties on random chains — conservation,
// poison ⊇ haircut, and FIFO forward then backward returns exactly to the source amounts.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "random_graph.hpp"
#include "trace/trace.hpp"

namespace chainward::trace::testing {
namespace {

/// A tiny chain built by hand: one transfer per transaction unless `same_tx`.
struct Chain {
    MemoryGraph g;
    std::uint64_t block = 0;
    std::uint32_t tx = 0, seq = 0;
    std::uint64_t add(AddressId from, AddressId to, std::uint64_t amount, AssetId asset = 0, TransferKind k = TransferKind::Call,
                      bool same_tx = false) {
        if (!same_tx) {
            ++tx;
            seq = 0;
        }
        TransferRef t;
        t.block = block;
        t.tx_index = tx;
        t.seq = seq++;
        t.kind = k;
        t.from = from;
        t.to = to;
        t.asset = asset;
        t.amount = amount;
        Hash32 h{};
        h.b[0] = static_cast<std::uint8_t>(block);
        h.b[1] = static_cast<std::uint8_t>(tx);
        return g.add(t, h);
    }
    void next_block() {
        ++block;
        tx = 0;
    }
};

constexpr AddressId A = 1, B = 2, C = 3, X = 4, Y = 5, DEX = 6, MINER = 7;

BackwardOptions opts(Model m, AddressId target, std::optional<AssetId> asset = std::nullopt) {
    BackwardOptions o;
    o.model = m;
    o.builtin_converters = false;
    o.targets.push_back({target, asset, std::nullopt});
    return o;
}

using OriginMap = std::map<std::tuple<AddressId, AssetId, OriginKind>, U256>;
OriginMap origins(const BackwardResult& r) {
    OriginMap m;
    for (const auto& o : r.origins) m[{o.address, o.asset, o.kind}] += o.amount;
    return m;
}

/// Domain example: A holds 7 clean, 3 stolen arrive from X, A sends 5 to B. Where did B's 5 come from?
Chain three_seven() {
    Chain c;
    c.add(0, A, 7000, 0, TransferKind::Genesis);
    c.add(0, X, 3000, 0, TransferKind::Genesis, true);
    c.next_block();
    c.add(X, A, 3000);
    c.next_block();
    c.add(A, B, 5000);
    return c;
}

TEST(Backward, ThreeStolenSevenCleanPerModel) {
    Chain c = three_seven();
    // haircut: B's 5 are 5/10 of A's pot, which was 3 from X and 7 created at A
    BackwardResult h = trace_backward(c.g, opts(Model::Haircut, B));
    EXPECT_EQ(origins(h), (OriginMap{{{X, 0, OriginKind::Created}, 1500}, {{A, 0, OriginKind::Created}, 3500}}));
    EXPECT_TRUE(h.totals.at(0).balanced());
    EXPECT_EQ(h.totals.at(0).traced, 5000u);
    // FIFO: the 5 that left A were its oldest units, all from A's own 7
    BackwardResult f = trace_backward(c.g, opts(Model::Fifo, B));
    EXPECT_EQ(origins(f), (OriginMap{{{A, 0, OriginKind::Created}, 5000}}));
    // poison: every earlier inflow of A counts, in full
    BackwardResult p = trace_backward(c.g, opts(Model::Poison, B));
    EXPECT_EQ(origins(p), (OriginMap{{{X, 0, OriginKind::Created}, 3000}, {{A, 0, OriginKind::Created}, 7000}}));
    // X labelled: it is the origin point, with the path X -> A -> B
    BackwardOptions lo = opts(Model::Haircut, B);
    lo.stop_addresses = {X};
    BackwardResult l = trace_backward(c.g, lo);
    EXPECT_EQ(origins(l), (OriginMap{{{X, 0, OriginKind::Labelled}, 1500}, {{A, 0, OriginKind::Created}, 3500}}));
    const BackwardOrigin& xo = l.origins[1];
    ASSERT_EQ(xo.address, X);
    EXPECT_EQ(xo.hop, 2u);
    auto path = l.path_from(xo);
    ASSERT_EQ(path.size(), 2u);
    EXPECT_EQ(path[0].from, X);
    EXPECT_EQ(path[0].to, A);
    EXPECT_EQ(path[1].from, A);
    EXPECT_EQ(path[1].to, B);
}

TEST(Backward, FifoIntervalsFollowLotOrder) {
    // A: 2 created, 3 from X, 4 from Y; sends 4 to B then 4 to C (docs/tracing.md FIFO example)
    Chain c;
    c.add(0, A, 2, 0, TransferKind::Genesis);
    c.add(0, X, 3, 0, TransferKind::Genesis, true);
    c.add(0, Y, 4, 0, TransferKind::Genesis, true);
    c.next_block();
    c.add(X, A, 3);
    c.add(Y, A, 4);
    c.next_block();
    c.add(A, B, 4);
    c.add(A, C, 4);
    auto run = [&](AddressId t) {
        BackwardOptions o = opts(Model::Fifo, t);
        o.stop_addresses = {X, Y};
        return origins(trace_backward(c.g, o));
    };
    EXPECT_EQ(run(B), (OriginMap{{{A, 0, OriginKind::Created}, 2}, {{X, 0, OriginKind::Labelled}, 2}}));
    EXPECT_EQ(run(C), (OriginMap{{{X, 0, OriginKind::Labelled}, 1}, {{Y, 0, OriginKind::Labelled}, 3}}));
    // A keeps 1 (the newest unit, from Y)
    EXPECT_EQ(run(A), (OriginMap{{{Y, 0, OriginKind::Labelled}, 1}}));
    // haircut on C: A's pot after B left is 5 = 5/9 of each origin: floor(4·...) pro rata by inflow
    BackwardOptions h = opts(Model::Haircut, C);
    h.stop_addresses = {X, Y};
    BackwardResult r = trace_backward(c.g, h);
    // walking back: Y's inflow is 4/9 of A's pot: floor(4·4/9) = 1; X's 3/5: floor(3·3/5) = 1; the rest 2 created
    EXPECT_EQ(origins(r), (OriginMap{{{Y, 0, OriginKind::Labelled}, 1}, {{X, 0, OriginKind::Labelled}, 1}, {{A, 0, OriginKind::Created}, 2}}));
    EXPECT_TRUE(r.totals.at(0).balanced());
}

TEST(Backward, TimeOrderOnlyEarlierInflowsExplain) {
    // A sends before X's value arrives: B's funds cannot come from X
    Chain c;
    c.add(0, A, 5, 0, TransferKind::Genesis);
    c.add(0, X, 5, 0, TransferKind::Genesis, true);
    c.next_block();
    c.add(A, B, 5);
    c.next_block();
    c.add(X, A, 5);
    for (Model m : {Model::Poison, Model::Haircut, Model::Fifo}) {
        BackwardOptions o = opts(m, B);
        o.stop_addresses = {X};
        EXPECT_EQ(origins(trace_backward(c.g, o)), (OriginMap{{{A, 0, OriginKind::Created}, 5}})) << model_name(m);
    }
    // and A's current 5 are X's
    BackwardOptions o = opts(Model::Fifo, A);
    o.stop_addresses = {X};
    EXPECT_EQ(origins(trace_backward(c.g, o)), (OriginMap{{{X, 0, OriginKind::Labelled}, 5}}));
}

TEST(Backward, SwapPayoutIsExplainedByThePaymentEvenWhenRecordedFirst) {
    Chain c;
    c.add(0, A, 100, 1, TransferKind::Token);  // A minted 100 of token 1
    c.add(0, DEX, 1000, 0, TransferKind::Genesis, true);
    c.next_block();
    c.add(DEX, A, 50, 0, TransferKind::Internal);            // payout first (a router's internal frame)
    c.add(A, DEX, 100, 1, TransferKind::Token, true);         // then the token payment log
    for (Model m : {Model::Haircut, Model::Fifo}) {
        BackwardOptions o = opts(m, A, AssetId{0});
        o.roles = {{DEX, Role::Converter}};
        BackwardResult r = trace_backward(c.g, o);
        EXPECT_EQ(origins(r), (OriginMap{{{A, 1, OriginKind::Created}, 100}})) << model_name(m);
        EXPECT_EQ(r.totals.at(0).converted_out, 50u);
        EXPECT_EQ(r.totals.at(1).converted_in, 100u);
        EXPECT_TRUE(r.totals.at(0).balanced());
        EXPECT_TRUE(r.totals.at(1).balanced());
    }
    // half of the ETH: half of the payment
    BackwardOptions o = opts(Model::Haircut, A, AssetId{0});
    o.targets[0].amount = U256(25);
    o.roles = {{DEX, Role::Converter}};
    EXPECT_EQ(origins(trace_backward(c.g, o)), (OriginMap{{{A, 1, OriginKind::Created}, 50}}));
    // a payout with no payment in the transaction: the converter is the origin
    Chain d;
    d.add(0, DEX, 10, 0, TransferKind::Genesis);
    d.next_block();
    d.add(DEX, A, 10, 0, TransferKind::Internal);
    BackwardOptions od = opts(Model::Haircut, A);
    od.roles = {{DEX, Role::Converter}};
    EXPECT_EQ(origins(trace_backward(d.g, od)), (OriginMap{{{DEX, 0, OriginKind::Converter}, 10}}));
}

TEST(Backward, WrapUnwrapRoundTrip) {
    constexpr AddressId WETH = 8;
    constexpr AssetId kWeth = 3;
    Chain c;
    c.add(0, X, 40, 0, TransferKind::Genesis);
    c.next_block();
    c.add(X, A, 40);
    c.add(A, WETH, 40, 0, TransferKind::Call);                   // wrap: ETH in,
    c.add(0, A, 40, kWeth, TransferKind::Wrap, true);             // WETH minted back
    c.add(A, 0, 40, kWeth, TransferKind::Unwrap);                 // unwrap: WETH burnt,
    c.add(WETH, A, 40, 0, TransferKind::Internal, true);          // ETH paid back
    c.add(A, B, 40);
    BackwardOptions o = opts(Model::Fifo, B);
    o.roles = {{WETH, Role::Converter}};
    o.stop_addresses = {X};
    BackwardResult r = trace_backward(c.g, o);
    EXPECT_EQ(origins(r), (OriginMap{{{X, 0, OriginKind::Labelled}, 40}}));
    EXPECT_EQ(r.totals.at(kWeth).converted_in, 40u);
    EXPECT_EQ(r.totals.at(kWeth).converted_out, 40u);
}

TEST(Backward, FeesHorizonLimitsAndThreshold) {
    Chain c;
    c.add(0, A, 10, 0, TransferKind::Genesis);
    c.add(0, X, 5, 0, TransferKind::Genesis, true);
    c.next_block();
    c.add(A, C, 3);
    c.add(A, MINER, 1, 0, TransferKind::Fee, true);  // fee earned by the miner
    c.next_block();                                  // block 2
    c.add(X, A, 5);
    c.next_block();                                  // block 3
    c.add(A, B, 6);
    // fees: the miner's balance came from fees paid by A
    EXPECT_EQ(origins(trace_backward(c.g, opts(Model::Haircut, MINER))), (OriginMap{{{MINER, 0, OriginKind::Fees}, 1}}));
    // --since 2: A's pot was 6 held + 5 from X; B's 6 = 6/11 of it: X floor(6·5/11) = 2, held by A 4
    BackwardOptions s = opts(Model::Haircut, B);
    s.since_block = 2;
    s.stop_addresses = {X};
    BackwardResult rs = trace_backward(c.g, s);
    EXPECT_EQ(origins(rs), (OriginMap{{{X, 0, OriginKind::Labelled}, 2}, {{A, 0, OriginKind::Horizon}, 4}}));
    EXPECT_TRUE(rs.totals.at(0).balanced());
    // --hops 1: A (hop 1) is followed, X (hop 2) is not
    BackwardOptions h = opts(Model::Haircut, B);
    h.max_hops = 1;
    BackwardResult rh = trace_backward(c.g, h);
    EXPECT_EQ(origins(rh), (OriginMap{{{X, 0, OriginKind::Frontier}, 2}, {{A, 0, OriginKind::Created}, 4}}));
    EXPECT_TRUE(rh.limits.hops);
    EXPECT_TRUE(rh.totals.at(0).balanced());
    h.max_hops = 0;
    EXPECT_EQ(origins(trace_backward(c.g, h)), (OriginMap{{{A, 0, OriginKind::Frontier}, 6}}));
    // --min-amount 3: X's share (2) is dropped, A's created part still found
    BackwardOptions m = opts(Model::Haircut, B);
    m.default_min_amount = 3;
    BackwardResult rm = trace_backward(c.g, m);
    EXPECT_EQ(origins(rm), (OriginMap{{{A, 0, OriginKind::Created}, 4}}));
    EXPECT_EQ(rm.totals.at(0).below_threshold, 2u);
    EXPECT_TRUE(rm.totals.at(0).balanced());
    // --until 1: B held nothing yet
    BackwardOptions u = opts(Model::Haircut, B);
    u.until_block = 1;
    EXPECT_TRUE(trace_backward(c.g, u).origins.empty());
    // an amount larger than the balance, and unsupported models, are errors
    BackwardOptions big = opts(Model::Haircut, B);
    big.targets[0].amount = U256(7);
    EXPECT_THROW(trace_backward(c.g, big), InputError);
    EXPECT_THROW(trace_backward(c.g, opts(Model::Lifo, B)), InputError);
}

// ---- properties ------------------------------------------------------------------------------

/// Random chains of plain transfers with valid balances: several per transaction, self-transfers,
/// fees, burns, a terminal that receives and pays out, two assets.
struct PlainChain {
    Chain c;
    AddressId n = 0, ex = 0;
    std::vector<TransferRef> candidates;  ///< plain transfers between two different plain addresses
};

PlainChain plain_chain(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto below = [&](std::uint64_t n) { return n ? rng() % n : 0; };
    PlainChain p;
    p.n = 3 + static_cast<AddressId>(below(6));
    p.ex = p.n + 1;
    const AddressId miner = p.n + 2;
    std::map<std::pair<AddressId, AssetId>, std::uint64_t> bal;
    auto emit = [&](AddressId f, AddressId t, AssetId s, std::uint64_t v, TransferKind k, bool same) {
        std::uint64_t id = p.c.add(f, t, v, s, k, same);
        if (f) bal[{f, s}] -= v;
        if (t) bal[{t, s}] += v;
        if (f && t && f != t && f <= p.n && t <= p.n && k != TransferKind::Fee) p.candidates.push_back(p.c.g.transfers()[id]);
    };
    for (AddressId a = 1; a <= p.n + 1; ++a) {
        emit(0, a, 0, 1 + below(1000), TransferKind::Genesis, a > 1);
        if (below(2)) emit(0, a, 1, 1 + below(500), TransferKind::Token, true);
    }
    const int txs = 10 + static_cast<int>(below(50));
    for (int i = 0; i < txs; ++i) {
        if (below(3) == 0) p.c.next_block();
        const int legs = 1 + static_cast<int>(below(3));
        for (int j = 0; j < legs; ++j) {
            AddressId f = 1 + static_cast<AddressId>(below(p.n));
            if (below(8) == 0) f = p.ex;  // the exchange pays out
            AssetId s = static_cast<AssetId>(below(2));
            std::uint64_t b = bal[{f, s}];
            if (b == 0) continue;
            std::uint64_t v = below(3) == 0 ? b : 1 + below(b);
            AddressId t = below(10) == 0 ? p.ex : below(12) == 0 ? 0 : below(10) == 0 ? f : 1 + static_cast<AddressId>(below(p.n));
            emit(f, t, s, v, s ? TransferKind::Token : TransferKind::Call, j > 0);
            if (s == 0 && f <= p.n && bal[{f, 0}] > 0 && below(3) == 0) emit(f, miner, 0, 1, TransferKind::Fee, true);
        }
    }
    return p;
}

TEST(BackwardProperty, FifoForwardThenBackwardReturnsToTheSource) {
    // Trace FIFO forward from one source transfer s; for every plain address X and asset, trace
    // X's whole final balance FIFO backward with s as a stop transfer: the part attributed to s
    // equals exactly what the forward trace leaves at rest at X (0 where it leaves nothing). And
    // all holdings together come back to s's amount minus what left the followed addresses.
    int checked = 0, whole = 0;
    for (std::uint64_t seed = 1; seed <= 400; ++seed) {
        PlainChain p = plain_chain(seed);
        if (p.candidates.empty()) continue;
        const TransferRef s = p.candidates[seed % p.candidates.size()];
        Options fo;
        fo.model = Model::Fifo;
        fo.builtin_converters = false;
        fo.roles = {{p.ex, Role::Terminal}};
        fo.source_transfers = {s};
        Result fwd = trace(p.c.g, fo);
        std::map<std::pair<AddressId, AssetId>, U256> rest;
        for (const auto& h : fwd.at_rest) rest[{h.address, h.asset}] += h.amount;
        BackwardOptions all;
        all.model = Model::Fifo;
        all.builtin_converters = false;
        all.roles = fo.roles;
        all.stop_transfers = {s.id};
        U256 rest_total = 0;
        for (AddressId x = 1; x <= p.n; ++x)
            for (AssetId a : {AssetId{0}, AssetId{1}}) {
                BackwardOptions bo = all;
                bo.targets = {{x, a, std::nullopt}};
                BackwardResult back = trace_backward(p.c.g, bo);
                U256 to_s = 0;
                for (const auto& o : back.origins)
                    if (o.kind == OriginKind::Source) {
                        ASSERT_EQ(o.address, s.from) << "seed " << seed;
                        to_s += o.amount;
                    }
                const U256 want = rest.contains({x, a}) ? rest[{x, a}] : U256(0);
                ASSERT_EQ(to_s, want) << "seed " << seed << " address " << x << " asset " << a;
                if (back.totals.contains(a)) {
                    ASSERT_TRUE(back.totals.at(a).balanced()) << "seed " << seed;
                    ASSERT_EQ(back.totals.at(a).unexplained, 0u) << "seed " << seed;
                }
                if (a == s.asset) rest_total += want;
                all.targets.push_back({x, a, std::nullopt});
                ++checked;
            }
        // every holding at once: the source amount comes back, less what left for fees, burns
        // and the terminal (which the backward trace stops at too)
        BackwardResult back = trace_backward(p.c.g, all);
        const AssetTotals& ft = fwd.totals.at(s.asset);
        const U256 back_sources = back.totals.contains(s.asset) ? back.totals.at(s.asset).sources : U256(0);
        ASSERT_EQ(back_sources, rest_total) << "seed " << seed;
        ASSERT_EQ(rest_total + ft.fees + ft.burnt + ft.terminals, U256(s.amount)) << "seed " << seed;
        if (ft.fees == 0 && ft.burnt == 0 && ft.terminals == 0) ++whole;
    }
    EXPECT_GT(checked, 3000);
    EXPECT_GT(whole, 50);  // many cases where the whole source amount returns
}

TEST(BackwardProperty, ConservationAndPoisonSupportOnRandomChains) {
    int checked = 0;
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        RandomChain c = random_chain(seed, 4 + static_cast<int>(seed % 7), 10 + static_cast<int>(seed % 40));
        std::mt19937_64 rng(seed * 31 + 7);
        BackwardOptions o;
        o.builtin_converters = false;
        o.roles = c.roles;
        o.targets.push_back({1 + static_cast<AddressId>(rng() % c.n_plain), std::nullopt, std::nullopt});
        if (rng() % 2) o.targets.push_back({1 + static_cast<AddressId>(rng() % c.n_plain), std::nullopt, std::nullopt});
        if (rng() % 3 == 0) o.max_hops = 1 + static_cast<std::uint32_t>(rng() % 3);
        if (rng() % 3 == 0) o.since_block = rng() % (c.blocks + 1);
        if (rng() % 3 == 0) o.until_block = o.since_block + rng() % (c.blocks + 1);
        if (rng() % 4 == 0) o.default_min_amount = rng() % 30;
        std::map<Model, OriginMap> by;
        for (Model m : {Model::Poison, Model::Haircut, Model::Fifo}) {
            o.model = m;
            BackwardResult r = trace_backward(c.g, o);
            by[m] = origins(r);
            if (m == Model::Poison) continue;
            for (const auto& [a, t] : r.totals) {
                ASSERT_TRUE(t.balanced()) << "seed " << seed << " " << model_name(m) << " asset " << a;
                ASSERT_EQ(t.unexplained, 0u) << "seed " << seed << " " << model_name(m);  // complete data, no overdrafts
                ++checked;
            }
            U256 listed = 0, sum = 0;
            for (const auto& x : r.origins) listed += x.amount;
            for (const auto& [a, t] : r.totals) sum += t.created + t.labelled + t.fees + t.converters + t.sources + t.horizon + t.frontier;
            ASSERT_EQ(listed, sum) << "seed " << seed;
        }
        // poison marks every earlier inflow: it reaches at least every origin haircut reaches (a hop
        // limit is applied where an address is first reached, which may differ between models)
        if (o.max_hops != std::numeric_limits<std::uint32_t>::max()) continue;
        for (const auto& [k, v] : by[Model::Haircut]) ASSERT_TRUE(by[Model::Poison].contains(k)) << "seed " << seed;
        for (const auto& [k, v] : by[Model::Fifo]) ASSERT_TRUE(by[Model::Poison].contains(k)) << "seed " << seed;
    }
    EXPECT_GT(checked, 300);
}

}  // namespace
}  // namespace chainward::trace::testing
