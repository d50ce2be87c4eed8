// getblock JSON against blockchain-etl's fixtures (../shared/data/bitcoin-etl-tests): the node
// answers parse to the transactions, outpoints, satoshi values, script types and addresses of the
// expected exports. Verbosity 3 is the verbosity-2 answer with each input's prevout taken from the
// node's getrawtransaction answers for the spent transactions.
#include "btc/btc.hpp"
#include "core/core.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

using chainward::InputError;
using namespace chainward::btc;

namespace {
const std::string kEtl = std::string(CHAINWARD_SHARED_DATA) + "/bitcoin-etl-tests/test_export_blocks_job/bitcoin/";

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}
std::vector<std::string> getblock_files(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(kEtl + dir)) {
        auto n = e.path().filename().string();
        if (n.starts_with("rpc_response_getblock_") && n.ends_with("_2.json")) out.push_back(e.path().string());
    }
    return out;
}
// Bitcoin Core's (and the ETL export's) names of output types.
std::string core_type(ScriptType t) {
    switch (t) {
        case ScriptType::p2pk: return "pubkey";
        case ScriptType::p2pkh: return "pubkeyhash";
        case ScriptType::p2sh: return "scripthash";
        case ScriptType::p2wpkh: return "witness_v0_keyhash";
        case ScriptType::p2wsh: return "witness_v0_scripthash";
        case ScriptType::p2tr: return "witness_v1_taproot";
        case ScriptType::multisig: return "multisig";
        case ScriptType::op_return: return "nulldata";
        case ScriptType::witness_unknown: return "witness_unknown";
        case ScriptType::nonstandard: return "nonstandard";
    }
    return "?";
}
std::string hex(const Bytes& b) {
    static constexpr char d[] = "0123456789abcdef";
    std::string s;
    for (auto x : b) { s.push_back(d[x >> 4]); s.push_back(d[x & 15]); }
    return s;
}

// Checks parsed blocks against expected_transactions.json (one JSON object a line).
void check_against_expected(const std::vector<JsonBlock>& blocks, const std::string& expected, bool with_prevouts) {
    std::map<std::string, const Transaction*> by_id;
    std::map<std::string, std::uint64_t> height_of;
    for (const auto& b : blocks)
        for (const auto& tx : b.block.txs) {
            by_id[hash_hex(tx.txid)] = &tx;
            height_of[hash_hex(tx.txid)] = b.height;
        }
    std::ifstream f(expected);
    std::string line;
    std::size_t seen = 0;
    simdjson::dom::parser p;
    while (std::getline(f, line)) {
        if (line.empty()) continue;
        simdjson::dom::element e = p.parse(line);
        std::string id{std::string_view(e["hash"])};
        ASSERT_TRUE(by_id.count(id)) << id;
        const auto& tx = *by_id[id];
        ++seen;
        EXPECT_EQ(height_of[id], std::uint64_t(e["block_number"]));
        EXPECT_EQ(tx.coinbase(), bool(e["is_coinbase"])) << id;
        simdjson::dom::array outs = e["outputs"];
        ASSERT_EQ(outs.size(), tx.outputs.size()) << id;
        std::size_t k = 0;
        for (auto o : outs) {
            const auto& out = tx.outputs[k++];
            EXPECT_EQ(out.value, std::uint64_t(o["value"])) << id;
            EXPECT_EQ(hex(out.script), std::string_view(o["script_hex"])) << id;
            auto info = classify_script(out.script, Network::mainnet);
            EXPECT_EQ(core_type(info.type), std::string_view(o["type"])) << id;
            simdjson::dom::array addrs = o["addresses"];
            ASSERT_EQ(addrs.size(), 1u);
            EXPECT_EQ(info.address, std::string_view(addrs.at(0))) << id;
        }
        simdjson::dom::array ins = e["inputs"];
        if (tx.coinbase()) {
            EXPECT_EQ(ins.size(), 0u);
            continue;
        }
        ASSERT_EQ(ins.size(), tx.inputs.size()) << id;
        k = 0;
        std::uint64_t in_value = 0;
        for (auto in : ins) {
            const auto& txin = tx.inputs[k++];
            EXPECT_EQ(hash_hex(txin.prev_txid), std::string_view(in["spent_transaction_hash"]));
            EXPECT_EQ(txin.prev_vout, std::uint64_t(in["spent_output_index"]));
            if (!with_prevouts) continue;
            ASSERT_TRUE(txin.prevout.has_value()) << id;
            EXPECT_EQ(txin.prevout->value, std::uint64_t(in["value"]));
            in_value += txin.prevout->value;
            auto info = classify_script(txin.prevout->script, Network::mainnet);
            EXPECT_EQ(core_type(info.type), std::string_view(in["type"]));
            EXPECT_EQ(info.address, std::string_view(in["addresses"].at(0)));
        }
        if (with_prevouts) {
            std::uint64_t out_value = 0;
            for (const auto& o : tx.outputs) out_value += o.value;
            EXPECT_EQ(in_value, std::uint64_t(e["input_value"]));
            EXPECT_EQ(std::int64_t(in_value - out_value), std::int64_t(e["fee"]));
        }
    }
    EXPECT_GT(seen, 0u);
}
}  // namespace

TEST(GetblockJson, EtlFixturesParseToTheirExpectedTransactions) {
    for (std::string dir : {"block_0", "block_1", "block_with_transactions", "block_without_transactions"}) {
        std::vector<JsonBlock> blocks;
        for (const auto& f : getblock_files(dir)) blocks.push_back(parse_getblock_json(slurp(f), f));
        ASSERT_FALSE(blocks.empty()) << dir;
        check_against_expected(blocks, kEtl + dir + "/expected_transactions.json", false);
    }
    auto genesis = parse_getblock_json(slurp(getblock_files("block_0")[0]), "genesis");
    EXPECT_EQ(hash_hex(genesis.block.header.hash), "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    EXPECT_EQ(genesis.height, 0u);
}

TEST(GetblockJson, Verbosity3PrevoutsGiveInputValuesAndFees) {
    const std::string dir = kEtl + "stream_50001_50002/";
    std::map<std::string, std::string> raw;  // txid -> getrawtransaction answer
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        auto n = e.path().filename().string();
        if (n.starts_with("rpc_response_getrawtransaction_")) raw[n.substr(31, 64)] = slurp(e.path().string());
    }
    ASSERT_EQ(raw.size(), 3u);
    simdjson::dom::parser p;
    std::vector<JsonBlock> blocks;
    for (const auto& f : getblock_files("stream_50001_50002")) {
        std::string text = slurp(f);
        // Insert "prevout" after each input's outpoint, from the spent transaction's own answer.
        std::regex outpoint(R"re("txid": "([0-9a-f]{64})",\s*"vout": (\d+))re");
        std::string v3;
        auto last = text.cbegin();
        for (std::sregex_iterator it(text.begin(), text.end(), outpoint), end; it != end; ++it) {
            const auto& m = *it;
            v3.append(last, m[0].second);
            auto spent = raw.at(m[1].str());
            simdjson::dom::element tx = p.parse(spent);
            simdjson::dom::element out = tx["vout"].at(std::stoul(m[2].str()));
            // The value goes through as the node printed it (a JSON number with 8 decimals).
            std::string out_json = simdjson::to_string(out);
            v3 += ", \"prevout\": " + out_json;
            last = m[0].second;
        }
        v3.append(last, text.cend());
        blocks.push_back(parse_getblock_json(v3, f));
    }
    check_against_expected(blocks, dir + "expected_transactions.json", true);
}

TEST(GetblockJson, BadAnswersNameTheField) {
    auto text = slurp(getblock_files("block_1")[0]);
    auto expect_error = [](const std::string& json, const std::string& part) {
        try {
            parse_getblock_json(json, "b.json");
            FAIL() << part;
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
        }
    };
    expect_error(std::regex_replace(text, std::regex("\"nonce\": \\d+"), "\"nonce\": 1"), "block.hash");
    expect_error(std::regex_replace(text, std::regex("\"txid\": \"0e3e"), "\"txid\": \"1e3e"), "tx[0].txid");
    expect_error(std::regex_replace(text, std::regex("\"hex\": \"01000000"), "\"hex\": \"0100000"), "tx[0].hex");
    expect_error("{\"result\": null, \"error\": {\"code\": -5, \"message\": \"Block not found\"}}", "Block not found");
    expect_error("[1,", "malformed JSON");
    expect_error(std::regex_replace(text, std::regex("\"tx\": \\["), "\"tx\": 5, \"x\": ["), "block.tx");
}

TEST(Block, BitcoinjsBlockFixturesHashAndMerkle) {
    // bitcoinjs-lib's block fixtures: full blocks (genesis, ~3 KiB, ~32 KiB, 542213 with a
    // witness commitment) parse with their published id; header-only hex hashes to its id.
    simdjson::dom::parser p;
    auto text = slurp(std::string(CHAINWARD_SHARED_DATA) + "/bitcoinjs-fixtures/block.json");
    simdjson::dom::element doc = p.parse(text);
    std::size_t full = 0;
    for (auto e : simdjson::dom::array(doc["valid"])) {
        std::string_view hexv;
        if (e["hex"].get(hexv)) continue;
        std::string_view desc(e["description"]);
        std::string_view id(e["id"]);
        if (desc.starts_with("Headers")) {
            auto bytes = hex_bytes(hexv, desc);
            ASSERT_GE(bytes.size(), 80u);
            EXPECT_EQ(hash_hex(sha256d(ByteSpan(bytes).first(80))), id) << desc;
            continue;
        }
        auto b = parse_block_hex(hexv, desc);
        EXPECT_EQ(hash_hex(b.header.hash), id) << desc;
        // bitcoinjs prints the merkle root in internal byte order (not reversed).
        const auto& m = b.header.merkle_root;
        EXPECT_EQ(hex(Bytes(m.begin(), m.end())), std::string_view(e["merkleRoot"])) << desc;
        ++full;
    }
    EXPECT_GE(full, 3u);
    for (auto e : simdjson::dom::array(doc["invalid"])) {
        std::string_view hexv(e["hex"]);
        EXPECT_THROW(parse_block_hex(hexv, "invalid"), InputError) << hexv.substr(0, 40);
    }
}

TEST(EtlExport, TransactionsMatchTheNodeAnswers) {
    // The export's transactions (txids recomputed from their fields) against the node's getblock
    // answer for the same blocks, parsed independently from the transaction hex.
    const std::string dir = "stream_50001_50002";
    std::map<std::string, const Transaction*> node;
    std::vector<JsonBlock> blocks;
    for (const auto& f : getblock_files(dir)) blocks.push_back(parse_getblock_json(slurp(f), f));
    for (const auto& b : blocks)
        for (const auto& tx : b.block.txs) node[hash_hex(tx.txid)] = &tx;
    auto etl = parse_etl_transactions(slurp(kEtl + dir + "/expected_transactions.json"), "expected_transactions.json");
    ASSERT_EQ(etl.size(), 4u);
    for (const auto& t : etl) {
        const auto& n = *node.at(hash_hex(t.tx.txid));
        EXPECT_EQ(t.tx.coinbase(), n.coinbase());
        ASSERT_EQ(t.tx.outputs.size(), n.outputs.size());
        for (std::size_t i = 0; i < n.outputs.size(); ++i) {
            EXPECT_EQ(t.tx.outputs[i].value, n.outputs[i].value);
            EXPECT_EQ(t.tx.outputs[i].script, n.outputs[i].script);
        }
        if (!n.coinbase()) {
            ASSERT_EQ(t.tx.inputs.size(), n.inputs.size());
            for (std::size_t i = 0; i < n.inputs.size(); ++i) {
                EXPECT_EQ(t.tx.inputs[i].script_sig, n.inputs[i].script_sig);
                ASSERT_TRUE(t.tx.inputs[i].prevout.has_value());
                EXPECT_EQ(t.tx.inputs[i].prevout->value, 5000000000u);
            }
        }
    }
    auto line = slurp(kEtl + dir + "/expected_transactions.json");
    auto bad = std::regex_replace(line, std::regex("\"lock_time\": 0"), "\"lock_time\": 1");
    EXPECT_THROW(parse_etl_transactions(bad, "bad.json"), InputError);
}
