// The address dictionary (addresses.bin) and its persistent hash index (addresses.idx), both
// memory-mapped: opening a store reads neither, so it costs the same for ten thousand or a
// hundred million addresses. Internal to src/store; format in docs/formats/store.md.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <memory>
#include <optional>
#include <vector>

#include "core/core.hpp"
#include "store/files.hpp"
#include "store/store.hpp"

namespace chainward::store {

/// addresses.idx header (32 bytes); slots follow: u32 address id per slot, 0 = empty.
struct AddressIndexHeader {
    char magic[8];             ///< "CWADIDX1"
    std::uint64_t slots;       ///< a power of two
    std::uint64_t count;       ///< ids 1..count all have a slot
    std::uint64_t reserved;    ///< zero
};
static_assert(sizeof(AddressIndexHeader) == 32);

/// Slot of an address: splitmix64 over its three little-endian words (docs/formats/store.md).
std::uint64_t address_hash(const Address& a);

struct AddressHasher {
    std::size_t operator()(const Address& a) const noexcept { return address_hash(a); }
};

class AddressDictionary {
public:
    /// Maps the first `committed` rows of addresses.bin and the index. A writer (`repair`)
    /// first rebuilds an index that is missing, invalid or short; a reader that finds one
    /// indexes the rows it lacks in memory.
    void open(const Dir& d, std::uint64_t committed, bool repair);

    std::optional<AddressId> find(const Address& a) const;
    /// id must be 1..size()
    const Address& at(AddressId id) const;
    std::uint64_t committed() const { return committed_; }
    std::uint64_t size() const { return committed_ + pending_.size(); }

    /// The address's id, assigning the next one to a new address (pending until committed).
    AddressId intern(const Address& a);
    /// Drops pending addresses.
    void forget_pending();
    /// Writes the pending rows to addresses.bin and indexes them in addresses.idx, fsync'd:
    /// step 2 of a commit, before the manifest swap. Rows past `committed` in the file (left by
    /// a crashed writer) are cut first.
    void write_pending(const Dir& d);
    /// After the manifest swap: the pending rows are committed; remaps both files.
    void mark_committed(const Dir& d);

private:
    std::optional<AddressId> probe(const Address& a) const;
    void map(const Dir& d);
    void write_pending_unsafe(const Dir& d);
    /// Writes a fresh index covering ids 1..n (atomically replacing addresses.idx).
    void rebuild(const Dir& d, std::uint64_t n);

    std::uint64_t committed_ = 0;
    MappedFile rows_f_, index_f_;
    std::span<const Address> rows_;
    const AddressIndexHeader* header_ = nullptr;
    std::span<const std::uint32_t> slots_;
    std::vector<Address> pending_;                  ///< ids committed_+1 …
    absl::flat_hash_map<Address, AddressId, AddressHasher> extra_; ///< ids not in the index: pending, or a reader's tail
};

}  // namespace chainward::store
