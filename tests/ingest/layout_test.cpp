// The same node responses, split and ordered any way over files and folders, give the same store:
// one response per file, many per file, kinds in separate folders, names that sort traces before
// blocks, one eth_getTransactionReceipt response per file, bare results, batch arrays, and blocks
// in any order (also into an empty store). A block whose traces are really missing is stored with
// the note.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <random>

#include "../test_util.hpp"

#include "ingest/ingest.hpp"
#include "sim/sim.hpp"

using namespace chainward;
using namespace chainward::ingest;
using chainward::test::slurp;
using chainward::test::TempDir;
using store::TransferStore;
namespace fs = std::filesystem;

namespace {

/// One JSON-RPC response as the node returned it, and what it answers.
struct Response {
    std::string json;       ///< one line, with the envelope
    std::string kind;       ///< block, receipts, traces
    std::uint64_t block{};  ///< the block it belongs to
};

/// The responses of a simulator chain (tiny preset, `blocks` blocks), in the order it wrote them.
std::vector<Response> simulator_responses(const fs::path& dir, std::uint64_t blocks, std::uint64_t seed) {
    sim::Config cfg = sim::preset("tiny", seed);
    cfg.blocks = blocks;
    sim::Options o;
    o.out_dir = dir.string();
    o.blocks_per_file = 1000;
    sim::simulate(cfg, o);
    std::vector<Response> out;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir / "chain")) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    const char* kinds[] = {"block", "receipts", "traces"};  // the writer's order per block
    for (const auto& f : files) {
        std::ifstream in(f);
        std::string line;
        while (std::getline(in, line))
            if (!line.empty()) {
                std::uint64_t n = out.size() / 3 + 1;
                out.push_back({line, kinds[out.size() % 3], n});
            }
    }
    return out;
}

/// The result of a response, as text.
std::string result_of(const std::string& json) {
    simdjson::dom::parser p;
    simdjson::dom::element doc = p.parse(json);
    return simdjson::minify(doc["result"]);
}

/// eth_getTransactionReceipt responses, one per receipt of an eth_getBlockReceipts response.
std::vector<std::string> split_receipts(const std::string& json) {
    simdjson::dom::parser p;
    simdjson::dom::element doc = p.parse(json);
    std::vector<std::string> out;
    for (simdjson::dom::element r : doc["result"].get_array())
        out.push_back(R"({"jsonrpc":"2.0","id":7,"result":)" + simdjson::minify(r) + "}");
    return out;
}

Hash32 ingest_dir(const fs::path& input, const fs::path& store_dir, IngestReport* report = nullptr) {
    auto st = TransferStore::open(store_dir, TransferStore::Mode::ReadWrite);
    Ingestor ing(*st, {});
    ing.ingest_paths({input});
    if (report) *report = ing.report();
    return st->content_hash();
}

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

class Layouts : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir("cw-layout");
        responses_ = simulator_responses(dir_->p / "sim", kBlocks, 11);
        IngestReport r;
        reference_ = ingest_dir(dir_->p / "sim" / "chain", dir_->p / "reference", &r);
        ASSERT_EQ(r.blocks_stored, kBlocks);
        ASSERT_EQ(r.blocks_without_traces, 0u);
    }
    static void TearDownTestSuite() { delete dir_; }
    static constexpr std::uint64_t kBlocks = 120;  // past the tiny preset's heist (block 60) and its laundering
    static inline TempDir* dir_ = nullptr;
    static inline std::vector<Response> responses_;
    static inline Hash32 reference_;
};

}  // namespace

TEST_F(Layouts, ReferenceHasTheSimulatorsTransfersWithTraces) {
    // The reference store is the one the simulator's own ingest tests check against its ground
    // truth; here it must at least hold internal transfers, which only traces give.
    auto st = TransferStore::open(dir_->p / "reference", TransferStore::Mode::ReadOnly);
    std::size_t internal = 0;
    st->scan([&](const store::TransferRef& r) {
        internal += r.kind == TransferKind::Internal;
        return true;
    });
    EXPECT_GT(internal, 0u);
    EXPECT_EQ(responses_.size(), 3 * kBlocks);
}

TEST_F(Layouts, NamedLayoutsGiveTheSameStore) {
    TempDir d("cw-named");
    auto name = [](const Response& r) { return fmt::format("block-{:06}.{}.json", r.block, r.kind); };
    // One response per file, as a curl loop writes them.
    for (const auto& r : responses_) write(d.p / "per-response" / name(r), r.json + "\n");
    // Blocks, receipts and traces in folders of their own.
    for (const auto& r : responses_) write(d.p / "folders" / (r.kind + "s") / name(r), r.json + "\n");
    // Names that sort the traces before their block, and the block after its receipts.
    for (const auto& r : responses_) {
        const char* prefix = r.kind == "traces" ? "a" : r.kind == "receipts" ? "b" : "c";
        write(d.p / "traces-first" / fmt::format("{}-{:06}.json", prefix, r.block), r.json + "\n");
    }
    // One eth_getTransactionReceipt response per file, bare results for blocks and traces.
    for (const auto& r : responses_) {
        if (r.kind == "receipts") {
            auto rs = split_receipts(r.json);
            for (std::size_t i = 0; i < rs.size(); ++i)
                write(d.p / "tx-receipts" / fmt::format("block-{:06}.receipt-{}.json", r.block, i), rs[i]);
        } else {
            write(d.p / "tx-receipts" / name(r), result_of(r.json));
        }
    }
    // Many per file: every kind in one file of its own, the traces first.
    std::string blocks, receipts, traces;
    for (const auto& r : responses_) (r.kind == "block" ? blocks : r.kind == "receipts" ? receipts : traces) += r.json + "\n";
    write(d.p / "by-kind" / "1-traces.jsonl", traces);
    write(d.p / "by-kind" / "2-receipts.jsonl", receipts);
    write(d.p / "by-kind" / "3-blocks.jsonl", blocks);

    for (const char* layout : {"per-response", "folders", "traces-first", "tx-receipts", "by-kind"}) {
        IngestReport r;
        EXPECT_EQ(ingest_dir(d.p / layout, d.p / (std::string("store-") + layout), &r), reference_) << layout;
        EXPECT_EQ(r.blocks_stored, kBlocks) << layout;
        EXPECT_EQ(r.blocks_without_traces, 0u) << layout;
    }
}

TEST_F(Layouts, AnySplitAndOrderOverFilesAndFoldersGivesTheSameStore) {
    // 60 random layouts: the responses (receipts sometimes split per transaction, some without
    // their envelope) shuffled, cut into files of random sizes and kinds (JSON lines, a batch
    // array, a single document) with random names in random folders.
    for (std::uint64_t seed = 1; seed <= 60; ++seed) {
        std::mt19937_64 rng(seed);
        auto below = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
        std::vector<std::pair<std::string, bool>> docs;  // (JSON, has an envelope)
        const bool per_tx_receipts = below(2) == 0;
        for (const auto& r : responses_) {
            if (r.kind == "receipts" && per_tx_receipts) {
                for (auto& x : split_receipts(r.json)) docs.emplace_back(x, true);
            } else if (below(4) == 0) {
                docs.emplace_back(result_of(r.json), false);
            } else {
                docs.emplace_back(r.json, true);
            }
        }
        std::shuffle(docs.begin(), docs.end(), rng);
        TempDir d("cw-random");
        const std::size_t files = 1 + below(std::min<std::size_t>(docs.size(), 1 + below(2) * 400 + below(40)));
        std::vector<std::size_t> cuts{0, docs.size()};
        for (std::size_t i = 1; i < files; ++i) cuts.push_back(1 + below(docs.size() - 1));
        std::sort(cuts.begin(), cuts.end());
        cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
        for (std::size_t f = 0; f + 1 < cuts.size(); ++f) {
            std::vector<std::pair<std::string, bool>> part(docs.begin() + static_cast<std::ptrdiff_t>(cuts[f]),
                                                           docs.begin() + static_cast<std::ptrdiff_t>(cuts[f + 1]));
            fs::path p = d.p / "in";
            for (std::size_t depth = below(3); depth > 0; --depth) p /= fmt::format("d{}", below(3));
            p /= fmt::format("{:x}", rng() % 100000);
            const bool all_enveloped = std::all_of(part.begin(), part.end(), [](const auto& x) { return x.second; });
            std::string text;
            if (part.size() > 1 && all_enveloped && below(3) == 0) {  // a batch response
                text = "[";
                for (std::size_t i = 0; i < part.size(); ++i) text += (i ? "," : "") + part[i].first;
                text += "]";
                p += ".json";
            } else {
                for (const auto& x : part) text += x.first + "\n";
                p += part.size() > 1 ? ".jsonl" : ".json";
            }
            while (fs::exists(p)) p.replace_filename("x" + p.filename().string());
            write(p, text);
        }
        IngestReport r;
        ASSERT_EQ(ingest_dir(d.p / "in", d.p / "store", &r), reference_) << "seed " << seed << ", " << cuts.size() - 1 << " files";
        EXPECT_EQ(r.blocks_stored, kBlocks) << "seed " << seed;
        EXPECT_EQ(r.blocks_without_traces, 0u) << "seed " << seed;
    }
}

TEST_F(Layouts, MissingTracesFileGivesTheNoteAndStoresTheBlock) {
    TempDir d("cw-missing");
    std::uint64_t with_txs = 0;
    for (const auto& r : responses_) {
        if (r.kind == "traces" && r.block == 7) {
            with_txs = result_of(r.json) != "[]";
            continue;  // lost by the dump script
        }
        write(d.p / "in" / fmt::format("block-{:06}.{}.json", r.block, r.kind), r.json + "\n");
    }
    ASSERT_TRUE(with_txs);
    IngestReport r;
    Hash32 h = ingest_dir(d.p / "in", d.p / "store", &r);
    EXPECT_NE(h, reference_);
    EXPECT_EQ(r.blocks_stored, kBlocks);
    EXPECT_EQ(r.blocks_without_traces, 1u);
    // (the other note says the chain id was taken from the transactions)
    EXPECT_THAT(r.notes, ::testing::Contains(::testing::HasSubstr("1 blocks with transactions had no traces")));
    // Block 7 is stored with what receipts give; every other block is as in the reference.
    auto got = TransferStore::open(d.p / "store", TransferStore::Mode::ReadOnly);
    auto ref = TransferStore::open(dir_->p / "reference", TransferStore::Mode::ReadOnly);
    ASSERT_TRUE(got->block(7));
    auto of_block = [](const TransferStore& st, bool seven) {
        std::vector<std::string> v;
        st.scan([&](const store::TransferRef& t) {
            if ((t.block == 7) == seven) v.push_back(describe(st.resolve(t)));
            return true;
        });
        return v;
    };
    EXPECT_EQ(of_block(*got, false), of_block(*ref, false));
    // Block 7 lacks its internal transfers, so its later transfers have other seq numbers:
    // compare them without (block:tx:seq -> block:tx).
    auto without_seq = [](std::vector<std::string> v) {
        for (auto& t : v) t.erase(t.find(':', t.find(':') + 1), t.find(' ') - t.find(':', t.find(':') + 1));
        std::sort(v.begin(), v.end());
        return v;
    };
    auto ref7 = without_seq(of_block(*ref, true)), got7 = without_seq(of_block(*got, true));
    std::vector<std::string> missing;
    std::set_difference(ref7.begin(), ref7.end(), got7.begin(), got7.end(), std::back_inserter(missing));
    EXPECT_EQ(got7.size() + missing.size(), ref7.size());  // nothing that the reference lacks
    ASSERT_FALSE(missing.empty());
    for (const auto& t : missing) EXPECT_THAT(t, ::testing::HasSubstr(" internal ")) << "only what traces give is missing";
}

TEST(LayoutsMainnet, FixturesGiveTheSameStoreOneResponsePerFileOrAllInOne) {
    // Real mainnet responses: block 483920 with one eth_getTransactionReceipt response per file,
    // and blocks 1755634-1755635 from ethereum-etl's tests. No traces: the blocks must not wait.
    const fs::path sample = fs::path(CHAINWARD_SOURCE_DIR) / "samples" / "mainnet-483920";
    const fs::path stream = fs::path(CHAINWARD_SHARED_DATA) / "ethereum-etl-tests" / "test_stream" / "blocks_1755634_1755635";
    for (const auto& [name, files] : std::vector<std::pair<std::string, std::vector<fs::path>>>{
             {"483920", {}},
             {"1755634", {stream / "web3_response.eth_getBlockByNumber_0x1ac9f2_true.json",
                          stream / "web3_response.eth_getBlockByNumber_0x1ac9f3_true.json",
                          stream / "web3_response.eth_getTransactionReceipt_0x2e3dcd051a91d3a694f6b8de2ac4b5fe7acdba55f58bcf8471ff00d4a430074d.json",
                          stream / "web3_response.eth_getTransactionReceipt_0x9a5437ec71b74ecf5930b406908ac6999966d38a86d1534b7190ece7599095eb.json"}}}) {
        TempDir d("cw-mainnet");
        std::vector<fs::path> inputs = files;
        if (inputs.empty())
            for (const auto& e : fs::directory_iterator(sample)) inputs.push_back(e.path());
        std::sort(inputs.begin(), inputs.end());
        std::string all;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            std::string text = slurp(inputs[i]);
            ASSERT_FALSE(text.empty()) << inputs[i];
            write(d.p / "per-response" / fmt::format("{}.json", i), text);
            // All in one file, reversed: receipts before their block.
            std::string one;
            for (char c : text) one += c == '\n' || c == '\r' ? ' ' : c;
            all = one + "\n" + all;
        }
        write(d.p / "one" / "all.jsonl", all);
        IngestReport r1, r2;
        Hash32 a = ingest_dir(d.p / "per-response", d.p / "store1", &r1);
        Hash32 b = ingest_dir(d.p / "one", d.p / "store2", &r2);
        EXPECT_EQ(a, b) << name;
        EXPECT_GE(r1.blocks_stored, 1u) << name;
        EXPECT_EQ(r1.blocks_stored, r2.blocks_stored) << name;
        EXPECT_GT(r1.transfers, 0u) << name;
    }
}
