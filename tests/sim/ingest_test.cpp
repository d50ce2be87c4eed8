// The simulator's output through `chainward ingest`: both formats (node JSON-RPC and
// blockchain-etl CSV) ingest to the same store, and every balance the store implies equals the
// balance the simulator holds at the end, for every address and asset, exactly.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "../test_util.hpp"
#include "sim/sim.hpp"
#include "store/store.hpp"

using namespace chainward;
using namespace chainward::sim;
namespace fs = std::filesystem;

namespace {
using chainward::test::slurp;
std::string first_line(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::string l;
    std::getline(f, l);
    return l;
}
fs::path tmp(const std::string& name) {
    fs::path p = fs::path(CHAINWARD_BINARY_DIR) / "sim-test-out" / name;
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
}
const std::string kCw = std::string(CHAINWARD_BINARY_DIR) + "/chainward";

void ingest(const fs::path& dir, const std::string& source_args) {
    const std::string cmd = kCw + " ingest --data-dir " + (dir / "store").string() + " --chain-id 1337 --genesis " +
                            (dir / "genesis.json").string() + " " + source_args + " > " + (dir / "ingest.log").string() + " 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(dir / "ingest.log");
}
std::string content_hash(const fs::path& dir) {
    const std::string out = (dir / "stats.out").string();
    const std::string cmd = kCw + " stats --data-dir " + (dir / "store").string() + " --json --hash > " + out + " 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << slurp(out);
    simdjson::dom::parser p;
    auto j = p.parse(slurp(out));
    std::string_view h;
    EXPECT_EQ(j["content_hash"].get(h), simdjson::SUCCESS) << slurp(out);
    return std::string(h);
}

using Key = std::pair<std::string, std::string>;  // (holder, asset) as text
std::string asset_text(const AssetKey& a) {
    if (a.type == AssetType::Native) return "native";
    return a.contract.hex() + "/" + std::to_string(static_cast<int>(a.type)) + "/" + a.token_id.str();
}
std::string dec(u128 v) {
    std::string s;
    do {
        s.insert(s.begin(), static_cast<char>('0' + static_cast<unsigned>(v % 10)));
        v /= 10;
    } while (v);
    return s;
}

/// Balances implied by the store: sum of incoming minus outgoing per (address, asset), all
/// transfers (genesis, fees and burns included), zero balances dropped.
std::map<Key, std::string> store_balances(const fs::path& store_dir) {
    auto st = store::TransferStore::open(store_dir, store::TransferStore::Mode::ReadOnly);
    std::map<std::pair<store::AddressId, store::AssetId>, I512> sum;
    st->scan([&](const store::TransferRef& r) {
        if (r.from != store::kNoAddress) sum[{r.from, r.asset}] -= I512(r.amount);
        if (r.to != store::kNoAddress) sum[{r.to, r.asset}] += I512(r.amount);
        return true;
    });
    std::map<Key, std::string> out;
    for (const auto& [k, v] : sum) {
        const Address a = st->address(k.first);
        if (v == 0 || a == Address{}) continue;  // the zero address is the mint/burn side
        out[{a.hex(), asset_text(st->asset(k.second))}] = v.str();
    }
    return out;
}

/// Runs the preset in one format, recording the simulator's final holdings.
std::map<Key, std::string> simulate_into(const fs::path& dir, Format f, std::uint64_t seed, Layout layout = Layout::Lines) {
    std::map<Key, std::string> held;
    Options o;
    o.out_dir = dir.string();
    o.format = f;
    o.layout = layout;
    o.on_holding = [&](const Address& holder, const AssetKey& asset, u128 amount) {
        if (amount > 0) held[{holder.hex(), asset_text(asset)}] = dec(amount);
    };
    simulate(preset("tiny", seed), o);
    return held;
}
}  // namespace

TEST(SimulateIngest, EveryBalanceEqualsTheSimulatorsAndBothFormatsGiveTheSameStore) {
    auto rpc = tmp("ingest-rpc"), etl = tmp("ingest-etl");
    const auto held = simulate_into(rpc, Format::Rpc, 5);
    const auto held_etl = simulate_into(etl, Format::Etl, 5);
    EXPECT_TRUE(held == held_etl);  // the format does not change the chain
    ASSERT_GT(held.size(), 400u);

    ingest(rpc, (rpc / "chain").string());
    ingest(etl, "--etl " + (etl / "chain").string());
    EXPECT_EQ(content_hash(rpc), content_hash(etl));

    for (const auto& dir : {rpc, etl}) {
        const auto got = store_balances(dir / "store");
        std::size_t differ = 0;
        for (const auto& [k, v] : held) {
            auto it = got.find(k);
            const std::string g = it == got.end() ? "0" : it->second;
            if (g != v && ++differ <= 10) ADD_FAILURE() << dir << ": " << k.first << " " << k.second << ": store " << g << ", simulator " << v;
        }
        for (const auto& [k, v] : got)
            if (!held.count(k) && ++differ <= 10) ADD_FAILURE() << dir << ": " << k.first << " " << k.second << ": store " << v << ", simulator 0";
        EXPECT_EQ(differ, 0u) << dir;
        EXPECT_EQ(got.size(), held.size());
    }
}

TEST(SimulateIngest, OneResponsePerFileGivesTheSameStoreAsJsonLines) {
    auto lines = tmp("layout-lines"), per = tmp("layout-per-response");
    const auto held = simulate_into(lines, Format::Rpc, 7);
    EXPECT_TRUE(simulate_into(per, Format::Rpc, 7, Layout::PerResponse) == held);
    // block-000001.block.json, .receipts.json, .traces.json, ... as a curl loop writes them
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(per / "chain")) files += e.path().extension() == ".json";
    EXPECT_EQ(files, 3 * 240u);
    EXPECT_TRUE(fs::is_regular_file(per / "chain" / "block-000001.traces.json"));
    ingest(lines, (lines / "chain").string());
    ingest(per, (per / "chain").string());
    EXPECT_EQ(content_hash(lines), content_hash(per));
    EXPECT_EQ(slurp(per / "ingest.log").find("no traces"), std::string::npos) << slurp(per / "ingest.log");
}

TEST(SimulateIngest, EtlTablesHaveTheFixturesHeadersAndPartitions) {
    auto dir = tmp("etl-headers");
    Options o;
    o.out_dir = dir.string();
    o.format = Format::Etl;
    o.blocks_per_file = 100;
    simulate(preset("tiny", 3), o);
    const fs::path fx = fs::path(CHAINWARD_SHARED_DATA) / "ethereum-etl-tests";
    const std::map<std::string, fs::path> fixture = {
        {"blocks", fx / "test_export_blocks_job/blocks_with_transactions_and_withdrawals/expected_blocks.csv"},
        {"transactions", fx / "test_export_blocks_job/blocks_with_transactions_and_withdrawals/expected_transactions.csv"},
        {"receipts", fx / "test_export_receipts_job/receipts_with_logs/expected_receipts.csv"},
        {"logs", fx / "test_export_receipts_job/receipts_with_logs/expected_logs.csv"},
        {"token_transfers", fx / "test_export_token_transfers_job/block_with_transfers/expected_token_transfers.csv"},
        {"traces", fx / "test_export_traces_job/block_with_subtraces/expected_traces.csv"},
    };
    for (const auto& [table, path] : fixture) {
        // 240 blocks in parts of 100: 1-100, 101-200, 201-240
        for (auto [s, e] : {std::pair{"00000001", "00000100"}, {"00000101", "00000200"}, {"00000201", "00000240"}}) {
            const fs::path p = dir / "chain" / table / (std::string("start_block=") + s) / (std::string("end_block=") + e) /
                               (table + "_" + s + "_" + e + ".csv");
            ASSERT_TRUE(fs::is_regular_file(p)) << p;
            EXPECT_EQ(first_line(p), first_line(path)) << table;
        }
    }
    std::string traces;
    for (auto& e : fs::recursive_directory_iterator(dir / "chain" / "traces")) traces += slurp(e.path());
    EXPECT_NE(traces.find(",suicide,"), std::string::npos);
    EXPECT_NE(traces.find(",Reverted,0,"), std::string::npos);
    EXPECT_NE(traces.find(",\"0,0\","), std::string::npos);  // a nested frame's trace_address is quoted
}
