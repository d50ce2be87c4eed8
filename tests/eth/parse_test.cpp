// Response shapes (envelope, bare, JSON lines, batch) and bad input: each error names the file,
// the record and the field.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixture_util.hpp"

using namespace chainward;
using namespace chainward::eth;
using ::testing::HasSubstr;

namespace {

const char* kBlock = R"({"number":"0x10","hash":"0x1111111111111111111111111111111111111111111111111111111111111111",
"parentHash":"0x2222222222222222222222222222222222222222222222222222222222222222","timestamp":"0x5",
"miner":"0x00000000000000000000000000000000000000aa","baseFeePerGas":"0x7","transactions":[
{"hash":"0x3333333333333333333333333333333333333333333333333333333333333333","transactionIndex":"0x0","blockNumber":"0x10",
"from":"0x00000000000000000000000000000000000000b1","to":"0x00000000000000000000000000000000000000b2","value":"0x64","gasPrice":"0xa"}],
"withdrawals":[{"index":"0x0","validatorIndex":"0x1","address":"0x00000000000000000000000000000000000000c1","amount":"0x3"}]})";

const char* kReceipts = R"([{"transactionHash":"0x3333333333333333333333333333333333333333333333333333333333333333",
"transactionIndex":"0x0","blockNumber":"0x10","blockHash":"0x1111111111111111111111111111111111111111111111111111111111111111",
"status":"0x1","gasUsed":"0x2","cumulativeGasUsed":"0x2","effectiveGasPrice":"0xa","contractAddress":null,"logs":[]}])";

std::string envelope(const std::string& result, int id = 1) {
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"result":)" + result + "}";
}

std::string error_of(const std::string& json) {
    BlockAssembler a;
    try {
        parse_responses(json, "in.json", a);
        a.take_ready(true, std::nullopt);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

std::vector<Transfer> extract_all(const std::string& json) {
    BlockAssembler a;
    parse_responses(json, "in.json", a);
    std::vector<Transfer> out;
    for (auto& b : a.take_ready(true, std::nullopt)) {
        auto t = extract_transfers(b, {});
        out.insert(out.end(), t.begin(), t.end());
    }
    return out;
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
    auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
}

}  // namespace

TEST(Shapes, EnvelopeBareJsonLinesAndBatchGiveTheSameTransfers) {
    auto a = extract_all(envelope(kBlock) + "\n" + envelope(kReceipts, 2));
    auto b = extract_all(std::string(kBlock) + "\n" + kReceipts);
    auto c = extract_all("[" + envelope(kBlock) + "," + envelope(kReceipts, 2) + "]");
    auto d = extract_all(envelope(kReceipts, 2) + "\n" + envelope(kBlock));  // receipts first
    ASSERT_EQ(a.size(), 4u);  // value, fee priority part, burnt base fee, withdrawal
    EXPECT_EQ(a, b);
    EXPECT_EQ(a, c);
    EXPECT_EQ(a, d);
    EXPECT_EQ(a[0].kind, TransferKind::Call);
    EXPECT_EQ(a[0].amount, 100);
    EXPECT_EQ(a[1].kind, TransferKind::Fee);
    EXPECT_EQ(a[1].amount, 2 * (10 - 7));
    EXPECT_EQ(a[2].kind, TransferKind::Burn);
    EXPECT_EQ(a[2].amount, 2 * 7);
    EXPECT_FALSE(a[2].to);
    EXPECT_EQ(a[3].kind, TransferKind::Withdrawal);
    EXPECT_EQ(a[3].amount, U256(3) * 1000000000u);
    EXPECT_EQ(a[3].tx_index, kBlockLevelTx);
}

TEST(Shapes, FailedTransactionPaysItsFeeButMovesNoValue) {
    auto t = extract_all(std::string(kBlock) + "\n" + replace(kReceipts, R"("status":"0x1")", R"("status":"0x0")"));
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0].kind, TransferKind::Fee);
    EXPECT_EQ(t[1].kind, TransferKind::Burn);
}

TEST(BadInput, MalformedJsonNamesTheFile) {
    EXPECT_THAT(error_of(std::string(kBlock).substr(0, 100)), HasSubstr("in.json"));
    EXPECT_THAT(error_of("{\"jsonrpc\":\"2.0\",\"result\": [1,2,}"), HasSubstr("malformed JSON"));
}

TEST(BadInput, MissingFieldIsNamed) {
    std::string e = error_of(replace(kBlock, R"("from":"0x00000000000000000000000000000000000000b1",)", ""));
    EXPECT_THAT(e, HasSubstr("in.json: record 1: transactions[0].from: missing field"));
}

TEST(BadInput, WrongHexLengthIsNamed) {
    std::string e = error_of(replace(kBlock, "0x00000000000000000000000000000000000000b2", "0x00b2"));
    EXPECT_THAT(e, HasSubstr("transactions[0].to"));
    EXPECT_THAT(e, HasSubstr("40 hex digits"));
}

TEST(BadInput, OutOfRangeNumberIsNamed) {
    std::string e = error_of(replace(kBlock, R"("value":"0x64")", R"("value":"0x1)" + std::string(64, '0') + "\""));
    EXPECT_THAT(e, HasSubstr("transactions[0].value: quantity out of range"));
    e = error_of(replace(kBlock, R"("number":"0x10")", R"("number":"0x10000000000000000")"));
    EXPECT_THAT(e, HasSubstr("number: quantity out of range"));
}

TEST(BadInput, ReceiptOfAnotherBlock) {
    std::string other = replace(kReceipts, "0x1111111111111111111111111111111111111111111111111111111111111111",
                                "0x9999999999999999999999999999999999999999999999999999999999999999");
    EXPECT_THAT(error_of(std::string(kBlock) + "\n" + other), HasSubstr("does not belong to block 16"));
}

TEST(BadInput, MissingReceiptIsNamed) {
    EXPECT_THAT(error_of(kBlock), HasSubstr("no receipt for transaction 0"));
}

TEST(BadInput, WrongKindOfFile) {
    EXPECT_THAT(error_of(R"({"name":"not a node response"})"), HasSubstr("unknown kind of document"));
    EXPECT_THAT(error_of(R"(address,entity,category)"), HasSubstr("malformed JSON"));
}

TEST(BadInput, NodeErrorIsReported) {
    EXPECT_THAT(error_of(R"({"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"header not found"}})"),
                HasSubstr("the node returned an error: header not found"));
}

TEST(Traces, FailedInnerFrameMovesNothingBelowIt) {
    const char* traces = R"([{"txHash":"0x3333333333333333333333333333333333333333333333333333333333333333","result":
      {"type":"CALL","from":"0x00000000000000000000000000000000000000b1","to":"0x00000000000000000000000000000000000000b2","value":"0x64",
       "calls":[{"type":"CALL","from":"0x00000000000000000000000000000000000000b2","to":"0x00000000000000000000000000000000000000b3","value":"0x5",
                 "error":"execution reverted","calls":[{"type":"CALL","from":"0x00000000000000000000000000000000000000b3",
                 "to":"0x00000000000000000000000000000000000000b4","value":"0x1"}]},
                {"type":"DELEGATECALL","from":"0x00000000000000000000000000000000000000b2","to":"0x00000000000000000000000000000000000000b5","value":"0x64"},
                {"type":"CALL","from":"0x00000000000000000000000000000000000000b2","to":"0x00000000000000000000000000000000000000b6","value":"0x7"}]}}])";
    auto t = extract_all(std::string(kBlock) + "\n" + kReceipts + "\n" + traces);
    std::vector<std::string> internal;
    for (const auto& x : t)
        if (x.kind == TransferKind::Internal) internal.push_back(x.to->hex() + ":" + x.amount.str() + "@" + std::to_string(x.ref));
    // Only the last inner call moved value; its frame ordinal counts the skipped frames.
    EXPECT_EQ(internal, std::vector<std::string>{"0x00000000000000000000000000000000000000b6:7@4"});
    EXPECT_EQ(t[0].kind, TransferKind::Call);  // the top frame is the transaction's own value, once
    EXPECT_EQ(std::count_if(t.begin(), t.end(), [](auto& x) { return x.kind == TransferKind::Call; }), 1);
}

TEST(Logs, Erc1155AndWethWraps) {
    auto word = [](std::string hex) { return std::string(64 - hex.size(), '0') + hex; };
    std::string b1 = word("b1"), b2 = word("b2");
    Hash32 single = keccak256("TransferSingle(address,address,address,uint256,uint256)");
    Hash32 batch = keccak256("TransferBatch(address,address,address,uint256[],uint256[])");
    Hash32 dep = keccak256("Deposit(address,uint256)");
    std::string weth = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2";
    std::string logs = R"([{"address":"0x00000000000000000000000000000000000000e1","topics":[")" + single.hex() + R"(","0x)" + b1 +
                       R"(","0x)" + b1 + R"(","0x)" + b2 + R"("],"data":"0x)" + word("9") + word("2") + R"(","logIndex":"0x0"},
      {"address":"0x00000000000000000000000000000000000000e1","topics":[")" + batch.hex() + R"(","0x)" + b1 + R"(","0x)" + b1 +
                       R"(","0x)" + b2 + R"("],"data":"0x)" + word("40") + word("a0") + word("2") + word("5") + word("6") + word("2") +
                       word("1") + word("3") + R"(","logIndex":"0x1"},
      {"address":")" + weth + R"(","topics":[")" + dep.hex() + R"(","0x)" + b1 + R"("],"data":"0x)" + word("64") +
                       R"(","logIndex":"0x2"}])";
    auto t = extract_all(std::string(kBlock) + "\n" + replace(kReceipts, R"("logs":[])", R"("logs":)" + logs));
    std::vector<std::string> got;
    for (const auto& x : t)
        if (x.kind == TransferKind::Multi || x.kind == TransferKind::Wrap)
            got.push_back(std::string(kind_name(x.kind)) + " " + (x.from ? x.from->hex().substr(40) : "none") + ">" + x.to->hex().substr(40) +
                          " #" + x.asset.token_id.str() + " " + x.amount.str());
    EXPECT_EQ(got, (std::vector<std::string>{"erc1155 b1>b2 #9 2", "erc1155 b1>b2 #5 1", "erc1155 b1>b2 #6 3", "wrap none>b1 #0 100"}));
}

TEST(Shapes, DocumentLargerThanTheParseBatchIsReadOnce) {
    // Documents above the parser's batch (16 MB) restart the stream at that document: the ones
    // before and after it must each arrive exactly once.
    std::string small = envelope(R"({"number":"0x1","hash":"0x)" + std::string(64, '1') + R"(","parentHash":"0x)" + std::string(64, '2') +
                                 R"(","timestamp":"0x5","miner":"0x)" + std::string(40, 'a') + R"(","transactions":[]})");
    std::string receipt = std::string(kReceipts).substr(1, std::string(kReceipts).size() - 2);
    std::string big = "[";
    for (int i = 0; i < 60000; ++i) big += (i ? "," : "") + receipt;
    big += "]";
    ASSERT_GT(big.size(), 17u << 20);
    std::string input = small + "\n" + envelope(big) + "\n" + replace(small, R"("number":"0x1")", R"("number":"0x2")") + "\n";
    chainward::test::Collect c;
    parse_responses(input, "big.jsonl", c);
    ASSERT_EQ(c.blocks.size(), 2u);
    EXPECT_EQ(c.blocks[0].number, 1u);
    EXPECT_EQ(c.blocks[1].number, 2u);
    EXPECT_EQ(c.receipts.size(), 60000u);
}

TEST(Traces, SelfDestructToItselfBurnsOnlyWhenCreatedInTheSameTransaction) {
    auto trace = [](bool create_first) {
        std::string created = R"({"type":"CREATE","from":"0x00000000000000000000000000000000000000b2","to":"0x00000000000000000000000000000000000000d1","value":"0x10",
             "calls":[{"type":"SELFDESTRUCT","from":"0x00000000000000000000000000000000000000d1","to":"0x00000000000000000000000000000000000000d1","value":"0x10"}]})";
        std::string old = R"({"type":"SELFDESTRUCT","from":"0x00000000000000000000000000000000000000d1","to":"0x00000000000000000000000000000000000000d1","value":"0x10"})";
        return std::string(R"([{"txHash":"0x3333333333333333333333333333333333333333333333333333333333333333","result":
          {"type":"CALL","from":"0x00000000000000000000000000000000000000b1","to":"0x00000000000000000000000000000000000000b2","value":"0x64","calls":[)") +
               (create_first ? created : old) + "]}}]";
    };
    auto selfdestructs = [](const std::vector<Transfer>& t) {
        std::vector<std::string> out;
        for (const auto& x : t)
            if (x.kind == TransferKind::SelfDestruct) out.push_back(x.from->hex().substr(40) + ">" + (x.to ? x.to->hex().substr(40) : "none"));
        return out;
    };
    // Created and destroyed in one transaction (EIP-6780): the ETH is gone.
    EXPECT_EQ(selfdestructs(extract_all(std::string(kBlock) + "\n" + kReceipts + "\n" + trace(true))),
              std::vector<std::string>{"d1>none"});
    // An older contract naming itself after Cancun keeps its balance: nothing moves.
    EXPECT_TRUE(selfdestructs(extract_all(std::string(kBlock) + "\n" + kReceipts + "\n" + trace(false))).empty());
}

TEST(Logs, ThorchainRouterDepositKeepsItsMemoAsANote) {
    auto word = [](std::string hex) { return std::string(64 - hex.size(), '0') + hex; };
    std::string memo = "=:BTC.BTC:bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh:0/1/0";
    std::string memo_hex;
    for (unsigned char c : memo) memo_hex += fmt::format("{:02x}", c);
    memo_hex += std::string((64 - memo_hex.size() % 64) % 64, '0');
    Hash32 sig = keccak256("Deposit(address,address,uint256,string)");
    std::string log = R"([{"address":"0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146","topics":[")" + sig.hex() + R"(","0x)" + word("f1") +
                      R"(","0x)" + word("0") + R"("],"data":"0x)" + word("64") + word("40") + word(fmt::format("{:x}", memo.size())) +
                      memo_hex + R"(","logIndex":"0x0"}])";
    BlockAssembler a;
    parse_responses(std::string(kBlock) + "\n" + replace(kReceipts, R"("logs":[])", R"("logs":)" + log), "in.json", a);
    auto blocks = a.take_ready(true, std::nullopt);
    ASSERT_EQ(blocks.size(), 1u);
    std::vector<TxNote> notes;
    extract_transfers(blocks[0], {}, nullptr, &notes);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].tx_index, 0u);
    auto exit = parse_exit_note(notes[0].text);
    ASSERT_TRUE(exit);
    EXPECT_EQ(exit->chain, "BTC");
    EXPECT_EQ(exit->address, "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh");
    EXPECT_EQ(exit->memo, memo);
}

// The EVM allows 1,024 calls nested below a transaction's own frame. A callTracer response that
// deep (each frame an object and its `calls` array) is twice as deep in JSON, past simdjson's
// default limit: it must parse, and each of the 1,024 inner frames moves its value.
TEST(Traces, CallTreeAsDeepAsTheEvmAllows) {
    constexpr int kInner = 1024;
    auto addr = [](int i) { return fmt::format("0x{:040x}", 0xb2 + i); };
    std::string open, close;
    for (int i = 1; i <= kInner; ++i) {
        open += fmt::format(R"(,"calls":[{{"type":"CALL","from":"{}","to":"{}","value":"0x{:x}")", addr(i - 1), addr(i), i);
        close += "}]";
    }
    std::string trace = R"([{"txHash":"0x3333333333333333333333333333333333333333333333333333333333333333","result":)"
                        R"({"type":"CALL","from":"0x00000000000000000000000000000000000000b1","to":"0x00000000000000000000000000000000000000b2","value":"0x64")" +
                        open + close + "}}]";
    for (const std::string& tail : {std::string(""), "\n" + std::string(kBlock)}) {
        // Alone at the end of the input, and followed by another document (a JSON-lines file).
        std::vector<Transfer> got;
        if (tail.empty()) {
            got = extract_all(std::string(kBlock) + "\n" + kReceipts + "\n" + trace);
        } else {
            chainward::test::Collect c;
            parse_responses(trace + tail, "deep.jsonl", c);
            ASSERT_EQ(c.call_traces.size(), 1u);
            ASSERT_EQ(c.blocks.size(), 1u);
            const CallFrame* f = &c.call_traces[0].frames[0];
            int depth = 0;
            while (!f->calls.empty()) f = &f->calls[0], ++depth;
            EXPECT_EQ(depth, kInner);
            continue;
        }
        std::vector<Transfer> inner;
        for (const auto& t : got)
            if (t.kind == TransferKind::Internal) inner.push_back(t);
        ASSERT_EQ(inner.size(), static_cast<std::size_t>(kInner));
        EXPECT_EQ(inner.back().amount, kInner);
        EXPECT_EQ(inner.back().to->hex(), addr(kInner));
        EXPECT_EQ(inner.back().ref, static_cast<std::uint32_t>(kInner));
    }
}

// A hostile node's gas price or gas used whose product exceeds 2^256 is refused, naming the
// transaction, instead of wrapping into a small fee.
TEST(Fees, AFeeBeyond2To256IsRefused) {
    const std::string huge = "0x8000000000000000000000000000000000000000000000000000000000000000";  // 2^255
    std::string receipts = replace(kReceipts, R"("effectiveGasPrice":"0xa")", "\"effectiveGasPrice\":\"" + huge + "\"");
    try {
        extract_all(std::string(kBlock) + "\n" + receipts);
        FAIL() << "a fee of 2^255 x 2 was accepted";
    } catch (const InputError& e) {
        EXPECT_THAT(e.what(), HasSubstr("gasUsed x gas price exceeds 2^256"));
        EXPECT_THAT(e.what(), HasSubstr("0x3333333333333333333333333333333333333333333333333333333333333333"));
    }
    // 2^255 x 1 still fits: gasUsed 1 gives a fee of exactly 2^255 (priority part to the miner).
    std::string one = replace(replace(receipts, R"("gasUsed":"0x2")", R"("gasUsed":"0x1")"), R"("cumulativeGasUsed":"0x2")",
                              R"("cumulativeGasUsed":"0x1")");
    U256 paid = 0;
    for (const auto& t : extract_all(std::string(kBlock) + "\n" + one))
        if (t.kind == TransferKind::Fee || t.kind == TransferKind::Burn) paid += t.amount;
    EXPECT_EQ(paid, U256(1) << 255);
}

// EIP-4844: blobGasUsed x blobGasPrice is burnt on top of gasUsed x baseFee, also when the
// transaction fails. kBlock: base fee 7; receipt gasUsed 2, effective price 10 (tip 3 each).
TEST(Fees, BlobGasIsBurnt) {
    for (const char* status : {"0x1", "0x0"}) {
        std::string receipts = replace(replace(kReceipts, R"("status":"0x1")", std::string(R"("status":")") + status + "\""),
                                       R"("contractAddress":null)", R"("contractAddress":null,"blobGasUsed":"0x20000","blobGasPrice":"0x3")");
        std::vector<std::string> fees;
        for (const auto& t : extract_all(std::string(kBlock) + "\n" + receipts))
            if (t.kind == TransferKind::Fee || t.kind == TransferKind::Burn) fees.push_back(std::string(kind_name(t.kind)) + " " + t.amount.str());
        // priority fee (10 - 7) * 2 = 6 to the miner; burnt 7 * 2 + 131072 * 3 = 393230
        EXPECT_EQ(fees, (std::vector<std::string>{"fee 6", "burn 393230"})) << status;
    }
}
