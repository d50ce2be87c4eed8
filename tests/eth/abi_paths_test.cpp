// The ABI decode paths of extraction and of the node client with offsets, lengths and counts near
// 2^256, 2^64 and the buffer size (tests/abi_cases.hpp): ERC-1155 TransferBatch arrays, the
// THORChain router memo, a token's symbol() answer. Hostile values move nothing and keep no note.
#include <gtest/gtest.h>

#include "../abi_cases.hpp"
#include "eth/eth.hpp"
#include "eth/rpc.hpp"

using namespace chainward;
using namespace chainward::eth;
using namespace chainward::test;

namespace {

const Address kToken = parse_address("0x00000000000000000000000000000000000000c0");
const Address kRouter = parse_address("0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146");

Hash32 topic_addr(std::uint8_t last) {
    Hash32 h{};
    h.b[31] = last;
    return h;
}

// One successful transaction whose receipt holds `log`.
BlockData block_with(const LogData& log) {
    BlockData b;
    b.number = 20'000'000;
    TxData tx;
    tx.from = parse_address("0x00000000000000000000000000000000000000a1");
    b.txs.push_back(tx);
    ReceiptData r;
    r.status = 1;
    r.logs.push_back(log);
    b.receipts.push_back(r);
    return b;
}

// TransferBatch data: ids at `ids_off` (count `ids_n`), values at 160 (two of them).
std::vector<std::uint8_t> batch_data(const U256& ids_off, const U256& ids_n) {
    return cat({abi_word(ids_off), abi_word(160), abi_word(ids_n), abi_word(11), abi_word(12), abi_word(2), abi_word(5),
                abi_word(6)});
}

std::vector<Transfer> batch(const std::vector<std::uint8_t>& data) {
    LogData l;
    l.address = kToken;
    l.topics = {keccak256("TransferBatch(address,address,address,uint256[],uint256[])"), topic_addr(0xee), topic_addr(0xa1),
                topic_addr(0xb2)};
    l.data = data;
    return extract_transfers(block_with(l), {});
}

std::vector<std::uint8_t> memo_data(const U256& off, const U256& len, std::string_view memo) {
    return cat({abi_word(1000), abi_word(off), abi_word(len), padded(memo)});
}

std::vector<TxNote> memo_notes(const std::vector<std::uint8_t>& data) {
    LogData l;
    l.address = kRouter;
    l.topics = {keccak256("Deposit(address,address,uint256,string)"), topic_addr(0xf1), topic_addr(0)};
    l.data = data;
    std::vector<TxNote> notes;
    extract_transfers(block_with(l), {}, nullptr, &notes);
    return notes;
}

}  // namespace

TEST(EthAbiPaths, TransferBatchArrays) {
    auto ok = batch(batch_data(64, 2));
    ASSERT_EQ(ok.size(), 2u);
    EXPECT_EQ(ok[0].asset.token_id, 11);
    EXPECT_EQ(ok[0].amount, 5);
    EXPECT_EQ(ok[1].asset.token_id, 12);
    EXPECT_EQ(ok[1].amount, 6);
    const std::size_t size = batch_data(64, 2).size();
    for (const auto& h : hostile_values(64, size)) {
        EXPECT_TRUE(batch(batch_data(h.value, 2)).empty()) << "offset " << h.name;
        EXPECT_TRUE(batch(batch_data(64, h.value)).empty()) << "count " << h.name;
    }
    // Counts that differ between ids and values: not the standard event, nothing moves.
    EXPECT_TRUE(batch(batch_data(64, 1)).empty());
}

TEST(EthAbiPaths, ThorchainMemo) {
    const std::string memo = "=:BTC.BTC:bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh";
    auto ok = memo_notes(memo_data(64, memo.size(), memo));
    ASSERT_EQ(ok.size(), 1u);
    auto e = parse_exit_note(ok[0].text);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->memo, memo);
    const std::size_t size = memo_data(64, memo.size(), memo).size();
    for (const auto& h : hostile_values(64, size)) {
        EXPECT_TRUE(memo_notes(memo_data(h.value, memo.size(), memo)).empty()) << "offset " << h.name;
        EXPECT_TRUE(memo_notes(memo_data(64, h.value, memo)).empty()) << "length " << h.name;
    }
}

TEST(EthAbiPaths, SymbolAnswer) {
    EXPECT_EQ(decode_symbol(cat({abi_word(32), abi_word(4), padded("USDT")})), "USDT");
    auto b32 = padded("MKR");
    EXPECT_EQ(decode_symbol(b32), "MKR");  // bytes32 symbol
    // A symbol cannot carry terminal escapes or line breaks into tables and logs.
    EXPECT_EQ(decode_symbol(cat({abi_word(32), abi_word(11), padded("\x1b[2JUS\nDT\r\x7f")})), "[2JUSDT");
    EXPECT_EQ(decode_symbol(padded("M\x1bK\tR")), "MKR");
    const std::size_t size = 96;
    for (const auto& h : hostile_values(32, size)) {
        EXPECT_EQ(decode_symbol(cat({abi_word(h.value), abi_word(4), padded("USDT")})), "") << "offset " << h.name;
        EXPECT_EQ(decode_symbol(cat({abi_word(32), abi_word(h.value), padded("USDT")})), "") << "length " << h.name;
    }
}
