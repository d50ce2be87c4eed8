// Exposure on random chains: the engine's rows equal the independent computation of expected.hpp
// (reference tracer per source) exactly; incremental maintenance (blocks and label changes in any
// order, saved and reloaded on the way) equals a rebuild; the rows file reads back what the
// engine holds.
#include <gtest/gtest.h>

#include <random>

#include "../test_util.hpp"
#include "../trace/random_graph.hpp"
#include "expected.hpp"
#include "risk/risk.hpp"
#include "trace/trace.hpp"

namespace {

using namespace chainward;
using namespace chainward::risk;
using chainward::risk::testing::Expected;
using chainward::trace::testing::random_chain;
using chainward::trace::testing::RandomChain;

/// The memory graph as a Chain that shows only its first *limit transfers.
Chain memory_chain(const trace::MemoryGraph& g, const std::uint64_t* limit) {
    Chain c;
    c.graph = &g;
    c.scan = [&g, limit](std::uint64_t from, const std::function<bool(const TransferRef&)>& f) {
        const auto& v = g.transfers();
        for (std::uint64_t i = from; i < v.size() && i < *limit; ++i)
            if (!f(v[i])) return;
    };
    return c;
}

/// The role-bearing labels of the random chain (its converters and terminals).
std::vector<LabelFact> role_labels(const RandomChain& c) {
    std::vector<LabelFact> out;
    const AddressId n = c.n_plain;
    const std::pair<AddressId, const char*> k[] = {{n + 1, "dex"},
                                                   {n + 2, "token"},
                                                   {n + 3, "nft_marketplace"},
                                                   {n + 4, "exchange"},
                                                   {n + 5, "mixer"}};
    for (auto [id, cat] : k)
        out.push_back(
            LabelFact{c.g.address(id), cat, std::string(cat) + " entity", "test", 0, kOpenEnd});
    return out;
}

const char* kCats[] = {"sanctioned", "heist_attacker", "scam", "ransomware"};

LabelFact random_source(std::mt19937_64& rng, const RandomChain& c) {
    LabelFact f;
    f.address = c.g.address(1 + static_cast<AddressId>(rng() % c.n_plain));
    f.category = kCats[rng() % 4];
    f.entity = "entity " + std::to_string(rng() % 3);
    f.source = "test";
    f.from_block = rng() % 2 ? 0 : rng() % (c.blocks + 1);
    f.to_block = rng() % 3 ? kOpenEnd : f.from_block + 1 + rng() % (c.blocks + 1);
    return f;
}

Expected engine_rows(const auto& screen_of, const RandomChain& c) {
    std::map<std::string, AssetId> asset_ids;
    for (AssetId a = 0; a < 16; ++a)
        asset_ids[c.g.asset(a).contract.hex() + to_decimal(c.g.asset(a).token_id) +
                  std::to_string(int(c.g.asset(a).type))] = a;
    Expected m;
    for (AddressId id = 1; id <= c.n_plain + 6; ++id)
        risk::testing::add_rows(m, id, screen_of(c.g.address(id)).exposure, [&](const AssetKey& k) {
            return asset_ids.at(k.contract.hex() + to_decimal(k.token_id) +
                                std::to_string(int(k.type)));
        });
    return m;
}

std::vector<TransferRef> prefix(const RandomChain& c, std::uint64_t limit) {
    const auto& v = c.g.transfers();
    return {v.begin(),
            v.begin() + static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(limit, v.size()))};
}

Expected reference(const RandomChain& c, const std::vector<LabelFact>& facts, std::uint32_t hops,
                   std::uint64_t limit, const std::map<AssetId, U256>& min_amount = {}) {
    // roles from the labels (a label may make a plain address a terminal): the tracer's mapping
    auto roles = c.roles;
    for (const auto& f : facts) {
        auto r = trace::role_of_category(f.category);
        auto id = c.g.find_address(f.address);
        if (r == trace::Role::Plain || !id) continue;
        auto [it, fresh] = roles.try_emplace(*id, r);
        if (!fresh && r == trace::Role::Terminal) it->second = r;
    }
    return risk::testing::expected_exposure(
        prefix(c, limit), roles, facts, [&](const Address& a) { return c.g.find_address(a); },
        hops, min_amount);
}

/// Transfer positions at which a transaction starts (valid places to cut the chain).
std::vector<std::uint64_t> tx_starts(const RandomChain& c) {
    std::vector<std::uint64_t> out;
    const auto& v = c.g.transfers();
    for (std::uint64_t i = 1; i < v.size(); ++i)
        if (v[i].block != v[i - 1].block || v[i].tx_index != v[i - 1].tx_index) out.push_back(i);
    return out;
}

/// The keys on which two row sets differ.
std::string diff(const Expected& a, const Expected& b) {
    Expected only_a, only_b;
    for (const auto& [k, v] : a)
        if (auto it = b.find(k); it == b.end() || it->second != v) only_a[k] = v;
    for (const auto& [k, v] : b)
        if (auto it = a.find(k); it == a.end() || it->second != v) only_b[k] = v;
    std::string describe(const Expected& m);
    return "first:\n" + describe(only_a) + "second:\n" + describe(only_b);
}

std::string describe(const Expected& m) {
    std::string s;
    for (const auto& [k, v] : m)
        s += "  addr " + std::to_string(std::get<0>(k)) + " " + std::get<1>(k) +
             (std::get<2>(k) ? " sent " : " received ") + (std::get<3>(k) ? "indirect" : "direct") +
             " asset " + std::to_string(std::get<4>(k)) + " = " + to_decimal(v) + "\n";
    return s;
}

TEST(Exposure, RandomChainsMatchTheReferenceTracer) {
    std::size_t indirect_rows = 0, direct_rows = 0;
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
        RandomChain c = random_chain(seed, 8, 60);
        std::mt19937_64 rng(seed * 7919);
        auto facts = role_labels(c);
        for (int i = 0, n = 1 + static_cast<int>(rng() % 3); i < n; ++i)
            facts.push_back(random_source(rng, c));
        const std::uint32_t hops = static_cast<std::uint32_t>(rng() % 5);
        std::uint64_t limit = ~0ull;
        Options opt{hops, {}};
        if (rng() % 3 == 0) opt.min_amount[rng() % 2 ? 0 : 1] = 1 + rng() % 40;  // sometimes a dust threshold
        Engine e(memory_chain(c.g, &limit), opt);
        e.set_labels(facts);
        e.advance();
        Expected want = reference(c, facts, hops, limit, opt.min_amount);
        Expected got = engine_rows([&](const Address& a) { return e.screen(a); }, c);
        ASSERT_EQ(got, want) << "seed " << seed << "\nwant:\n"
                             << describe(want) << "got:\n"
                             << describe(got);
        for (const auto& [k, v] : want) (std::get<3>(k) ? indirect_rows : direct_rows)++;
    }
    EXPECT_GT(indirect_rows, 500u);  // the comparison is not vacuous
    EXPECT_GT(direct_rows, 500u);
}

TEST(Exposure, IncrementalEqualsRebuild) {
    std::size_t label_changes = 0, reloads = 0, rebuilds = 0;
    for (std::uint64_t seed = 1; seed <= 200; ++seed) {
        RandomChain c = random_chain(seed, 8, 60);
        std::mt19937_64 rng(seed * 104729);
        const std::uint32_t hops = 1 + static_cast<std::uint32_t>(rng() % 4);
        auto starts = tx_starts(c);
        std::uint64_t limit = 0;
        auto chain = memory_chain(c.g, &limit);
        auto e = std::make_unique<Engine>(chain, Options{hops, {}});
        auto facts = role_labels(c);
        facts.push_back(random_source(rng, c));
        chainward::test::TempDir dir("cw-exposure");
        while (limit < c.g.transfers().size()) {
            // some blocks arrive
            auto next = std::upper_bound(starts.begin(), starts.end(), limit + rng() % 12);
            limit = next == starts.end() ? c.g.transfers().size() : *next;
            e->advance();
            // a label change: add, remove, end, re-categorise; rarely a role change
            switch (rng() % 6) {
                case 0:
                    facts.push_back(random_source(rng, c));
                    break;
                case 1:
                    if (facts.size() > 5)
                        facts.erase(facts.begin() + 5 +
                                    static_cast<std::ptrdiff_t>(rng() % (facts.size() - 5)));
                    break;
                case 2:
                    if (facts.size() > 5)
                        facts.back().to_block =
                            facts.back().from_block + 1 + rng() % (c.blocks + 1);
                    break;
                case 3:
                    if (facts.size() > 5) facts.back().category = kCats[rng() % 4];
                    break;
                case 4:
                    if (rng() % 4 == 0) {
                        facts.push_back(
                            LabelFact{c.g.address(1 + static_cast<AddressId>(rng() % c.n_plain)),
                                      "exchange_deposit", "ex", "test", 0, kOpenEnd});
                        ++rebuilds;
                    }
                    break;
                default:
                    break;
            }
            e->set_labels(facts);
            ++label_changes;
            if (rng() % 3 == 0) {  // persisted and reloaded between updates
                e->save(dir.p);
                e = Engine::load(chain, dir.p);
                ASSERT_TRUE(e);
                ++reloads;
            }
        }
        e->advance();
        Engine fresh(chain, Options{hops, {}});
        fresh.set_labels(facts);
        fresh.advance();
        Expected inc = engine_rows([&](const Address& a) { return e->screen(a); }, c);
        Expected full = engine_rows([&](const Address& a) { return fresh.screen(a); }, c);
        ASSERT_TRUE(inc == full) << "seed " << seed << "\n" << diff(inc, full);
        const Expected want = reference(c, facts, hops, limit);
        ASSERT_TRUE(inc == want) << "seed " << seed << "\n" << diff(inc, want);
        e->rebuild();
        ASSERT_EQ(engine_rows([&](const Address& a) { return e->screen(a); }, c), full)
            << "seed " << seed;
        // totals (share denominators) agree too
        for (AddressId id = 1; id <= c.n_plain + 6; ++id) {
            auto x = fresh.screen(c.g.address(id)).exposure;
            auto y = e->screen(c.g.address(id)).exposure;
            ASSERT_EQ(x.size(), y.size());
            for (std::size_t i = 0; i < x.size(); ++i)
                EXPECT_EQ(x[i].total, y[i].total) << "seed " << seed;
        }
    }
    EXPECT_GT(label_changes, 400u);
    EXPECT_GT(reloads, 100u);
    EXPECT_GT(rebuilds, 5u);
}

TEST(Exposure, RowsFileReadsBackTheEngine) {
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        RandomChain c = random_chain(seed, 8, 60);
        std::mt19937_64 rng(seed);
        auto facts = role_labels(c);
        facts.push_back(random_source(rng, c));
        facts.push_back(random_source(rng, c));
        std::uint64_t limit = ~0ull;
        Engine e(memory_chain(c.g, &limit), Options{4, {}});
        e.set_labels(facts);
        e.advance();
        chainward::test::TempDir dir("cw-exposure-rows");
        e.save(dir.p);
        auto ix = Index::open(dir.p);
        ASSERT_TRUE(ix);
        EXPECT_EQ(ix->hops(), 4u);
        for (AddressId id = 1; id <= c.n_plain + 6; ++id) {
            auto a = e.screen(c.g.address(id));
            auto b = ix->screen(c.g.address(id));
            ASSERT_EQ(a.exposure.size(), b.exposure.size()) << "seed " << seed << " address " << id;
            for (std::size_t i = 0; i < a.exposure.size(); ++i) {
                const auto &x = a.exposure[i], &y = b.exposure[i];
                EXPECT_EQ(x.category, y.category);
                EXPECT_EQ(x.direction, y.direction);
                EXPECT_EQ(x.kind, y.kind);
                EXPECT_EQ(x.asset, y.asset);
                EXPECT_EQ(x.amount, y.amount);
                EXPECT_EQ(x.total, y.total);
                EXPECT_EQ(x.hops, y.hops);
                ASSERT_EQ(x.path.size(), y.path.size());
                for (std::size_t k = 0; k < x.path.size(); ++k) {
                    EXPECT_EQ(x.path[k].from, y.path[k].from);
                    EXPECT_EQ(x.path[k].tx, y.path[k].tx);
                }
                EXPECT_LE(y.share(), 1.0);
            }
            EXPECT_EQ(a.labels.size(), b.labels.size());
            EXPECT_EQ(a.risk.level, b.risk.level);
        }
        EXPECT_FALSE(
            ix->screen(parse_address("0x00000000000000000000000000000000000000aa")).risk.level !=
            Level::None);
    }
}

TEST(Exposure, RiskLevels) {
    auto row = [](const char* cat, Kind k, std::uint64_t amount, std::uint64_t total) {
        ExposureRow r;
        r.category = cat;
        r.kind = k;
        r.amount = amount;
        r.total = total;
        return r;
    };
    EXPECT_EQ(assess({}, {}).level, Level::None);
    EXPECT_EQ(assess({}, {row("exchange", Kind::Direct, 5, 10)}).level, Level::None);
    EXPECT_EQ(assess({LabelView{"sanctioned", "Tornado Cash", "ofac"}}, {}).level, Level::Severe);
    EXPECT_EQ(assess({}, {row("sanctioned", Kind::Direct, 1, 1000)}).level, Level::Severe);
    EXPECT_EQ(assess({}, {row("heist_attacker", Kind::Direct, 1, 1000)}).level, Level::High);
    EXPECT_EQ(assess({}, {row("sanctioned", Kind::Indirect, 200, 1000)}).level, Level::High);
    EXPECT_EQ(assess({}, {row("sanctioned", Kind::Indirect, 20, 1000)}).level, Level::Medium);
    EXPECT_EQ(assess({}, {row("sanctioned", Kind::Indirect, 2, 1000)}).level, Level::Low);
    EXPECT_EQ(assess({}, {row("mixer", Kind::Direct, 2, 1000)}).level, Level::Medium);
    auto a =
        assess({}, {row("mixer", Kind::Indirect, 2, 1000), row("sanctioned", Kind::Direct, 1, 1)});
    EXPECT_EQ(a.level, Level::Severe);
    ASSERT_EQ(a.reasons.size(), 2u);
    EXPECT_TRUE(a.reasons[0].starts_with("severe")) << a.reasons[0];
}

}  // namespace
