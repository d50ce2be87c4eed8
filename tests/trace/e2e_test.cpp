// End to end: simulate a preset, ingest it, run `chainward trace --json` from the heist's source
// transactions and compare the freeze points with the simulator's ground truth (src/sim/reference.cpp,
// an independent implementation of the same rules): addresses exactly, amounts exactly.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;
const std::string kBin = std::string(CHAINWARD_BINARY_DIR) + "/chainward";

std::string run(const std::string& cmd) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[65536];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    EXPECT_EQ(pclose(p), 0) << cmd;
    return out;
}

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return r;
}

using Key = std::tuple<std::string, std::string, std::string>;  // address, asset, token id

void check_preset(const std::string& preset, std::uint64_t seed) {
    fs::path dir = fs::temp_directory_path() / ("cw-trace-e2e-" + preset + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    run(kBin + " simulate --preset " + preset + " --seed " + std::to_string(seed) + " --out " + (dir / "sim").string() + " > /dev/null");
    run(kBin + " ingest --data-dir " + (dir / "data").string() + " --genesis " + (dir / "sim/genesis.json").string() + " " +
        (dir / "sim/chain").string() + " > /dev/null");
    simdjson::dom::parser tp;
    simdjson::dom::element truth = tp.load((dir / "sim/truth.json").string());
    int heists = 0;
    for (simdjson::dom::element h : truth["heists"].get_array()) {
        std::set<std::string> txs;
        for (auto s : h["source_transfers"].get_array()) txs.insert(std::string(s["tx_hash"].get_string().value()));
        ASSERT_FALSE(txs.empty());
        for (const char* model : {"poison", "haircut"}) {
            std::map<Key, std::string> want;
            for (auto f : h["freeze_points"].get_array()) {
                std::string amount(f[model].get_string().value());
                if (amount == "0") continue;
                std::string asset = lower(f["asset"].get_string().value());
                if (asset == "eth") asset = "native";
                std::string_view tid;
                if (f["token_id"].get(tid) != simdjson::SUCCESS) tid = "";
                want[{lower(f["address"].get_string().value()), asset, std::string(tid)}] = amount;
            }
            std::string cmd = kBin + " trace --json --data-dir " + (dir / "data").string() + " --labels " + (dir / "sim/labels.csv").string() +
                              " --model " + model;
            for (const auto& t : txs) cmd += " --tx " + t;
            std::string out = run(cmd);
            simdjson::dom::parser rp;
            simdjson::dom::element r = rp.parse(out);
            std::map<Key, std::string> got;
            std::size_t exits_named = 0;
            for (auto f : r["freeze_points"].get_array()) {
                // Deposits into the THORChain-like router name their destination in the memo.
                simdjson::dom::object exit;
                if (f["exit"].get(exit) == simdjson::SUCCESS) {
                    EXPECT_EQ(std::string_view(exit["chain"]), "BTC");
                    EXPECT_EQ(std::string_view(exit["address"]).substr(0, 4), "bc1q");
                    EXPECT_EQ(std::string_view(f["entity"]), "THORChain-like Router");
                    ++exits_named;
                } else {
                    EXPECT_NE(std::string_view(f["entity"]), "THORChain-like Router") << "router freeze point without its exit";
                }
                std::string_view tid;
                if (f["token_id"].get(tid) != simdjson::SUCCESS) tid = "";
                got[{lower(f["address"].get_string().value()), lower(f["asset"].get_string().value()), std::string(tid)}] =
                    std::string(f["amount"].get_string().value());
                EXPECT_GT(f["first_block"].get_uint64().value(), 0u);
                EXPECT_EQ(f["first_tx"].get_string().value().size(), 66u);
            }
            for (auto t : r["totals"].get_array()) EXPECT_TRUE(t["balanced"].get_bool().value()) << preset << " " << model;
            EXPECT_FALSE(want.empty());
            EXPECT_EQ(got, want) << preset << " heist " << heists << " model " << model;
            if (preset == "bybit") EXPECT_GT(exits_named, 0u) << "the Bybit playbook exits through the router";
        }
        ++heists;
    }
    EXPECT_GT(heists, 0);
    fs::remove_all(dir);
}

TEST(TraceEndToEnd, TinyPresetFreezePointsMatchTruth) { check_preset("tiny", 1); }
TEST(TraceEndToEnd, BybitPresetFreezePointsMatchTruth) { check_preset("bybit", 1); }
TEST(TraceEndToEnd, RoninAndHotWalletPresetsMatchTruth) {
    check_preset("ronin", 2);
    check_preset("hotwallet", 2);
}

}  // namespace
