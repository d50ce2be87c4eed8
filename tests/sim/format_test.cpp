// The simulator's JSON objects have the field sets and JSON types of real mainnet responses
// (fixtures read in place from CHAINWARD_SHARED_DATA). Documented differences: receipts carry
// `status` and `type` (post-Byzantium / EIP-2718) instead of the fixtures' pre-Byzantium `root`;
// debug_traceBlockByNumber items carry `txHash` (geth >= 1.11).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "sim/sim.hpp"

using namespace chainward;
namespace fs = std::filesystem;
using Shape = std::map<std::string, std::string>;  // key -> JSON type

namespace {
std::string type_of(simdjson::dom::element e) {
    switch (e.type()) {
        case simdjson::dom::element_type::STRING: return "string";
        case simdjson::dom::element_type::ARRAY: return "array";
        case simdjson::dom::element_type::OBJECT: return "object";
        case simdjson::dom::element_type::BOOL: return "bool";
        case simdjson::dom::element_type::NULL_VALUE: return "null";
        default: return "number";
    }
}
Shape shape(simdjson::dom::object o) {
    Shape s;
    for (auto [k, v] : o) s[std::string(k)] = type_of(v);
    return s;
}
const std::string kData = CHAINWARD_SHARED_DATA;
}  // namespace

TEST(SimFormat, ObjectsHaveTheFieldsAndTypesOfMainnetResponses) {
    // reference shapes from the fixtures
    simdjson::dom::parser pb, pr, pt, pw;
    auto blk = pw.load(kData + "/ethereumjs-rpc-blocks/testdata-from-rpc-with-withdrawals.json").get_object().value();
    Shape block_ref = shape(blk);
    Shape withdrawal_ref = shape(blk["withdrawals"].at(0).get_object().value());
    auto full = pb.load(kData + "/ethereumjs-rpc-blocks/infura15571241wtxns.json").get_object().value();
    Shape tx_ref;
    for (auto t : full["transactions"].get_array())
        if (std::string_view(t["type"]) == "0x2") {
            tx_ref = shape(t.get_object().value());
            break;
        }
    auto rc = pr.load(kData + "/ethereum-etl-tests/test_stream/blocks_1755634_1755635/web3_response.eth_getTransactionReceipt_0x2e3dcd051a91d3a694f6b8de2ac4b5fe7acdba55f58bcf8471ff00d4a430074d.json");
    Shape receipt_ref = shape(rc["result"].get_object().value());
    receipt_ref.erase("root");
    receipt_ref["status"] = "string";
    receipt_ref["type"] = "string";
    Shape log_ref;
    for (auto& e : fs::recursive_directory_iterator(kData + "/ethereum-etl-tests"))
        if (e.path().filename().string().find("Receipt") != std::string::npos) {
            simdjson::dom::parser p;
            auto r = p.load(e.path().string());
            for (auto l : r["result"]["logs"].get_array()) {
                Shape s = shape(l.get_object().value());
                if (s.count("removed")) log_ref = s;
            }
        }
    ASSERT_FALSE(log_ref.empty());
    std::map<std::string, std::set<Shape>> frame_refs;  // by frame type, fixtures' shapes without `calls`
    for (auto& e : fs::recursive_directory_iterator(kData + "/ethereum-etl-tests/test_extract_geth_traces_job")) {
        if (e.path().filename().string().find("debug_trace") == std::string::npos) continue;
        simdjson::dom::parser p;
        auto r = p.load(e.path().string());
        std::function<void(simdjson::dom::object, bool)> walk = [&](simdjson::dom::object f, bool top) {
            Shape s = shape(f);
            s.erase("calls");
            frame_refs[std::string(std::string_view(f["type"]))].insert(s);
            s.erase("time");  // geth reports `time` on the top frame only (see the inner CALLCODE frame)
            frame_refs[std::string(std::string_view(f["type"]))].insert(s);
            if (f["calls"].error() == simdjson::SUCCESS)
                for (auto c : f["calls"].get_array()) walk(c.get_object().value(), false);
        };
        for (auto item : r["result"].get_array()) walk(item["result"].get_object().value(), true);
    }
    ASSERT_FALSE(frame_refs["CALL"].empty());

    // a simulated chain
    auto dir = fs::path(CHAINWARD_BINARY_DIR) / "sim-test-out" / "format";
    fs::remove_all(dir);
    sim::Options o;
    o.out_dir = dir.string();
    sim::simulate(sim::preset("tiny", 3), o);
    std::size_t blocks = 0, txs = 0, receipts = 0, logs = 0, frames = 0, creations = 0, failed = 0;
    std::set<std::string> frame_types;
    simdjson::dom::parser p;
    simdjson::dom::document_stream stream;
    ASSERT_EQ(p.load_many((dir / "chain" / "blocks-000000001.jsonl").string()).get(stream), simdjson::SUCCESS);
    int line = 0;
    for (auto doc : stream) {
        auto res = doc["result"];
        ASSERT_EQ(std::string_view(doc["jsonrpc"]), "2.0");
        if (line % 3 == 0) {
            ++blocks;
            EXPECT_EQ(shape(res.get_object().value()), block_ref);
            for (auto w : res["withdrawals"].get_array()) EXPECT_EQ(shape(w.get_object().value()), withdrawal_ref);
            for (auto t : res["transactions"].get_array()) {
                ++txs;
                Shape s = shape(t.get_object().value());
                if (s["to"] == "null") {
                    ++creations;
                    s["to"] = "string";
                }
                EXPECT_EQ(s, tx_ref);
            }
        } else if (line % 3 == 1) {
            for (auto r : res.get_array()) {
                ++receipts;
                Shape s = shape(r.get_object().value());
                if (s["contractAddress"] == "string") s["contractAddress"] = "null";
                if (s["to"] == "null") s["to"] = "string";
                if (std::string_view(r["status"]) == "0x0") ++failed;
                EXPECT_EQ(s, receipt_ref);
                for (auto l : r["logs"].get_array()) {
                    ++logs;
                    EXPECT_EQ(shape(l.get_object().value()), log_ref);
                }
            }
        } else {
            for (auto item : res.get_array()) {
                Shape s = shape(item.get_object().value());
                EXPECT_EQ(s, (Shape{{"txHash", "string"}, {"result", "object"}}));
                std::function<void(simdjson::dom::object, bool)> walk = [&](simdjson::dom::object f, bool top) {
                    ++frames;
                    Shape fs = shape(f);
                    fs.erase("calls");
                    const std::string type{std::string_view(f["type"])};
                    frame_types.insert(type);
                    if (frame_refs.count(type) && type != "SELFDESTRUCT") {  // the fixture's SELFDESTRUCT is an old geth's bare {"type"}
                        EXPECT_TRUE(frame_refs[type].count(fs)) << type << " frame with " << fs.size() << " fields";
                    }
                    if (f["calls"].error() == simdjson::SUCCESS)
                        for (auto c : f["calls"].get_array()) walk(c.get_object().value(), false);
                };
                walk(item["result"].get_object().value(), true);
            }
        }
        ++line;
    }
    EXPECT_EQ(blocks, 240u);
    EXPECT_EQ(txs, receipts);
    EXPECT_GT(logs, 1000u);
    EXPECT_GT(creations, 0u);
    EXPECT_GT(failed, 0u);
    EXPECT_GT(frames, txs);
    EXPECT_TRUE(frame_types.count("DELEGATECALL"));
    EXPECT_TRUE(frame_types.count("SELFDESTRUCT"));
}
