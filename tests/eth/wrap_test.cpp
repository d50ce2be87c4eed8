// Wrapped native coins recognised by behaviour (docs/ingest.md "Wrapped native coins"): a
// Deposit/Withdrawal event counts when the same transaction moved exactly that much of the native
// coin into/out of the emitting contract outside reverted frames; listed contracts always count.
#include <gtest/gtest.h>

#include "eth/eth.hpp"

using namespace chainward;
using namespace chainward::eth;

namespace {

std::string fmt_address(unsigned n) {
    std::string hex = "0123456789abcdef", s;
    for (; n; n /= 16) s.insert(s.begin(), hex[n % 16]);
    return "0x" + std::string(40 - s.size(), '0') + s;
}
Address a(unsigned n) { return parse_address(fmt_address(n)); }
Hash32 word_of(const Address& x) {
    Hash32 h;
    std::copy(x.b.begin(), x.b.end(), h.b.begin() + 12);
    return h;
}
std::vector<std::uint8_t> amount_word(unsigned v) {
    std::vector<std::uint8_t> w(32, 0);
    for (int i = 31; v; --i, v >>= 8) w[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v & 0xff);
    return w;
}

const Address kUser = a(0xa1), kOther = a(0xa2), kRouter = a(0xb1), kWrapper = a(0xc1), kMiner = a(0xee);

LogData wrap_event(const char* sig, const Address& emitter, const Address& who, unsigned wad, std::uint32_t index) {
    return {emitter, {keccak256(sig), word_of(who)}, amount_word(wad), index};
}
LogData deposit(const Address& who, unsigned wad, std::uint32_t i = 0) { return wrap_event("Deposit(address,uint256)", kWrapper, who, wad, i); }
LogData withdrawal(const Address& who, unsigned wad, std::uint32_t i = 0) {
    return wrap_event("Withdrawal(address,uint256)", kWrapper, who, wad, i);
}

CallFrame frame(const Address& from, const Address& to, unsigned value, std::vector<CallFrame> calls = {}, bool error = false) {
    CallFrame f;
    f.from = from;
    f.to = to;
    f.value = value;
    f.error = error;
    f.calls = std::move(calls);
    return f;
}

/// One block with one transaction from kUser to `to` carrying `value`, the given logs and (if
/// given) the inner frames of its trace.
BlockData block(const Address& to, unsigned value, std::vector<LogData> logs, std::optional<std::vector<CallFrame>> inner) {
    BlockData b;
    b.number = 5;
    b.miner = kMiner;
    TxData tx;
    tx.hash = keccak256("tx");
    tx.from = kUser;
    tx.to = to;
    tx.value = value;
    b.txs.push_back(tx);
    ReceiptData r;
    r.tx_hash = tx.hash;
    r.status = 1;
    r.logs = std::move(logs);
    b.receipts.emplace_back(std::move(r));
    if (inner) b.traces = std::vector<CallFrame>{frame(kUser, to, value, std::move(*inner))};
    return b;
}

/// The wraps and unwraps extracted, as "wrap <to> <amount>" / "unwrap <from> <amount>".
std::vector<std::string> wraps(const BlockData& b, std::vector<Address> listed = {}) {
    ExtractOptions opt;
    opt.wrapped_native.insert(opt.wrapped_native.end(), listed.begin(), listed.end());
    std::vector<std::string> out;
    for (const auto& t : extract_transfers(b, opt)) {
        if (t.kind == TransferKind::Wrap) out.push_back("wrap " + t.to->hex() + " " + t.amount.str());
        if (t.kind == TransferKind::Unwrap) out.push_back("unwrap " + t.from->hex() + " " + t.amount.str());
        if (t.kind == TransferKind::Wrap || t.kind == TransferKind::Unwrap) {
            EXPECT_EQ(t.asset.contract, kWrapper);
        }
    }
    return out;
}
using V = std::vector<std::string>;

}  // namespace

TEST(WrappedNative, DepositPaidByTheTransactionIsAWrapAtAnyAddress) {
    EXPECT_EQ(wraps(block(kWrapper, 100, {deposit(kUser, 100)}, std::vector<CallFrame>{})), V{"wrap " + kUser.hex() + " 100"});
    // Without traces the transaction's own value still shows the payment.
    EXPECT_EQ(wraps(block(kWrapper, 100, {deposit(kUser, 100)}, std::nullopt)), V{"wrap " + kUser.hex() + " 100"});
}

TEST(WrappedNative, DepositWithoutExactlyThatPaymentFromThatSenderIsNot) {
    EXPECT_EQ(wraps(block(kWrapper, 100, {deposit(kUser, 99)}, std::vector<CallFrame>{})), V{});
    EXPECT_EQ(wraps(block(kWrapper, 100, {deposit(kOther, 100)}, std::vector<CallFrame>{})), V{});
    EXPECT_EQ(wraps(block(kOther, 100, {deposit(kUser, 100)}, std::vector<CallFrame>{})), V{});  // paid someone else
    EXPECT_EQ(wraps(block(kWrapper, 0, {deposit(kUser, 0)}, std::vector<CallFrame>{})), V{});
}

TEST(WrappedNative, OnePaymentVouchesForOneEvent) {
    EXPECT_EQ(wraps(block(kWrapper, 100, {deposit(kUser, 100, 0), deposit(kUser, 100, 1)}, std::vector<CallFrame>{})),
              V{"wrap " + kUser.hex() + " 100"});
}

TEST(WrappedNative, DepositThroughARouterNeedsTheInnerCall) {
    auto b = block(kRouter, 70, {deposit(kRouter, 70)}, std::vector<CallFrame>{frame(kRouter, kWrapper, 70)});
    EXPECT_EQ(wraps(b), V{"wrap " + kRouter.hex() + " 70"});
    b.traces.reset();  // without traces the inner payment is unknown
    EXPECT_EQ(wraps(b), V{});
    EXPECT_EQ(wraps(b, {kWrapper}), V{"wrap " + kRouter.hex() + " 70"});  // unless listed (--weth)
}

TEST(WrappedNative, PaymentInsideARevertedFrameDoesNotCount) {
    // The router paid the wrapper in a frame that reverted, then the wrapper claims a deposit.
    auto inner = std::vector<CallFrame>{frame(kRouter, kWrapper, 70, {}, true), frame(kRouter, kWrapper, 0)};
    EXPECT_EQ(wraps(block(kRouter, 70, {deposit(kRouter, 70)}, inner)), V{});
    // ... and under a reverted parent too.
    inner = {frame(kRouter, kOther, 0, {frame(kOther, kWrapper, 70)}, true)};
    EXPECT_EQ(wraps(block(kRouter, 70, {wrap_event("Deposit(address,uint256)", kWrapper, kOther, 70, 0)}, inner)), V{});
}

TEST(WrappedNative, WithdrawalNeedsThePaymentBack) {
    auto paid = std::vector<CallFrame>{frame(kWrapper, kUser, 40)};
    EXPECT_EQ(wraps(block(kWrapper, 0, {withdrawal(kUser, 40)}, paid)), V{"unwrap " + kUser.hex() + " 40"});
    EXPECT_EQ(wraps(block(kWrapper, 0, {withdrawal(kUser, 40)}, std::vector<CallFrame>{})), V{});
    EXPECT_EQ(wraps(block(kWrapper, 0, {withdrawal(kOther, 40)}, paid)), V{});
    // A payment into the wrapper does not vouch for a withdrawal, nor one out for a deposit.
    EXPECT_EQ(wraps(block(kWrapper, 40, {withdrawal(kUser, 40)}, std::vector<CallFrame>{})), V{});
    EXPECT_EQ(wraps(block(kWrapper, 0, {deposit(kUser, 40)}, paid)), V{});
}

TEST(WrappedNative, ListedContractsCountWithoutTheCheck) {
    EXPECT_EQ(wraps(block(kOther, 0, {deposit(kUser, 5), withdrawal(kUser, 3, 1)}, std::vector<CallFrame>{}), {kWrapper}),
              (V{"wrap " + kUser.hex() + " 5", "unwrap " + kUser.hex() + " 3"}));
}

// The zero address is no account: a Deposit to it or a Withdrawal from it moves nothing, even from
// a listed wrapper (docs/tracing.md: mints come from none, burns go to none).
TEST(WrappedNative, TheZeroAddressNeitherWrapsNorUnwraps) {
    const Address zero{};
    EXPECT_EQ(wraps(block(kOther, 0, {deposit(zero, 5), withdrawal(zero, 3, 1)}, std::vector<CallFrame>{}), {kWrapper}), V{});
}
