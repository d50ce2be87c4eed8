// Persistence: the engine's state file, and the rows file the Index maps (layout below). Rows are
// the per-source state summed per (address, category, direction, kind, asset), with the evidence
// path of the largest contributing source resolved to addresses and transaction hashes, so that a
// lookup needs neither the store nor the graph.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "risk/internal.hpp"

namespace chainward::risk {

using namespace detail;

namespace {

// 32 bytes big-endian, through the 64-bit limbs (a byte-wise shift loop made saving the
// bench-10m state take minutes).
void put_u256(std::uint8_t* p, const U256& v) {
    std::uint64_t w[4] = {0, 0, 0, 0};
    const auto& be = v.backend();
    for (unsigned i = 0; i < be.size() && i < 4; ++i)
        w[i] = static_cast<std::uint64_t>(be.limbs()[i]);
    for (int i = 0; i < 4; ++i) {
        const std::uint64_t x = __builtin_bswap64(w[3 - i]);
        std::memcpy(p + 8 * i, &x, 8);
    }
}
U256 get_u256(const std::uint8_t* p) {
    std::uint64_t w[4];
    for (int i = 0; i < 4; ++i) {
        std::memcpy(&w[i], p + 8 * i, 8);
        w[i] = __builtin_bswap64(w[i]);
    }
    if ((w[0] | w[1]) == 0) return (U256(w[2]) << 64) | w[3];
    U256 v = w[0];
    for (int i = 1; i < 4; ++i) v = (v << 64) | w[i];
    return v;
}

// ---- rows file layout (little-endian, packed records) ----
constexpr char kMagic[8] = {'C', 'W', 'E', 'X', 'P', 'O', 'S', '1'};
struct Header {
    char magic[8];
    std::uint32_t version, hops;
    std::uint64_t last_block;  // ~0: none
    std::uint64_t n_addr, n_rows, n_labels, n_steps, n_assets, n_strings;
    std::uint64_t off_addr, off_rows, off_labels, off_steps, off_assets, off_str_idx, off_str_data,
        file_size;
};
#pragma pack(push, 1)
struct AddrRec {
    std::uint8_t addr[20];
    std::uint32_t first_row, n_rows, first_label, n_labels;
};
struct RowRec {
    std::uint32_t cat;
    std::uint8_t dir, kind;
    std::uint16_t hops;
    std::uint32_t asset, first_step, n_steps;
    std::uint8_t amount[32], total[32];
};
struct LabelRec {
    std::uint32_t cat, entity, source;
    std::uint64_t from, to;
};
struct StepRec {
    std::uint8_t from[20], to[20], tx[32];
    std::uint64_t block;
};
struct AssetRec {
    std::uint8_t type;
    std::uint8_t contract[20];
    std::uint8_t token[32];
};
#pragma pack(pop)

// ---- aggregation of the state into rows ----
struct AggKey {
    AddressId addr;
    std::uint32_t cat;
    std::uint8_t dir, kind;
    AssetId asset;
    bool operator==(const AggKey&) const = default;
    template <typename H>
    friend H AbslHashValue(H h, const AggKey& k) {
        return H::combine(std::move(h), k.addr, k.cat, k.dir, k.kind, k.asset);
    }
};
struct Agg {
    U256 amount = 0, best = 0;
    std::uint32_t hops = ~0u;
    const DirectRow* direct = nullptr;
    const CPot* pot = nullptr;
};

/// Rows of every address (or of `only`), keyed and summed.
absl::flat_hash_map<AggKey, Agg> aggregate(const State& s, std::optional<AddressId> only) {
    absl::flat_hash_map<AggKey, Agg> out;
    for (const auto& [k, r] : s.t.direct) {
        if (only && k.addr != *only) continue;
        for (std::uint32_t cat : s.colours[k.colour].cats) {
            Agg& a =
                out[AggKey{k.addr, cat, k.dir, static_cast<std::uint8_t>(Kind::Direct), k.asset}];
            a.amount += r.amount;
            a.hops = 1;
            if (!a.direct || r.largest > a.best) {
                a.best = r.largest;
                a.direct = &r;
            }
        }
    }
    for (const auto& [key, v] : s.t.cpots) {
        if (only && key_addr(key) != *only) continue;
        for (const CPot& p : v) {
            if (p.recv == 0) continue;
            for (std::uint32_t cat : s.colours[p.colour].cats) {
                if (!risky_category(s.categories[cat])) continue;  // direct exposure only
                Agg& a =
                    out[AggKey{key_addr(key), cat, static_cast<std::uint8_t>(Direction::Received),
                               static_cast<std::uint8_t>(Kind::Indirect), key_asset(key)}];
                a.amount += p.recv;
                a.hops = std::min(a.hops, p.hop);
                if (!a.pot || p.recv > a.best) {
                    a.best = p.recv;
                    a.pot = &p;
                }
            }
        }
    }
    return out;
}

const Follow* find_follow(const State& s, AddressId a, std::uint32_t c) {
    auto it = s.t.follows.find(a);
    if (it == s.t.follows.end()) return nullptr;
    for (const Follow& f : it->second)
        if (f.colour == c) return &f;
    return nullptr;
}

struct RawStep {
    AddressId from, to;
    std::uint64_t id, block;
};

/// Evidence of a row: the largest transfer (direct) or the first tainted arrivals from the
/// source to the address (indirect), source first.
std::vector<RawStep> evidence(const State& s, const AggKey& k, const Agg& a) {
    std::vector<RawStep> rev;
    if (a.direct) {
        const DirectRow& r = *a.direct;
        if (k.dir == static_cast<std::uint8_t>(Direction::Received))
            rev.push_back({r.counterparty, k.addr, r.largest_id, r.largest_block});
        else
            rev.push_back({k.addr, r.counterparty, r.largest_id, r.largest_block});
        return rev;
    }
    const CPot& p = *a.pot;
    const Colour& c = s.colours[p.colour];
    rev.push_back({p.first_from, k.addr, p.first_id, p.first_block});
    AddressId cur = p.first_from;
    if (!find_follow(s, cur, p.colour) && cur != c.src)
        cur = k.addr;  // a converter payout: the payer's own path
    const std::size_t max_steps = s.opt.hops + 2;
    while (cur != c.src && cur != store::kNoAddress && rev.size() < max_steps) {
        const Follow* f = find_follow(s, cur, p.colour);
        if (!f) break;
        rev.push_back({f->parent_from, cur, f->parent_id, f->parent_block});
        cur = f->parent_from;
    }
    std::reverse(rev.begin(), rev.end());
    return rev;
}

std::vector<std::pair<AggKey, const Agg*>> sorted_rows(const State& s, const Chain& chain,
                                                       const absl::flat_hash_map<AggKey, Agg>& m,
                                                       std::vector<Address>& addr_of) {
    std::vector<std::pair<AggKey, const Agg*>> v;
    v.reserve(m.size());
    for (const auto& [k, a] : m) v.emplace_back(k, &a);
    absl::flat_hash_map<AddressId, Address> cache;
    for (const auto& [k, a] : v) cache.try_emplace(k.addr, Address{});
    for (auto& [id, ad] : cache) ad = chain.graph->address(id);
    std::sort(v.begin(), v.end(), [&](const auto& x, const auto& y) {
        const Address& ax = cache[x.first.addr];
        const Address& ay = cache[y.first.addr];
        if (ax != ay) return ax < ay;
        return std::tie(x.first.cat, x.first.dir, x.first.kind, x.first.asset) <
               std::tie(y.first.cat, y.first.dir, y.first.kind, y.first.asset);
    });
    addr_of.clear();
    for (const auto& [k, a] : v) addr_of.push_back(cache[k.addr]);
    return v;
}

/// The zero address stands for "none" (a mint's sender).
Address address_or_zero(const Chain& chain, AddressId id) {
    return id == store::kNoAddress ? Address{} : chain.graph->address(id);
}

U256 total_of(const State& s, const AggKey& k) {
    auto it = s.t.flows.find(pot_key(k.addr, k.asset));
    if (it == s.t.flows.end()) return 0;
    return k.dir == static_cast<std::uint8_t>(Direction::Received) ? it->second.in : it->second.out;
}

// ---- binary helpers ----
class Out {
  public:
    explicit Out(const std::filesystem::path& p) : path_(p), f_(std::fopen(p.c_str(), "wb")) {
        if (!f_) throw StoreError("exposure: cannot write " + p.string());
    }
    ~Out() {
        if (f_) std::fclose(f_);
    }
    void raw(const void* p, std::size_t n) {
        if (n && std::fwrite(p, 1, n, f_) != n)
            throw StoreError("exposure: write failed: " + path_.string());
        pos_ += n;
    }
    template <class T>
    void pod(const T& v) {
        raw(&v, sizeof v);
    }
    void u256(const U256& v) {
        std::uint8_t b[32];
        put_u256(b, v);
        raw(b, 32);
    }
    void str(const std::string& s) {
        pod(static_cast<std::uint32_t>(s.size()));
        raw(s.data(), s.size());
    }
    void pad8() {
        static const char z[8] = {};
        raw(z, (8 - pos_ % 8) % 8);
    }
    std::uint64_t pos() const { return pos_; }
    void seek0() {
        std::fseek(f_, 0, SEEK_SET);
        pos_ = 0;
    }
    void close() {
        if (std::fflush(f_) != 0 || ::fsync(::fileno(f_)) != 0)
            throw StoreError("exposure: cannot flush " + path_.string());
        std::fclose(f_);
        f_ = nullptr;
    }

  private:
    std::filesystem::path path_;
    std::FILE* f_;
    std::uint64_t pos_ = 0;
};

class In {
  public:
    explicit In(const std::filesystem::path& p) : path_(p), f_(p, std::ios::binary) {
        if (!f_) throw StoreError("exposure: cannot read " + p.string());
    }
    void raw(void* p, std::size_t n) {
        if (n && !f_.read(static_cast<char*>(p), static_cast<std::streamsize>(n)))
            throw StoreError("exposure: truncated state file " + path_.string());
    }
    template <class T>
    T pod() {
        T v;
        raw(&v, sizeof v);
        return v;
    }
    U256 u256() {
        std::uint8_t b[32];
        raw(b, 32);
        return get_u256(b);
    }
    std::string str() {
        auto n = pod<std::uint32_t>();
        if (n > (1u << 24)) throw StoreError("exposure: damaged state file " + path_.string());
        std::string s(n, '\0');
        raw(s.data(), n);
        return s;
    }

  private:
    std::filesystem::path path_;
    std::ifstream f_;
};

constexpr std::uint64_t kStateMagic = 0x3345544154535845ull;  // "EXSTATE3"

}  // namespace

// ---- state file ----
void detail::write_state(const State& s, const std::filesystem::path& file) {
    Out o(file);
    o.pod(kStateMagic);
    o.pod(s.opt.hops);
    o.pod(static_cast<std::uint32_t>(s.opt.min_amount.size()));
    for (const auto& [a, v] : s.opt.min_amount) {
        o.pod(a);
        o.u256(v);
    }
    o.pod(s.next_id);
    o.pod(static_cast<std::uint8_t>(s.last_block.has_value()));
    o.pod(s.last_block.value_or(0));
    o.raw(s.last_hash.b.data(), 32);
    o.str(s.label_origin);
    o.pod(static_cast<std::uint64_t>(s.facts.size()));
    for (const auto& f : s.facts) {
        o.raw(f.address.b.data(), 20);
        o.str(f.category);
        o.str(f.entity);
        o.str(f.source);
        o.pod(f.from_block);
        o.pod(f.to_block);
    }
    o.pod(static_cast<std::uint64_t>(s.categories.size()));
    for (const auto& c : s.categories) o.str(c);
    o.pod(static_cast<std::uint64_t>(s.colours.size()));
    for (const auto& c : s.colours) {
        o.pod(c.src);
        o.raw(c.address.b.data(), 20);
        o.pod(c.from);
        o.pod(c.to);
        o.pod(static_cast<std::uint8_t>(c.indirect | (c.live << 1)));
        o.pod(static_cast<std::uint32_t>(c.cats.size()));
        for (auto x : c.cats) o.pod(x);
    }
    o.pod(static_cast<std::uint64_t>(s.roles.size()));
    for (const auto& [a, r] : s.roles) {
        o.pod(a);
        o.pod(static_cast<std::uint8_t>(r));
    }
    o.pod(static_cast<std::uint64_t>(s.t.flows.size()));
    for (const auto& [k, f] : s.t.flows) {
        o.pod(k);
        o.u256(f.bal);
        o.u256(f.in);
        o.u256(f.out);
    }
    o.pod(static_cast<std::uint64_t>(s.t.tracked.size()));
    for (AddressId a : s.t.tracked) o.pod(a);
    o.pod(static_cast<std::uint64_t>(s.t.cpots.size()));
    for (const auto& [k, v] : s.t.cpots) {
        o.pod(k);
        o.pod(static_cast<std::uint32_t>(v.size()));
        for (const CPot& p : v) {
            o.pod(p.colour);
            o.pod(p.hop);
            o.u256(p.taint);
            o.u256(p.recv);
            o.pod(p.first_id);
            o.pod(p.first_block);
            o.pod(p.first_from);
        }
    }
    o.pod(static_cast<std::uint64_t>(s.t.follows.size()));
    for (const auto& [a, v] : s.t.follows) {
        o.pod(a);
        o.pod(static_cast<std::uint32_t>(v.size()));
        for (const Follow& f : v) o.pod(f);
    }
    o.pod(static_cast<std::uint64_t>(s.t.direct.size()));
    for (const auto& [k, r] : s.t.direct) {
        o.pod(k);
        o.u256(r.amount);
        o.u256(r.largest);
        o.pod(r.largest_id);
        o.pod(r.largest_block);
        o.pod(r.counterparty);
    }
    o.pod(kStateMagic);
    o.close();
}

void detail::read_state(State& s, const std::filesystem::path& file) {
    In i(file);
    if (i.pod<std::uint64_t>() != kStateMagic)
        throw StoreError("exposure: not a state file: " + file.string());
    s.opt.hops = i.pod<std::uint32_t>();
    for (auto n = i.pod<std::uint32_t>(); n; --n) {
        const auto a = i.pod<AssetId>();
        s.opt.min_amount[a] = i.u256();
    }
    s.next_id = i.pod<std::uint64_t>();
    const bool has_last = i.pod<std::uint8_t>();
    const auto last = i.pod<std::uint64_t>();
    if (has_last) s.last_block = last;
    i.raw(s.last_hash.b.data(), 32);
    s.label_origin = i.str();
    s.facts.resize(i.pod<std::uint64_t>());
    for (auto& f : s.facts) {
        i.raw(f.address.b.data(), 20);
        f.category = i.str();
        f.entity = i.str();
        f.source = i.str();
        f.from_block = i.pod<std::uint64_t>();
        f.to_block = i.pod<std::uint64_t>();
    }
    s.categories.resize(i.pod<std::uint64_t>());
    for (auto& c : s.categories) c = i.str();
    s.colours.resize(i.pod<std::uint64_t>());
    for (std::uint32_t id = 0; id < s.colours.size(); ++id) {
        Colour& c = s.colours[id];
        c.src = i.pod<AddressId>();
        i.raw(c.address.b.data(), 20);
        c.from = i.pod<std::uint64_t>();
        c.to = i.pod<std::uint64_t>();
        auto flags = i.pod<std::uint8_t>();
        c.indirect = flags & 1;
        c.live = flags & 2;
        c.cats.resize(i.pod<std::uint32_t>());
        for (auto& x : c.cats) x = i.pod<std::uint32_t>();
        if (c.live && c.src != store::kNoAddress) s.by_src[c.src].push_back(id);
    }
    for (auto n = i.pod<std::uint64_t>(); n; --n) {
        auto a = i.pod<AddressId>();
        s.roles[a] = static_cast<Role>(i.pod<std::uint8_t>());
    }
    for (auto n = i.pod<std::uint64_t>(); n; --n) {
        auto k = i.pod<std::uint64_t>();
        Flow& f = s.t.flows[k];
        f.bal = i.u256();
        f.in = i.u256();
        f.out = i.u256();
    }
    for (auto n = i.pod<std::uint64_t>(); n; --n) s.t.tracked.insert(i.pod<AddressId>());
    for (auto n = i.pod<std::uint64_t>(); n; --n) {
        auto& v = s.t.cpots[i.pod<std::uint64_t>()];
        v.resize(i.pod<std::uint32_t>());
        for (CPot& p : v) {
            p.colour = i.pod<std::uint32_t>();
            p.hop = i.pod<std::uint32_t>();
            p.taint = i.u256();
            p.recv = i.u256();
            p.first_id = i.pod<std::uint64_t>();
            p.first_block = i.pod<std::uint64_t>();
            p.first_from = i.pod<AddressId>();
        }
    }
    for (auto n = i.pod<std::uint64_t>(); n; --n) {
        auto& v = s.t.follows[i.pod<AddressId>()];
        v.resize(i.pod<std::uint32_t>());
        for (Follow& f : v) f = i.pod<Follow>();
    }
    for (auto n = i.pod<std::uint64_t>(); n; --n) {
        auto k = i.pod<DirectKey>();
        DirectRow& r = s.t.direct[k];
        r.amount = i.u256();
        r.largest = i.u256();
        r.largest_id = i.pod<std::uint64_t>();
        r.largest_block = i.pod<std::uint64_t>();
        r.counterparty = i.pod<AddressId>();
    }
    if (i.pod<std::uint64_t>() != kStateMagic)
        throw StoreError("exposure: damaged state file " + file.string());
}

std::vector<LabelView> detail::labels_of(const State& s, const Address& a) {
    std::vector<LabelView> out;
    for (const auto& f : s.facts)
        if (f.address == a)
            out.push_back(LabelView{f.category, f.entity, f.source, f.from_block, f.to_block});
    return out;
}

std::vector<ExposureRow> detail::rows_of(const State& s, const Chain& chain, AddressId a) {
    auto m = aggregate(s, a);
    std::vector<Address> addr_of;
    auto v = sorted_rows(s, chain, m, addr_of);
    std::vector<ExposureRow> out;
    for (const auto& [k, g] : v) {
        ExposureRow r;
        r.category = s.categories[k.cat];
        r.direction = static_cast<Direction>(k.dir);
        r.kind = static_cast<Kind>(k.kind);
        r.asset = chain.graph->asset(k.asset);
        r.amount = g->amount;
        r.total = total_of(s, k);
        r.hops = g->hops;
        for (const RawStep& st : evidence(s, k, *g)) {
            TransferRef t;
            t.id = st.id;
            r.path.push_back(EvidenceStep{address_or_zero(chain, st.from),
                                          address_or_zero(chain, st.to), chain.graph->tx_hash(t),
                                          st.block});
        }
        out.push_back(std::move(r));
    }
    return out;
}

void detail::write_rows(const State& s, const Chain& chain, const std::filesystem::path& file) {
    auto m = aggregate(s, std::nullopt);
    std::vector<Address> addr_of;
    auto v = sorted_rows(s, chain, m, addr_of);
    // labelled addresses have entries too, with or without rows
    std::vector<std::pair<Address, std::uint32_t>> labelled;  // address, fact index
    for (std::uint32_t i = 0; i < s.facts.size(); ++i) labelled.emplace_back(s.facts[i].address, i);
    std::sort(labelled.begin(), labelled.end());
    std::vector<std::string> strings;
    absl::flat_hash_map<std::string, std::uint32_t> str_id;
    auto sid = [&](const std::string& x) {
        auto [it, fresh] = str_id.try_emplace(x, static_cast<std::uint32_t>(strings.size()));
        if (fresh) strings.push_back(x);
        return it->second;
    };
    std::vector<AssetId> assets;
    absl::flat_hash_map<AssetId, std::uint32_t> asset_idx;
    std::vector<AddrRec> addrs;
    std::vector<RowRec> rows;
    std::vector<LabelRec> labels;
    std::vector<StepRec> steps;
    std::size_t i = 0, j = 0;
    while (i < v.size() || j < labelled.size()) {
        Address cur = i < v.size() && (j >= labelled.size() || addr_of[i] <= labelled[j].first)
                          ? addr_of[i]
                          : labelled[j].first;
        AddrRec ar{};
        std::memcpy(ar.addr, cur.b.data(), 20);
        ar.first_row = static_cast<std::uint32_t>(rows.size());
        ar.first_label = static_cast<std::uint32_t>(labels.size());
        for (; i < v.size() && addr_of[i] == cur; ++i) {
            const auto& [k, g] = v[i];
            RowRec r{};
            r.cat = sid(s.categories[k.cat]);
            r.dir = k.dir;
            r.kind = k.kind;
            r.hops = static_cast<std::uint16_t>(std::min<std::uint32_t>(g->hops, 0xFFFF));
            auto [ai, fresh] =
                asset_idx.try_emplace(k.asset, static_cast<std::uint32_t>(assets.size()));
            if (fresh) assets.push_back(k.asset);
            r.asset = ai->second;
            put_u256(r.amount, g->amount);
            put_u256(r.total, total_of(s, k));
            r.first_step = static_cast<std::uint32_t>(steps.size());
            for (const RawStep& st : evidence(s, k, *g)) {
                StepRec sr{};
                const Address f = address_or_zero(chain, st.from),
                              t = address_or_zero(chain, st.to);
                std::memcpy(sr.from, f.b.data(), 20);
                std::memcpy(sr.to, t.b.data(), 20);
                TransferRef tr;
                tr.id = st.id;
                Hash32 h = chain.graph->tx_hash(tr);
                std::memcpy(sr.tx, h.b.data(), 32);
                sr.block = st.block;
                steps.push_back(sr);
            }
            r.n_steps = static_cast<std::uint32_t>(steps.size()) - r.first_step;
            rows.push_back(r);
        }
        for (; j < labelled.size() && labelled[j].first == cur; ++j) {
            const LabelFact& f = s.facts[labelled[j].second];
            labels.push_back(
                LabelRec{sid(f.category), sid(f.entity), sid(f.source), f.from_block, f.to_block});
        }
        ar.n_rows = static_cast<std::uint32_t>(rows.size()) - ar.first_row;
        ar.n_labels = static_cast<std::uint32_t>(labels.size()) - ar.first_label;
        addrs.push_back(ar);
    }
    Header h{};
    std::memcpy(h.magic, kMagic, 8);
    h.version = 1;
    h.hops = s.opt.hops;
    h.last_block = s.last_block.value_or(~0ull);
    h.n_addr = addrs.size();
    h.n_rows = rows.size();
    h.n_labels = labels.size();
    h.n_steps = steps.size();
    h.n_assets = assets.size();
    h.n_strings = strings.size();
    Out o(file);
    o.pod(h);
    auto section = [&](auto& vec, std::uint64_t& off) {
        o.pad8();
        off = o.pos();
        o.raw(vec.data(), vec.size() * sizeof(vec[0]));
    };
    section(addrs, h.off_addr);
    section(rows, h.off_rows);
    section(labels, h.off_labels);
    section(steps, h.off_steps);
    std::vector<AssetRec> arecs;
    for (AssetId id : assets) {
        AssetKey k = chain.graph->asset(id);
        AssetRec r{};
        r.type = static_cast<std::uint8_t>(k.type);
        std::memcpy(r.contract, k.contract.b.data(), 20);
        put_u256(r.token, k.token_id);
        arecs.push_back(r);
    }
    section(arecs, h.off_assets);
    std::vector<std::uint64_t> str_idx{0};
    std::string blob;
    for (const auto& x : strings) {
        blob += x;
        str_idx.push_back(blob.size());
    }
    section(str_idx, h.off_str_idx);
    o.pad8();
    h.off_str_data = o.pos();
    o.raw(blob.data(), blob.size());
    h.file_size = o.pos();
    o.seek0();
    o.pod(h);
    o.close();
}

// ---- the Index: the rows file, mapped ----
struct Index::Impl {
    void* base = nullptr;
    std::size_t size = 0;
    const Header* h = nullptr;
    const AddrRec* addrs = nullptr;
    const RowRec* rows = nullptr;
    const LabelRec* labels = nullptr;
    const StepRec* steps = nullptr;
    const AssetRec* assets = nullptr;
    const std::uint64_t* str_idx = nullptr;
    const char* str_data = nullptr;
    ~Impl() {
        if (base) ::munmap(base, size);
    }
    std::string str(std::uint32_t i) const {
        if (i >= h->n_strings) return {};
        return std::string(str_data + str_idx[i], str_data + str_idx[i + 1]);
    }
};

std::filesystem::path exposure_dir(const std::filesystem::path& data_dir) {
    return data_dir / "exposure";
}

std::unique_ptr<Index> Index::open(const std::filesystem::path& dir) {
    std::ifstream cur(dir / "CURRENT");
    std::uint64_t gen = 0;
    if (!(cur >> gen)) return nullptr;
    const auto file = dir / ("rows-" + std::to_string(gen) + ".bin");
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw StoreError("exposure: cannot open " + file.string());
    struct stat sb {};
    ::fstat(fd, &sb);
    std::unique_ptr<Index> ix(new Index());
    ix->m_ = std::make_unique<Impl>();
    Impl& m = *ix->m_;
    m.size = static_cast<std::size_t>(sb.st_size);
    if (m.size < sizeof(Header)) {
        ::close(fd);
        throw StoreError("exposure: damaged rows file " + file.string());
    }
    m.base = ::mmap(nullptr, m.size, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (m.base == MAP_FAILED) {
        m.base = nullptr;
        throw StoreError("exposure: cannot map " + file.string());
    }
    const auto* b = static_cast<const std::uint8_t*>(m.base);
    m.h = reinterpret_cast<const Header*>(b);
    const Header& h = *m.h;
    auto fits = [&](std::uint64_t off, std::uint64_t n, std::size_t rec) {
        return off <= m.size && n <= (m.size - off) / rec;
    };
    if (std::memcmp(h.magic, kMagic, 8) != 0 || h.version != 1 || h.file_size != m.size ||
        !fits(h.off_addr, h.n_addr, sizeof(AddrRec)) ||
        !fits(h.off_rows, h.n_rows, sizeof(RowRec)) ||
        !fits(h.off_labels, h.n_labels, sizeof(LabelRec)) ||
        !fits(h.off_steps, h.n_steps, sizeof(StepRec)) ||
        !fits(h.off_assets, h.n_assets, sizeof(AssetRec)) ||
        !fits(h.off_str_idx, h.n_strings + 1, 8) || h.off_str_data > m.size)
        throw StoreError("exposure: damaged rows file " + file.string());
    m.addrs = reinterpret_cast<const AddrRec*>(b + h.off_addr);
    m.rows = reinterpret_cast<const RowRec*>(b + h.off_rows);
    m.labels = reinterpret_cast<const LabelRec*>(b + h.off_labels);
    m.steps = reinterpret_cast<const StepRec*>(b + h.off_steps);
    m.assets = reinterpret_cast<const AssetRec*>(b + h.off_assets);
    m.str_idx = reinterpret_cast<const std::uint64_t*>(b + h.off_str_idx);
    m.str_data = reinterpret_cast<const char*>(b + h.off_str_data);
    if (h.n_strings && m.str_idx[h.n_strings] > m.size - h.off_str_data)
        throw StoreError("exposure: damaged rows file " + file.string());
    return ix;
}

Index::~Index() = default;

ScreenResult Index::screen(const Address& a) const {
    const Impl& m = *m_;
    ScreenResult r;
    r.address = a;
    const AddrRec* end = m.addrs + m.h->n_addr;
    const AddrRec* it = std::lower_bound(m.addrs, end, a, [](const AddrRec& x, const Address& y) {
        return std::memcmp(x.addr, y.b.data(), 20) < 0;
    });
    if (it != end && std::memcmp(it->addr, a.b.data(), 20) == 0) {
        if (it->first_label + static_cast<std::uint64_t>(it->n_labels) > m.h->n_labels ||
            it->first_row + static_cast<std::uint64_t>(it->n_rows) > m.h->n_rows)
            throw StoreError("exposure: damaged rows file (address record)");
        for (std::uint32_t i = 0; i < it->n_labels; ++i) {
            const LabelRec& l = m.labels[it->first_label + i];
            r.labels.push_back(
                LabelView{m.str(l.cat), m.str(l.entity), m.str(l.source), l.from, l.to});
        }
        for (std::uint32_t i = 0; i < it->n_rows; ++i) {
            const RowRec& x = m.rows[it->first_row + i];
            ExposureRow row;
            row.category = m.str(x.cat);
            row.direction = static_cast<Direction>(x.dir);
            row.kind = static_cast<Kind>(x.kind);
            if (x.asset < m.h->n_assets) {
                const AssetRec& as = m.assets[x.asset];
                row.asset.type = static_cast<AssetType>(as.type);
                std::memcpy(row.asset.contract.b.data(), as.contract, 20);
                row.asset.token_id = get_u256(as.token);
            }
            row.amount = get_u256(x.amount);
            row.total = get_u256(x.total);
            row.hops = x.hops;
            if (x.first_step + static_cast<std::uint64_t>(x.n_steps) <= m.h->n_steps)
                for (std::uint32_t k = 0; k < x.n_steps; ++k) {
                    const StepRec& s = m.steps[x.first_step + k];
                    EvidenceStep e;
                    std::memcpy(e.from.b.data(), s.from, 20);
                    std::memcpy(e.to.b.data(), s.to, 20);
                    std::memcpy(e.tx.b.data(), s.tx, 32);
                    e.block = s.block;
                    row.path.push_back(e);
                }
            r.exposure.push_back(std::move(row));
        }
    }
    r.risk = assess(r.labels, r.exposure);
    return r;
}

std::optional<std::uint64_t> Index::last_block() const {
    if (m_->h->last_block == ~0ull) return std::nullopt;
    return m_->h->last_block;
}
std::uint32_t Index::hops() const {
    return m_->h->hops;
}
std::size_t Index::addresses() const {
    return m_->h->n_addr;
}
std::size_t Index::rows() const {
    return m_->h->n_rows;
}

}  // namespace chainward::risk
