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
    int graphs = 0;
    for (std::uint64_t seed = 1; seed <= 1200; ++seed) {
        RandomChain c = random_chain(seed, 4 + static_cast<int>(seed % 9), 10 + static_cast<int>(seed % 50));
        for (Model m : kModels) {
            Options o = random_options(c, seed, m, seed % 3 != 0);
            o.read_chunk = 1 + seed % 4;  // address streams refilled many times
            Result r = trace(c.g, o);
            RefResult ref = reference_trace(c.g.transfers(), o);
            ASSERT_EQ(as_map(r.at_rest), ref.at_rest) << "at rest, seed " << seed << " model " << model_name(m);
            ASSERT_EQ(as_map(r.freeze_points), ref.freeze) << "terminals, seed " << seed << " model " << model_name(m);
            ASSERT_EQ(as_map(r.converted), ref.converted) << "converted, seed " << seed << " model " << model_name(m);
            ASSERT_EQ(as_map(r.frontier), ref.frontier) << "frontier, seed " << seed << " model " << model_name(m);
            for (const auto& [a, t] : ref.totals) {
                auto it = r.totals.find(a);
                AssetTotals z;
                const AssetTotals& x = it == r.totals.end() ? z : it->second;
                ASSERT_EQ(x.traced, t.traced) << "seed " << seed << " " << model_name(m) << " asset " << a;
                ASSERT_EQ(x.converted_in, t.converted_in) << "seed " << seed << " " << model_name(m);
                ASSERT_EQ(x.contaminated, t.contaminated) << "seed " << seed << " " << model_name(m);
                ASSERT_EQ(x.fees, t.fees) << "seed " << seed;
                ASSERT_EQ(x.burnt, t.burnt) << "seed " << seed;
                ASSERT_EQ(x.terminals, t.terminals) << "seed " << seed;
                ASSERT_EQ(x.below_threshold, t.below_threshold) << "seed " << seed;
                ASSERT_EQ(x.beyond_limits, t.beyond_limits) << "seed " << seed;
            }
        }
        ++graphs;
    }
    EXPECT_EQ(graphs, 1200);
}

}  // namespace
}  // namespace chainward::trace::testing
