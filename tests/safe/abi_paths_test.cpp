// Every ABI decode path of the Safe check with offsets and lengths near 2^256, 2^64 and the
// buffer size (tests/abi_cases.hpp): contract-signature offsets, execTransaction's two bytes
// arguments, bytes and uint256[] arguments of known functions. Each hostile value is rejected
// with an error (or an invalid signature), never decoded from bytes outside the buffer.
#include <gtest/gtest.h>

#include "../abi_cases.hpp"
#include "safe/safe.hpp"
#include "test_util.hpp"

using namespace chainward;
using namespace chainward::safe;
using namespace chainward::test;

namespace {

const Address kWallet = parse_address("0x0000000000000000000000000000000000000b0b");

// One contract signature (v = 0, r = wallet, s = offset) followed by its data.
ByteVec contract_sig(const U256& offset, const U256& len, std::string_view data) {
    auto blob = cat({abi_word(0), abi_word(offset), {0}, abi_word(len), padded(data)});
    std::copy(kWallet.b.begin(), kWallet.b.end(), blob.begin() + 12);
    return blob;
}

// execTransaction(to, value, data, op, safeTxGas, baseGas, gasPrice, gasToken, refundReceiver, signatures)
ByteVec exec_calldata(const U256& data_off, const U256& data_len, const U256& sigs_off, const U256& sigs_len) {
    ByteVec d = safe_test::selector(
        "execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)");
    auto args = cat({abi_word(0x1234), abi_word(0), abi_word(data_off), abi_word(0), abi_word(0), abi_word(0), abi_word(0),
                     abi_word(0), abi_word(0), abi_word(sigs_off),  // head: 10 words = 320 bytes
                     abi_word(data_len), padded("data"),            // at 320
                     abi_word(sigs_len), padded("sigs")});          // at 384
    d.insert(d.end(), args.begin(), args.end());
    return d;
}

// The blob is refused as a whole (its tail is then no whole signature) or the signature is invalid.
bool rejected(const ByteVec& blob) {
    try {
        auto sigs = parse_signatures(blob, Hash32{});
        return !sigs.empty() && sigs[0].kind == SignatureKind::Invalid;
    } catch (const InputError&) {
        return true;
    }
}

}  // namespace

TEST(SafeAbiPaths, ContractSignatureOffsets) {
    // Honest: data right after the 65-byte static part.
    auto ok = parse_signatures(contract_sig(65, 3, "abc"), Hash32{});
    ASSERT_EQ(ok.size(), 1u);
    EXPECT_EQ(ok[0].kind, SignatureKind::Contract);
    const std::size_t size = contract_sig(65, 3, "abc").size();
    for (const auto& h : hostile_values(65, size)) {
        EXPECT_TRUE(rejected(contract_sig(h.value, 3, "abc"))) << "offset " << h.name;
        EXPECT_TRUE(rejected(contract_sig(65, h.value, "abc"))) << "length " << h.name;
    }
    // Pointing into its own static part is refused too.
    EXPECT_TRUE(rejected(contract_sig(32, 3, "abc")));
}

TEST(SafeAbiPaths, ExecTransactionBytesArguments) {
    auto [tx, sigs] = decode_exec_transaction(exec_calldata(320, 4, 384, 4));
    EXPECT_EQ(std::string(tx.data.begin(), tx.data.end()), "data");
    EXPECT_EQ(std::string(sigs.begin(), sigs.end()), "sigs");
    const std::size_t size = exec_calldata(320, 4, 384, 4).size() - 4;
    for (const auto& h : hostile_values(320, size)) {
        EXPECT_THROW(decode_exec_transaction(exec_calldata(h.value, 4, 384, 4)), InputError) << "data offset " << h.name;
        EXPECT_THROW(decode_exec_transaction(exec_calldata(320, h.value, 384, 4)), InputError) << "data length " << h.name;
    }
    for (const auto& h : hostile_values(384, size)) {
        EXPECT_THROW(decode_exec_transaction(exec_calldata(320, 4, h.value, 4)), InputError) << "sigs offset " << h.name;
        EXPECT_THROW(decode_exec_transaction(exec_calldata(320, 4, 384, h.value)), InputError) << "sigs length " << h.name;
    }
}

TEST(SafeAbiPaths, KnownFunctionBytesAndArrayArguments) {
    // safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] values, bytes data)
    auto call = [](const U256& ids_off, const U256& ids_n, const U256& data_off, const U256& data_len) {
        ByteVec d = safe_test::selector("safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)");
        auto args = cat({abi_word(1), abi_word(2), abi_word(ids_off), abi_word(224), abi_word(data_off),  // 160 bytes
                         abi_word(ids_n), abi_word(7), abi_word(1), abi_word(8), abi_word(data_len),      // ids at 160, values at 224
                         padded("xy")});                                                                  // data at 288
        d.insert(d.end(), args.begin(), args.end());
        return d;
    };
    auto ok = decode_call(kWallet, 0, call(160, 1, 288, 2), Operation::Call, std::nullopt);
    EXPECT_TRUE(ok.error.empty()) << ok.error;
    ASSERT_EQ(ok.args.size(), 5u);
    EXPECT_EQ(ok.args[2].value, "[7]");
    EXPECT_EQ(ok.args[3].value, "[8]");
    EXPECT_EQ(ok.args[4].value, "0x7879");
    const std::size_t size = call(160, 1, 288, 2).size() - 4;
    for (const auto& h : hostile_values(160, size)) {
        EXPECT_FALSE(decode_call(kWallet, 0, call(h.value, 1, 288, 2), Operation::Call, std::nullopt).error.empty()) << h.name;
        EXPECT_FALSE(decode_call(kWallet, 0, call(160, h.value, 288, 2), Operation::Call, std::nullopt).error.empty()) << h.name;
    }
    for (const auto& h : hostile_values(288, size)) {
        EXPECT_FALSE(decode_call(kWallet, 0, call(160, 1, h.value, 2), Operation::Call, std::nullopt).error.empty()) << h.name;
        EXPECT_FALSE(decode_call(kWallet, 0, call(160, 1, 288, h.value), Operation::Call, std::nullopt).error.empty()) << h.name;
    }
}
