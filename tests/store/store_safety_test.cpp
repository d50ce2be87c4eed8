// TransferStore under a concurrent writer, against planted links and forged manifests, and its
// persistent address index (missing, stale, short, grown).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "../test_util.hpp"
#include "store/store.hpp"
#include "store_gen.hpp"

using namespace chainward;
using namespace chainward::store;
namespace fs = std::filesystem;

using chainward::test::addr;
using chainward::test::all;
using chainward::test::flatten;
using chainward::test::random_blocks;
using chainward::test::slurp;
using chainward::test::TempDir;

namespace {

std::vector<BlockInput> concat(std::vector<BlockInput> a, const std::vector<BlockInput>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// Each address's id as the store resolves it, checked both ways.
void expect_every_address_found(const TransferStore& st) {
    for (AddressId id = 1; id <= st.address_count(); ++id) {
        auto found = st.find_address(st.address(id));
        ASSERT_TRUE(found) << "address id " << id << " not found by its address";
        EXPECT_EQ(*found, id);
    }
    Address absent;
    absent.b.fill(0x5c);
    EXPECT_FALSE(st.find_address(absent));
}

}  // namespace

// Readers open and read in a loop while a writer appends one-block batches (so segments merge
// after almost every batch), compacts, and rolls back and re-appends. Every reader open must
// succeed and see a whole, consistent prefix of the chain.
TEST(StoreConcurrency, ReadersNeverFailWhileAWriterMergesAndRollsBack) {
    TempDir d;
    auto chain = random_blocks(1, 80, 21);
    {
        auto w = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
        w->append(std::span(chain).subspan(0, 1));
    }
    std::atomic<bool> done{false};
    std::atomic<int> opens{0}, failures{0};
    std::string first_failure;
    std::mutex m;
    auto reader = [&] {
        while (!done) {
            try {
                auto r = TransferStore::open(d.p, TransferStore::Mode::ReadOnly);
                auto s = r->stats();
                std::uint64_t n = 0, last = 0;
                r->scan([&](const TransferRef& t) {
                    ++n;
                    last = t.block;
                    return true;
                });
                if (n != s.transfers || (s.last_block && last > *s.last_block)) throw StoreError("inconsistent view");
                ++opens;
            } catch (const std::exception& e) {
                std::lock_guard l(m);
                if (failures++ == 0) first_failure = e.what();
            }
        }
    };
    std::vector<std::thread> readers;
    for (int i = 0; i < 3; ++i) readers.emplace_back(reader);
    {
        auto w = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
        for (std::size_t i = 1; i < chain.size(); ++i) {
            w->append(std::span(chain).subspan(i, 1));
            if (i % 30 == 0) {
                w->rollback_to(chain[i - 15].block.number);
                w->append(std::span(chain).subspan(i - 14, 15));
            }
            if (i % 35 == 0) w->compact();
        }
    }
    done = true;
    for (auto& t : readers) t.join();
    EXPECT_EQ(failures.load(), 0) << first_failure;
    EXPECT_GT(opens.load(), 10);
    auto r = TransferStore::open(d.p, TransferStore::Mode::ReadOnly);
    EXPECT_EQ(all(*r), flatten(chain));
}

// Segments a reader may still be opening are deleted later, never under it; the next writer (or
// commit) deletes them once no reader is opening.
TEST(StoreConcurrency, RetiredSegmentsAreDeletedOnceNoReaderIsOpening) {
    TempDir d;
    auto w = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
    w->append(random_blocks(1, 10, 4));
    w->append(random_blocks(11, 12, 4));
    auto count_segments = [&] {
        int n = 0;
        for (const auto& e : fs::directory_iterator(d.p)) n += e.path().filename().string().rfind("seg-", 0) == 0;
        return n;
    };
    EXPECT_EQ(count_segments(), 2);
    {
        // A reader between reading the manifest and mapping it holds READLOCK shared.
        int fd = ::open((d.p / "READLOCK").c_str(), O_RDONLY);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::flock(fd, LOCK_SH), 0);
        w->compact();
        EXPECT_EQ(w->stats().segments, 1u);
        EXPECT_EQ(count_segments(), 3) << "retired segments deleted while a reader was opening";
        ::close(fd);
    }
    w->append(random_blocks(13, 13, 4));  // the next commit finds the lock free
    EXPECT_EQ(count_segments(), static_cast<int>(w->stats().segments));
}

TEST(StoreSafety, RefusesSymbolicLinksInsideTheStore) {
    TempDir d, elsewhere;
    {
        auto w = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
        w->append(random_blocks(1, 5, 2));
    }
    std::string seg;
    for (const auto& e : fs::directory_iterator(d.p))
        if (e.path().filename().string().rfind("seg-", 0) == 0) seg = e.path().filename().string();
    ASSERT_FALSE(seg.empty());
    // A column replaced by a link to a file elsewhere: refused, not read.
    fs::copy_file(d.p / seg / "t_from.u32", elsewhere.p / "t_from.u32");
    fs::rename(d.p / seg / "t_from.u32", d.p / "saved");
    fs::create_symlink(elsewhere.p / "t_from.u32", d.p / seg / "t_from.u32");
    try {
        TransferStore::open(d.p, TransferStore::Mode::ReadOnly);
        FAIL() << "read a column through a symbolic link";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("symbolic link"), std::string::npos) << e.what();
    }
    fs::remove(d.p / seg / "t_from.u32");
    fs::rename(d.p / "saved", d.p / seg / "t_from.u32");
    // The whole segment directory replaced by a link to a copy of it: refused too.
    fs::copy(d.p / seg, elsewhere.p / seg);
    fs::rename(d.p / seg, d.p / "saved-seg");
    fs::create_symlink(elsewhere.p / seg, d.p / seg);
    EXPECT_THROW(TransferStore::open(d.p, TransferStore::Mode::ReadOnly), StoreError);
    fs::remove(d.p / seg);
    fs::rename(d.p / "saved-seg", d.p / seg);
    // The manifest as a link; a writer does not write through a planted temporary either.
    fs::copy_file(d.p / "MANIFEST.json", elsewhere.p / "MANIFEST.json");
    fs::rename(d.p / "MANIFEST.json", d.p / "saved-manifest");
    fs::create_symlink(elsewhere.p / "MANIFEST.json", d.p / "MANIFEST.json");
    EXPECT_THROW(TransferStore::open(d.p, TransferStore::Mode::ReadOnly), StoreError);
    fs::remove(d.p / "MANIFEST.json");
    fs::rename(d.p / "saved-manifest", d.p / "MANIFEST.json");
    auto ro = TransferStore::open(d.p, TransferStore::Mode::ReadOnly);
    EXPECT_EQ(all(*ro), flatten(random_blocks(1, 5, 2)));
}

TEST(StoreSafety, AcceptsOnlyItsOwnSegmentNamesFromTheManifest) {
    TempDir d;
    {
        auto w = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
        w->append(random_blocks(1, 5, 2));
    }
    std::string manifest = slurp(d.p / "MANIFEST.json");
    auto at = manifest.find("\"seg-");
    ASSERT_NE(at, std::string::npos);
    auto end = manifest.find('"', at + 1);
    for (std::string forged : {"../seg-00000001", "seg-1", "/tmp", "seg-0000000x", "x"}) {
        std::string m = manifest;
        m.replace(at + 1, end - at - 1, forged);
        std::ofstream(d.p / "MANIFEST.json", std::ios::trunc) << m;
        for (auto mode : {TransferStore::Mode::ReadOnly, TransferStore::Mode::ReadWrite}) {
            try {
                TransferStore::open(d.p, mode);
                ADD_FAILURE() << "accepted segment name " << forged;
            } catch (const StoreError& e) {
                EXPECT_NE(std::string(e.what()).find("seg-NNNNNNNN"), std::string::npos) << e.what();
            }
        }
    }
}

// The address index is an accelerator checked against addresses.bin: missing, damaged, short or
// holding slots of a writer that died, every address is still found with its one id.
TEST(AddressIndex, MissingDamagedShortOrStaleIndexesStillFindEveryAddress) {
    TempDir d;
    auto a = random_blocks(1, 60, 31);
    {
        auto w = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
        w->append(a);
    }
    ASSERT_TRUE(fs::exists(d.p / "addresses.idx"));
    // Missing: a reader indexes in memory, a writer rebuilds the file.
    fs::remove(d.p / "addresses.idx");
    expect_every_address_found(*TransferStore::open(d.p, TransferStore::Mode::ReadOnly));
    { TransferStore::open(d.p, TransferStore::Mode::ReadWrite); }
    EXPECT_TRUE(fs::exists(d.p / "addresses.idx"));
    expect_every_address_found(*TransferStore::open(d.p, TransferStore::Mode::ReadOnly));
    // Damaged header: ignored by readers, rebuilt by a writer.
    {
        std::fstream f(d.p / "addresses.idx", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(0);
        f.write("XXXXXXXX", 8);
    }
    expect_every_address_found(*TransferStore::open(d.p, TransferStore::Mode::ReadOnly));
    { TransferStore::open(d.p, TransferStore::Mode::ReadWrite); }
    EXPECT_EQ(slurp(d.p / "addresses.idx").substr(0, 8), "CWADIDX1");

    // Stale: what a writer that died between indexing a batch and swapping the manifest leaves
    // (the store before the batch, the index after it); then a different batch assigns the same
    // ids to other addresses.
    TempDir snapshot;
    fs::remove_all(snapshot.p);
    fs::copy(d.p, snapshot.p, fs::copy_options::recursive);
    auto b = random_blocks(61, 90, 32);
    for (auto& blk : b)
        for (auto& t : blk.transfers)
            if (t.to) t.to->b[1] = 0x77;  // addresses new to the store
    {
        auto w = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
        w->append(b);
    }
    fs::copy_file(d.p / "addresses.idx", snapshot.p / "addresses.idx", fs::copy_options::overwrite_existing);
    fs::remove_all(d.p);
    fs::rename(snapshot.p, d.p);
    auto c = random_blocks(61, 90, 33);
    for (auto& blk : c)
        for (auto& t : blk.transfers)
            if (t.from) t.from->b[2] = 0x66;
    {
        auto w = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
        EXPECT_EQ(all(*w), flatten(a));
        w->append(c);
        expect_every_address_found(*w);
    }
    auto ro = TransferStore::open(d.p, TransferStore::Mode::ReadOnly);
    expect_every_address_found(*ro);
    EXPECT_EQ(all(*ro), flatten(concat(a, c)));
    for (const auto& blk : b)
        for (const auto& t : blk.transfers)
            if (t.to && t.to->b[1] == 0x77) {
                EXPECT_FALSE(ro->find_address(*t.to)) << "an address of the lost batch";
            }
}

TEST(AddressIndex, GrowsAcrossBatchesAndReadersSeeOnlyCommittedAddresses) {
    TempDir d;
    auto w = TransferStore::open(d.p, TransferStore::Mode::ReadWrite);
    std::vector<BlockInput> chain;
    std::uint32_t next = 0;
    for (std::uint64_t n = 1; n <= 12; ++n) {
        // Each block brings 400 new addresses: the 1,024-slot table must grow several times.
        BlockInput b;
        b.block.number = n;
        b.block.hash.b[31] = static_cast<std::uint8_t>(n);
        for (std::uint32_t i = 0; i < 400; ++i) {
            Transfer t;
            t.block = n;
            t.tx_index = 0;
            t.seq = i;
            t.from = addr(next++);
            t.to = addr(next++);
            t.amount = i + 1;
            t.tx_hash.b[0] = static_cast<std::uint8_t>(n);
            b.transfers.push_back(t);
        }
        chain.push_back(b);
        w->stage(b);
        auto ro = TransferStore::open(d.p, TransferStore::Mode::ReadOnly);
        EXPECT_FALSE(ro->find_address(*b.transfers.back().to)) << "a staged address is visible to readers";
        w->commit_staged();
        ro = TransferStore::open(d.p, TransferStore::Mode::ReadOnly);
        expect_every_address_found(*ro);
        EXPECT_EQ(ro->address_count(), next);
    }
    EXPECT_GE(fs::file_size(d.p / "addresses.idx"), 32u + 4u * 2 * next);
    EXPECT_EQ(all(*TransferStore::open(d.p, TransferStore::Mode::ReadOnly)), flatten(chain));
}
