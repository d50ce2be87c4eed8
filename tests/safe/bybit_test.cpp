// Acceptance on the real Bybit artifacts (../shared/data/lazarus-bybit): the executed malicious
// DELEGATECALL (nonce 71) and the legitimate proposal it replaced.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "safe/safe.hpp"

using namespace chainward;
using namespace chainward::safe;

namespace {

std::string read(const std::string& name) {
    std::ifstream in(std::string(CHAINWARD_SHARED_DATA) + "/lazarus-bybit/" + name);
    EXPECT_TRUE(in) << name;
    return {std::istreambuf_iterator<char>(in), {}};
}

const Address kSafe = parse_address("0x1Db92e2EeBC8E0c075a02BeA49a2935BcD2dFCF4");
const std::vector<Address> kSigners = {parse_address("0x1F4EB0a903619ac168b19A82F1a6e2e426522211"),
                                       parse_address("0x3Cc3A225769900e003E264dd4CB43E90896BC21A"),
                                       parse_address("0xe3dF2cCEAc61B1aFA311372ecC5B40A3A6585a9E")};

bool has(const CheckReport& r, const std::string& code, Severity s, std::optional<std::size_t> p) {
    for (const auto& f : r.findings)
        if (f.code == code && f.severity == s && f.proposal == p) return true;
    return false;
}

}  // namespace

TEST(Bybit, RecordHashesMatchAndVersionIsInferred) {
    auto proposals = parse_proposals(read("bybit-safe-tx-71.json"));
    ASSERT_EQ(proposals.size(), 2u);
    CheckOptions o;
    o.chain_id = U256(1);
    CheckReport r = check(proposals, o);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& pr = r.proposals[i];
        ASSERT_TRUE(pr.selected) << i;
        EXPECT_EQ(pr.record_hash_matches, true) << i;
        EXPECT_EQ(pr.selected->safe_tx_hash, *pr.proposal.claimed_safe_tx_hash) << i;
        // 1.0.0 to 1.2.0 share the chain-less domain: all four match, 1.3.0+ must not.
        for (const auto& h : pr.hashes)
            EXPECT_EQ(h.safe_tx_hash == *pr.proposal.claimed_safe_tx_hash, h.version < "1.3.0") << h.version;
    }
    EXPECT_EQ(r.proposals[0].selected->safe_tx_hash,
              parse_hash("0xb3476d061aeb8fc1d605a873c483a2402d88a68a9cdd1a8b47655dd55ba004f8"));
}

TEST(Bybit, MaliciousTransactionIsCriticalAndSignedByTheThreeOwners) {
    CheckOptions o;
    o.version = "1.1.1";
    o.owners = kSigners;
    CheckReport r = check(parse_proposals(read("bybit-safe-tx-71.json")), o);
    const auto& bad = r.proposals[0];
    EXPECT_EQ(bad.record_hash_matches, true);
    ASSERT_EQ(bad.signatures.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(bad.signatures[i].kind, SignatureKind::EthSign);
        ASSERT_TRUE(bad.signatures[i].signer);
        EXPECT_EQ(*bad.signatures[i].signer, bad.proposal.confirmations[i].owner) << i;
        EXPECT_EQ(bad.signatures[i].is_owner, true);
    }
    // Decoded call: transfer(0xbdd0…, 0) on the trojan, under DELEGATECALL.
    EXPECT_EQ(bad.call.function, "transfer(address,uint256)");
    EXPECT_EQ(bad.call.operation, Operation::DelegateCall);
    ASSERT_EQ(bad.call.address_args.size(), 1u);
    EXPECT_EQ(bad.call.address_args[0], parse_address("0xbdd077f651ebe7f7b3ce16fe5f2b025be2969516"));
    EXPECT_TRUE(has(r, "delegatecall-untrusted", Severity::Critical, 0));
    EXPECT_FALSE(has(r, "signer-not-owner", Severity::Critical, 0));
    EXPECT_FALSE(has(r, "signature-wrong-signer", Severity::Critical, 0));
    EXPECT_EQ(r.exit_code(), 2);
}

TEST(Bybit, LegitimateProposalCarriesSignaturesOfOtherData) {
    CheckOptions o;
    o.version = "1.1.1";
    o.owners = kSigners;
    CheckReport r = check(parse_proposals(read("bybit-safe-tx-71.json")), o);
    const auto& good = r.proposals[1];
    EXPECT_EQ(good.call.category, "native");
    EXPECT_EQ(good.call.value, parse_u256("30000000000000000000000"));
    ASSERT_EQ(good.signatures.size(), 3u);
    for (const auto& s : good.signatures) {
        ASSERT_TRUE(s.signer);
        EXPECT_EQ(s.is_owner, false);
        EXPECT_TRUE(s.claimed_owner);
        EXPECT_NE(*s.signer, *s.claimed_owner);
    }
    EXPECT_TRUE(has(r, "signer-not-owner", Severity::Critical, 1));
    EXPECT_TRUE(has(r, "signature-wrong-signer", Severity::Critical, 1));
    EXPECT_FALSE(has(r, "delegatecall-untrusted", Severity::Critical, 1));
    EXPECT_TRUE(has(r, "duplicate-nonce", Severity::Warning, std::nullopt));
}

TEST(Bybit, WithoutOwnerListConfirmationsStillExposeTheForeignSignatures) {
    CheckReport r = check(parse_proposals(read("bybit-safe-tx-71.json")), {});
    EXPECT_TRUE(has(r, "signature-wrong-signer", Severity::Critical, 1));
    EXPECT_FALSE(has(r, "signature-wrong-signer", Severity::Critical, 0));
}

TEST(Bybit, RawExecTransactionDecodesToTheSameSafeTx) {
    auto raw = parse_proposals(read("bybit_exploit_tx_0x46deef0f_raw.txt"));
    ASSERT_EQ(raw.size(), 1u);
    const Proposal& p = raw[0];
    EXPECT_EQ(*p.eth_tx_hash, parse_hash("0x46deef0f52e3a983b67abf4714448a41dd7ffd6d32d32da69d62081c68ad7882"));
    EXPECT_EQ(*p.eth_tx_sender, parse_address("0x0fa09C3A328792253f8dee7116848723b72a6d2e"));
    EXPECT_EQ(*p.eth_chain_id, U256(1));
    EXPECT_EQ(*p.safe, kSafe);

    auto rec = parse_proposals(read("bybit-safe-tx-71.json"))[0];
    EXPECT_EQ(p.tx.to, rec.tx.to);
    EXPECT_EQ(p.tx.data, rec.tx.data);
    EXPECT_EQ(p.tx.operation, rec.tx.operation);
    EXPECT_EQ(p.tx.safe_tx_gas, rec.tx.safe_tx_gas);
    EXPECT_EQ(*p.signatures, *rec.signatures);

    CheckOptions o;
    o.version = "1.1.1";
    o.overrides.nonce = U256(71);
    CheckReport r = check(raw, o);
    EXPECT_EQ(r.proposals[0].selected->safe_tx_hash, *rec.claimed_safe_tx_hash);
    ASSERT_EQ(r.proposals[0].signatures.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(*r.proposals[0].signatures[i].signer, rec.confirmations[i].owner);
    EXPECT_EQ(r.exit_code(), 2);
}

TEST(Bybit, RawTransactionWithoutNonceIsAnInputError) {
    EXPECT_THROW(check_text(read("bybit_exploit_tx_0x46deef0f_raw.txt"), {}), InputError);
}

TEST(Bybit, LabelledAddressesAreCritical) {
    CheckOptions o;
    o.label_of = load_label_csv(std::string(CHAINWARD_SHARED_DATA) + "/lazarus-bybit/bybit_hack_addresses_tayvano.csv");
    CheckReport r = check(parse_proposals(read("bybit-safe-tx-71.json")), o);
    EXPECT_TRUE(has(r, "risk-label", Severity::Critical, 0));   // trojan and backdoor
    EXPECT_FALSE(has(r, "risk-label", Severity::Critical, 1));  // 0x88a1… is not labelled
}
