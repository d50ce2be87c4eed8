// blockchain-etl CSV source: the transfers extracted from ethereum-etl's CSV fixtures equal those
// extracted from the JSON-RPC responses of the same blocks; bad input names file, line, column.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../test_util.hpp"
#include <simdjson.h>

#include <fstream>
#include <random>

#include "eth/csv.hpp"
#include "eth/etl_csv.hpp"
#include "ingest/ingest.hpp"

namespace {

using namespace chainward;
using namespace chainward::eth;
namespace fs = std::filesystem;

const fs::path kEtl = fs::path(CHAINWARD_SHARED_DATA) / "ethereum-etl-tests";

struct TempDir {
    fs::path path;
    TempDir() {
        static std::mt19937_64 rng(std::random_device{}());
        path = fs::temp_directory_path() / fmt::format("cw-etl-{:x}", rng());
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

void write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}
using chainward::test::slurp;

std::vector<BlockData> drain(BlockAssembler& a) { return a.take_ready(true, std::nullopt); }

std::vector<Transfer> extract_all(const std::vector<BlockData>& blocks) {
    ExtractOptions opt;
    opt.chain_id = 1;
    std::vector<Transfer> out;
    for (const auto& b : blocks) {
        auto t = extract_transfers(b, opt);
        out.insert(out.end(), t.begin(), t.end());
    }
    return out;
}

std::vector<Transfer> from_json(const std::vector<fs::path>& files) {
    BlockAssembler a;
    for (const auto& f : files) parse_response_file(f, a);
    return extract_all(drain(a));
}

std::vector<Transfer> from_csv(const EtlFiles& f, EtlReport* rep = nullptr) {
    BlockAssembler a;
    auto r = read_etl(f, a);
    if (rep) *rep = r;
    return extract_all(drain(a));
}

void expect_same(const std::vector<Transfer>& csv, const std::vector<Transfer>& json) {
    ASSERT_EQ(csv.size(), json.size());
    for (std::size_t i = 0; i < csv.size(); ++i) {
        SCOPED_TRACE("transfer " + std::to_string(i));
        EXPECT_EQ(csv[i].block, json[i].block);
        EXPECT_EQ(csv[i].tx_index, json[i].tx_index);
        EXPECT_EQ(csv[i].seq, json[i].seq);
        EXPECT_EQ(csv[i].kind, json[i].kind);
        EXPECT_EQ(csv[i].ref, json[i].ref);
        EXPECT_EQ(csv[i].from, json[i].from);
        EXPECT_EQ(csv[i].to, json[i].to);
        EXPECT_EQ(csv[i].asset, json[i].asset);
        EXPECT_EQ(csv[i].amount, json[i].amount);
        EXPECT_EQ(csv[i].tx_hash, json[i].tx_hash);
        EXPECT_EQ(describe(csv[i]), describe(json[i]));
    }
}

// ---- block 483920: blocks + transactions + receipts + logs / token_transfers -------------------

const fs::path kBlk = kEtl / "test_export_blocks_job/block_with_logs";
const fs::path kRcp = kEtl / "test_export_receipts_job/receipts_with_logs";

std::vector<fs::path> json_483920() {
    std::vector<fs::path> files{kBlk / "web3_response.eth_getBlockByNumber_0x76250_true.json"};
    for (const auto& e : fs::directory_iterator(kRcp))
        if (e.path().filename().string().starts_with("web3_response.eth_getTransactionReceipt_")) files.push_back(e.path());
    return files;
}

EtlFiles csv_483920() {
    EtlFiles f;
    f.blocks = {kBlk / "expected_blocks.csv"};
    f.transactions = {kBlk / "expected_transactions.csv"};
    f.receipts = {kRcp / "expected_receipts.csv"};
    return f;
}

TEST(EtlCsv, LogsTableGivesTheTransfersOfTheJsonResponses) {
    auto json = from_json(json_483920());
    EtlFiles f = csv_483920();
    f.logs = {kRcp / "expected_logs.csv"};
    EtlReport rep;
    auto csv = from_csv(f, &rep);
    expect_same(csv, json);
    EXPECT_EQ(rep.blocks, 1u);
    EXPECT_EQ(rep.txs, 4u);
    EXPECT_EQ(rep.logs, 2u);
    // Not vacuous: the block has two token transfers and value calls, fees and the block reward.
    std::vector<U256> tokens;
    for (const auto& t : csv)
        if (t.kind == TransferKind::Token) tokens.push_back(t.amount);
    EXPECT_THAT(tokens, ::testing::ElementsAre(U256(100000), U256(200000)));
    EXPECT_GE(csv.size(), 8u);
}

TEST(EtlCsv, TokenTransfersTableStandsInForLogs) {
    auto json = from_json(json_483920());
    EtlFiles f = csv_483920();
    f.token_transfers = {kEtl / "test_export_token_transfers_job/block_with_transfers/expected_token_transfers.csv"};
    EtlReport rep;
    expect_same(from_csv(f, &rep), json);
    EXPECT_TRUE(rep.logs_from_token_transfers);
    EXPECT_EQ(rep.token_transfers, 2u);
}

TEST(EtlCsv, LogsWinOverTokenTransfers) {
    EtlFiles f = csv_483920();
    f.logs = {kRcp / "expected_logs.csv"};
    f.token_transfers = {kEtl / "test_export_token_transfers_job/block_with_transfers/expected_token_transfers.csv"};
    EtlReport rep;
    auto csv = from_csv(f, &rep);
    EXPECT_TRUE(rep.token_transfers_ignored);
    EXPECT_EQ(rep.token_transfers, 0u);
    expect_same(csv, from_json(json_483920()));  // each token transfer once, not twice
}

TEST(EtlCsv, WithoutLogsOrTokenTransfersNoTokenTransfers) {
    auto csv = from_csv(csv_483920());
    for (const auto& t : csv) EXPECT_NE(t.kind, TransferKind::Token);
    EXPECT_EQ(csv.size() + 2, from_json(json_483920()).size());
}

// ---- traces: expected_traces.csv against trace_block of the same block -------------------------

/// Writes a block and its receipts (JSON and CSV) whose transactions are the top-level frames of
/// a trace_block fixture; the traces come from the fixture itself on both sides.
struct TraceCase {
    fs::path fixture_dir;
    TempDir tmp;
    fs::path trace_json, trace_csv;

    explicit TraceCase(const std::string& name) : fixture_dir(kEtl / "test_export_traces_job" / name) {
        for (const auto& e : fs::directory_iterator(fixture_dir))
            if (e.path().filename().string().starts_with("web3_response.trace_block_")) trace_json = e.path();
        trace_csv = fixture_dir / "expected_traces.csv";
        simdjson::dom::parser p;
        simdjson::padded_string buf;
        EXPECT_EQ(simdjson::padded_string::load(trace_json.string()).get(buf), simdjson::SUCCESS);
        simdjson::dom::element doc;
        EXPECT_EQ(p.parse(buf).get(doc), simdjson::SUCCESS);
        simdjson::dom::array result;
        EXPECT_EQ(doc["result"].get(result), simdjson::SUCCESS);
        std::uint64_t number = 0;
        std::string block_hash;
        struct Tx { std::string hash, from, to, created, value; };
        std::vector<Tx> txs;
        auto str = [](simdjson::dom::element e, const char* k) {
            std::string_view v;
            return e[k].get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
        };
        for (simdjson::dom::element t : result) {
            EXPECT_EQ(t["blockNumber"].get(number), simdjson::SUCCESS);
            block_hash = str(t, "blockHash");
            simdjson::dom::array addr;
            EXPECT_EQ(t["traceAddress"].get(addr), simdjson::SUCCESS);
            if (str(t, "type") == "reward" || addr.size() != 0) continue;
            simdjson::dom::element act, res;
            EXPECT_EQ(t["action"].get(act), simdjson::SUCCESS);
            Tx tx{str(t, "transactionHash"), str(act, "from"), str(act, "to"), "", str(act, "value")};
            if (t["result"].get(res) == simdjson::SUCCESS && !res.is_null()) tx.created = str(res, "address");
            txs.push_back(tx);
        }
        std::string parent = "0x" + std::string(64, '1'), miner = "0x" + std::string(40, '7');
        std::string jtx, jrc;
        std::string ctx = "hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input\n";
        std::string crc = "transaction_hash,transaction_index,block_hash,block_number,cumulative_gas_used,gas_used,contract_address,status,effective_gas_price\n";
        for (std::size_t i = 0; i < txs.size(); ++i) {
            const Tx& t = txs[i];
            std::string value_dec = to_decimal(parse_u256(t.value));
            std::uint64_t gas = 21000 + 1000 * i, price = 20'000'000'000ull + i;
            jtx += fmt::format("{}{{\"hash\":\"{}\",\"transactionIndex\":\"0x{:x}\",\"blockNumber\":\"0x{:x}\",\"from\":\"{}\",\"to\":{},\"value\":\"{}\",\"gasPrice\":\"0x{:x}\"}}",
                               i ? "," : "", t.hash, i, number, t.from, t.to.empty() ? "null" : "\"" + t.to + "\"", t.value, price);
            // Pre-Byzantium receipts: no status, so success comes from the top frame's error.
            jrc += fmt::format("{}{{\"transactionHash\":\"{}\",\"transactionIndex\":\"0x{:x}\",\"blockNumber\":\"0x{:x}\",\"blockHash\":\"{}\",\"cumulativeGasUsed\":\"0x1\",\"gasUsed\":\"0x{:x}\",\"contractAddress\":{},\"logs\":[]}}",
                               i ? "," : "", t.hash, i, number, block_hash, gas, t.created.empty() ? "null" : "\"" + t.created + "\"");
            ctx += fmt::format("{},0,{},{},{},{},{},{},90000,{},0x\n", t.hash, block_hash, number, i, t.from, t.to, value_dec, price);
            crc += fmt::format("{},{},{},{},1,{},{},,\n", t.hash, i, block_hash, number, gas, t.created);
        }
        write(tmp.path / "block.json", fmt::format(
            "{{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{{\"number\":\"0x{:x}\",\"hash\":\"{}\",\"parentHash\":\"{}\",\"timestamp\":\"0x5\",\"miner\":\"{}\",\"uncles\":[],\"transactions\":[{}]}}}}\n",
            number, block_hash, parent, miner, jtx));
        write(tmp.path / "receipts.json", fmt::format("{{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":[{}]}}\n", jrc));
        write(tmp.path / "blocks.csv", fmt::format(
            "number,hash,parent_hash,miner,timestamp,transaction_count,base_fee_per_gas,withdrawals,sha3_uncles\n{},{},{},{},5,{},,,"
            "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347\n",
            number, block_hash, parent, miner, txs.size()));
        write(tmp.path / "transactions.csv", ctx);
        write(tmp.path / "receipts.csv", crc);
    }
    std::vector<Transfer> json() const {
        return from_json({tmp.path / "block.json", tmp.path / "receipts.json", trace_json});
    }
    EtlFiles csv(fs::path traces = {}) const {
        EtlFiles f;
        f.blocks = {tmp.path / "blocks.csv"};
        f.transactions = {tmp.path / "transactions.csv"};
        f.receipts = {tmp.path / "receipts.csv"};
        f.traces = {traces.empty() ? trace_csv : traces};
        return f;
    }
};

std::size_t count_kind(const std::vector<Transfer>& v, TransferKind k) {
    return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [&](const Transfer& t) { return t.kind == k; }));
}

TEST(EtlCsvTraces, SubtracesCallCode) {
    TraceCase c("block_with_subtraces");
    auto csv = from_csv(c.csv());
    expect_same(csv, c.json());
    EXPECT_EQ(count_kind(csv, TransferKind::Internal), 1u);  // the CALLCODE frame
    EXPECT_EQ(count_kind(csv, TransferKind::Reward), 1u);
}

TEST(EtlCsvTraces, Create) {
    TraceCase c("block_with_create");
    auto csv = from_csv(c.csv());
    expect_same(csv, c.json());
    EXPECT_EQ(count_kind(csv, TransferKind::Call), 1u);
}

TEST(EtlCsvTraces, FailedTransactionMovesNoValue) {
    TraceCase c("block_with_error");
    auto csv = from_csv(c.csv());
    expect_same(csv, c.json());
    EXPECT_EQ(count_kind(csv, TransferKind::Call), 1u);  // tx 0 ran out of gas: only tx 1's value
    for (const auto& t : csv)
        if (t.kind == TransferKind::Call) {
            EXPECT_EQ(t.tx_index, 1u);
        }
}

TEST(EtlCsvTraces, Suicide) {
    TraceCase c("block_with_suicide");
    auto csv = from_csv(c.csv());
    expect_same(csv, c.json());
    ASSERT_EQ(count_kind(csv, TransferKind::SelfDestruct), 1u);
    for (const auto& t : csv)
        if (t.kind == TransferKind::SelfDestruct) {
            EXPECT_EQ(t.amount, U256(50'000'000'000'000'000ull));
        }
}

TEST(EtlCsvTraces, RowOrderDoesNotMatter) {
    TraceCase c("block_with_subtraces");
    // Reverse the data rows (BigQuery exports keep no order): the trees are rebuilt the same.
    std::string text = slurp(c.trace_csv);
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t nl = text.find('\n', pos);
        lines.push_back(text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
        pos = nl == std::string::npos ? text.size() : nl + 1;
    }
    std::string out = lines[0] + "\r\n";
    for (std::size_t i = lines.size(); i-- > 1;)
        if (!lines[i].empty()) out += lines[i] + "\r\n";
    write(c.tmp.path / "traces.csv", out);
    expect_same(from_csv(c.csv(c.tmp.path / "traces.csv")), c.json());
}

TEST(EtlCsv, WithdrawalsFromBlocksTable) {
    TempDir t;
    // Copy the fixture's blocks (two post-Shanghai blocks) with empty transaction tables.
    fs::path src = kEtl / "test_export_blocks_job/blocks_with_transactions_and_withdrawals/expected_blocks.csv";
    CsvFile in(src);
    ASSERT_TRUE(in.next());
    std::size_t count = *in.column("transaction_count");
    EXPECT_EQ(in.field(count), "116");
    BlockAssembler a;
    EtlFiles f;
    f.blocks = {src};
    write(t.path / "transactions.csv", "");
    write(t.path / "receipts.csv", "");
    f.transactions = {t.path / "transactions.csv"};
    f.receipts = {t.path / "receipts.csv"};
    // 116 transactions announced, none given: the truncated export is an error naming the column.
    try {
        read_etl(f, a);
        FAIL() << "expected InputError";
    } catch (const InputError& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("expected_blocks.csv: line 2: column transaction_count"));
    }
}

TEST(EtlCsv, WithdrawalsParsed) {
    TempDir t;
    write(t.path / "blocks.csv",
          "number,hash,parent_hash,miner,timestamp,base_fee_per_gas,withdrawals\n"
          "17173049,0x" + std::string(64, 'a') + ",0x" + std::string(64, 'b') + ",0x" + std::string(40, 'c') +
              ",1683029999,80869370967,\"{\"\"index\"\":2210752,\"\"validator_index\"\":540230,\"\"address\"\":"
              "\"\"0xb9d7934878b5fb9610b3fe8a5e441e8fad7e293f\"\",\"\"amount\"\":45762059},{\"\"index\"\":2210753,"
              "\"\"validator_index\"\":540231,\"\"address\"\":\"\"0xb9d7934878b5fb9610b3fe8a5e441e8fad7e293f\"\",\"\"amount\"\":0}\"\n");
    write(t.path / "transactions.csv", "");
    write(t.path / "receipts.csv", "");
    BlockAssembler a;
    read_etl(find_etl_files(t.path), a);
    auto blocks = drain(a);
    ASSERT_EQ(blocks.size(), 1u);
    ASSERT_EQ(blocks[0].withdrawals.size(), 2u);  // ethereum-etl's form: objects joined by commas
    EXPECT_EQ(blocks[0].withdrawals[0].amount_gwei, 45762059u);
    EXPECT_EQ(blocks[0].base_fee, U256(80869370967ull));
    auto tr = extract_all(blocks);
    ASSERT_EQ(tr.size(), 1u);  // the zero withdrawal moves nothing
    EXPECT_EQ(tr[0].kind, TransferKind::Withdrawal);
    EXPECT_EQ(tr[0].amount, U256(45762059ull) * 1'000'000'000u);
}

// ---- the CSV reader ---------------------------------------------------------------------------

TEST(Csv, QuotesDoubledQuotesLineBreaksAndCrlf) {
    TempDir t;
    write(t.path / "x.csv", "b,a\r\n\"x,\"\"y\"\"\",2\r\n\"multi\nline\",3\r\n\r\nlast,4");
    CsvFile f(t.path / "x.csv");
    std::size_t a = *f.column("a"), b = *f.column("b");
    ASSERT_TRUE(f.next());
    EXPECT_EQ(f.field(b), "x,\"y\"");
    EXPECT_EQ(f.field(a), "2");
    EXPECT_EQ(f.line(), 2u);
    ASSERT_TRUE(f.next());
    EXPECT_EQ(f.field(b), "multi\nline");
    EXPECT_EQ(f.line(), 3u);
    ASSERT_TRUE(f.next());
    EXPECT_EQ(f.field(b), "last");
    EXPECT_EQ(f.line(), 6u);
    EXPECT_FALSE(f.next());
}

TEST(Csv, WrongFieldCountAndOpenQuote) {
    TempDir t;
    write(t.path / "x.csv", "a,b\n1,2,3\n");
    CsvFile f(t.path / "x.csv");
    EXPECT_THROW(
        try { f.next(); } catch (const InputError& e) {
            EXPECT_THAT(e.what(), ::testing::HasSubstr("x.csv: line 2: 3 fields, but the header has 2"));
            throw;
        },
        InputError);
    write(t.path / "y.csv", "a,b\n1,\"2\n");
    CsvFile g(t.path / "y.csv");
    EXPECT_THROW(g.next(), InputError);
}

// ---- bad input: messages name file, line and column --------------------------------------------

class EtlBadInput : public ::testing::Test {
protected:
    TempDir t;
    void SetUp() override {
        fs::copy_file(kBlk / "expected_blocks.csv", t.path / "blocks.csv");
        fs::copy_file(kBlk / "expected_transactions.csv", t.path / "transactions.csv");
        fs::copy_file(kRcp / "expected_receipts.csv", t.path / "receipts.csv");
        fs::copy_file(kRcp / "expected_logs.csv", t.path / "logs.csv");
    }
    /// Replaces the first occurrence of `from` in `file` with `to`.
    void edit(const std::string& file, const std::string& from, const std::string& to) {
        std::string s = slurp(t.path / file);
        auto pos = s.find(from);
        ASSERT_NE(pos, std::string::npos) << from;
        s.replace(pos, from.size(), to);
        write(t.path / file, s);
    }
    std::string error() {
        BlockAssembler a;
        try {
            read_etl(find_etl_files(t.path), a);
            drain(a);
        } catch (const InputError& e) {
            return e.what();
        }
        return "no error";
    }
};

TEST_F(EtlBadInput, TheUneditedCopyIsFine) {
    EXPECT_EQ(error(), "no error");
    BlockAssembler a;
    read_etl(find_etl_files(t.path), a);
    expect_same(extract_all(drain(a)), from_json(json_483920()));
}

TEST_F(EtlBadInput, MissingColumn) {
    edit("transactions.csv", "from_address", "sender");
    EXPECT_THAT(error(), ::testing::HasSubstr("transactions.csv: line 1: column from_address: missing from the header"));
}

TEST_F(EtlBadInput, BadHex) {
    edit("receipts.csv", "0x05287a561f", "0x05287a561g");
    EXPECT_THAT(error(), ::testing::HasSubstr("receipts.csv: line 3: column transaction_hash:"));
}

TEST_F(EtlBadInput, WrongAddressLength) {
    edit("transactions.csv", "0x9df428a91ff0f3635c8f0ce752933b9788926804", "0x9df428a91ff0f3635c8f0ce752933b97889268");
    EXPECT_THAT(error(), ::testing::HasSubstr("transactions.csv: line 4: column from_address:"));
}

TEST_F(EtlBadInput, BadDecimal) {
    edit("transactions.csv", "11000440000000000", "11000440000x00000");
    EXPECT_THAT(error(), ::testing::HasSubstr("transactions.csv: line 4: column value:"));
}

TEST_F(EtlBadInput, TopicOfWrongLength) {
    edit("logs.csv", "0x0000000000000000000000001b63142628311395ceafeea5667e7c9026c862ca",
         "0x0000000000000000000000001b63142628311395ceafeea5667e7c9026c862");
    EXPECT_THAT(error(), ::testing::HasSubstr("logs.csv: line 2: column topics: topic 1:"));
}

TEST_F(EtlBadInput, MissingBlocksTable) {
    fs::remove(t.path / "blocks.csv");
    EXPECT_THAT(error(), ::testing::HasSubstr("blocks.csv: missing"));
}

TEST_F(EtlBadInput, MissingReceipt) {
    std::string s = slurp(t.path / "receipts.csv");
    s.erase(s.find("\n0x05287a561f"), s.find('\n', s.find("\n0x05287a561f") + 1) - s.find("\n0x05287a561f"));
    write(t.path / "receipts.csv", s);
    EXPECT_THAT(error(), ::testing::HasSubstr("no receipt for transaction 3"));
}

// ---- through the Ingestor into a store ----------------------------------------------------------

TEST(EtlIngest, IngestEtlDirStoresTheTransfers) {
    TempDir export_dir, data;
    // ethereum-etl's export_all layout: one folder per table, partitions by block range.
    for (auto [table, src] : {std::pair{"blocks", kBlk / "expected_blocks.csv"},
                              std::pair{"transactions", kBlk / "expected_transactions.csv"},
                              std::pair{"receipts", kRcp / "expected_receipts.csv"},
                              std::pair{"logs", kRcp / "expected_logs.csv"}}) {
        fs::path d = export_dir.path / table / "start_block=00400000/end_block=00499999";
        fs::create_directories(d);
        fs::copy_file(src, d / (std::string(table) + "_00400000_00499999.csv"));
    }
    EXPECT_TRUE(looks_like_etl_dir(export_dir.path));
    auto expected = from_json(json_483920());
    auto st = store::TransferStore::open(data.path / "store", store::TransferStore::Mode::ReadWrite);
    ingest::IngestOptions opt;
    opt.extract.chain_id = 1;
    ingest::Ingestor ing(*st, opt);
    ing.ingest_etl_dir(export_dir.path);
    EXPECT_EQ(ing.report().blocks_stored, 1u);
    EXPECT_EQ(ing.report().txs, 4u);
    EXPECT_EQ(ing.report().transfers, expected.size());
    std::vector<Transfer> stored;
    st->scan([&](const store::TransferRef& r) {
        stored.push_back(st->resolve(r));
        return true;
    });
    expect_same(stored, expected);
}

}  // namespace
