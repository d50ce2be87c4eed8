// simulate: determinism, consistent balances of its own records, truth.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "../test_util.hpp"
#include "sim/sim.hpp"

using namespace chainward;
using namespace chainward::sim;
namespace fs = std::filesystem;

namespace {
using chainward::test::slurp;
std::map<std::string, std::string> tree(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = slurp(e.path());
    return out;
}
fs::path tmp(const std::string& name) {
    fs::path p = fs::path(CHAINWARD_BINARY_DIR) / "sim-test-out" / name;
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}
}  // namespace

TEST(Simulate, SameSeedSameBytesOtherSeedOtherBytes) {
    auto a = tmp("det-a"), b = tmp("det-b"), c = tmp("det-c");
    Options o;
    o.blocks_per_file = 50;
    o.out_dir = a.string();
    simulate(preset("tiny", 42), o);
    o.out_dir = b.string();
    simulate(preset("tiny", 42), o);
    o.out_dir = c.string();
    simulate(preset("tiny", 43), o);
    auto ta = tree(a), tb = tree(b), tc = tree(c);
    EXPECT_EQ(ta.size(), 4u + 5u);  // genesis, truth, labels, stats + 240 blocks / 50 per file
    EXPECT_TRUE(ta == tb);
    EXPECT_FALSE(ta.at("chain/blocks-000000001.jsonl") == tc.at("chain/blocks-000000001.jsonl"));
}

TEST(Simulate, OwnRecordsNeverMakeABalanceNegative) {
    auto dir = tmp("ingest");
    std::map<std::pair<std::uint32_t, std::uint32_t>, __int128> bal;
    std::uint64_t negative = 0, records = 0;
    Options o;
    o.out_dir = dir.string();
    o.on_record = [&](const Rec& r) {
        ++records;
        if (r.asset == kNft) return;
        if (r.from) {
            auto& b = bal[{r.from, r.asset}];
            b -= static_cast<__int128>(r.amount);
            if (b < 0) ++negative;
        }
        if (r.to) bal[{r.to, r.asset}] += static_cast<__int128>(r.amount);
    };
    Stats st = simulate(preset("tiny", 5), o);
    EXPECT_GT(records, 5000u);
    EXPECT_EQ(negative, 0u);
    EXPECT_GT(st.failed_txs, 0u);

    // the store built by `chainward ingest` from this output is checked balance by balance in
    // ingest_test.cpp
}

TEST(Simulate, TruthHasTheHeistTypologiesAndFreezePoints) {
    auto dir = tmp("truth");
    Options o;
    o.out_dir = dir.string();
    Stats st = simulate(preset("tiny", 9), o);
    simdjson::dom::parser p;
    auto truth = p.load((dir / "truth.json").string());
    auto h = truth["heists"].at(0);
    EXPECT_EQ(std::string_view(h["kind"]), "safe-drain");
    EXPECT_EQ(std::string_view(h["stolen"]["ETH"]), "4000000000000000000000");
    EXPECT_EQ(std::string_view(h["stolen"]["sLST"]), "900000000000000000000");
    std::map<std::string, int> typ;
    for (auto t : h["laundering_transfers"].get_array()) typ[std::string(std::string_view(t["typology"]))]++;
    EXPECT_EQ(typ["fan-out"], 8);
    EXPECT_GT(typ["swap"], 0);
    EXPECT_GT(typ["pass-through"], 0);
    std::size_t fps = 0;
    for (auto f : h["freeze_points"].get_array()) {
        ++fps;
        const std::string cat{std::string_view(f["category"])};
        EXPECT_THAT(cat, ::testing::AnyOf("exchange", "exchange_deposit", "mixer", "bridge"));
        // haircut never exceeds poison
        EXPECT_LE(std::string_view(f["haircut"]).size(), std::string_view(f["poison"]).size());
    }
    EXPECT_GT(fps, 0u);
    const std::string labels = slurp(dir / "labels.csv");
    EXPECT_EQ(labels.rfind("address,entity,category\n", 0), 0u);
    EXPECT_NE(labels.find(",heist_attacker\n"), std::string::npos);
    EXPECT_GT(st.by_typology.at("heist-source"), 0u);
}
