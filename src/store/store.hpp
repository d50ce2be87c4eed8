// chainward store: an embedded, append-only, memory-mapped columnar store of transfers.
// Public header of src/store. Layout and crash-safety rules: docs/formats/store.md.
//
// Addresses, assets and transactions get dense integer ids (hashes live in side columns). Each
// ingest batch becomes an immutable segment directory; a manifest, replaced atomically, says which
// segments and how much of each dictionary are committed. Anything else found on open (a segment
// half written when the process died, dictionary bytes past the committed count) is discarded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/core.hpp"

namespace chainward::store {

using AddressId = std::uint32_t;  ///< 0 is "none" (mint/burn side); real addresses start at 1
using AssetId = std::uint32_t;    ///< 0 is the native coin

inline constexpr AddressId kNoAddress = 0;
inline constexpr AssetId kNativeAsset = 0;
inline constexpr std::uint32_t kFormatVersion = 1;

struct BlockRecord {
    std::uint64_t number = 0;
    std::uint64_t timestamp = 0;
    Hash32 hash, parent_hash;
};

/// One block to append: its header fields and its transfers in chain order.
struct BlockInput {
    BlockRecord block;
    std::vector<Transfer> transfers;
    /// Notes on transactions, by tx index (e.g. a bridge exit's memo); kept for transactions
    /// that have transfers.
    std::vector<std::pair<std::uint32_t, std::string>> notes;
};

/// A stored transfer with ids resolved lazily (cheap to produce while scanning).
struct TransferRef {
    std::uint64_t id = 0;  ///< position in chain order across the whole store (0-based)
    std::uint64_t block = 0;
    std::uint32_t tx_index = 0;
    std::uint32_t seq = 0;
    TransferKind kind = TransferKind::Call;
    std::uint32_t ref = 0;
    AddressId from = kNoAddress, to = kNoAddress;
    AssetId asset = kNativeAsset;
    U256 amount = 0;
};

enum class Direction { Out, In, Both };

struct StoreStats {
    std::uint64_t blocks = 0, txs = 0, transfers = 0, addresses = 0, assets = 0, segments = 0;
    std::optional<std::uint64_t> first_block, last_block;
    std::uint64_t transfer_bytes = 0;    ///< transfer columns + both adjacency indexes
    std::uint64_t hash_bytes = 0;        ///< block and transaction hash columns
    std::uint64_t dictionary_bytes = 0;  ///< address and asset dictionaries
    std::uint64_t other_bytes = 0;       ///< block/tx rows, large amounts, manifest
};

class SegmentReader;

class TransferStore {
public:
    enum class Mode { ReadOnly, ReadWrite };
    /// Opens (creating in ReadWrite mode) the store in `dir`. ReadWrite takes an exclusive lock,
    /// discards uncommitted leftovers of a crashed writer, and fails if another writer holds it.
    static std::unique_ptr<TransferStore> open(const std::filesystem::path& dir, Mode mode);
    ~TransferStore();
    TransferStore(const TransferStore&) = delete;
    TransferStore& operator=(const TransferStore&) = delete;

    // ---- writing (ReadWrite only) ----
    /// Appends blocks atomically: after a crash either all of them are stored or none. Blocks must
    /// continue the stored chain without gaps (the first block of an empty store may be any).
    /// Same as stage() for each block, then commit_staged().
    void append(std::span<const BlockInput> blocks);
    /// Adds a block to the batch being built (ids assigned, columns filled) so that the work is
    /// spread over an ingest; nothing is visible or durable before commit_staged(). On error the
    /// whole staged batch is discarded.
    void stage(const BlockInput& block);
    /// Writes the staged batch as a new segment and commits it (see append).
    void commit_staged();
    /// Drops the staged batch (and the dictionary entries only it used).
    void discard_staged() noexcept;
    std::size_t staged_blocks() const;
    std::size_t staged_transfers() const;
    /// Removes every block above `last_kept` (a chain reorganisation); atomic like append.
    void rollback_to(std::uint64_t last_kept);
    /// Merges segments: into one, or into as few as the merge size limit allows (the store also
    /// merges as it grows; see docs/formats/store.md).
    void compact();
    /// Transfers + blocks a merged segment may hold: a merge builds it in memory (~40 B a row).
    static constexpr std::uint64_t kMaxMergedRows = std::uint64_t{1} << 25;

    // ---- reading ----
    StoreStats stats() const;
    std::optional<std::uint64_t> last_block() const;
    std::optional<BlockRecord> block(std::uint64_t number) const;
    std::optional<AddressId> find_address(const Address& a) const;
    Address address(AddressId id) const;  ///< id must be 1..address_count
    std::uint32_t address_count() const;
    std::optional<AssetId> find_asset(const AssetKey& k) const;
    AssetKey asset(AssetId id) const;
    std::uint32_t asset_count() const;
    /// Every asset whose contract is `contract` (one for ERC-20, one per token id for NFTs).
    std::vector<AssetId> assets_of_contract(const Address& contract) const;

    /// Calls f for every transfer of `a` in chain order (Both: each once, even a self-transfer),
    /// starting at global id `from_id` (binary search, not a scan). Stops when f returns false.
    void for_each_of(AddressId a, Direction d, const std::function<bool(const TransferRef&)>& f,
                     std::uint64_t from_id = 0) const;
    /// Every transfer of the transaction with this hash, in order (empty if not stored or if it
    /// moved nothing). O(log n) per segment through each segment's hash index.
    std::vector<TransferRef> find_tx(const Hash32& tx_hash) const;
    /// Calls f for every stored transfer in chain order from global id `from_id` on; stops when f
    /// returns false.
    void scan(const std::function<bool(const TransferRef&)>& f, std::uint64_t from_id = 0) const;
    /// Transaction hash of a stored transfer (zero for block-level transfers).
    Hash32 tx_hash(const TransferRef& t) const;
    /// Notes kept with the transfer's transaction (see BlockInput::notes).
    std::vector<std::string> tx_notes(const TransferRef& t) const;
    /// The transfer as a domain record (addresses and asset resolved).
    Transfer resolve(const TransferRef& t) const;
    /// keccak256 over describe() of every transfer in order: equal stores give equal hashes,
    /// whatever their segment layout or id assignment.
    Hash32 content_hash() const;

    const std::filesystem::path& dir() const { return dir_; }

private:
    TransferStore() = default;
    /// Replaces segments [first, end) by one merged segment (atomically, like append).
    void merge(std::size_t first, std::size_t end);
    struct State;
    std::filesystem::path dir_;
    std::unique_ptr<State> s_;
};

}  // namespace chainward::store
