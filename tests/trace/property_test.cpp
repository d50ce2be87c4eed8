// Properties on random chains, and a differential test against the reference tracer
// (tests/trace/ref_tracer.hpp) on thousands of small random graphs.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "random_graph.hpp"
#include "ref_tracer.hpp"

namespace chainward::trace::testing {
namespace {

constexpr Model kModels[] = {Model::Poison, Model::Haircut, Model::Fifo, Model::Lifo, Model::Tiho};

/// Random sources: the transfers of one or two random transactions, or an address from a block.
Options random_options(const RandomChain& c, std::uint64_t seed, Model m, bool limits) {
    std::mt19937_64 rng(seed * 7919 + 1);
    Options o;
    o.model = m;
    o.roles = c.roles;
    o.builtin_converters = false;
    if (rng() % 4 == 0) {
        o.source_addresses.push_back({1 + static_cast<AddressId>(rng() % c.n_plain), 1 + rng() % (c.blocks + 1)});
    } else {
        std::set<std::size_t> picks{1 + rng() % (c.txs.size() - 1)};
        if (rng() % 3 == 0) picks.insert(1 + rng() % (c.txs.size() - 1));
        for (auto i : picks)
            for (const auto& t : c.txs[i]) o.source_transfers.push_back(t);
        std::sort(o.source_transfers.begin(), o.source_transfers.end(), [](const TransferRef& a, const TransferRef& b) { return a.id < b.id; });
    }
    if (limits) {
        if (rng() % 2) o.max_hops = 1 + static_cast<std::uint32_t>(rng() % 4);
        if (rng() % 2) o.default_min_amount = rng() % 40;
        if (rng() % 3 == 0) o.until_block = 1 + rng() % (c.blocks + 1);
        if (rng() % 4 == 0) o.through_terminals = true;
        for (auto& a : o.source_addresses)
            if (o.until_block && a.since_block > *o.until_block) a.since_block = *o.until_block;
    }
    return o;
}

std::map<std::pair<AddressId, AssetId>, U256> as_map(const std::vector<Holding>& v) {
    std::map<std::pair<AddressId, AssetId>, U256> m;
    for (const auto& h : v) m[{h.address, h.asset}] += h.amount;
    return m;
}

TEST(TraceProperty, ConservationHoldsExactlyForEveryModel) {
    int checked = 0;
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        RandomChain c = random_chain(seed);
        for (Model m : kModels) {
            Options o = random_options(c, seed, m, seed % 2 == 0);
            Result r = trace(c.g, o);
            for (const auto& [a, t] : r.totals) {
                ASSERT_EQ(t.inflow(), t.outflow()) << "seed " << seed << " model " << model_name(m) << " asset " << a;
                ASSERT_EQ(t.shortfall, 0u) << "seed " << seed;
                ++checked;
            }
            // the tables add up to the totals
            std::map<AssetId, U256> rest, term;
            for (const auto& h : r.at_rest) rest[h.asset] += h.amount;
            for (const auto& h : r.freeze_points) term[h.asset] += h.amount;
            for (const auto& [a, t] : r.totals) {
                ASSERT_EQ(rest[a], t.at_rest);
                if (!o.through_terminals) {
                    ASSERT_EQ(term[a], t.terminals);
                }
            }
            if (m != Model::Poison) {
                for (const auto& [a, t] : r.totals) ASSERT_EQ(t.contaminated, 0u);
            }
        }
    }
    EXPECT_GT(checked, 1000);
}

TEST(TraceProperty, PoisonSupportContainsHaircutSupport) {
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        RandomChain c = random_chain(seed);
        Options h = random_options(c, seed, Model::Haircut, false);
        Options p = h;
        p.model = Model::Poison;
        Result rh = trace(c.g, h), rp = trace(c.g, p);
        auto ph = as_map(rp.at_rest), pf = as_map(rp.freeze_points);
        for (const auto& x : rh.at_rest) ASSERT_TRUE(ph.contains({x.address, x.asset})) << "seed " << seed << " address " << x.address;
        for (const auto& x : rh.freeze_points) ASSERT_TRUE(pf.contains({x.address, x.asset})) << "seed " << seed;
        // and poison never holds less than haircut where both hold
        for (const auto& x : rh.at_rest) ASSERT_GE((ph[{x.address, x.asset}]), x.amount) << "seed " << seed;
    }
}

TEST(TraceDifferential, MatchesTheReferenceTracerOnRandomGraphs) {
    // Every field of every asset's totals and every table, on small graphs and (a third of them)
    // on amounts from 2^64 up to 2^252 with, half the time, a fake token minted twice near 2^255.
    int graphs = 0, big = 0, aside = 0;
    for (std::uint64_t seed = 1; seed <= 1200; ++seed) {
        const bool huge = seed % 3 == 1;
        RandomChain c = random_chain(seed, 4 + static_cast<int>(seed % 9), 10 + static_cast<int>(seed % 50), huge);
        big += huge;
        for (Model m : kModels) {
            Options o = random_options(c, seed, m, seed % 3 != 0);
            if (huge && o.default_min_amount > 0) o.default_min_amount <<= 100;
            o.read_chunk = 1 + seed % 4;  // address streams refilled many times
            Result r = trace(c.g, o);
            RefResult ref = reference_trace(c.g.transfers(), o);
            const std::string where = "seed " + std::to_string(seed) + " model " + model_name(m);
            ASSERT_EQ(std::set<AssetId>(r.set_aside.begin(), r.set_aside.end()), ref.set_aside) << "set aside, " << where;
            aside += !ref.set_aside.empty();
            ASSERT_EQ(as_map(r.at_rest), ref.at_rest) << "at rest, " << where;
            for (const auto& h : r.at_rest)
                ASSERT_EQ(std::make_pair(h.hop, h.arrivals), ref.rest_hop_arrivals.at({h.address, h.asset}))
                    << "hop and arrivals of " << h.address << ", " << where;
            ASSERT_EQ(as_map(r.freeze_points), ref.freeze) << "terminals, " << where;
            ASSERT_EQ(as_map(r.converted), ref.converted) << "converted, " << where;
            ASSERT_EQ(as_map(r.frontier), ref.frontier) << "frontier, " << where;
            std::set<AssetId> assets;
            for (const auto& [a, t] : ref.totals) assets.insert(a);
            for (const auto& [a, t] : r.totals) assets.insert(a);
            for (AssetId a : assets) {
                const AssetTotals z;
                const AssetTotals& x = r.totals.contains(a) ? r.totals.at(a) : z;
                const AssetTotals& y = ref.totals.contains(a) ? ref.totals.at(a) : z;
                const std::string w = where + " asset " + std::to_string(a);
                ASSERT_EQ(x.traced, y.traced) << w;
                ASSERT_EQ(x.converted_in, y.converted_in) << w;
                ASSERT_EQ(x.contaminated, y.contaminated) << w;
                ASSERT_EQ(x.at_rest, y.at_rest) << w;
                ASSERT_EQ(x.fees, y.fees) << w;
                ASSERT_EQ(x.burnt, y.burnt) << w;
                ASSERT_EQ(x.terminals, y.terminals) << w;
                ASSERT_EQ(x.converted_out, y.converted_out) << w;
                ASSERT_EQ(x.below_threshold, y.below_threshold) << w;
                ASSERT_EQ(x.beyond_limits, y.beyond_limits) << w;
                ASSERT_EQ(x.shortfall, y.shortfall) << w;
                ASSERT_TRUE(x.balanced()) << w;
            }
        }
        ++graphs;
    }
    EXPECT_EQ(graphs, 1200);
    EXPECT_EQ(big, 400);
    EXPECT_GT(aside, 10);  // the fake token's sums pass 2^256 - 1 in part of the big graphs
}

}  // namespace
}  // namespace chainward::trace::testing
