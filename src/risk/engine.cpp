// The exposure engine: one pass over chain-ordered transfers applies, for every source (labelled
// address and validity window) at once, the tracer's haircut rules to its own taint, over balances
// the sources share. The same pass serves new blocks (the stored state continues), new labels (a
// pass over the applied chain with only the new sources, merged into the state) and rebuilds.
// The rules mirror tests/trace/ref_tracer.hpp with source transfers = what the address sent
// inside its window; docs/exposure.md says why each one is what it is.
#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "risk/internal.hpp"

namespace chainward::risk {

using namespace detail;

namespace {

bool is_fee(TransferKind k) {
    return k == TransferKind::Fee || k == TransferKind::Burn;
}

/// floor(a * t / b) exactly (b > 0).
U256 mul_div(const U256& a, const U256& t, const U256& b) {
    static const U256 k128 = (U256(1) << 128) - 1;
    if (a <= k128 && t <= k128) return (a * t) / b;
    boost::multiprecision::uint512_t p = boost::multiprecision::uint512_t(a) * t;
    p /= b;
    return p.convert_to<U256>();
}

std::uint64_t colour_key(std::uint32_t c, AddressId a) {
    return (static_cast<std::uint64_t>(c) << 32) | a;
}

struct SwapIn {
    U256 total = 0, tainted = 0;
};

struct Carry {
    std::uint32_t colour;
    U256 amount;
    std::uint32_t hop;
    bool src;
};

/// One pass over transfers [from_id, end_id) for the sources with id >= min_colour, into `T`.
class Pass {
  public:
    Pass(State& s, Tables& T, const Chain& c, std::uint32_t min_colour, UpdateStats& st)
        : s_(s), T_(T), c_(c), min_colour_(min_colour), st_(st), max_hops_(s.opt.hops + 1) {}

    /// Returns the last transfer applied (nullopt if none).
    std::optional<TransferRef> run(std::uint64_t from_id, std::uint64_t end_id) {
        std::vector<TransferRef> tx;
        std::optional<TransferRef> last;
        c_.scan(from_id, [&](const TransferRef& t) {
            if (t.id >= end_id) return false;
            if (!tx.empty() && (t.block != tx[0].block || t.tx_index != tx[0].tx_index)) {
                do_tx(tx);
                tx.clear();
            }
            tx.push_back(t);
            last = t;
            return true;
        });
        if (!tx.empty()) do_tx(tx);
        return last;
    }

  private:
    Role role(AddressId a) const {
        if (a == store::kNoAddress) return Role::Plain;
        auto it = s_.roles.find(a);
        return it == s_.roles.end() ? Role::Plain : it->second;
    }
    bool conv(AddressId a) const { return role(a) == Role::Converter; }
    bool term(AddressId a) const { return role(a) == Role::Terminal; }
    bool candidate(const TransferRef& t) const {
        if (t.to == store::kNoAddress || conv(t.to)) return false;
        return conv(t.from) || t.kind == TransferKind::Wrap || t.kind == TransferKind::Nft ||
               t.kind == TransferKind::Multi;
    }
    bool valid(std::uint32_t c, std::uint64_t block) const {
        const Colour& k = s_.colours[c];
        return c >= min_colour_ && k.live && block >= k.from && block < k.to;
    }

    // Per-address follows and per-pot entries are sorted by source id: lookups are binary searches
    // and the sender's entries are matched with its follows in one merge.
    template <class V>
    static auto find_colour(V& v, std::uint32_t c) {
        return std::lower_bound(v.begin(), v.end(), c,
                                [](const auto& x, std::uint32_t y) { return x.colour < y; });
    }
    Follow* follow(AddressId a, std::uint32_t c) {
        auto it = T_.follows.find(a);
        if (it == T_.follows.end()) return nullptr;
        auto f = find_colour(it->second, c);
        return f != it->second.end() && f->colour == c ? &*f : nullptr;
    }
    CPot& cpot(AddressId a, const TransferRef& t, std::uint32_t c, std::uint32_t hop) {
        auto& v = T_.cpots[pot_key(a, t.asset)];
        auto p = find_colour(v, c);
        if (p != v.end() && p->colour == c) return *p;
        return *v.insert(p, CPot{c, hop, 0, 0, t.id, t.block, t.from});
    }

    /// Balance and totals of `a` for one transfer (its side or sides of it).
    void flow_effect(AddressId a, const TransferRef& t) {
        Flow& f = T_.flows[pot_key(a, t.asset)];
        const bool fee = is_fee(t.kind);
        if (t.from == a) {
            if (!conv(a)) f.bal -= std::min(f.bal, t.amount);
            if (!fee) f.out += t.amount;
        }
        if (t.to == a) {
            if (!conv(a)) f.bal += t.amount;
            if (!fee) f.in += t.amount;
        }
    }

    /// Starts keeping balances and totals of `a`: its history before this transaction (in the
    /// tracer's order: payouts last within a transaction), then what this transaction did so far.
    void track(AddressId a) {
        if (a == store::kNoAddress || !T_.tracked.insert(a).second) return;
        ++st_.histories_read;
        std::vector<TransferRef> later;
        std::uint64_t cur_block = ~0ull;
        std::uint32_t cur_tx = 0;
        auto flush = [&] {
            for (const auto& t : later) flow_effect(a, t);
            later.clear();
        };
        c_.graph->transfers_of(a, [&](const TransferRef& t) {
            if (t.id >= tx_first_) return false;
            if (t.block != cur_block || t.tx_index != cur_tx) {
                flush();
                cur_block = t.block;
                cur_tx = t.tx_index;
            }
            if (candidate(t))
                later.push_back(t);
            else
                flow_effect(a, t);
            return true;
        });
        flush();
        for (const auto& t : tx_done_)
            if (t.from == a || t.to == a) flow_effect(a, t);
    }

    void add_direct(AddressId a, std::uint32_t c, Direction d, const TransferRef& t,
                    AddressId other) {
        track(a);
        DirectRow& r = T_.direct[DirectKey{a, c, t.asset, static_cast<std::uint8_t>(d)}];
        r.amount += t.amount;
        if (r.counterparty == store::kNoAddress || t.amount > r.largest) {
            r.largest = t.amount;
            r.largest_id = t.id;
            r.largest_block = t.block;
            r.counterparty = other;
        }
    }

    Carry& carry(std::uint32_t c) {
        auto k = find_colour(carried_, c);
        if (k != carried_.end() && k->colour == c) return *k;
        return *carried_.insert(k, Carry{c, 0, 1, false});
    }

    void do_tx(const std::vector<TransferRef>& tx) {
        tx_first_ = tx.front().id;
        tx_done_.clear();
        sw_.clear();
        std::vector<const TransferRef*> later;
        for (const auto& t : tx) {
            if (candidate(t))
                later.push_back(&t);
            else
                apply(t, false);
        }
        for (const TransferRef* t : later) apply(*t, true);
        st_.transfers += tx.size();
    }

    void apply(const TransferRef& t, bool payout) {
        const bool fee = is_fee(t.kind);
        const std::vector<std::uint32_t>* srcs = nullptr;
        const std::vector<std::uint32_t>* dsts = nullptr;
        if (t.from != store::kNoAddress)
            if (auto it = s_.by_src.find(t.from); it != s_.by_src.end()) srcs = &it->second;
        if (t.to != store::kNoAddress)
            if (auto it = s_.by_src.find(t.to); it != s_.by_src.end()) dsts = &it->second;
        // direct exposure: the counterparty carries the label
        if (!fee) {
            if (srcs && t.to != store::kNoAddress)
                for (std::uint32_t c : *srcs)
                    if (valid(c, t.block)) add_direct(t.to, c, Direction::Received, t, t.from);
            if (dsts && t.from != store::kNoAddress)
                for (std::uint32_t c : *dsts)
                    if (valid(c, t.block)) add_direct(t.from, c, Direction::Sent, t, t.to);
        }
        // 1. the sender's side: each source's share of the outflow (haircut)
        carried_.clear();
        if (t.from != store::kNoAddress && !conv(t.from)) {
            if (auto it = T_.cpots.find(pot_key(t.from, t.asset)); it != T_.cpots.end()) {
                Flow& f = T_.flows[pot_key(t.from, t.asset)];
                const U256 eff = std::min(t.amount, f.bal);
                auto fit = T_.follows.find(t.from);
                const Follow* fl = fit == T_.follows.end() ? nullptr : fit->second.data();
                const Follow* fend = fl ? fl + fit->second.size() : nullptr;
                for (CPot& p : it->second) {
                    if (p.colour < min_colour_ || p.taint == 0) continue;
                    U256 x = f.bal > 0 ? mul_div(eff, p.taint, f.bal) : U256(0);
                    p.taint -= x;
                    while (fl != fend && fl->colour < p.colour) ++fl;  // both sorted by source
                    carried_.push_back(Carry{p.colour, x,
                                             fl != fend && fl->colour == p.colour ? fl->hop + 1 : 1,
                                             false});
                }
            }
        }
        if (!fee && srcs)
            for (std::uint32_t c : *srcs) {
                if (!valid(c, t.block) || !s_.colours[c].indirect) continue;
                Carry& k = carry(c);
                k.amount = t.amount;
                k.hop = 1;
                k.src = true;
            }
        if (payout) {
            for (auto& [key, w] : sw_) {
                if (static_cast<AddressId>(key & 0xFFFFFFFFu) != t.to || w.total == 0) continue;
                const auto c = static_cast<std::uint32_t>(key >> 32);
                const bool whole = t.kind == TransferKind::Nft || t.kind == TransferKind::Multi;
                U256 share = 0;
                if (w.tainted > 0) share = whole ? t.amount : mul_div(t.amount, w.tainted, w.total);
                Carry& k = carry(c);
                if (share > k.amount) k.amount = share;
                if (Follow* fl = follow(t.to, c)) k.hop = fl->hop;
            }
        }
        // 2. the receiver's side, per source (shares below the dust threshold are not passed on)
        if (!fee) {
            if (auto m = s_.opt.min_amount.find(t.asset); m != s_.opt.min_amount.end())
                for (Carry& k : carried_)
                    if (k.amount > 0 && k.amount < m->second) k.amount = 0;
            const bool unwrap = t.kind == TransferKind::Unwrap;
            const bool into_conv = unwrap || conv(t.to);
            if (into_conv &&
                t.from != store::kNoAddress)  // sources following the payer (even untainted)
                if (auto it = T_.follows.find(t.from); it != T_.follows.end())
                    for (const Follow& f : it->second)
                        if (f.colour >= min_colour_) carry(f.colour);
            for (const Carry& k : carried_) receive(t, k, unwrap, into_conv);
        }
        // 3. balances and totals of the addresses kept
        if (t.from != store::kNoAddress && T_.tracked.contains(t.from)) flow_effect(t.from, t);
        if (t.to != store::kNoAddress && t.to != t.from && T_.tracked.contains(t.to))
            flow_effect(t.to, t);
        tx_done_.push_back(t);
    }

    void receive(const TransferRef& t, const Carry& k, bool unwrap, bool into_conv) {
        const std::uint32_t c = k.colour;
        if (k.amount > 0 && k.hop > max_hops_ && !follow(t.to, c)) return;  // beyond the hop limit
        if (t.to == store::kNoAddress && !unwrap) return;                   // burnt
        if (into_conv) {
            if (t.from != store::kNoAddress && follow(t.from, c)) {
                SwapIn& w = sw_[colour_key(c, t.from)];
                w.total += t.amount;
                w.tainted += k.amount;
            }
            if (k.amount > 0 && !k.src && t.to != store::kNoAddress) arrive(t, k);
            return;
        }
        if (term(t.to)) {
            if (k.amount > 0 && !k.src) arrive(t, k);
            return;
        }
        if (k.amount == 0) return;
        track(t.to);
        auto& fv = T_.follows[t.to];
        auto f = find_colour(fv, c);
        if (f != fv.end() && f->colour == c)
            f->hop = std::min(f->hop, k.hop);
        else
            fv.insert(f, Follow{c, k.hop, t.id, t.block, t.from});
        CPot& p = cpot(t.to, t, c, k.hop);
        p.taint += k.amount;
        if (!k.src) p.recv += k.amount;
    }

    /// Taint arriving at a terminal or converter: exposure, not followed further.
    void arrive(const TransferRef& t, const Carry& k) {
        track(t.to);
        cpot(t.to, t, k.colour, k.hop).recv += k.amount;
    }

    State& s_;
    Tables& T_;
    const Chain& c_;
    std::uint32_t min_colour_;
    UpdateStats& st_;
    std::uint32_t max_hops_;
    std::uint64_t tx_first_ = 0;
    std::vector<TransferRef> tx_done_;
    std::vector<Carry> carried_;
    absl::flat_hash_map<std::uint64_t, SwapIn> sw_;
};

using ColourKey = std::tuple<Address, std::uint64_t, std::uint64_t>;

std::uint32_t category_id(State& s, const std::string& c) {
    for (std::uint32_t i = 0; i < s.categories.size(); ++i)
        if (s.categories[i] == c) return i;
    s.categories.push_back(c);
    return static_cast<std::uint32_t>(s.categories.size() - 1);
}

absl::flat_hash_map<AddressId, Role> roles_of(const Chain& chain,
                                              const std::vector<LabelFact>& facts) {
    absl::flat_hash_map<AddressId, Role> out;
    for (const auto& f : facts) {
        Role r = trace::role_of_category(f.category);
        if (r == Role::Plain) continue;
        auto id = chain.graph->find_address(f.address);
        if (!id) continue;
        auto [it, fresh] = out.try_emplace(*id, r);
        if (!fresh && r == Role::Terminal) it->second = r;  // a terminal category wins
    }
    static const Address weth9 = parse_address("0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2");
    if (auto id = chain.graph->find_address(weth9)) out.try_emplace(*id, Role::Converter);
    return out;
}

template <class Pred>
void erase_colours(Tables& T, Pred dead) {
    for (auto it = T.cpots.begin(); it != T.cpots.end();) {
        std::erase_if(it->second, [&](const CPot& p) { return dead(p.colour); });
        if (it->second.empty())
            T.cpots.erase(it++);
        else
            ++it;
    }
    for (auto it = T.follows.begin(); it != T.follows.end();) {
        std::erase_if(it->second, [&](const Follow& f) { return dead(f.colour); });
        if (it->second.empty())
            T.follows.erase(it++);
        else
            ++it;
    }
    absl::erase_if(T.direct, [&](const auto& kv) { return dead(kv.first.colour); });
}

}  // namespace

struct Engine::Impl {
    Chain chain;
    State s;
    UpdateStats st;

    void index_colour(std::uint32_t id) {
        const Colour& c = s.colours[id];
        if (c.live && c.src != store::kNoAddress) s.by_src[c.src].push_back(id);
    }

    /// Traced forward: a risky category on an address that is not a converter.
    bool indirect_of(AddressId src, const std::set<std::string>& cats) const {
        auto r = s.roles.find(src);
        return (r == s.roles.end() || r->second != Role::Converter) &&
               std::any_of(cats.begin(), cats.end(),
                           [](const std::string& x) { return risky_category(x); });
    }

    /// Sources for the facts not yet among the live colours; returns the first new id.
    std::uint32_t sync_colours() {
        std::map<ColourKey, std::set<std::string>> want;
        for (const auto& f : s.facts)
            if (f.to_block > f.from_block)
                want[{f.address, f.from_block, f.to_block}].insert(f.category);
        const auto first_new = static_cast<std::uint32_t>(s.colours.size());
        std::vector<bool> dead(s.colours.size(), false);
        for (std::uint32_t i = 0; i < s.colours.size(); ++i) {
            Colour& c = s.colours[i];
            if (!c.live) continue;
            auto it = want.find({c.address, c.from, c.to});
            if (it == want.end() || indirect_of(c.src, it->second) !=
                                        c.indirect) {  // gone, or now traced differently: again
                c.live = false;
                dead[i] = true;
                ++st.colours_removed;
                continue;
            }
            c.cats.clear();
            for (const auto& cat : it->second) c.cats.push_back(category_id(s, cat));
            want.erase(it);
        }
        erase_colours(s.t, [&](std::uint32_t c) { return c < dead.size() && dead[c]; });
        for (auto& [k, cats] : want) {
            Colour c;
            c.address = std::get<0>(k);
            c.from = std::get<1>(k);
            c.to = std::get<2>(k);
            if (auto id = chain.graph->find_address(c.address)) c.src = *id;
            for (const auto& cat : cats) c.cats.push_back(category_id(s, cat));
            c.indirect = indirect_of(c.src, cats);
            s.colours.push_back(std::move(c));
            ++st.colours_added;
        }
        s.by_src.clear();
        for (std::uint32_t i = 0; i < s.colours.size(); ++i) index_colour(i);
        pending_known = false;
        return first_new;
    }

    /// Sources whose address was not in the chain yet: it may have appeared (with no history
    /// before the blocks about to be applied, so its role applies from its first transfer).
    void resolve_pending() {
        if (!pending_known) {
            pending.clear();
            for (std::uint32_t i = 0; i < s.colours.size(); ++i)
                if (s.colours[i].live && s.colours[i].src == store::kNoAddress)
                    pending.push_back(i);
            pending_known = true;
        }
        std::erase_if(pending, [&](std::uint32_t i) {
            Colour& c = s.colours[i];
            if (!c.live) return true;
            auto id = chain.graph->find_address(c.address);
            if (!id) return false;
            c.src = *id;
            index_colour(i);
            for (std::uint32_t cat : c.cats) {
                const Role r = trace::role_of_category(s.categories[cat]);
                if (r == Role::Plain) continue;
                auto [it, fresh] = s.roles.try_emplace(*id, r);
                if (!fresh && r == Role::Terminal) it->second = r;
            }
            return true;
        });
        if (!weth_known) {
            static const Address weth9 =
                parse_address("0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2");
            if (auto id = chain.graph->find_address(weth9)) {
                s.roles.try_emplace(*id, Role::Converter);
                weth_known = true;
            }
        }
    }
    std::vector<std::uint32_t> pending;  ///< live colours whose address is not in the chain yet
    bool pending_known = false, weth_known = false;

    void note_last(const std::optional<TransferRef>& last) {
        if (!last) return;
        s.next_id = last->id + 1;
        s.last_block = last->block;
        if (chain.block_hash)
            if (auto h = chain.block_hash(last->block)) s.last_hash = *h;
    }

    void rebuild(const std::string& why) {
        st.rebuilt = true;
        st.rebuild_reason = why;
        s.t = Tables{};
        s.colours.clear();
        s.categories.clear();
        s.by_src.clear();
        s.next_id = 0;
        s.last_block.reset();
        s.roles = roles_of(chain, s.facts);
        sync_colours();
        Pass p(s, s.t, chain, 0, st);
        note_last(p.run(0, kOpenEnd));
    }
};

Engine::Engine(Chain chain, Options opt) : m_(std::make_unique<Impl>()) {
    m_->chain = std::move(chain);
    m_->s.opt = opt;
}
Engine::~Engine() = default;

void Engine::set_labels(std::vector<LabelFact> facts) {
    m_->st = UpdateStats{};
    State& s = m_->s;
    m_->resolve_pending();  // roles of labelled addresses that appeared since, under the old labels
    s.facts = std::move(facts);
    auto roles = roles_of(m_->chain, s.facts);
    if (roles != s.roles) {
        if (s.next_id > 0)
            return m_->rebuild("a label changed an address's role (terminal or converter)");
        s.roles = std::move(roles);
    }
    const std::uint32_t first_new = m_->sync_colours();
    if (first_new == s.colours.size() || s.next_id == 0) return;
    // the new sources over the chain applied so far, into tables of their own, then merged
    Tables fresh;
    Pass p(s, fresh, m_->chain, first_new, m_->st);
    p.run(0, s.next_id);
    for (auto& [k, f] : fresh.flows)
        if (!s.t.tracked.contains(key_addr(k))) s.t.flows.emplace(k, f);
    for (AddressId a : fresh.tracked) s.t.tracked.insert(a);
    for (auto& [k, v] : fresh.cpots) {
        auto& dst = s.t.cpots[k];
        dst.insert(dst.end(), v.begin(), v.end());
    }
    for (auto& [a, v] : fresh.follows) {
        auto& dst = s.t.follows[a];
        dst.insert(dst.end(), v.begin(), v.end());
    }
    for (auto& [k, r] : fresh.direct) s.t.direct.emplace(k, r);
}

void Engine::advance() {
    m_->st = UpdateStats{};
    State& s = m_->s;
    if (s.last_block && m_->chain.block_hash) {
        auto h = m_->chain.block_hash(*s.last_block);
        if (!h || *h != s.last_hash)
            return m_->rebuild("the chain changed below the last block applied (reorganisation)");
    }
    m_->resolve_pending();
    const auto before = s.last_block;
    Pass p(s, s.t, m_->chain, 0, m_->st);
    m_->note_last(p.run(s.next_id, kOpenEnd));
    if (s.last_block) m_->st.blocks = *s.last_block - (before ? *before : *s.last_block - 1);
}

void Engine::rebuild() {
    m_->st = UpdateStats{};
    m_->rebuild("asked");
}

const UpdateStats& Engine::stats() const {
    return m_->st;
}
std::optional<std::uint64_t> Engine::last_block() const {
    return m_->s.last_block;
}
std::uint64_t Engine::applied_transfers() const {
    return m_->s.next_id;
}
std::size_t Engine::sources() const {
    return static_cast<std::size_t>(std::count_if(m_->s.colours.begin(), m_->s.colours.end(),
                                                  [](const Colour& c) { return c.live; }));
}
std::uint32_t Engine::hops() const {
    return m_->s.opt.hops;
}
const std::vector<LabelFact>& Engine::labels() const {
    return m_->s.facts;
}
const std::string& Engine::label_origin() const {
    return m_->s.label_origin;
}
void Engine::set_label_origin(std::string origin) {
    m_->s.label_origin = std::move(origin);
}
std::size_t Engine::state_entries() const {
    std::size_t n = 0;
    for (const auto& [k, v] : m_->s.t.cpots) n += v.size();
    for (const auto& [k, v] : m_->s.t.follows) n += v.size();
    return n + m_->s.t.direct.size();
}

ScreenResult Engine::screen(const Address& a) const {
    ScreenResult r;
    r.address = a;
    r.labels = labels_of(m_->s, a);
    if (auto id = m_->chain.graph->find_address(a)) r.exposure = rows_of(m_->s, m_->chain, *id);
    r.risk = assess(r.labels, r.exposure);
    return r;
}

std::unique_ptr<Engine> Engine::load(Chain chain, const std::filesystem::path& dir) {
    std::ifstream cur(dir / "CURRENT");
    std::uint64_t gen = 0;
    if (!(cur >> gen)) return nullptr;
    auto e = std::make_unique<Engine>(std::move(chain));
    read_state(e->m_->s, dir / ("state-" + std::to_string(gen) + ".bin"));
    e->m_->s.generation = gen;
    return e;
}

void Engine::save(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    fs::create_directories(dir);
    State& s = m_->s;
    const std::uint64_t gen = s.generation + 1;
    write_rows(s, m_->chain, dir / ("rows-" + std::to_string(gen) + ".bin"));
    write_state(s, dir / ("state-" + std::to_string(gen) + ".bin"));
    {
        std::ofstream f(dir / "CURRENT.tmp", std::ios::trunc);
        f << gen << "\n";
        f.flush();
        if (!f) throw StoreError("exposure: cannot write " + (dir / "CURRENT.tmp").string());
    }
    fs::rename(dir / "CURRENT.tmp", dir / "CURRENT");  // the commit point
    s.generation = gen;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string n = e.path().filename().string();
        if ((n.starts_with("rows-") || n.starts_with("state-")) &&
            n != "rows-" + std::to_string(gen) + ".bin" &&
            n != "state-" + std::to_string(gen) + ".bin")
            fs::remove(e.path());
    }
}

}  // namespace chainward::risk
