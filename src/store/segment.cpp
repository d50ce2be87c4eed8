#include "store/segment.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace chainward::store {
namespace {

const U256& pow10(unsigned e) {
    static const std::vector<U256> table = [] {
        std::vector<U256> t(78);
        t[0] = 1;
        for (unsigned i = 1; i < 78; ++i) t[i] = t[i - 1] * 10;
        return t;
    }();
    return table[e];
}

/// Groups transfer indexes by an id column: sorted distinct keys, offsets, and the lists.
void build_adjacency(const std::vector<std::uint32_t>& ids, std::vector<std::uint32_t>& keys,
                     std::vector<std::uint32_t>& offs, std::vector<std::uint32_t>& list) {
    auto n = static_cast<std::uint32_t>(ids.size());
    list.resize(n);
    keys.clear();
    offs.clear();
    std::uint32_t max_id = 0;
    for (auto id : ids) max_id = std::max(max_id, id);
    if (n && max_id <= 4ull * n) {
        // Counting sort by id: linear, and stable, so each address's rows stay in chain order.
        std::vector<std::uint32_t> start(static_cast<std::size_t>(max_id) + 2, 0);
        for (auto id : ids) ++start[id + 1];
        for (std::size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
        for (std::uint32_t id = 0; id <= max_id; ++id)
            if (start[id + 1] != start[id]) {
                keys.push_back(id);
                offs.push_back(start[id]);
            }
        for (std::uint32_t i = 0; i < n; ++i) list[start[ids[i]]++] = i;
    } else {
        // Sparse ids (a small segment late in a large store): sort (id, row) as one 64-bit key.
        std::vector<std::uint64_t> pairs(n);
        for (std::uint32_t i = 0; i < n; ++i) pairs[i] = static_cast<std::uint64_t>(ids[i]) << 32 | i;
        std::sort(pairs.begin(), pairs.end());
        for (std::uint32_t i = 0; i < n; ++i) {
            auto id = static_cast<std::uint32_t>(pairs[i] >> 32);
            list[i] = static_cast<std::uint32_t>(pairs[i]);
            if (i == 0 || id != keys.back()) {
                keys.push_back(id);
                offs.push_back(i);
            }
        }
    }
    offs.push_back(n);
}

}  // namespace

void SegmentColumns::push_amount(const U256& v) {
    if (v <= std::numeric_limits<std::uint64_t>::max()) {
        mant.push_back(static_cast<std::uint64_t>(v));
        exp.push_back(0);
        return;
    }
    // Wei amounts above 2^64 (18.4 ETH) are mostly round numbers: strip decimal zeros.
    U256 m = v;
    std::uint8_t e = 0;
    while (m > std::numeric_limits<std::uint64_t>::max() && m % 10 == 0) {
        m /= 10;
        ++e;
    }
    if (m <= std::numeric_limits<std::uint64_t>::max()) {
        mant.push_back(static_cast<std::uint64_t>(m));
        exp.push_back(e);
        return;
    }
    mant.push_back(big.size() / 32);
    exp.push_back(kBigAmount);
    std::uint8_t w[32];
    U256 x = v;
    for (int i = 31; i >= 0; --i) {
        w[i] = static_cast<std::uint8_t>(x & 0xff);
        x >>= 8;
    }
    big.insert(big.end(), w, w + 32);
}

static U256 decode_amount(std::uint8_t e, std::uint64_t m, std::span<const std::uint8_t> big) {
    if (e == 0) return U256(m);
    if (e == kBigAmount) {
        if ((m + 1) * 32 > big.size()) throw StoreError("large amount index out of range");
        return u256_from_be(big.subspan(m * 32, 32));
    }
    if (e > 77) throw StoreError("corrupt amount exponent");
    return U256(m) * pow10(e);
}

U256 SegmentColumns::amount(std::size_t i) const { return decode_amount(exp[i], mant[i], big); }

void SegmentColumns::append(const SegmentColumns& o) {
    auto nb = static_cast<std::uint32_t>(blocks.size()), nt = static_cast<std::uint32_t>(txs.size()),
         nr = static_cast<std::uint32_t>(transfer_count());
    std::uint64_t nbig = big.size() / 32;
    for (auto b : o.blocks) {
        b.first_tx += nt;
        blocks.push_back(b);
    }
    for (auto t : o.txs) {
        t.block_ord += nb;
        t.first_transfer += nr;
        txs.push_back(t);
    }
    tx_hashes.insert(tx_hashes.end(), o.tx_hashes.begin(), o.tx_hashes.end());
    from.insert(from.end(), o.from.begin(), o.from.end());
    to.insert(to.end(), o.to.begin(), o.to.end());
    asset.insert(asset.end(), o.asset.begin(), o.asset.end());
    ref.insert(ref.end(), o.ref.begin(), o.ref.end());
    kind.insert(kind.end(), o.kind.begin(), o.kind.end());
    for (std::size_t i = 0; i < o.exp.size(); ++i) {
        exp.push_back(o.exp[i]);
        mant.push_back(o.exp[i] == kBigAmount ? o.mant[i] + nbig : o.mant[i]);
    }
    big.insert(big.end(), o.big.begin(), o.big.end());
    auto ntext = static_cast<std::uint32_t>(note_text.size());
    for (auto n : o.notes) {
        n.tx_row += nt;
        n.begin += ntext;
        n.end += ntext;
        notes.push_back(n);
    }
    note_text += o.note_text;
}

void SegmentColumns::truncate_blocks(std::size_t n_blocks) {
    if (n_blocks >= blocks.size()) return;
    std::size_t n_txs = blocks[n_blocks].first_tx;
    std::size_t n_tr = n_txs < txs.size() ? txs[n_txs].first_transfer : transfer_count();
    blocks.resize(n_blocks);
    txs.resize(n_txs);
    tx_hashes.resize(n_txs * 32);
    for (auto* col : {&from, &to, &asset, &ref}) col->resize(n_tr);
    kind.resize(n_tr);
    exp.resize(n_tr);
    mant.resize(n_tr);  // large amounts past the cut stay in big.bin unreferenced until a merge
    while (!notes.empty() && notes.back().tx_row >= n_txs) notes.pop_back();
}

bool is_segment_name(std::string_view name) {
    if (name.size() < 12 || name.size() > 24 || name.substr(0, 4) != "seg-") return false;
    return std::all_of(name.begin() + 4, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

SegmentMeta write_segment(const Dir& store, const std::string& name, const SegmentColumns& c) {
    Dir dir = make_subdir(store, name);
    write_column(dir, "blocks.bin", c.blocks);
    write_column(dir, "tx.bin", c.txs);
    write_column(dir, "tx_hash.bin", c.tx_hashes);
    write_column(dir, "t_from.u32", c.from);
    write_column(dir, "t_to.u32", c.to);
    write_column(dir, "t_asset.u32", c.asset);
    write_column(dir, "t_ref.u32", c.ref);
    write_column(dir, "t_kind.u8", c.kind);
    write_column(dir, "t_exp.u8", c.exp);
    write_column(dir, "t_mant.u64", c.mant);
    write_column(dir, "big.bin", c.big);
    write_column(dir, "notes.bin", c.notes);
    write_file_durably(dir, "notes.txt", {reinterpret_cast<const std::uint8_t*>(c.note_text.data()), c.note_text.size()});
    std::vector<TxLookupRow> lookup;
    for (std::uint32_t t = 0; t < c.txs.size(); ++t) {
        const std::uint8_t* h = c.tx_hashes.data() + 32 * t;
        if (std::all_of(h, h + 32, [](std::uint8_t b) { return b == 0; })) continue;
        TxLookupRow r{};
        std::memcpy(&r.prefix, h, 8);
        r.tx_row = t;
        lookup.push_back(r);
    }
    std::sort(lookup.begin(), lookup.end(),
              [](const TxLookupRow& a, const TxLookupRow& b) { return a.prefix != b.prefix ? a.prefix < b.prefix : a.tx_row < b.tx_row; });
    write_column(dir, "tx_lookup.bin", lookup);
    std::vector<std::uint32_t> keys, offs, list;
    build_adjacency(c.from, keys, offs, list);
    write_column(dir, "out_keys.u32", keys);
    write_column(dir, "out_offs.u32", offs);
    write_column(dir, "out_list.u32", list);
    build_adjacency(c.to, keys, offs, list);
    write_column(dir, "in_keys.u32", keys);
    write_column(dir, "in_offs.u32", offs);
    write_column(dir, "in_list.u32", list);
    dir.sync();
    store.sync();  // the new directory entry itself
    SegmentMeta m;
    m.name = name;
    m.blocks = c.blocks.size();
    m.txs = c.txs.size();
    m.transfers = c.transfer_count();
    if (!c.blocks.empty()) {
        m.first_block = c.blocks.front().number;
        m.last_block = c.blocks.back().number;
    }
    return m;
}

SegmentReader::SegmentReader(const Dir& store, SegmentMeta meta) : meta_(std::move(meta)) {
    if (!is_segment_name(meta_.name)) throw StoreError("segment name \"" + meta_.name + "\" is not of the form seg-NNNNNNNN");
    Dir dir(store, meta_.name);
    notes_f_ = MappedFile(dir, "notes.bin");
    note_text_f_ = MappedFile(dir, "notes.txt");
    notes_ = notes_f_.as<NoteRow>();
    for (const auto& n : notes_)
        if (n.begin > n.end || n.end > note_text_f_.bytes().size() || n.tx_row >= meta_.txs)
            throw StoreError("segment " + dir.path().string() + ": notes.bin does not match notes.txt (corrupt)");
    tx_lookup_f_ = MappedFile(dir, "tx_lookup.bin");
    tx_lookup_ = tx_lookup_f_.as<TxLookupRow>();
    blocks_f_ = MappedFile(dir, "blocks.bin");
    txs_f_ = MappedFile(dir, "tx.bin");
    tx_hash_ = MappedFile(dir, "tx_hash.bin");
    from_f_ = MappedFile(dir, "t_from.u32");
    to_f_ = MappedFile(dir, "t_to.u32");
    asset_f_ = MappedFile(dir, "t_asset.u32");
    ref_f_ = MappedFile(dir, "t_ref.u32");
    kind_f_ = MappedFile(dir, "t_kind.u8");
    exp_f_ = MappedFile(dir, "t_exp.u8");
    mant_f_ = MappedFile(dir, "t_mant.u64");
    big_f_ = MappedFile(dir, "big.bin");
    out_keys_f_ = MappedFile(dir, "out_keys.u32");
    out_offs_f_ = MappedFile(dir, "out_offs.u32");
    out_list_f_ = MappedFile(dir, "out_list.u32");
    in_keys_f_ = MappedFile(dir, "in_keys.u32");
    in_offs_f_ = MappedFile(dir, "in_offs.u32");
    in_list_f_ = MappedFile(dir, "in_list.u32");
    blocks_ = blocks_f_.as<BlockRow>();
    txs_ = txs_f_.as<TxRow>();
    from_ = from_f_.as<std::uint32_t>();
    to_ = to_f_.as<std::uint32_t>();
    asset_ = asset_f_.as<std::uint32_t>();
    refc_ = ref_f_.as<std::uint32_t>();
    kind_ = kind_f_.as<std::uint8_t>();
    exp_ = exp_f_.as<std::uint8_t>();
    mant_ = mant_f_.as<std::uint64_t>();
    out_keys_ = out_keys_f_.as<std::uint32_t>();
    out_offs_ = out_offs_f_.as<std::uint32_t>();
    out_list_ = out_list_f_.as<std::uint32_t>();
    in_keys_ = in_keys_f_.as<std::uint32_t>();
    in_offs_ = in_offs_f_.as<std::uint32_t>();
    in_list_ = in_list_f_.as<std::uint32_t>();
    std::size_t n = meta_.transfers;
    bool ok = blocks_.size() == meta_.blocks && txs_.size() == meta_.txs && tx_hash_.bytes().size() == 32 * meta_.txs &&
              from_.size() == n && to_.size() == n && asset_.size() == n && refc_.size() == n && kind_.size() == n &&
              exp_.size() == n && mant_.size() == n && out_list_.size() == n && in_list_.size() == n &&
              out_offs_.size() == out_keys_.size() + 1 && in_offs_.size() == in_keys_.size() + 1 &&
              tx_lookup_.size() <= meta_.txs;
    if (!ok) throw StoreError("segment " + dir.path().string() + " does not match the manifest (corrupt or truncated)");
}

std::size_t SegmentReader::tx_of(std::size_t i) const {
    auto it = std::upper_bound(txs_.begin(), txs_.end(), i,
                               [](std::size_t v, const TxRow& t) { return v < t.first_transfer; });
    return static_cast<std::size_t>(it - txs_.begin()) - 1;
}

TransferRef SegmentReader::ref(std::size_t i, std::uint64_t base) const {
    TransferRef r;
    std::size_t t = tx_of(i);
    const TxRow& tx = txs_[t];
    r.id = base + i;
    r.block = blocks_[tx.block_ord].number;
    r.tx_index = tx.tx_index;
    r.seq = static_cast<std::uint32_t>(i - tx.first_transfer);
    r.kind = static_cast<TransferKind>(kind_[i]);
    r.ref = refc_[i];
    r.from = from_[i];
    r.to = to_[i];
    r.asset = asset_[i];
    r.amount = decode_amount(exp_[i], mant_[i], big_f_.bytes());
    return r;
}

std::span<const std::uint32_t> SegmentReader::adjacency(AddressId a, bool out) const {
    auto keys = out ? out_keys_ : in_keys_;
    auto offs = out ? out_offs_ : in_offs_;
    auto list = out ? out_list_ : in_list_;
    auto it = std::lower_bound(keys.begin(), keys.end(), a);
    if (it == keys.end() || *it != a) return {};
    std::size_t k = static_cast<std::size_t>(it - keys.begin());
    return list.subspan(offs[k], offs[k + 1] - offs[k]);
}

std::optional<std::size_t> SegmentReader::find_tx(const Hash32& h) const {
    std::uint64_t prefix;
    std::memcpy(&prefix, h.b.data(), 8);
    auto it = std::lower_bound(tx_lookup_.begin(), tx_lookup_.end(), prefix,
                               [](const TxLookupRow& r, std::uint64_t p) { return r.prefix < p; });
    for (; it != tx_lookup_.end() && it->prefix == prefix; ++it)
        if (std::memcmp(tx_hash_.bytes().data() + 32 * std::size_t{it->tx_row}, h.b.data(), 32) == 0) return it->tx_row;
    return std::nullopt;
}

std::vector<std::string> SegmentReader::notes_of_tx(std::size_t t) const {
    std::vector<std::string> out;
    auto it = std::lower_bound(notes_.begin(), notes_.end(), t, [](const NoteRow& n, std::size_t row) { return n.tx_row < row; });
    for (; it != notes_.end() && it->tx_row == t; ++it)
        out.emplace_back(reinterpret_cast<const char*>(note_text_f_.bytes().data()) + it->begin, it->end - it->begin);
    return out;
}

std::pair<std::size_t, std::size_t> SegmentReader::transfers_of_tx(std::size_t t) const {
    return {txs_[t].first_transfer, t + 1 < txs_.size() ? txs_[t + 1].first_transfer : transfer_count()};
}

SegmentColumns SegmentReader::load() const {
    SegmentColumns c;
    c.blocks.assign(blocks_.begin(), blocks_.end());
    c.txs.assign(txs_.begin(), txs_.end());
    c.tx_hashes.assign(tx_hash_.bytes().begin(), tx_hash_.bytes().end());
    c.from.assign(from_.begin(), from_.end());
    c.to.assign(to_.begin(), to_.end());
    c.asset.assign(asset_.begin(), asset_.end());
    c.ref.assign(refc_.begin(), refc_.end());
    c.kind.assign(kind_.begin(), kind_.end());
    c.exp.assign(exp_.begin(), exp_.end());
    c.mant.assign(mant_.begin(), mant_.end());
    c.big.assign(big_f_.bytes().begin(), big_f_.bytes().end());
    c.notes.assign(notes_.begin(), notes_.end());
    c.note_text.assign(reinterpret_cast<const char*>(note_text_f_.bytes().data()), note_text_f_.bytes().size());
    return c;
}

std::uint64_t SegmentReader::bytes_transfers() const {
    std::uint64_t s = 0;
    for (const MappedFile* f : {&from_f_, &to_f_, &asset_f_, &ref_f_, &kind_f_, &exp_f_, &mant_f_, &out_keys_f_,
                                &out_offs_f_, &out_list_f_, &in_keys_f_, &in_offs_f_, &in_list_f_})
        s += f->bytes().size();
    return s;
}
std::uint64_t SegmentReader::bytes_hashes() const {
    return tx_hash_.bytes().size() + blocks_.size() * 64 + tx_lookup_f_.bytes().size();
}
std::uint64_t SegmentReader::bytes_other() const {
    return blocks_f_.bytes().size() - blocks_.size() * 64 + txs_f_.bytes().size() + big_f_.bytes().size() +
           notes_f_.bytes().size() + note_text_f_.bytes().size();
}

}  // namespace chainward::store
