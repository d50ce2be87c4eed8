#include <gtest/gtest.h>

#include <functional>

#include "safe/safe.hpp"

using namespace chainward;
using namespace chainward::safe;

// The type hashes below are the constants written in each version's contract source
// (GnosisSafe.sol 1.0.0-1.3.0 DOMAIN_SEPARATOR_TYPEHASH / SAFE_TX_TYPEHASH, Safe.sol 1.4.1/1.5.0),
// so a typo in our type strings cannot go unnoticed.
TEST(SafeHash, TypeStringsHashToTheContractConstants) {
    const Hash32 legacy_domain = parse_hash("0x035aff83d86937d35b32e04f0ddc6ff469290eef2f1b692d8a815c89404d4749");
    const Hash32 chain_domain = parse_hash("0x47e79534a245952e8b16893a336b85a3d9ea9fa8c573f3d803afb92a79469218");
    const Hash32 safe_tx = parse_hash("0xbb8310d486368db6bd6f849402fdd73ad53d316b5a4b2644ad6efe0f941286d8");
    ASSERT_EQ(known_versions().size(), 8u);
    for (const auto& r : known_versions()) {
        EXPECT_EQ(keccak256(r.domain_type), r.domain_has_chain_id ? chain_domain : legacy_domain) << r.version;
        EXPECT_EQ(keccak256(r.safe_tx_type), safe_tx) << r.version;
        EXPECT_EQ(r.domain_has_chain_id, r.version >= "1.3.0") << r.version;
    }
}

TEST(SafeHash, VersionNamesAcceptPrefixAndL2Suffix) {
    EXPECT_EQ(version_rules("v1.3.0").version, "1.3.0");
    EXPECT_EQ(version_rules("1.3.0+L2").version, "1.3.0");
    EXPECT_EQ(version_rules("1.5.0").version, "1.5.0");
}

TEST(SafeHash, UnknownVersionIsAClearError) {
    try {
        version_rules("1.6.0");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown Safe version '1.6.0'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("1.1.1"), std::string::npos);
    }
    EXPECT_THROW(version_rules("0.1.0"), InputError);
}

TEST(SafeHash, ChainIdIsRequiredFrom130AndChangesTheHash) {
    SafeTx tx;
    tx.to = parse_address("0x00000000000000000000000000000000000000aa");
    tx.nonce = 5;
    const Address safe = parse_address("0x1111111111111111111111111111111111111111");
    EXPECT_THROW(compute_hashes(tx, version_rules("1.3.0"), safe, std::nullopt), InputError);
    auto a = compute_hashes(tx, version_rules("1.3.0"), safe, U256(1));
    auto b = compute_hashes(tx, version_rules("1.3.0"), safe, U256(5));
    EXPECT_NE(a.domain_hash, b.domain_hash);
    EXPECT_EQ(a.message_hash, b.message_hash);
    // Before 1.3.0 the chain id is ignored: the same signature works on every chain.
    auto c = compute_hashes(tx, version_rules("1.1.1"), safe, U256(1));
    auto d = compute_hashes(tx, version_rules("1.1.1"), safe, std::nullopt);
    EXPECT_EQ(c.safe_tx_hash, d.safe_tx_hash);
    EXPECT_EQ(c.message_hash, a.message_hash);
    EXPECT_NE(c.domain_hash, a.domain_hash);
}

TEST(SafeHash, EveryFieldChangesTheMessageHash) {
    const Address safe = parse_address("0x1111111111111111111111111111111111111111");
    SafeTx base;
    const auto& rules = version_rules("1.4.1");
    const Hash32 h0 = compute_hashes(base, rules, safe, U256(1)).message_hash;
    std::vector<std::function<void(SafeTx&)>> edits = {
        [](SafeTx& t) { t.to.b[19] = 1; },        [](SafeTx& t) { t.value = 1; },
        [](SafeTx& t) { t.data = {0}; },          [](SafeTx& t) { t.operation = Operation::DelegateCall; },
        [](SafeTx& t) { t.safe_tx_gas = 1; },     [](SafeTx& t) { t.base_gas = 1; },
        [](SafeTx& t) { t.gas_price = 1; },       [](SafeTx& t) { t.gas_token.b[0] = 1; },
        [](SafeTx& t) { t.refund_receiver.b[0] = 1; }, [](SafeTx& t) { t.nonce = 1; }};
    for (std::size_t i = 0; i < edits.size(); ++i) {
        SafeTx t = base;
        edits[i](t);
        EXPECT_NE(compute_hashes(t, rules, safe, U256(1)).message_hash, h0) << "field " << i;
    }
}
