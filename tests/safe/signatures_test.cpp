#include <gtest/gtest.h>

#include "safe/safe.hpp"
#include "test_util.hpp"

using namespace chainward;
using namespace chainward::safe;
using namespace safe_test;

namespace {

const Address kSafe = parse_address("0x1111111111111111111111111111111111111111");

Hash32 eth_message(const Hash32& h) {
    std::string m = "\x19" "Ethereum Signed Message:\n32";
    ByteVec b(m.begin(), m.end());
    b.insert(b.end(), h.b.begin(), h.b.end());
    return keccak256(b);
}

ByteVec static_part(const Address& owner, const U256& s, std::uint8_t v) {
    ByteVec out;
    put_address(out, owner);
    put_word(out, s);
    out.push_back(v);
    return out;
}

}  // namespace

TEST(SafeSignatures, RecoversEcdsaAndEthSignSigners) {
    Key k1 = make_key(1), k2 = make_key(2);
    Hash32 h = keccak256(std::string_view("some safe tx"));
    ByteVec blob = sign(k1, h);
    ByteVec s2 = sign(k2, eth_message(h), 4);
    blob.insert(blob.end(), s2.begin(), s2.end());
    auto sigs = parse_signatures(blob, h);
    ASSERT_EQ(sigs.size(), 2u);
    EXPECT_EQ(sigs[0].kind, SignatureKind::Ecdsa);
    EXPECT_EQ(*sigs[0].signer, k1.address);
    EXPECT_EQ(sigs[1].kind, SignatureKind::EthSign);
    EXPECT_GT(sigs[1].v, 30);
    EXPECT_EQ(*sigs[1].signer, k2.address);
    // The same bytes over another hash recover someone else.
    auto other = parse_signatures(blob, keccak256(std::string_view("other")));
    EXPECT_NE(*other[0].signer, k1.address);
}

TEST(SafeSignatures, ApprovedHashAndContractSignaturesAreIdentified) {
    const Address owner = parse_address("0x00000000000000000000000000000000000a11ce");
    const Address wallet = parse_address("0x0000000000000000000000000000000000000b0b");
    Hash32 h{};
    ByteVec blob = static_part(owner, 0, 1);
    ByteVec contract = static_part(wallet, 130, 0);  // data right after the two static parts
    blob.insert(blob.end(), contract.begin(), contract.end());
    put_word(blob, 3);
    blob.insert(blob.end(), {0xde, 0xad, 0x01});
    auto sigs = parse_signatures(blob, h);
    ASSERT_EQ(sigs.size(), 2u);
    EXPECT_EQ(sigs[0].kind, SignatureKind::ApprovedHash);
    EXPECT_EQ(*sigs[0].signer, owner);
    EXPECT_EQ(sigs[1].kind, SignatureKind::Contract);
    EXPECT_EQ(*sigs[1].signer, wallet);
    EXPECT_FALSE(sigs[1].verified_offline);
}

TEST(SafeSignatures, ContractSignatureOffsetOutsideBlobIsInvalid) {
    ByteVec blob = static_part(parse_address("0x0000000000000000000000000000000000000b0b"), 5000, 0);
    auto sigs = parse_signatures(blob, Hash32{});
    ASSERT_EQ(sigs.size(), 1u);
    EXPECT_EQ(sigs[0].kind, SignatureKind::Invalid);
}

TEST(SafeSignatures, WrongLengthsAreClearErrors) {
    Key k = make_key(3);
    ByteVec blob = sign(k, Hash32{});
    blob.pop_back();
    EXPECT_THROW(parse_signatures(blob, Hash32{}), InputError);
    ByteVec two = sign(k, Hash32{});
    two.push_back(0);
    try {
        parse_signatures(two, Hash32{});
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("66 bytes"), std::string::npos) << e.what();
    }
}

TEST(SafeSignatures, UnknownVIsInvalid) {
    ByteVec s = sign(make_key(4), Hash32{});
    s[64] = 29;
    auto sigs = parse_signatures(s, Hash32{});
    EXPECT_EQ(sigs[0].kind, SignatureKind::Invalid);
}

TEST(SafeSignatures, CheckFlagsNonOwnersAndUnsortedSigners) {
    Key a = make_key(5), b = make_key(6), c = make_key(7);
    Proposal p;
    p.source = "t";
    p.tx.to = parse_address("0x0000000000000000000000000000000000000b0b");
    p.tx.value = 1;
    p.has_nonce = true;
    p.safe = kSafe;
    CheckOptions o;
    o.version = "1.5.0";
    o.chain_id = U256(11155111);
    o.owners = std::vector<Address>{a.address, b.address};
    const Hash32 h = compute_hashes(p.tx, version_rules("1.5.0"), kSafe, o.chain_id).safe_tx_hash;
    std::vector<Key> keys = {a, b};
    std::sort(keys.begin(), keys.end(), [](const Key& x, const Key& y) { return x.address < y.address; });
    ByteVec sorted;
    for (const auto& k : keys) {
        auto s = sign(k, h);
        sorted.insert(sorted.end(), s.begin(), s.end());
    }
    p.signatures = sorted;
    auto ok = check({p}, o);
    EXPECT_EQ(ok.exit_code(), 0);
    for (const auto& s : ok.proposals[0].signatures) EXPECT_EQ(s.is_owner, true);

    ByteVec reversed(sorted.begin() + 65, sorted.end());
    reversed.insert(reversed.end(), sorted.begin(), sorted.begin() + 65);
    p.signatures = reversed;
    auto bad_order = check({p}, o);
    bool unsorted = false;
    for (const auto& f : bad_order.findings) unsorted |= f.code == "signatures-unsorted";
    EXPECT_TRUE(unsorted);

    auto sc = sign(c, h);
    p.signatures = sc;
    auto stranger = check({p}, o);
    EXPECT_EQ(stranger.exit_code(), 2);
    EXPECT_EQ(stranger.proposals[0].signatures[0].is_owner, false);
}
