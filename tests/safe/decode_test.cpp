#include <gtest/gtest.h>

#include "safe/safe.hpp"
#include "test_util.hpp"

using namespace chainward;
using namespace chainward::safe;
using namespace safe_test;

namespace {

const Address kSafe = parse_address("0x1111111111111111111111111111111111111111");
const Address kToken = parse_address("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
const Address kAlice = parse_address("0x00000000000000000000000000000000000a11ce");
const Address kBob = parse_address("0x0000000000000000000000000000000000000b0b");
const Address kMultiSendCallOnly141 = parse_address("0x9641d764fc13c8B624c04430C7356C1C7C8102e2");
const Address kMultiSend141 = parse_address("0x38869bf66a61cF6bDB996A6aE40D5853Fd43B526");

CheckReport run(const SafeTx& tx, CheckOptions o = {}) {
    Proposal p;
    p.source = "test";
    p.tx = tx;
    p.has_nonce = true;
    p.safe = kSafe;
    if (!o.version) o.version = "1.4.1";
    if (!o.chain_id) o.chain_id = U256(1);
    return check({p}, o);
}

std::vector<std::string> codes(const CheckReport& r, Severity s) {
    std::vector<std::string> out;
    for (const auto& f : r.findings)
        if (f.severity == s) out.push_back(f.code);
    return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

TEST(SafeDecode, Erc20TransferArguments) {
    auto c = decode_call(kToken, 0, call_addr_uint("transfer(address,uint256)", kAlice, 1234), Operation::Call, kSafe);
    EXPECT_EQ(c.function, "transfer(address,uint256)");
    EXPECT_EQ(c.selector, "0xa9059cbb");
    ASSERT_EQ(c.args.size(), 2u);
    EXPECT_EQ(c.args[0].value, kAlice.checksum());
    EXPECT_EQ(c.args[1].value, "1234");
    EXPECT_TRUE(c.error.empty());
}

TEST(SafeDecode, DirtyAddressWordIsMalformed) {
    ByteVec d = call_addr_uint("transfer(address,uint256)", kAlice, 1);
    d[4] = 0xff;  // upper bytes of the address word
    auto c = decode_call(kToken, 0, d, Operation::Call, kSafe);
    EXPECT_NE(c.error.find("not an address"), std::string::npos) << c.error;
    EXPECT_TRUE(contains(codes(run({kToken, 0, d}), Severity::Critical), "malformed-call"));
}

TEST(SafeDecode, TruncatedArgumentsAreMalformed) {
    ByteVec d = call_addr_uint("transfer(address,uint256)", kAlice, 1);
    d.resize(d.size() - 1);
    auto c = decode_call(kToken, 0, d, Operation::Call, kSafe);
    EXPECT_NE(c.error.find("truncated"), std::string::npos) << c.error;
}

TEST(SafeDecode, MultiSendBatchIsDecodedRecursively) {
    ByteVec packed;
    put_multisend_item(packed, 0, kToken, 0, call_addr_uint("transfer(address,uint256)", kAlice, 7));
    put_multisend_item(packed, 0, kBob, 5, {});
    ByteVec inner_packed;
    put_multisend_item(inner_packed, 0, kSafe, 0, call_addr_uint("addOwnerWithThreshold(address,uint256)", kBob, 2));
    put_multisend_item(packed, 1, kMultiSendCallOnly141, 0, multisend_call(inner_packed));
    auto c = decode_call(kMultiSendCallOnly141, 0, multisend_call(packed), Operation::DelegateCall, kSafe);
    ASSERT_TRUE(c.error.empty()) << c.error;
    EXPECT_EQ(c.category, "multisend");
    ASSERT_EQ(c.inner.size(), 3u);
    EXPECT_EQ(c.inner[0].function, "transfer(address,uint256)");
    EXPECT_EQ(c.inner[0].address_args[0], kAlice);
    EXPECT_EQ(c.inner[1].category, "native");
    EXPECT_EQ(c.inner[1].value, 5);
    EXPECT_EQ(c.inner[2].operation, Operation::DelegateCall);
    ASSERT_EQ(c.inner[2].inner.size(), 1u);
    EXPECT_EQ(c.inner[2].inner[0].function, "addOwnerWithThreshold(address,uint256)");

    SafeTx tx{kMultiSendCallOnly141, 0, multisend_call(packed), Operation::DelegateCall};
    auto r = run(tx);
    auto warn = codes(r, Severity::Warning);
    EXPECT_TRUE(contains(warn, "safe-config-change"));  // nested addOwner on the Safe itself
    EXPECT_FALSE(contains(codes(r, Severity::Critical), "delegatecall-untrusted"));
}

TEST(SafeDecode, DelegateCallToNonCallOnlyMultiSendIsCriticalUnlessAllowlisted) {
    ByteVec packed;
    put_multisend_item(packed, 0, kBob, 1, {});
    SafeTx tx{kMultiSend141, 0, multisend_call(packed), Operation::DelegateCall};
    EXPECT_TRUE(contains(codes(run(tx), Severity::Critical), "delegatecall-untrusted"));
    CheckOptions o;
    o.delegatecall_allowlist = {kMultiSend141};
    EXPECT_FALSE(contains(codes(run(tx, o), Severity::Critical), "delegatecall-untrusted"));
}

TEST(SafeDecode, TruncatedMultiSendIsAClearError) {
    ByteVec packed;
    put_multisend_item(packed, 0, kBob, 1, ByteVec(10, 0xab));
    ByteVec cut(packed.begin(), packed.end() - 3);
    try {
        split_multisend(cut);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("claims 10 data bytes but only 7 remain"), std::string::npos) << e.what();
    }
    ByteVec short_header(packed.begin(), packed.begin() + 40);
    EXPECT_THROW(split_multisend(short_header), InputError);
    ByteVec bad_op = packed;
    bad_op[0] = 2;
    EXPECT_THROW(split_multisend(bad_op), InputError);
    auto c = decode_call(kMultiSendCallOnly141, 0, multisend_call(cut), Operation::DelegateCall, kSafe);
    EXPECT_FALSE(c.error.empty());
    EXPECT_TRUE(contains(codes(run({kMultiSendCallOnly141, 0, multisend_call(cut), Operation::DelegateCall}),
                               Severity::Critical), "malformed-call"));
}

TEST(SafeFindings, SelfCallsThatChangeTheSafe) {
    auto crit = [&](const ByteVec& d) { return contains(codes(run({kSafe, 0, d}), Severity::Critical), "safe-config-change"); };
    auto warn = [&](const ByteVec& d) { return contains(codes(run({kSafe, 0, d}), Severity::Warning), "safe-config-change"); };
    ByteVec one_addr = selector("changeMasterCopy(address)");
    put_address(one_addr, kBob);
    EXPECT_TRUE(crit(one_addr));
    ByteVec module = selector("enableModule(address)");
    put_address(module, kBob);
    EXPECT_TRUE(crit(module));
    ByteVec guard = selector("setGuard(address)");
    put_address(guard, kBob);
    EXPECT_TRUE(crit(guard));
    ByteVec fallback = selector("setFallbackHandler(address)");
    put_address(fallback, kBob);
    EXPECT_TRUE(crit(fallback));
    ByteVec threshold = selector("changeThreshold(uint256)");
    put_word(threshold, 1);
    EXPECT_TRUE(warn(threshold));
    EXPECT_TRUE(warn(call_addr_uint("addOwnerWithThreshold(address,uint256)", kBob, 1)));
    // The same call to another contract is not a change of this Safe.
    EXPECT_FALSE(contains(codes(run({kToken, 0, module}), Severity::Critical), "safe-config-change"));
}

TEST(SafeFindings, GasRefundIsAWarning) {
    SafeTx tx{kBob, 1};
    EXPECT_EQ(run(tx).exit_code(), 0);
    tx.gas_price = 1;
    EXPECT_TRUE(contains(codes(run(tx), Severity::Warning), "gas-refund"));
    SafeTx t2{kBob, 1};
    t2.refund_receiver = kAlice;
    EXPECT_TRUE(contains(codes(run(t2), Severity::Warning), "gas-refund"));
    SafeTx t3{kBob, 1};
    t3.gas_token = kToken;
    EXPECT_EQ(run(t3).exit_code(), 1);
}

TEST(SafeFindings, ApprovalsToUnknownSpenders) {
    const U256 unlimited = ~U256(0);
    SafeTx tx{kToken, 0, call_addr_uint("approve(address,uint256)", kBob, unlimited)};
    auto r = run(tx);
    EXPECT_TRUE(contains(codes(r, Severity::Warning), "approval-untrusted"));
    EXPECT_NE(r.proposals[0].call.summary.find("unlimited"), std::string::npos);
    CheckOptions o;
    o.spender_allowlist = {kBob};
    EXPECT_FALSE(contains(codes(run(tx, o), Severity::Warning), "approval-untrusted"));
    ByteVec all = selector("setApprovalForAll(address,bool)");
    put_address(all, kBob);
    put_word(all, 1);
    EXPECT_TRUE(contains(codes(run({kToken, 0, all}), Severity::Warning), "approval-untrusted"));
    // Revoking (amount 0) is fine.
    EXPECT_EQ(run({kToken, 0, call_addr_uint("approve(address,uint256)", kBob, 0)}).exit_code(), 0);
}

TEST(SafeFindings, ExpectationsOnRecipientAndValue) {
    SafeTx native{kBob, 1000};
    CheckOptions o;
    o.expect_to = kBob;
    o.expect_value = U256(1000);
    EXPECT_EQ(run(native, o).exit_code(), 0);
    o.expect_value = U256(999);
    EXPECT_TRUE(contains(codes(run(native, o), Severity::Critical), "expectation-mismatch"));
    o.expect_value.reset();
    o.expect_to = kAlice;
    EXPECT_TRUE(contains(codes(run(native, o), Severity::Critical), "expectation-mismatch"));
    // A token transfer: the recipient is the argument, not `to`.
    SafeTx erc20{kToken, 0, call_addr_uint("transfer(address,uint256)", kAlice, 5)};
    o.expect_to = kAlice;
    o.expect_value = U256(5);
    EXPECT_EQ(run(erc20, o).exit_code(), 0);
    SafeTx delegate = erc20;
    delegate.operation = Operation::DelegateCall;
    EXPECT_TRUE(contains(codes(run(delegate, o), Severity::Critical), "expectation-mismatch"));
}

TEST(SafeFindings, TwoProposalsForOneNonce) {
    Proposal a;
    a.source = "a";
    a.tx = {kBob, 1};
    a.has_nonce = true;
    a.safe = kSafe;
    Proposal b = a;
    b.source = "b";
    b.tx.value = 2;
    CheckOptions o;
    o.version = "1.1.1";
    auto r = check({a, b}, o);
    EXPECT_TRUE(contains(codes(r, Severity::Warning), "duplicate-nonce"));
    b.tx.nonce = 1;
    EXPECT_FALSE(contains(codes(check({a, b}, o), Severity::Warning), "duplicate-nonce"));
}
