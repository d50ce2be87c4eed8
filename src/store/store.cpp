#include "store/store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cstring>

#include "store/dictionary.hpp"
#include "store/segment.hpp"

namespace chainward::store {
namespace fs = std::filesystem;

namespace {

/// File: assets.bin, one row per asset id (0 = native).
struct AssetRow {
    std::uint8_t type;
    std::uint8_t pad[3];
    std::uint32_t contract;  ///< address id (0 for native)
    std::uint8_t token_id[32];
};
static_assert(sizeof(AssetRow) == 40 && std::is_trivially_copyable_v<AssetRow>);

constexpr const char* kManifest = "MANIFEST.json";
constexpr const char* kWriterLock = "LOCK";
/// Readers hold it shared while they read the manifest and map what it names; retired segments
/// are deleted only while it is held exclusively (see collect_garbage).
constexpr const char* kReaderLock = "READLOCK";

struct Manifest {
    std::uint32_t version = kFormatVersion;
    std::uint64_t addresses = 0, assets = 0, next_segment = 1;
    std::vector<SegmentMeta> segments;
};

std::string to_json(const Manifest& m) {
    std::string s = fmt::format(
        "{{\n  \"format\": \"chainward-store\",\n  \"version\": {},\n  \"addresses\": {},\n  \"assets\": {},\n"
        "  \"next_segment\": {},\n  \"segments\": [",
        m.version, m.addresses, m.assets, m.next_segment);
    for (std::size_t i = 0; i < m.segments.size(); ++i) {
        const auto& g = m.segments[i];
        s += fmt::format(
            "{}\n    {{\"name\": \"{}\", \"first_block\": {}, \"last_block\": {}, \"blocks\": {}, \"txs\": {}, "
            "\"transfers\": {}}}",
            i ? "," : "", g.name, g.first_block, g.last_block, g.blocks, g.txs, g.transfers);
    }
    s += "\n  ]\n}\n";
    return s;
}

Manifest read_manifest(const Dir& d) {
    fs::path p = d.path() / kManifest;
    simdjson::padded_string buf(read_file(d, kManifest));
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(buf).get(doc)) throw StoreError(p.string() + ": corrupt manifest (malformed JSON)");
    Manifest m;
    auto u = [&](simdjson::dom::element e, const char* k) {
        std::uint64_t v;
        if (e[k].get(v)) throw StoreError(p.string() + ": corrupt manifest (field " + std::string(k) + ")");
        return v;
    };
    std::string_view format;
    if (doc["format"].get(format) || format != "chainward-store")
        throw StoreError(p.string() + ": not a chainward store manifest");
    m.version = static_cast<std::uint32_t>(u(doc, "version"));
    if (m.version != kFormatVersion)
        throw StoreError(fmt::format("{}: store format version {} (this chainward reads version {})", p.string(),
                                     m.version, kFormatVersion));
    m.addresses = u(doc, "addresses");
    m.assets = u(doc, "assets");
    m.next_segment = u(doc, "next_segment");
    simdjson::dom::array segs;
    if (doc["segments"].get(segs)) throw StoreError(p.string() + ": corrupt manifest (segments)");
    for (auto e : segs) {
        SegmentMeta g;
        std::string_view name;
        if (e["name"].get(name)) throw StoreError(p.string() + ": corrupt manifest (segment name)");
        if (!is_segment_name(name))
            throw StoreError(p.string() + ": segment name \"" + std::string(name) + "\" is not of the form seg-NNNNNNNN (refused)");
        g.name = name;
        g.first_block = u(e, "first_block");
        g.last_block = u(e, "last_block");
        g.blocks = u(e, "blocks");
        g.txs = u(e, "txs");
        g.transfers = u(e, "transfers");
        m.segments.push_back(g);
    }
    return m;
}

struct AssetHashKey {
    std::uint8_t type;
    std::uint32_t contract;
    std::array<std::uint8_t, 32> id;
    bool operator==(const AssetHashKey&) const = default;
    template <class H>
    friend H AbslHashValue(H h, const AssetHashKey& k) {
        return H::combine(std::move(h), k.type, k.contract, k.id);
    }
};

std::array<std::uint8_t, 32> be32(const U256& v) {
    std::array<std::uint8_t, 32> w{};
    U256 x = v;
    for (int i = 31; i >= 0; --i) {
        w[i] = static_cast<std::uint8_t>(x & 0xff);
        x >>= 8;
    }
    return w;
}

std::span<const std::uint8_t> bytes_of(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

/// The number in a segment name (is_segment_name holds).
std::uint64_t segment_number(std::string_view name) { return std::stoull(std::string(name.substr(4))); }

}  // namespace

struct TransferStore::State {
    Mode mode = Mode::ReadOnly;
    Dir dir;
    std::unique_ptr<FileLock> writer_lock;
    Manifest manifest;
    AddressDictionary addresses;
    std::vector<AssetRow> assets;
    absl::flat_hash_map<AssetHashKey, AssetId> asset_ids;
    std::vector<std::unique_ptr<SegmentReader>> segments;
    std::vector<std::uint64_t> segment_base;  // global id of each segment's first transfer
    SegmentColumns staged;                     // the batch being built (not yet durable)

    void rebase() {
        segment_base.clear();
        std::uint64_t b = 0;
        for (const auto& s : segments) {
            segment_base.push_back(b);
            b += s->transfer_count();
        }
    }
    AddressId intern(const Address& a) { return addresses.intern(a); }
    AssetId intern(const AssetKey& k) {
        if (k.type == AssetType::Native) return kNativeAsset;
        AssetHashKey h{static_cast<std::uint8_t>(k.type), intern(k.contract), {}};
        if (k.token_id != 0) h.id = be32(k.token_id);
        auto [it, inserted] = asset_ids.try_emplace(h, static_cast<AssetId>(assets.size()));
        if (inserted) {
            AssetRow r{};
            r.type = h.type;
            r.contract = h.contract;
            std::memcpy(r.token_id, h.id.data(), 32);
            assets.push_back(r);
        }
        return it->second;
    }
    /// Drops in-memory dictionary entries past the committed counts (after a failed batch).
    void forget_uncommitted() {
        addresses.forget_pending();
        while (assets.size() > manifest.assets) {
            const AssetRow& r = assets.back();
            AssetHashKey h{r.type, r.contract, {}};
            std::memcpy(h.id.data(), r.token_id, 32);
            asset_ids.erase(h);
            assets.pop_back();
        }
    }
};

namespace {

/// Deletes what no manifest a reader could still be opening names. Segments numbered from
/// next_segment on were never committed (a writer died): always deleted. Retired segments
/// (merged away, cut by a rollback) are deleted only while no reader is between reading a
/// manifest and mapping its segments (the reader lock taken exclusively without waiting);
/// otherwise they stay until a later commit or writer finds it free. Mapped files outlive their
/// deletion, so a reader that has opened is never affected.
void collect_garbage(const Dir& d, const Manifest& m) {
    std::vector<fs::path> uncommitted, retired;
    for (const auto& e : fs::directory_iterator(d.path())) {
        std::string name = e.path().filename().string();
        if (name == std::string(kManifest) + ".tmp" || name == "addresses.idx.tmp") {
            uncommitted.push_back(e.path());
            continue;
        }
        if (!is_segment_name(name)) continue;  // not ours: left alone
        if (std::any_of(m.segments.begin(), m.segments.end(), [&](const SegmentMeta& g) { return g.name == name; })) continue;
        (segment_number(name) >= m.next_segment ? uncommitted : retired).push_back(e.path());
    }
    for (const auto& p : uncommitted) fs::remove_all(p);
    if (retired.empty()) return;
    FileLock readers(d, kReaderLock, FileLock::Kind::Exclusive, false, true);
    if (!readers.held()) return;
    for (const auto& p : retired) fs::remove_all(p);
}

}  // namespace

std::unique_ptr<TransferStore> TransferStore::open(const fs::path& dir, Mode mode) {
    std::unique_ptr<TransferStore> st(new TransferStore());
    st->dir_ = dir;
    st->s_ = std::make_unique<State>();
    State& s = *st->s_;
    s.mode = mode;
    if (mode == Mode::ReadOnly) {
        if (!fs::exists(dir / kManifest)) throw StoreError("no store at " + dir.string() + " (run chainward ingest first)");
        s.dir = Dir(dir, true);
    } else {
        fs::create_directories(dir);
        s.dir = Dir(dir, true);
        // One writer at a time. Whether the store exists is decided only under the lock: a
        // writer that lost the race to create it must open the winner's store, not wipe it.
        s.writer_lock = std::make_unique<FileLock>(s.dir, kWriterLock, FileLock::Kind::Exclusive, false, true);
        if (!s.writer_lock->held()) throw StoreError("store " + dir.string() + " is being written by another chainward process");
        FileLock(s.dir, kReaderLock, FileLock::Kind::Shared, false, true);  // created for readers
        if (!s.dir.exists(kManifest)) {
            // A fresh store: the native asset is id 0.
            truncate_durably(s.dir, "addresses.bin", 0);
            AssetRow native{};
            write_file_durably(s.dir, "assets.bin", {reinterpret_cast<const std::uint8_t*>(&native), sizeof native});
            Manifest fresh;
            fresh.assets = 1;
            replace_file_atomically(s.dir, kManifest, bytes_of(to_json(fresh)));
        }
    }
    // A reader holds the reader lock (shared) from reading the manifest until everything it
    // names is mapped, so that no segment it names is deleted in between. A store whose lock
    // file does not exist yet was never written by a writer that deletes under it.
    std::optional<FileLock> reading;
    if (mode == Mode::ReadOnly) reading.emplace(s.dir, kReaderLock, FileLock::Kind::Shared, true, false);
    s.manifest = read_manifest(s.dir);

    if (mode == Mode::ReadWrite) {
        // Discard what a crashed writer left uncommitted.
        truncate_durably(s.dir, "addresses.bin", s.manifest.addresses * 20);
        truncate_durably(s.dir, "assets.bin", s.manifest.assets * sizeof(AssetRow));
        collect_garbage(s.dir, s.manifest);
    }
    s.addresses.open(s.dir, s.manifest.addresses, mode == Mode::ReadWrite);
    {
        MappedFile sf(s.dir, "assets.bin");
        auto rows = sf.as<AssetRow>();
        if (rows.size() < s.manifest.assets) throw StoreError("assets.bin is shorter than the manifest says");
        s.assets.assign(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(s.manifest.assets));
        for (std::size_t i = 1; i < s.assets.size(); ++i) {
            AssetHashKey h{s.assets[i].type, s.assets[i].contract, {}};
            std::memcpy(h.id.data(), s.assets[i].token_id, 32);
            s.asset_ids.emplace(h, static_cast<AssetId>(i));
        }
    }
    for (const auto& g : s.manifest.segments) s.segments.push_back(std::make_unique<SegmentReader>(s.dir, g));
    s.rebase();
    return st;
}

TransferStore::~TransferStore() {
    // A last chance to delete segments retired while readers were opening.
    if (s_ && s_->mode == Mode::ReadWrite) try {
            collect_garbage(s_->dir, s_->manifest);
        } catch (...) {
        }
}

namespace {

void check_writable(TransferStore::Mode m) {
    if (m != TransferStore::Mode::ReadWrite) throw StoreError("store opened read-only");
}

}  // namespace

void TransferStore::append(std::span<const BlockInput> blocks) {
    for (const auto& b : blocks) stage(b);
    commit_staged();
}

void TransferStore::stage(const BlockInput& in) {
    State& s = *s_;
    check_writable(s.mode);
    SegmentColumns& c = s.staged;
    try {
        std::optional<std::uint64_t> last = c.blocks.empty() ? last_block() : std::optional(c.blocks.back().number);
        std::uint64_t expected = last ? *last + 1 : in.block.number;
        if (in.block.number != expected)
            throw StoreError(fmt::format("block {} does not continue the store (expected block {})", in.block.number, expected));
        BlockRow br{};
        br.number = in.block.number;
        br.timestamp = in.block.timestamp;
        std::memcpy(br.hash, in.block.hash.b.data(), 32);
        std::memcpy(br.parent_hash, in.block.parent_hash.b.data(), 32);
        br.first_tx = static_cast<std::uint32_t>(c.txs.size());
        c.blocks.push_back(br);
        std::optional<std::uint32_t> cur_tx;
        for (const auto& t : in.transfers) {
            if (t.block != in.block.number)
                throw StoreError(fmt::format("transfer of block {} given with block {}", t.block, in.block.number));
            if (!cur_tx || *cur_tx != t.tx_index) {
                if (cur_tx && t.tx_index < *cur_tx) throw StoreError("transfers not in chain order");
                cur_tx = t.tx_index;
                c.txs.push_back({static_cast<std::uint32_t>(c.blocks.size() - 1), t.tx_index,
                                 static_cast<std::uint32_t>(c.transfer_count()), 0});
                c.tx_hashes.insert(c.tx_hashes.end(), t.tx_hash.b.begin(), t.tx_hash.b.end());
            }
            c.from.push_back(t.from ? s.intern(*t.from) : kNoAddress);
            c.to.push_back(t.to ? s.intern(*t.to) : kNoAddress);
            c.asset.push_back(s.intern(t.asset));
            c.ref.push_back(t.ref);
            c.kind.push_back(static_cast<std::uint8_t>(t.kind));
            c.push_amount(t.amount);
        }
        // Notes attach to this block's tx rows (a transaction without transfers keeps none).
        const auto first_note = static_cast<std::ptrdiff_t>(c.notes.size());
        for (const auto& [tx_index, text] : in.notes) {
            for (std::size_t row = br.first_tx; row < c.txs.size(); ++row)
                if (c.txs[row].tx_index == tx_index) {
                    auto begin = static_cast<std::uint32_t>(c.note_text.size());
                    c.note_text += text;
                    c.notes.push_back({static_cast<std::uint32_t>(row), begin, static_cast<std::uint32_t>(c.note_text.size()), 0});
                    break;
                }
        }
        std::stable_sort(c.notes.begin() + first_note, c.notes.end(),
                         [](const NoteRow& a, const NoteRow& b) { return a.tx_row < b.tx_row; });
        if (c.transfer_count() >= std::numeric_limits<std::uint32_t>::max()) throw StoreError("batch too large");
    } catch (...) {
        discard_staged();  // a half-staged block must not reach a commit
        throw;
    }
}

void TransferStore::discard_staged() noexcept {
    s_->staged = SegmentColumns{};
    s_->forget_uncommitted();
}

std::size_t TransferStore::staged_blocks() const { return s_->staged.blocks.size(); }
std::size_t TransferStore::staged_transfers() const { return s_->staged.transfer_count(); }

void TransferStore::commit_staged() {
    State& s = *s_;
    check_writable(s.mode);
    if (s.staged.blocks.empty()) return;
    try {
        const SegmentColumns& c = s.staged;
        std::string name = fmt::format("seg-{:08}", s.manifest.next_segment);
        SegmentMeta meta = write_segment(s.dir, name, c);
        // Dictionaries first, then the manifest that makes everything visible at once. A batch
        // that failed after writing part of its rows (disk full) must not leave them in front of
        // this batch's: both files are cut back to the committed rows first.
        s.addresses.write_pending(s.dir);
        truncate_durably(s.dir, "assets.bin", s.manifest.assets * sizeof(AssetRow));
        append_durably(s.dir, "assets.bin", {reinterpret_cast<const std::uint8_t*>(s.assets.data() + s.manifest.assets),
                                             (s.assets.size() - s.manifest.assets) * sizeof(AssetRow)});
        s.dir.sync();
        Manifest next = s.manifest;
        next.addresses = s.addresses.size();
        next.assets = s.assets.size();
        next.next_segment++;
        next.segments.push_back(meta);
        replace_file_atomically(s.dir, kManifest, bytes_of(to_json(next)));
        s.manifest = next;
        s.addresses.mark_committed(s.dir);
        s.segments.push_back(std::make_unique<SegmentReader>(s.dir, meta));
        s.rebase();
        s.staged = SegmentColumns{};
        collect_garbage(s.dir, s.manifest);  // segments retired earlier while readers were opening
    } catch (...) {
        discard_staged();
        throw;
    }
    // Merge like a binary counter: a segment joins its predecessor once it is at least half its
    // size, so each transfer is rewritten O(log n) times in all, never the whole store per batch.
    // A merge holds both segments in memory, so merged segments stop growing at kMaxMergedRows.
    while (s.segments.size() >= 2) {
        auto n = s.segments.size();
        auto a = s.segments[n - 2]->transfer_count() + s.segments[n - 2]->meta().blocks;
        auto b = s.segments[n - 1]->transfer_count() + s.segments[n - 1]->meta().blocks;
        if (2 * b < a || a + b > kMaxMergedRows) break;
        merge(n - 2, n);
    }
}

void TransferStore::merge(std::size_t first, std::size_t end) {
    State& s = *s_;
    if (end - first < 2) return;
    SegmentColumns merged = s.segments[first]->load();
    for (std::size_t i = first + 1; i < end; ++i) merged.append(s.segments[i]->load());
    Manifest next = s.manifest;
    std::string name = fmt::format("seg-{:08}", next.next_segment++);
    SegmentMeta meta = write_segment(s.dir, name, merged);  // durable, directory entry too
    next.segments.erase(next.segments.begin() + static_cast<std::ptrdiff_t>(first),
                        next.segments.begin() + static_cast<std::ptrdiff_t>(end));
    next.segments.insert(next.segments.begin() + static_cast<std::ptrdiff_t>(first), meta);
    replace_file_atomically(s.dir, kManifest, bytes_of(to_json(next)));  // the commit point of the merge
    s.manifest = next;
    s.segments.erase(s.segments.begin() + static_cast<std::ptrdiff_t>(first), s.segments.begin() + static_cast<std::ptrdiff_t>(end));
    s.segments.insert(s.segments.begin() + static_cast<std::ptrdiff_t>(first), std::make_unique<SegmentReader>(s.dir, meta));
    s.rebase();
    collect_garbage(s.dir, s.manifest);
}

void TransferStore::rollback_to(std::uint64_t last_kept) {
    State& s = *s_;
    check_writable(s.mode);
    if (!s.staged.blocks.empty()) throw StoreError("blocks are staged: commit or discard them first");
    Manifest next = s.manifest;
    next.segments.clear();
    std::vector<std::unique_ptr<SegmentReader>> keep;
    std::vector<std::string> drop;
    std::optional<SegmentColumns> cut;
    for (auto& seg : s.segments) {
        const auto& m = seg->meta();
        if (m.last_block <= last_kept) {
            next.segments.push_back(m);
            continue;
        }
        drop.push_back(m.name);
        if (m.first_block <= last_kept) {
            cut = seg->load();
            cut->truncate_blocks(static_cast<std::size_t>(last_kept - m.first_block + 1));
        }
    }
    if (drop.empty()) return;
    if (cut) {
        std::string name = fmt::format("seg-{:08}", next.next_segment++);
        next.segments.push_back(write_segment(s.dir, name, *cut));  // durable, directory entry too
    }
    replace_file_atomically(s.dir, kManifest, bytes_of(to_json(next)));
    s.manifest = next;
    s.segments.clear();
    for (const auto& g : next.segments) s.segments.push_back(std::make_unique<SegmentReader>(s.dir, g));
    s.rebase();
    collect_garbage(s.dir, s.manifest);
}

void TransferStore::compact() {
    State& s = *s_;
    check_writable(s.mode);
    if (!s.staged.blocks.empty()) throw StoreError("blocks are staged: commit or discard them first");
    // Greedy runs of neighbours up to the merge size limit, from the newest end.
    std::size_t end = s.segments.size();
    while (end >= 2) {
        std::size_t first = end - 1;
        std::uint64_t rows = s.segments[first]->transfer_count() + s.segments[first]->meta().blocks;
        while (first > 0) {
            auto more = s.segments[first - 1]->transfer_count() + s.segments[first - 1]->meta().blocks;
            if (rows + more > kMaxMergedRows) break;
            rows += more;
            --first;
        }
        merge(first, end);
        end = first;
    }
}

StoreStats TransferStore::stats() const {
    const State& s = *s_;
    StoreStats st;
    st.addresses = s.addresses.size();
    st.assets = s.assets.size();
    st.segments = s.segments.size();
    for (const auto& seg : s.segments) {
        st.blocks += seg->meta().blocks;
        st.txs += seg->meta().txs;
        st.transfers += seg->transfer_count();
        st.transfer_bytes += seg->bytes_transfers();
        st.hash_bytes += seg->bytes_hashes();
        st.other_bytes += seg->bytes_other();
        if (seg->meta().blocks) {
            if (!st.first_block) st.first_block = seg->meta().first_block;
            st.last_block = seg->meta().last_block;
        }
    }
    st.dictionary_bytes = s.addresses.size() * 20 + s.assets.size() * sizeof(AssetRow);
    if (std::error_code ec; s.dir.exists("addresses.idx")) st.dictionary_bytes += fs::file_size(dir_ / "addresses.idx", ec);
    std::error_code ec;
    st.other_bytes += fs::file_size(dir_ / kManifest, ec);
    return st;
}

std::optional<std::uint64_t> TransferStore::last_block() const {
    for (auto it = s_->segments.rbegin(); it != s_->segments.rend(); ++it)
        if ((*it)->meta().blocks) return (*it)->meta().last_block;
    return std::nullopt;
}

std::optional<BlockRecord> TransferStore::block(std::uint64_t n) const {
    for (const auto& seg : s_->segments) {
        const auto& m = seg->meta();
        if (!m.blocks || n < m.first_block || n > m.last_block) continue;
        const BlockRow& r = seg->blocks()[n - m.first_block];
        BlockRecord b;
        b.number = r.number;
        b.timestamp = r.timestamp;
        std::memcpy(b.hash.b.data(), r.hash, 32);
        std::memcpy(b.parent_hash.b.data(), r.parent_hash, 32);
        return b;
    }
    return std::nullopt;
}

std::optional<AddressId> TransferStore::find_address(const Address& a) const {
    auto id = s_->addresses.find(a);
    if (!id || *id > s_->manifest.addresses) return std::nullopt;
    return id;
}
Address TransferStore::address(AddressId id) const {
    return s_->addresses.at(id);
}
std::uint32_t TransferStore::address_count() const { return static_cast<std::uint32_t>(s_->manifest.addresses); }

std::optional<AssetId> TransferStore::find_asset(const AssetKey& k) const {
    if (k.type == AssetType::Native) return kNativeAsset;
    auto c = find_address(k.contract);
    if (!c) return std::nullopt;
    auto it = s_->asset_ids.find(AssetHashKey{static_cast<std::uint8_t>(k.type), *c, be32(k.token_id)});
    if (it == s_->asset_ids.end()) return std::nullopt;
    return it->second;
}
AssetKey TransferStore::asset(AssetId id) const {
    if (id >= s_->assets.size()) throw StoreError(fmt::format("asset id {} out of range", id));
    const AssetRow& r = s_->assets[id];
    AssetKey k;
    k.type = static_cast<AssetType>(r.type);
    if (r.contract) k.contract = address(r.contract);
    k.token_id = u256_from_be({r.token_id, 32});
    return k;
}
std::uint32_t TransferStore::asset_count() const { return static_cast<std::uint32_t>(s_->manifest.assets); }

std::vector<AssetId> TransferStore::assets_of_contract(const Address& contract) const {
    std::vector<AssetId> out;
    auto c = find_address(contract);
    if (!c) return out;
    for (std::size_t i = 1; i < s_->manifest.assets; ++i)
        if (s_->assets[i].contract == *c) out.push_back(static_cast<AssetId>(i));
    return out;
}

void TransferStore::for_each_of(AddressId a, Direction d, const std::function<bool(const TransferRef&)>& f,
                                std::uint64_t from_id) const {
    const State& s = *s_;
    for (std::size_t k = 0; k < s.segments.size(); ++k) {
        const auto& seg = *s.segments[k];
        std::uint64_t end = s.segment_base[k] + seg.transfer_count();
        if (end <= from_id) continue;
        auto out = d == Direction::In ? std::span<const std::uint32_t>{} : seg.adjacency(a, true);
        auto in = d == Direction::Out ? std::span<const std::uint32_t>{} : seg.adjacency(a, false);
        if (from_id > s.segment_base[k]) {  // rows are ascending: skip the earlier ones
            auto first = static_cast<std::uint32_t>(from_id - s.segment_base[k]);
            out = out.subspan(static_cast<std::size_t>(std::lower_bound(out.begin(), out.end(), first) - out.begin()));
            in = in.subspan(static_cast<std::size_t>(std::lower_bound(in.begin(), in.end(), first) - in.begin()));
        }
        // Merge the two ascending lists; a self-transfer appears in both and is reported once.
        std::size_t i = 0, j = 0;
        while (i < out.size() || j < in.size()) {
            std::uint32_t next;
            if (j >= in.size() || (i < out.size() && out[i] < in[j]))
                next = out[i++];
            else if (i >= out.size() || in[j] < out[i])
                next = in[j++];
            else {
                next = out[i++];
                ++j;
            }
            if (!f(seg.ref(next, s.segment_base[k]))) return;
        }
    }
}

std::vector<TransferRef> TransferStore::find_tx(const Hash32& h) const {
    const State& s = *s_;
    std::vector<TransferRef> out;
    if (h.is_zero()) return out;
    for (std::size_t k = 0; k < s.segments.size(); ++k) {
        const auto& seg = *s.segments[k];
        if (auto t = seg.find_tx(h)) {
            auto [first, end] = seg.transfers_of_tx(*t);
            for (auto i = first; i < end; ++i) out.push_back(seg.ref(i, s.segment_base[k]));
            return out;  // a transaction lives in one block, hence one segment
        }
    }
    return out;
}

void TransferStore::scan(const std::function<bool(const TransferRef&)>& f, std::uint64_t from_id) const {
    const State& s = *s_;
    for (std::size_t k = 0; k < s.segments.size(); ++k) {
        const std::uint64_t n = s.segments[k]->transfer_count();
        if (s.segment_base[k] + n <= from_id) continue;
        for (std::size_t i = from_id > s.segment_base[k] ? from_id - s.segment_base[k] : 0; i < n; ++i)
            if (!f(s.segments[k]->ref(i, s.segment_base[k]))) return;
    }
}

Hash32 TransferStore::tx_hash(const TransferRef& t) const {
    const State& s = *s_;
    auto it = std::upper_bound(s.segment_base.begin(), s.segment_base.end(), t.id);
    std::size_t k = static_cast<std::size_t>(it - s.segment_base.begin()) - 1;
    const auto& seg = *s.segments[k];
    std::size_t tx = seg.tx_of(t.id - s.segment_base[k]);
    Hash32 h;
    std::memcpy(h.b.data(), seg.tx_hashes().data() + 32 * tx, 32);
    return h;
}

std::vector<std::string> TransferStore::tx_notes(const TransferRef& t) const {
    const State& s = *s_;
    auto it = std::upper_bound(s.segment_base.begin(), s.segment_base.end(), t.id);
    std::size_t k = static_cast<std::size_t>(it - s.segment_base.begin()) - 1;
    const auto& seg = *s.segments[k];
    return seg.notes_of_tx(seg.tx_of(t.id - s.segment_base[k]));
}

Transfer TransferStore::resolve(const TransferRef& r) const {
    Transfer t;
    t.block = r.block;
    t.tx_index = r.tx_index;
    t.seq = r.seq;
    t.kind = r.kind;
    t.ref = r.ref;
    if (r.from != kNoAddress) t.from = address(r.from);
    if (r.to != kNoAddress) t.to = address(r.to);
    t.asset = asset(r.asset);
    t.amount = r.amount;
    t.tx_hash = tx_hash(r);
    return t;
}

Hash32 TransferStore::content_hash() const {
    std::string acc;
    Hash32 h{};
    scan([&](const TransferRef& r) {
        acc += describe(resolve(r));
        acc += '\n';
        if (acc.size() > (1 << 20)) {  // chain: h = keccak(h || chunk)
            acc.insert(0, reinterpret_cast<const char*>(h.b.data()), 32);
            h = keccak256(acc);
            acc.clear();
        }
        return true;
    });
    acc.insert(0, reinterpret_cast<const char*>(h.b.data()), 32);
    return keccak256(acc);
}

}  // namespace chainward::store
