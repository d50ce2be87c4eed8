#include "store/dictionary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace chainward::store {
namespace {

constexpr const char* kRows = "addresses.bin";
constexpr const char* kIndex = "addresses.idx";
constexpr char kMagic[8] = {'C', 'W', 'A', 'D', 'I', 'D', 'X', '1'};
static_assert(sizeof(Address) == 20 && std::is_trivially_copyable_v<Address>);

std::uint64_t splitmix(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// Slots for n addresses: a power of two with a load of at most one half (so a lookup probes
/// about two slots), at least 1024.
std::uint64_t slots_for(std::uint64_t n) { return std::max<std::uint64_t>(1024, std::bit_ceil(2 * n + 1)); }

}  // namespace

std::uint64_t address_hash(const Address& a) {
    std::uint64_t w0, w1;
    std::uint32_t w2;
    std::memcpy(&w0, a.b.data(), 8);
    std::memcpy(&w1, a.b.data() + 8, 8);
    std::memcpy(&w2, a.b.data() + 16, 4);
    return splitmix(w0 ^ splitmix(w1 ^ splitmix(w2)));
}

void AddressDictionary::map(const Dir& d) {
    rows_f_ = MappedFile(d, kRows);
    if (rows_f_.bytes().size() < committed_ * 20) throw StoreError("addresses.bin is shorter than the manifest says");
    rows_ = {reinterpret_cast<const Address*>(rows_f_.bytes().data()), committed_};
    header_ = nullptr;
    slots_ = {};
    index_f_ = MappedFile();
    if (!d.exists(kIndex)) return;
    index_f_ = MappedFile(d, kIndex);
    auto b = index_f_.bytes();
    if (b.size() < sizeof(AddressIndexHeader)) return;
    const auto* h = reinterpret_cast<const AddressIndexHeader*>(b.data());
    bool ok = std::memcmp(h->magic, kMagic, 8) == 0 && std::has_single_bit(h->slots) &&
              (b.size() - sizeof(AddressIndexHeader)) / 4 == h->slots && b.size() % 4 == 0;
    if (!ok) return;
    header_ = h;
    slots_ = {reinterpret_cast<const std::uint32_t*>(b.data() + sizeof(AddressIndexHeader)), h->slots};
}

void AddressDictionary::open(const Dir& d, std::uint64_t committed, bool repair) {
    committed_ = committed;
    pending_.clear();
    extra_.clear();
    map(d);
    std::uint64_t covered = header_ ? std::min(header_->count, committed_) : 0;
    if (repair && (!header_ || covered < committed_ || 2 * committed_ >= slots_.size())) {
        rebuild(d, committed_);
        map(d);
        covered = committed_;
    } else if (repair && header_->count > committed_) {
        // A writer died after indexing rows it never committed: their slots stay (each is
        // checked against addresses.bin, and an id is re-indexed when it is assigned again).
        AddressIndexHeader h = *header_;
        h.count = committed_;
        FileWriter w(d, kIndex);
        w.write_at(0, {reinterpret_cast<const std::uint8_t*>(&h), sizeof h});
        w.sync();
    }
    // Rows the index does not cover (an index from before them, or none): hashed in memory.
    for (std::uint64_t id = covered + 1; id <= committed_; ++id) extra_.emplace(rows_[id - 1], static_cast<AddressId>(id));
}

std::optional<AddressId> AddressDictionary::probe(const Address& a) const {
    if (slots_.empty()) return std::nullopt;
    std::uint64_t mask = slots_.size() - 1;
    for (std::uint64_t i = address_hash(a) & mask, n = 0; n < slots_.size(); i = (i + 1) & mask, ++n) {
        std::uint32_t id = slots_[i];
        if (id == 0) return std::nullopt;
        // Ids above the committed count are a concurrent writer's or a dead writer's: skip them.
        if (id <= committed_ && rows_[id - 1] == a) return id;
    }
    return std::nullopt;
}

std::optional<AddressId> AddressDictionary::find(const Address& a) const {
    if (auto id = probe(a)) return id;
    if (extra_.empty()) return std::nullopt;
    auto it = extra_.find(a);
    if (it == extra_.end()) return std::nullopt;
    return it->second;
}

const Address& AddressDictionary::at(AddressId id) const {
    if (id == kNoAddress || id > size()) throw StoreError(fmt::format("address id {} out of range", id));
    return id <= committed_ ? rows_[id - 1] : pending_[id - committed_ - 1];
}

AddressId AddressDictionary::intern(const Address& a) {
    if (auto id = find(a)) return *id;
    if (size() + 1 >= std::numeric_limits<AddressId>::max()) throw StoreError("address id space exhausted");
    pending_.push_back(a);
    auto id = static_cast<AddressId>(size());
    extra_.emplace(a, id);
    return id;
}

void AddressDictionary::forget_pending() {
    for (const auto& a : pending_) extra_.erase(a);
    pending_.clear();
}

void AddressDictionary::rebuild(const Dir& d, std::uint64_t n) {
    std::uint64_t slots = slots_for(n);
    std::vector<std::uint32_t> file(sizeof(AddressIndexHeader) / 4 + slots, 0);
    AddressIndexHeader h{};
    std::memcpy(h.magic, kMagic, 8);
    h.slots = slots;
    h.count = n;
    std::memcpy(file.data(), &h, sizeof h);
    std::uint32_t* s = file.data() + sizeof(AddressIndexHeader) / 4;
    for (std::uint64_t id = 1; id <= n; ++id) {
        const Address& a = id <= committed_ ? rows_[id - 1] : pending_[id - committed_ - 1];
        std::uint64_t i = address_hash(a) & (slots - 1);
        while (s[i]) i = (i + 1) & (slots - 1);
        s[i] = static_cast<std::uint32_t>(id);
    }
    replace_file_atomically(d, kIndex, {reinterpret_cast<const std::uint8_t*>(file.data()), file.size() * 4});
}

void AddressDictionary::write_pending(const Dir& d) {
    try {
        write_pending_unsafe(d);
    } catch (...) {
        // Whatever was written stays uncommitted; the view must be of the files as they are now.
        try {
            map(d);
        } catch (...) {
        }
        throw;
    }
}

void AddressDictionary::write_pending_unsafe(const Dir& d) {
    std::span<const std::uint8_t> rows(reinterpret_cast<const std::uint8_t*>(pending_.data()), pending_.size() * 20);
    truncate_durably(d, kRows, committed_ * 20);
    append_durably(d, kRows, rows);
    std::uint64_t n = size();
    if (!header_ || 2 * n >= slots_.size()) {
        rebuild(d, n);  // grown past half full: a table twice the size, swapped in whole
        map(d);
        return;
    }
    // In place: readers skip slots of ids they cannot see yet. New slots are chosen against the
    // mapped table plus those chosen so far (not read back from the file), then written a page
    // at a time in slot order.
    std::uint64_t mask = slots_.size() - 1;
    absl::flat_hash_map<std::uint64_t, std::uint32_t> taken;
    for (std::uint64_t id = committed_ + 1; id <= n; ++id) {
        std::uint64_t i = address_hash(pending_[id - committed_ - 1]) & mask;
        while (slots_[i] != 0 || taken.contains(i)) i = (i + 1) & mask;
        taken.emplace(i, static_cast<std::uint32_t>(id));
    }
    std::vector<std::uint64_t> order;
    order.reserve(taken.size());
    for (const auto& [i, id] : taken) order.push_back(i);
    std::sort(order.begin(), order.end());
    constexpr std::uint64_t kPage = 1024;  // slots per 4 KiB
    FileWriter w(d, kIndex);
    std::vector<std::uint32_t> page;
    for (std::size_t k = 0; k < order.size();) {
        std::uint64_t first = order[k] / kPage * kPage, end = std::min<std::uint64_t>(first + kPage, slots_.size());
        page.assign(slots_.begin() + static_cast<std::ptrdiff_t>(first), slots_.begin() + static_cast<std::ptrdiff_t>(end));
        for (; k < order.size() && order[k] < end; ++k) page[order[k] - first] = taken.at(order[k]);
        w.write_at(sizeof(AddressIndexHeader) + 4 * first, {reinterpret_cast<const std::uint8_t*>(page.data()), page.size() * 4});
    }
    AddressIndexHeader h = *header_;
    h.count = n;
    w.write_at(0, {reinterpret_cast<const std::uint8_t*>(&h), sizeof h});
    w.sync();
}

void AddressDictionary::mark_committed(const Dir& d) {
    committed_ = size();
    forget_pending();
    map(d);
}

}  // namespace chainward::store
