// outline_traces (a look at a file that only classifies its documents) must name the same blocks
// and transactions as the full parse of that file: ingest relies on it to decide whether a
// block's traces are still to come.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <fstream>

#include "../test_util.hpp"
#include "fixture_util.hpp"

using namespace chainward;
using namespace chainward::eth;
namespace fs = std::filesystem;

namespace {

/// The outline the full parse gives: every document parsed, traces outlined from the records.
struct ParsedOutline : ResponseSink {
    TraceOutline o;
    void on_block(BlockData&&, const SourceRef&) override {}
    void on_receipts(std::vector<ReceiptData>&&, const SourceRef&) override {}
    void on_call_traces(ParsedCallTraces&& t, const SourceRef&) override { o.add(t); }
    void on_parity_traces(ParsedParityTraces&& t, const SourceRef&) override { o.add(t); }
};

std::string text(TraceOutline o) {
    std::sort(o.blocks.begin(), o.blocks.end());
    std::sort(o.first_txs.begin(), o.first_txs.end(), [](auto& x, auto& y) { return x.hex() < y.hex(); });
    std::string s = o.unknown ? "unknown;" : "";
    for (auto n : o.blocks) s += std::to_string(n) + ";";
    for (const auto& h : o.first_txs) s += h.hex() + ";";
    return s;
}

std::string one_line(const fs::path& p) {
    std::string s = chainward::test::slurp(p);
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\r', ' ');
    return s;
}

}  // namespace

TEST(TraceOutline, AgreesWithTheFullParseOnMainnetResponsesInEveryShape) {
    const fs::path fx = fs::path(CHAINWARD_SHARED_DATA) / "ethereum-etl-tests";
    std::vector<fs::path> inputs;
    for (const char* job : {"test_export_traces_job", "test_extract_geth_traces_job", "test_export_blocks_job", "test_export_receipts_job"})
        for (const auto& e : fs::recursive_directory_iterator(fx / job))
            if (e.path().filename().string().rfind("web3_response.", 0) == 0) inputs.push_back(e.path());
    inputs.push_back(fs::path(CHAINWARD_SOURCE_DIR) / "samples" / "mainnet-483920" / "block-483920.json");
    std::sort(inputs.begin(), inputs.end());
    ASSERT_GE(inputs.size(), 15u);

    chainward::test::TempDir d("cw-outline");
    std::vector<std::string> lines;
    std::size_t with_traces = 0;
    for (const auto& in : inputs) {
        ParsedOutline parsed;
        parse_response_file(in, parsed);
        EXPECT_EQ(text(outline_traces(in)), text(parsed.o)) << in;
        with_traces += !parsed.o.empty();
        lines.push_back(one_line(in));
    }
    EXPECT_GE(with_traces, 8u);  // trace_block and callTracer responses of four blocks each, at least
    // All of them as JSON lines, as one batch array, and as bare results in JSON lines.
    std::string jsonl, batch = "[", bare;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        jsonl += lines[i] + "\n";
        batch += (i ? "," : "") + lines[i];
    }
    batch += "]";
    for (const auto& in : inputs) {
        simdjson::dom::parser p;
        bare += simdjson::minify(p.load(in.string())["result"]) + "\n";
    }
    for (const auto& [name, body] : std::vector<std::pair<std::string, std::string>>{{"all.jsonl", jsonl}, {"batch.json", batch}, {"bare.jsonl", bare}}) {
        std::ofstream(d.p / name) << body;
        ParsedOutline parsed;
        parse_response_file(d.p / name, parsed);
        EXPECT_EQ(text(outline_traces(d.p / name)), text(parsed.o)) << name;
        EXPECT_GE(parsed.o.blocks.size(), 4u) << name;  // the trace_block responses name their blocks
        EXPECT_TRUE(parsed.o.unknown) << name;          // these geth traces name no transaction
    }
}

TEST(TraceOutline, TracesThatNameNoBlockOrBadFilesAreUnknown) {
    chainward::test::TempDir d("cw-outline");
    // Old geth callTracer output: bare frames, no txHash.
    std::ofstream(d.p / "old.json") << R"([{"type":"CALL","from":"0x00000000000000000000000000000000000000b1","to":"0x00000000000000000000000000000000000000b2","value":"0x1"}])";
    std::ofstream(d.p / "bad.json") << R"({"jsonrpc":"2.0","result":[{"txHash":)";
    std::ofstream(d.p / "blocks-only.json") << chainward::test::slurp(fs::path(CHAINWARD_SOURCE_DIR) / "samples" / "mainnet-483920" / "block-483920.json");
    EXPECT_TRUE(outline_traces(d.p / "old.json").unknown);
    EXPECT_TRUE(outline_traces(d.p / "bad.json").unknown);
    EXPECT_TRUE(outline_traces(d.p / "missing.json").unknown);
    EXPECT_TRUE(outline_traces(d.p / "blocks-only.json").empty());
}
