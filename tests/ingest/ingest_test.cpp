// Ingest: idempotence, reorgs, gaps, opening balances, and bad batches that store nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../test_util.hpp"

#include "chain_gen.hpp"
#include "ingest/ingest.hpp"

using namespace chainward;
using namespace chainward::ingest;
using chainward::test::ChainSpec;
using chainward::test::write_chain;
using store::TransferStore;
namespace fs = std::filesystem;

namespace {

using chainward::test::TempDir;

Hash32 ingest_into(const fs::path& store_dir, const std::vector<fs::path>& inputs, IngestOptions opt = {}) {
    auto st = TransferStore::open(store_dir, TransferStore::Mode::ReadWrite);
    Ingestor ing(*st, opt);
    ing.ingest_paths(inputs);
    return st->content_hash();
}

}  // namespace

TEST(Ingest, SecondIngestChangesNothing) {
    TempDir d;
    write_chain(d.p / "chain", {.first = 1, .last = 60});
    IngestOptions small;
    small.batch_transfers = 100;
    Hash32 h1 = ingest_into(d.p / "store", {d.p / "chain"}, small);
    auto n1 = TransferStore::open(d.p / "store", TransferStore::Mode::ReadOnly)->stats().transfers;
    Hash32 h2 = ingest_into(d.p / "store", {d.p / "chain"}, small);
    EXPECT_EQ(h1, h2);
    EXPECT_EQ(TransferStore::open(d.p / "store", TransferStore::Mode::ReadOnly)->stats().transfers, n1);
    EXPECT_GT(n1, 60u * 8);  // value, fees, burns, tokens, internal calls
    // Batches of any size give the same store.
    IngestOptions big;
    big.batch_transfers = 1'000'000;
    EXPECT_EQ(ingest_into(d.p / "store2", {d.p / "chain"}, big), h1);
}

TEST(Ingest, ReorgIsRefusedThenRolledBackAndReplayed) {
    TempDir d;
    // Chain A: 1..50; chain B shares 1..45 and then differs.
    write_chain(d.p / "a", {.first = 1, .last = 50, .seed = 1});
    write_chain(d.p / "b", {.first = 1, .last = 50, .seed = 1, .fork_after = 45, .alt_seed = 7});
    ingest_into(d.p / "store", {d.p / "a"});
    Hash32 a_hash = TransferStore::open(d.p / "store", TransferStore::Mode::ReadOnly)->content_hash();
    try {
        ingest_into(d.p / "store", {d.p / "b"});
        FAIL() << "a different block 46 was accepted";
    } catch (const InputError& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("block 46 has hash"));
        EXPECT_THAT(e.what(), ::testing::HasSubstr("reorganisation"));
    }
    EXPECT_EQ(TransferStore::open(d.p / "store", TransferStore::Mode::ReadOnly)->content_hash(), a_hash);
    {
        auto st = TransferStore::open(d.p / "store", TransferStore::Mode::ReadWrite);
        st->rollback_to(45);
    }
    Hash32 replayed = ingest_into(d.p / "store", {d.p / "b"});
    Hash32 clean = ingest_into(d.p / "clean", {d.p / "b"});
    EXPECT_EQ(replayed, clean);
    EXPECT_NE(replayed, a_hash);
}

TEST(Ingest, ParentHashMustContinueTheStore) {
    TempDir d;
    write_chain(d.p / "a", {.first = 1, .last = 20, .seed = 1});
    write_chain(d.p / "b", {.first = 1, .last = 30, .seed = 1, .fork_after = 20, .alt_seed = 3});
    // Blocks 21..30 of B with a parent that is not A's 20 (B's 20 equals A's: same seed), so build
    // a chain C whose 21 claims another parent.
    Hash32 other;
    other.b[5] = 1;
    write_chain(d.p / "c", {.first = 21, .last = 25, .seed = 9}, other);
    ingest_into(d.p / "store", {d.p / "a"});
    try {
        ingest_into(d.p / "store", {d.p / "c"});
        FAIL();
    } catch (const InputError& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("block 21 has parent"));
    }
    EXPECT_EQ(TransferStore::open(d.p / "store", TransferStore::Mode::ReadOnly)->last_block(), 20u);
}

TEST(Ingest, GapIsReportedAndNothingAfterItIsStored) {
    TempDir d;
    write_chain(d.p / "chain", {.first = 1, .last = 100, .blocks_per_file = 10});
    fs::remove(d.p / "chain" / "blocks-000000041.jsonl");  // blocks 41..50 missing
    try {
        ingest_into(d.p / "store", {d.p / "chain"});
        FAIL();
    } catch (const InputError& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("no block 41"));
    }
    auto st = TransferStore::open(d.p / "store", TransferStore::Mode::ReadOnly);
    EXPECT_EQ(st->last_block(), 40u);
}

TEST(Ingest, BadFileStoresNothingOfItsBatchAndKeepsEarlierBatches) {
    TempDir d;
    write_chain(d.p / "chain", {.first = 1, .last = 30, .blocks_per_file = 10});
    ingest_into(d.p / "store", {d.p / "chain" / "blocks-000000001.jsonl"});
    Hash32 before = TransferStore::open(d.p / "store", TransferStore::Mode::ReadOnly)->content_hash();
    // Corrupt the third file's last line: blocks 11..20 are fine, the batch with 21..30 is not.
    {
        std::ofstream(d.p / "chain" / "blocks-000000021.jsonl", std::ios::app) << "{\"jsonrpc\":\"2.0\",\"result\":[{\"oops\"}\n";
    }
    IngestOptions opt;
    opt.batch_transfers = 1'000'000;  // one batch for the whole run
    EXPECT_THROW(ingest_into(d.p / "store", {d.p / "chain"}, opt), InputError);
    auto st = TransferStore::open(d.p / "store", TransferStore::Mode::ReadOnly);
    EXPECT_EQ(st->last_block(), 10u);
    EXPECT_EQ(st->content_hash(), before);
}

TEST(Ingest, GenesisAllocGivesOpeningBalances) {
    TempDir d;
    write_chain(d.p / "chain", {.first = 1, .last = 5});
    std::ofstream(d.p / "genesis.json") << R"({"config":{"chainId":1337},"alloc":{
      "0000000000000000000000000000000000001001":{"balance":"0x56bc75e2d63100000"},
      "0x0000000000000000000000000000000000001002":{"balance":"1000"}}})";
    IngestOptions opt;
    opt.genesis = d.p / "genesis.json";
    ingest_into(d.p / "store", {d.p / "chain"}, opt);
    auto st = TransferStore::open(d.p / "store", TransferStore::Mode::ReadOnly);
    std::vector<Transfer> genesis;
    st->scan([&](const store::TransferRef& r) {
        if (r.kind == TransferKind::Genesis) genesis.push_back(st->resolve(r));
        return r.block == 0;
    });
    ASSERT_EQ(genesis.size(), 2u);
    EXPECT_EQ(genesis[0].to->hex(), "0x0000000000000000000000000000000000001001");
    EXPECT_EQ(genesis[0].amount, U256("100000000000000000000"));
    EXPECT_EQ(genesis[1].amount, 1000);
    EXPECT_EQ(st->block(0)->number, 0u);
    EXPECT_EQ(st->last_block(), 5u);
    // Resuming with the same genesis is fine; a store that has blocks cannot take another.
    EXPECT_NO_THROW(ingest_into(d.p / "store", {d.p / "chain"}, opt));
    std::ofstream(d.p / "other.json") << R"({"alloc":{"0x0000000000000000000000000000000000001001":{"balance":"0x1"}}})";
    IngestOptions other;
    other.genesis = d.p / "other.json";
    try {
        ingest_into(d.p / "store", {d.p / "chain"}, other);
        FAIL() << "another genesis was accepted for a store that began with a different one";
    } catch (const InputError& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("other opening balances"));
    }
}

TEST(Ingest, OpeningBalancesForHistoryStartingMidChain) {
    TempDir d;
    write_chain(d.p / "chain", {.first = 500, .last = 510});
    std::ofstream(d.p / "opening.json") << R"({"alloc":{"0x0000000000000000000000000000000000001005":{"balance":"0x3e8"}}})";
    IngestOptions opt;
    opt.genesis = d.p / "opening.json";
    ingest_into(d.p / "store", {d.p / "chain"}, opt);
    auto st = TransferStore::open(d.p / "store", TransferStore::Mode::ReadOnly);
    EXPECT_EQ(st->stats().first_block, 499u);  // the opening balances stand as block 499
    EXPECT_TRUE(st->block(499)->hash.is_zero());
    EXPECT_EQ(st->last_block(), 510u);
    std::vector<Transfer> opening;
    st->scan([&](const store::TransferRef& r) {
        if (r.block == 499) opening.push_back(st->resolve(r));
        return r.block == 499;
    });
    ASSERT_EQ(opening.size(), 1u);
    EXPECT_EQ(opening[0].kind, TransferKind::Genesis);
    EXPECT_EQ(opening[0].amount, 1000);
    EXPECT_NO_THROW(ingest_into(d.p / "store", {d.p / "chain"}, opt));  // resuming is fine
}

TEST(Ingest, BlocksBeforeTheStoreStartAreRefusedClearly) {
    TempDir d;
    write_chain(d.p / "late", {.first = 50, .last = 60});
    write_chain(d.p / "early", {.first = 1, .last = 5});
    ingest_into(d.p / "store", {d.p / "late"});
    try {
        ingest_into(d.p / "store", {d.p / "early"});
        FAIL();
    } catch (const InputError& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("block 1 comes before the first stored block 50"));
    }
}

TEST(Ingest, LowerBlocksLaterInTheInputRestartAnEmptyStoreFromTheLowest) {
    // Blocks 31-60 sort before blocks 1-30, and batches of 100 transfers are committed before
    // block 1 turns up: the ingest undoes them and starts again from block 1.
    TempDir d;
    Hash32 h30 = write_chain(d.p / "in" / "b-early", {.first = 1, .last = 30, .blocks_per_file = 7});
    write_chain(d.p / "in" / "a-late", {.first = 31, .last = 60, .blocks_per_file = 7}, h30);
    write_chain(d.p / "ordered", {.first = 1, .last = 60});
    IngestOptions small;
    small.batch_transfers = 100;
    Hash32 want = ingest_into(d.p / "store-ordered", {d.p / "ordered"}, small);
    auto st = TransferStore::open(d.p / "store", TransferStore::Mode::ReadWrite);
    Ingestor ing(*st, small);
    ing.ingest_paths({d.p / "in"});
    EXPECT_EQ(st->content_hash(), want);
    EXPECT_EQ(st->stats().first_block, 1u);
    EXPECT_EQ(st->stats().blocks, 60u);
    EXPECT_EQ(ing.report().blocks_stored, 60u);
    EXPECT_GT(ing.report().batches, 1u);
}
