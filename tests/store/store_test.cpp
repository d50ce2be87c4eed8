// TransferStore: exact round trips, adjacency order, merges, rollback and crash leftovers.
#include <gtest/gtest.h>

#include "../test_util.hpp"
#include "store_gen.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "store/store.hpp"

using namespace chainward;
using namespace chainward::store;
namespace fs = std::filesystem;

using chainward::test::addr;
using chainward::test::all;
using chainward::test::flatten;
using chainward::test::random_blocks;
using chainward::test::TempDir;

TEST(Store, RoundTripIsExactAcrossBatchesAndReopen) {
    TempDir d;
    auto blocks = random_blocks(10, 209, 7);
    {
        auto st = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
        for (std::size_t i = 0; i < blocks.size(); i += 13)
            st->append(std::span(blocks).subspan(i, std::min<std::size_t>(13, blocks.size() - i)));
        EXPECT_EQ(all(*st), flatten(blocks));
        EXPECT_LT(st->stats().segments, 8u);  // merged as it grew (binary-counter policy)
    }
    auto ro = TransferStore::open(d.p, TransferStore::Mode::ReadOnly);
    EXPECT_EQ(all(*ro), flatten(blocks));
    EXPECT_EQ(ro->last_block(), 209u);
    EXPECT_EQ(ro->block(57)->hash, blocks[47].block.hash);
    EXPECT_FALSE(ro->block(9));
}

TEST(Store, AdjacencyGivesEachAddressItsTransfersInChainOrder) {
    TempDir d;
    auto blocks = random_blocks(1, 120, 11);
    auto st = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
    for (std::size_t i = 0; i < blocks.size(); i += 20) st->append(std::span(blocks).subspan(i, 20));
    auto everything = flatten(blocks);
    for (std::uint32_t a = 0; a < 50; ++a) {
        auto id = st->find_address(addr(a));
        std::vector<Transfer> want_out, want_in, want_both, got_out, got_in, got_both;
        for (const auto& t : everything) {
            bool o = t.from == addr(a), i = t.to == addr(a);
            if (o) want_out.push_back(t);
            if (i) want_in.push_back(t);
            if (o || i) want_both.push_back(t);
        }
        if (!id) {
            EXPECT_TRUE(want_both.empty());
            continue;
        }
        auto collect = [&](Direction dir, std::vector<Transfer>& v) {
            st->for_each_of(*id, dir, [&](const TransferRef& r) {
                v.push_back(st->resolve(r));
                return true;
            });
        };
        collect(Direction::Out, got_out);
        collect(Direction::In, got_in);
        collect(Direction::Both, got_both);
        EXPECT_EQ(got_out, want_out);
        EXPECT_EQ(got_in, want_in);
        EXPECT_EQ(got_both, want_both);
    }
}

TEST(Store, CompactKeepsContentAndRollbackCutsExactly) {
    TempDir d;
    auto blocks = random_blocks(1, 150, 3);
    auto st = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
    for (std::size_t i = 0; i < blocks.size(); i += 10) st->append(std::span(blocks).subspan(i, 10));
    Hash32 before = st->content_hash();
    st->compact();
    EXPECT_EQ(st->stats().segments, 1u);
    EXPECT_EQ(st->content_hash(), before);

    st->rollback_to(97);
    EXPECT_EQ(st->last_block(), 97u);
    EXPECT_EQ(all(*st), flatten(std::vector<BlockInput>(blocks.begin(), blocks.begin() + 97)));
    // The alternative chain continues from 98.
    auto alt = random_blocks(98, 160, 99);
    st->append(alt);
    auto want = flatten(std::vector<BlockInput>(blocks.begin(), blocks.begin() + 97));
    auto more = flatten(alt);
    want.insert(want.end(), more.begin(), more.end());
    EXPECT_EQ(all(*st), want);
}

TEST(Store, RejectsGapsAndStaysIntact) {
    TempDir d;
    auto st = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
    st->append(random_blocks(1, 5, 1));
    Hash32 h = st->content_hash();
    auto gap = random_blocks(7, 8, 1);
    EXPECT_THROW(st->append(gap), StoreError);
    EXPECT_EQ(st->content_hash(), h);
    EXPECT_EQ(st->address_count(), TransferStore::open(d.p, TransferStore::Mode::ReadOnly)->address_count());
}

TEST(Store, DiscardsLeftoversOfACrashedWriter) {
    TempDir d;
    auto blocks = random_blocks(1, 40, 5);
    Hash32 h;
    std::uint32_t addresses;
    {
        auto st = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
        st->append(blocks);
        h = st->content_hash();
        addresses = st->address_count();
    }
    // What a writer killed mid-batch leaves: a half-written segment, dictionary bytes past the
    // committed count, a temporary manifest.
    fs::create_directory(d.p / "seg-99999999");
    std::ofstream(d.p / "seg-99999999" / "t_from.u32") << "garbage";
    std::ofstream(d.p / "addresses.bin", std::ios::app) << std::string(20 * 3, 'x');
    std::ofstream(d.p / "MANIFEST.json.tmp") << "{";
    {
        auto st = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
        EXPECT_EQ(st->content_hash(), h);
        EXPECT_EQ(st->address_count(), addresses);
        EXPECT_FALSE(fs::exists(d.p / "seg-99999999"));
        EXPECT_EQ(fs::file_size(d.p / "addresses.bin"), 20u * addresses);
        st->append(random_blocks(41, 45, 5));  // and it goes on
        EXPECT_EQ(st->last_block(), 45u);
    }
}

TEST(Store, OneWriterAtATime) {
    TempDir d;
    auto w = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
    EXPECT_THROW(TransferStore::open(d.p, TransferStore::Mode::ReadWrite), StoreError);
    EXPECT_NO_THROW(TransferStore::open(d.p, TransferStore::Mode::ReadOnly));
}

TEST(Store, RefusesAnotherFormatVersion) {
    TempDir d;
    { TransferStore::open(d.p, TransferStore::Mode::ReadWrite); }
    std::ifstream in(d.p / "MANIFEST.json");
    std::string m((std::istreambuf_iterator<char>(in)), {});
    m.replace(m.find("\"version\": 1"), 12, "\"version\": 9");
    std::ofstream(d.p / "MANIFEST.json") << m;
    try {
        TransferStore::open(d.p, TransferStore::Mode::ReadOnly);
        FAIL() << "opened a version-9 store";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("version 9"), std::string::npos);
    }
}

TEST(Store, FindsTransactionsByHashAndStartsAddressWalksAnywhere) {
    TempDir d;
    auto blocks = random_blocks(1, 90, 21);
    auto st = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
    for (std::size_t i = 0; i < blocks.size(); i += 9) st->append(std::span(blocks).subspan(i, 9));
    auto everything = flatten(blocks);
    // Each transaction's transfers, found by hash, equal the ones with that hash and position.
    std::size_t checked = 0;
    for (const auto& t : everything) {
        if (t.tx_index == kBlockLevelTx || t.seq != 0) continue;
        std::vector<Transfer> want, got;
        for (const auto& u : everything)
            if (u.block == t.block && u.tx_index == t.tx_index) want.push_back(u);
        for (const auto& r : st->find_tx(t.tx_hash)) got.push_back(st->resolve(r));
        EXPECT_EQ(got, want);
        ++checked;
    }
    EXPECT_GT(checked, 100u);
    Hash32 absent;
    absent.b[7] = 0x77;
    EXPECT_TRUE(st->find_tx(absent).empty());
    EXPECT_TRUE(st->find_tx(Hash32{}).empty());  // block-level rows are not transactions
    // for_each_of from any id equals the tail of the full walk.
    auto id = st->find_address(addr(3));
    ASSERT_TRUE(id);
    std::vector<std::uint64_t> all_ids;
    st->for_each_of(*id, Direction::Both, [&](const TransferRef& r) {
        all_ids.push_back(r.id);
        return true;
    });
    for (std::uint64_t from : {std::uint64_t{0}, all_ids[all_ids.size() / 3], all_ids.back(), all_ids.back() + 1}) {
        std::vector<std::uint64_t> tail;
        st->for_each_of(*id, Direction::Both, [&](const TransferRef& r) {
            tail.push_back(r.id);
            return true;
        }, from);
        std::vector<std::uint64_t> want;
        for (auto x : all_ids)
            if (x >= from) want.push_back(x);
        EXPECT_EQ(tail, want) << from;
    }
}

TEST(Store, AFailedBatchLeavesNoDictionaryRowsBehind) {
    TempDir d;
    auto st = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
    st->append(random_blocks(1, 10, 8));
    // A batch that failed half-way (e.g. disk full) left address rows past the committed count.
    std::ofstream(d.p / "addresses.bin", std::ios::app) << std::string(20 * 2 + 7, 'z');
    auto more = random_blocks(11, 20, 9);
    st->append(more);
    auto ro = TransferStore::open(d.p, TransferStore::Mode::ReadOnly);
    EXPECT_EQ(ro->content_hash(), st->content_hash());
    std::vector<Transfer> got;
    ro->scan([&](const TransferRef& r) {
        if (r.block >= 11) got.push_back(ro->resolve(r));
        return true;
    });
    EXPECT_EQ(got, flatten(more));
}

TEST(Store, StagedBlocksAreInvisibleUntilCommittedAndDiscardLeavesNothing) {
    TempDir d;
    auto st = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
    auto first = random_blocks(1, 5, 31);
    st->append(first);
    Hash32 h = st->content_hash();
    std::uint32_t addresses = st->address_count();
    auto more = random_blocks(6, 9, 32);
    for (const auto& b : more) st->stage(b);
    EXPECT_EQ(st->staged_blocks(), 4u);
    EXPECT_EQ(st->last_block(), 5u);  // readers see committed blocks only
    EXPECT_EQ(st->content_hash(), h);
    EXPECT_THROW(st->rollback_to(3), StoreError);  // not while blocks are staged
    st->discard_staged();
    EXPECT_EQ(st->staged_blocks(), 0u);
    EXPECT_EQ(st->address_count(), addresses);
    // A gap while staging discards the staged batch as well.
    st->stage(more[0]);
    EXPECT_THROW(st->stage(more[2]), StoreError);
    EXPECT_EQ(st->staged_blocks(), 0u);
    for (const auto& b : more) st->stage(b);
    st->commit_staged();
    auto want = flatten(first);
    auto tail = flatten(more);
    want.insert(want.end(), tail.begin(), tail.end());
    EXPECT_EQ(all(*TransferStore::open(d.p, TransferStore::Mode::ReadOnly)), want);
}

TEST(Store, TransactionNotesSurviveMergesAndRollback) {
    TempDir d;
    auto blocks = random_blocks(1, 60, 41);
    // A note on the first transaction of every third block (one with transfers).
    std::map<std::uint64_t, std::string> want;
    for (auto& b : blocks)
        if (b.block.number % 3 == 0 && !b.transfers.empty() && b.transfers[0].tx_index != kBlockLevelTx) {
            std::string text = "thorchain =:BTC.BTC:bc1q" + std::to_string(b.block.number);
            b.notes.emplace_back(b.transfers[0].tx_index, text);
            want[b.block.number] = text;
        }
    ASSERT_GT(want.size(), 10u);
    auto st = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
    for (std::size_t i = 0; i < blocks.size(); i += 7) st->append(std::span(blocks).subspan(i, std::min<std::size_t>(7, blocks.size() - i)));
    auto check = [&](std::uint64_t up_to) {
        std::map<std::uint64_t, std::string> got;
        st->scan([&](const TransferRef& r) {
            for (const auto& n : st->tx_notes(r)) got[r.block] = n;
            return true;
        });
        std::map<std::uint64_t, std::string> expect;
        for (const auto& [b, t] : want)
            if (b <= up_to) expect[b] = t;
        EXPECT_EQ(got, expect);
    };
    check(60);
    st->compact();
    check(60);
    st->rollback_to(40);
    check(40);
}
