// Mainnet's rules are not applied silently: the chain comes from --chain-id, from the
// transactions' own chain ids (typed chainId, EIP-155 v), or the ingest warns which blocks were
// read without them. Expected rewards are the fork schedule's (docs/ingest.md), by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "../test_util.hpp"
#include "ingest/ingest.hpp"

using namespace chainward;
using namespace chainward::ingest;
using store::TransferStore;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

using chainward::test::TempDir;

const U256 kEther = U256(1'000'000'000'000'000'000ull);

// Block 16 (before the merge) with one transaction whose chain is named by `chain_field`
// ("\"chainId\":\"0x1\"", "\"v\":\"0x25\"", "\"v\":\"0x1b\"" ...), and its receipt.
std::string block16(const std::string& chain_field) {
    return fmt::format(R"({{"number":"0x10","hash":"0x{}","parentHash":"0x{}","timestamp":"0x5",
"miner":"0x00000000000000000000000000000000000000aa","transactions":[
{{"hash":"0x{}","transactionIndex":"0x0","blockNumber":"0x10","from":"0x00000000000000000000000000000000000000b1",
"to":"0x00000000000000000000000000000000000000b2","value":"0x64","gasPrice":"0x0",{}}}]}}
[{{"transactionHash":"0x{}","transactionIndex":"0x0","blockNumber":"0x10","blockHash":"0x{}","status":"0x1",
"gasUsed":"0x5208","cumulativeGasUsed":"0x5208","contractAddress":null,"logs":[]}}]
)",
                       std::string(64, '1'), std::string(64, '2'), std::string(64, '3'), chain_field, std::string(64, '3'),
                       std::string(64, '1'));
}

struct Ingested {
    IngestReport report;
    std::vector<Transfer> rewards;
};

Ingested ingest_text(const fs::path& dir, const std::string& text, std::uint64_t chain_id) {
    auto st = TransferStore::open(dir, TransferStore::Mode::ReadWrite);
    IngestOptions opt;
    opt.extract.chain_id = chain_id;
    Ingestor ing(*st, opt);
    ing.ingest_response(text, "in.jsonl");
    ing.flush(true);
    Ingested out{ing.report(), {}};
    st->scan([&](const store::TransferRef& t) {
        if (t.kind == TransferKind::Reward) out.rewards.push_back(st->resolve(t));
        return true;
    });
    return out;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "\n";
    return s;
}

}  // namespace

TEST(ChainRules, TransactionChainIdsNameTheChain) {
    for (const char* field : {R"("type":"0x2","chainId":"0x1","v":"0x1")", R"("v":"0x25")", R"("v":"0x26")"}) {
        TempDir d;
        auto r = ingest_text(d.p / "store", block16(field), 0);
        ASSERT_EQ(r.rewards.size(), 1u) << field;
        EXPECT_EQ(r.rewards[0].amount, 5 * kEther) << field;  // Frontier: 5 ETH, no uncles
        EXPECT_THAT(joined(r.report.notes), HasSubstr("chain id 1 taken from block 16")) << field;
        EXPECT_TRUE(r.report.warnings.empty()) << joined(r.report.warnings);
    }
    // Another chain: no mainnet reward, and nothing to warn about.
    TempDir d;
    auto r = ingest_text(d.p / "store", block16(R"("v":"0xa95")"), 0);  // 2709 = 2 * 1337 + 35
    EXPECT_TRUE(r.rewards.empty());
    EXPECT_THAT(joined(r.report.notes), HasSubstr("chain id 1337 taken from block 16"));
    EXPECT_TRUE(r.report.warnings.empty());
}

TEST(ChainRules, AChainOtherThanTheOneGivenIsAnError) {
    TempDir d;
    try {
        ingest_text(d.p / "store", block16(R"("v":"0x25")"), 5);
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_THAT(e.what(), HasSubstr("signed for chain 1, but this ingest is for chain 5"));
    }
}

TEST(ChainRules, UnknownChainIsAWarningNamingTheBlocks) {
    // Real mainnet block 483,920 (2015): legacy transactions with v = 27/28 name no chain.
    std::string text;
    for (const auto& f : fs::directory_iterator(fs::path(CHAINWARD_SOURCE_DIR) / "samples/mainnet-483920"))
        text += chainward::test::slurp(f.path()) + "\n";
    TempDir d;
    auto unknown = ingest_text(d.p / "a", text, 0);
    EXPECT_TRUE(unknown.rewards.empty());
    ASSERT_EQ(unknown.report.warnings.size(), 1u);
    EXPECT_THAT(unknown.report.warnings[0], HasSubstr("the chain is unknown for 1 blocks (483920..483920)"));
    EXPECT_THAT(unknown.report.warnings[0], HasSubstr("--chain-id 1"));
    // Given as mainnet: the miner's 5 ETH (no uncles in this block), and no warning.
    auto mainnet = ingest_text(d.p / "b", text, 1);
    ASSERT_EQ(mainnet.rewards.size(), 1u);
    EXPECT_EQ(mainnet.rewards[0].amount, 5 * kEther);
    EXPECT_EQ(mainnet.rewards[0].to->hex(), "0x52bc44d5378309ee2abf1539bf71de1b7d7be3b5");
    EXPECT_TRUE(mainnet.report.warnings.empty());
    // A legacy transaction with v = 27 names no chain either.
    auto legacy = ingest_text(d.p / "c", block16(R"("v":"0x1b")"), 0);
    EXPECT_TRUE(legacy.rewards.empty());
    EXPECT_EQ(legacy.report.warnings.size(), 1u);
}
