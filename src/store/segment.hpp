// Segments: immutable directories of fixed-width columns, one per committed batch (or merge).
// Internal to src/store; the byte layout is documented in docs/formats/store.md.
#pragma once

#include <bit>
#include <optional>
#include <string_view>
#include <utility>
#include <cstdint>
#include <filesystem>
#include <type_traits>
#include <vector>

#include "core/core.hpp"
#include "store/files.hpp"
#include "store/store.hpp"

namespace chainward::store {

static_assert(std::endian::native == std::endian::little, "store files are little-endian");

/// File: seg-N/blocks.bin, one row per block in number order.
struct BlockRow {
    std::uint64_t number;
    std::uint64_t timestamp;
    std::uint8_t hash[32];
    std::uint8_t parent_hash[32];
    std::uint32_t first_tx;  ///< segment-local index of the block's first tx row
    std::uint32_t pad;
};
static_assert(sizeof(BlockRow) == 88 && std::is_trivially_copyable_v<BlockRow>);

/// File: seg-N/tx.bin, one row per transaction that has transfers (block-level transfers form a
/// pseudo-transaction with tx_index 0xFFFFFFFF). Hashes in seg-N/tx_hash.bin, 32 bytes per row.
struct TxRow {
    std::uint32_t block_ord;       ///< segment-local block row
    std::uint32_t tx_index;        ///< index in the block
    std::uint32_t first_transfer;  ///< segment-local index of its first transfer
    std::uint32_t pad;
};
static_assert(sizeof(TxRow) == 16 && std::is_trivially_copyable_v<TxRow>);

/// File: seg-N/tx_lookup.bin, transaction rows sorted by hash: the hash's first 8 bytes (as a
/// little-endian u64) and the tx row; full hashes are compared in tx_hash.bin. Block-level rows
/// (zero hash) are left out.
struct TxLookupRow {
    std::uint64_t prefix;
    std::uint32_t tx_row;
    std::uint32_t pad;
};
static_assert(sizeof(TxLookupRow) == 16 && std::is_trivially_copyable_v<TxLookupRow>);

/// File: seg-N/notes.bin, notes on transactions, sorted by tx row: the note's bytes are
/// [begin, end) of seg-N/notes.txt.
struct NoteRow {
    std::uint32_t tx_row;
    std::uint32_t begin;
    std::uint32_t end;
    std::uint32_t pad;
};
static_assert(sizeof(NoteRow) == 16 && std::is_trivially_copyable_v<NoteRow>);

/// Amount encoding: amount = mant * 10^exp with exp < 78; exp == kBigAmount means `mant` indexes
/// seg-N/big.bin (32-byte big-endian amounts) because the value has no such short form.
inline constexpr std::uint8_t kBigAmount = 0xFF;

/// A segment held in memory: built by a batch, a merge or a rollback, then written.
struct SegmentColumns {
    std::vector<BlockRow> blocks;
    std::vector<TxRow> txs;
    std::vector<std::uint8_t> tx_hashes;  ///< 32 bytes per tx row
    std::vector<std::uint32_t> from, to, asset, ref;
    std::vector<std::uint8_t> kind, exp;
    std::vector<std::uint64_t> mant;
    std::vector<std::uint8_t> big;  ///< 32 bytes per large amount
    std::vector<NoteRow> notes;     ///< sorted by tx row
    std::string note_text;

    std::size_t transfer_count() const { return from.size(); }
    void push_amount(const U256& v);
    U256 amount(std::size_t i) const;
    /// Appends another segment's rows, shifting its local indexes.
    void append(const SegmentColumns& other);
    /// Keeps only the first `n_blocks` blocks (and their txs and transfers).
    void truncate_blocks(std::size_t n_blocks);
};

/// What the manifest records of a segment.
struct SegmentMeta {
    std::string name;
    std::uint64_t first_block = 0, last_block = 0;
    std::uint64_t blocks = 0, txs = 0, transfers = 0;
};

/// Writes the columns plus both adjacency indexes into a new subdirectory `name` of the store,
/// every file fsync'd, then the segment directory and the store directory (so that the segment
/// survives a power loss before a manifest names it).
SegmentMeta write_segment(const Dir& store, const std::string& name, const SegmentColumns& c);

/// Whether `name` is a segment directory name of the store's own pattern: "seg-" and 8 or more
/// digits (anything else in a manifest is refused).
bool is_segment_name(std::string_view name);

/// A mapped segment. Adjacency: out_keys (sorted distinct sender ids), out_offs (keys+1),
/// out_list (transfer indexes grouped by sender, ascending within a sender); the same for in_.
class SegmentReader {
public:
    /// Maps segment `meta.name` of the store directory.
    SegmentReader(const Dir& store, SegmentMeta meta);
    const SegmentMeta& meta() const { return meta_; }
    std::size_t transfer_count() const { return from_.size(); }
    std::span<const BlockRow> blocks() const { return blocks_; }
    std::span<const TxRow> txs() const { return txs_; }
    std::span<const std::uint8_t> tx_hashes() const { return tx_hash_.bytes(); }
    /// Index of the tx row holding transfer i.
    std::size_t tx_of(std::size_t i) const;
    TransferRef ref(std::size_t i, std::uint64_t global_base) const;
    /// Transfer indexes of address a in one direction, ascending.
    std::span<const std::uint32_t> adjacency(AddressId a, bool out) const;
    /// Tx row of a transaction hash, if this segment holds it.
    std::optional<std::size_t> find_tx(const Hash32& h) const;
    /// Notes of tx row t.
    std::vector<std::string> notes_of_tx(std::size_t t) const;
    /// Transfer rows of tx row t: [first, end).
    std::pair<std::size_t, std::size_t> transfers_of_tx(std::size_t t) const;
    SegmentColumns load() const;
    std::uint64_t bytes_transfers() const, bytes_hashes() const, bytes_other() const;

private:
    SegmentMeta meta_;
    MappedFile notes_f_, note_text_f_;
    std::span<const NoteRow> notes_;
    MappedFile tx_lookup_f_;
    std::span<const TxLookupRow> tx_lookup_;
    MappedFile blocks_f_, txs_f_, tx_hash_, from_f_, to_f_, asset_f_, ref_f_, kind_f_, exp_f_, mant_f_, big_f_;
    MappedFile out_keys_f_, out_offs_f_, out_list_f_, in_keys_f_, in_offs_f_, in_list_f_;
    std::span<const BlockRow> blocks_;
    std::span<const TxRow> txs_;
    std::span<const std::uint32_t> from_, to_, asset_, refc_;
    std::span<const std::uint8_t> kind_, exp_;
    std::span<const std::uint64_t> mant_;
    std::span<const std::uint32_t> out_keys_, out_offs_, out_list_, in_keys_, in_offs_, in_list_;
};

}  // namespace chainward::store
