// Backward trace (docs/tracing.md "Backward"): where the targets' holdings came from. Transfers of
// the addresses that hold demand are walked in reverse of the order the forward tracer applies
// them (chain order, converter payouts last in their transaction), with a max-heap merging their
// adjacency lists. Each address's history up to the moment it is first reached is read once, in
// chain order, to know its balance (haircut) or its cumulative in/out positions (FIFO) at every
// transfer; walking back then needs no arithmetic that could drift.
#include <algorithm>
#include <chrono>
#include <queue>
#include <tuple>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "trace/arith.hpp"
#include "trace/roles.hpp"
#include "trace/trace.hpp"

namespace chainward::trace {

namespace {

using boost::multiprecision::uint512_t;

/// Walk order: chain order, except that converter payouts come after the rest of their
/// transaction (the swap rule reversed hands a payout's demand to the payments, which must still
/// lie ahead; the forward tracer applies payouts in chain order, see docs "Backward").
using Key = std::tuple<std::uint64_t, std::uint32_t, std::uint8_t, std::uint64_t>;

using Interval = std::pair<U256, U256>;  ///< [first, end) in a pot's cumulative inflow positions

/// A transfer of a followed address with that address's pot state just before each side of it.
struct Entry {
    TransferRef t;
    Key key;
    U256 out_bal = 0, out_eff = 0, out_pos = 0;  ///< sender side: balance, units available, FIFO out position
    U256 in_bal = 0, in_pos = 0;                 ///< receiver side: balance, FIFO in position
};

struct Stream {
    AddressId owner = store::kNoAddress;
    std::vector<Entry> v;
    std::size_t pos = 0;  ///< v[pos - 1] is the next entry (walking down)
};

/// Demand on a pot (what of its current balance is being explained).
struct PotDemand {
    U256 d = 0;                 ///< haircut
    std::vector<Interval> iv;   ///< FIFO, sorted, disjoint
    bool flag = false;          ///< poison
};

/// Demand on one transfer's value. FIFO: offsets within the transfer, [first, end).
struct Demand {
    U256 amount = 0;
    std::vector<Interval> offs;
    bool flag = false;
    bool empty() const { return amount == 0 && !flag; }
    void add(const Demand& o) {
        amount += o.amount;
        offs.insert(offs.end(), o.offs.begin(), o.offs.end());
        flag = flag || o.flag;
    }
};

struct NodeInfo {
    std::uint32_t hop = 0;
    std::uint32_t stream = 0;
};


class Backtracer {
public:
    Backtracer(const Graph& g, const BackwardOptions& o) : g_(g), o_(o) {
        roles_ = effective_roles(g, o.roles, o.builtin_converters);
        r_.model = o.model;
    }

    BackwardResult run() {
        if (o_.model != Model::Poison && o_.model != Model::Haircut && o_.model != Model::Fifo)
            throw InputError(fmt_model_error());
        if (o_.targets.empty()) throw InputError("trace --backward: no target address");
        if (o_.until_block && o_.since_block > *o_.until_block) throw InputError("trace --backward: --since is after --until");
        r_.limits.until = o_.until_block.has_value();
        const Key horizon{o_.until_block.value_or(std::numeric_limits<std::uint64_t>::max()), std::numeric_limits<std::uint32_t>::max(), 1,
                          std::numeric_limits<std::uint64_t>::max()};
        for (const auto& tg : o_.targets) start_target(tg, horizon);

        bool at_since = false;
        while (!heap_.empty()) {
            const Key k = heap_.top().first;
            if (std::get<0>(k) < o_.since_block) {
                at_since = true;
                break;
            }
            Entry* er = nullptr;
            Entry* es = nullptr;
            while (!heap_.empty() && heap_.top().first == k) {
                const std::uint32_t si = heap_.top().second;
                heap_.pop();
                Entry* e = take(si);
                if (streams_[si].owner == e->t.to) er = e;
                if (streams_[si].owner == e->t.from) es = e;
            }
            ++r_.stats.transfers_visited;
            ++seq_;
            process(er ? *er : *es, er, es);
        }
        finish(at_since);
        return std::move(r_);
    }

private:
    static std::string fmt_model_error() { return "trace --backward: the model must be poison, haircut or fifo"; }

    Role role(AddressId a) const {
        auto it = roles_.find(a);
        return it == roles_.end() ? Role::Plain : it->second;
    }
    bool is_conv(AddressId a) const { return a != store::kNoAddress && role(a) == Role::Converter; }
    bool is_stop(AddressId a) const { return role(a) == Role::Terminal || o_.stop_addresses.contains(a); }

    bool payout(const TransferRef& t) const {
        if (t.to == store::kNoAddress || is_conv(t.to)) return false;
        return is_conv(t.from) || t.kind == TransferKind::Wrap || t.kind == TransferKind::Nft || t.kind == TransferKind::Multi;
    }
    Key key_of(const TransferRef& t) const { return Key{t.block, t.tx_index, payout(t) ? 1 : 0, t.id}; }

    U256 min_amount(AssetId a) const {
        auto it = o_.min_amount.find(a);
        return it == o_.min_amount.end() ? o_.default_min_amount : it->second;
    }

    /// Takes the next entry of stream si (walking down) and re-queues the stream.
    Entry* take(std::uint32_t si) {
        Stream& s = streams_[si];
        Entry* e = &s.v[--s.pos];
        if (s.pos > 0) heap_.push({s.v[s.pos - 1].key, si});
        return e;
    }

    /// Reads `a`'s history up to `upto` (inclusive, in apply order) with its pot states.
    /// Returns the stream index; the final states per asset go to `end_state` when given.
    std::uint32_t load(AddressId a, const Key& upto, std::uint32_t hop,
                       absl::flat_hash_map<AssetId, std::pair<U256, U256>>* end_state = nullptr) {
        Stream s;
        s.owner = a;
        const std::uint64_t last_block = std::get<0>(upto);
        g_.transfers_of(a, [&](const TransferRef& t) {
            if (t.block > last_block) return false;
            ++r_.stats.transfers_loaded;
            Key k = key_of(t);
            // a self-transfer moves nothing (docs/tracing.md "Self-transfers")
            if (k <= upto && t.from != t.to) s.v.push_back(Entry{t, k});
            return true;
        });
        std::sort(s.v.begin(), s.v.end(), [](const Entry& x, const Entry& y) { return x.key < y.key; });
        struct St {
            U256 bal = 0, in = 0, out = 0;
        };
        absl::flat_hash_map<AssetId, St> st;
        for (auto& e : s.v) {
            St& p = st[e.t.asset];
            if (e.t.from == a) {
                e.out_bal = p.bal;
                e.out_eff = std::min(e.t.amount, p.bal);
                e.out_pos = p.out;
                p.bal -= e.out_eff;
                p.out += e.out_eff;
            }
            if (e.t.to == a) {
                e.in_bal = p.bal;
                e.in_pos = p.in;
                try {
                    add_checked(p.bal, e.t.amount, e.t.asset);
                    add_checked(p.in, e.t.amount, e.t.asset);
                } catch (const AssetOverflow& x) {
                    set_aside_.insert(x.asset);  // a fake token's amounts: not traced (docs "Amounts")
                }
            }
        }
        std::erase_if(s.v, [&](const Entry& e) { return set_aside_.contains(e.t.asset); });
        if (end_state)
            for (auto& [asset, p] : st) (*end_state)[asset] = {p.bal, p.in};
        s.pos = s.v.size();
        streams_.push_back(std::move(s));
        const auto si = static_cast<std::uint32_t>(streams_.size() - 1);
        nodes_[a] = NodeInfo{hop, si};
        ++r_.stats.addresses_followed;
        return si;
    }

    void start_target(const BackwardTarget& tg, const Key& horizon) {
        if (tg.address == store::kNoAddress) throw InputError("trace --backward: target address is not in the store");
        r_.targets.push_back(tg.address);
        absl::flat_hash_map<AssetId, std::pair<U256, U256>> end;
        std::uint32_t si;
        if (auto it = nodes_.find(tg.address); it != nodes_.end()) {
            // a second target on the same address: recompute its end state without a second stream
            si = it->second.stream;
            for (std::size_t i = 0; i < streams_[si].v.size(); ++i) {
                const Entry& e = streams_[si].v[i];
                auto& p = end[e.t.asset];
                if (e.t.from == tg.address) p = {e.out_bal - e.out_eff, p.second};
                if (e.t.to == tg.address) p = {e.in_bal + e.t.amount, e.in_pos + e.t.amount};
            }
        } else {
            si = load(tg.address, horizon, 0, &end);
            r_.paths.start(tg.address, 0);
            if (streams_[si].pos > 0) heap_.push({streams_[si].v[streams_[si].pos - 1].key, si});
        }
        if (!streams_[si].v.empty()) r_.horizon_block = std::max(r_.horizon_block.value_or(0), streams_[si].v.back().t.block);
        std::vector<AssetId> assets;
        if (tg.asset)
            assets.push_back(*tg.asset);
        else
            for (auto& [a, p] : end) assets.push_back(a);
        std::sort(assets.begin(), assets.end());
        for (AssetId asset : assets) {
            auto [bal, in] = end.contains(asset) ? end[asset] : std::pair<U256, U256>{0, 0};
            U256 want = tg.amount ? *tg.amount : bal;
            if (want > bal) throw InputError("trace --backward: --amount is larger than the balance at the horizon");
            if (want == 0) continue;
            if (!targeted_.insert(pot_key(tg.address, asset)).second) continue;  // the same holding given twice is one
            PotDemand& pd = pots_[pot_key(tg.address, asset)];
            tot(asset).traced += want;
            switch (o_.model) {
                case Model::Poison: pd.flag = true; break;
                case Model::Haircut: pd.d += want; break;
                default: add_interval(pd.iv, Interval{in - want, in}); break;
            }
        }
    }

    BackwardTotals& tot(AssetId a) { return totals_[a]; }

    static void add_interval(std::vector<Interval>& iv, Interval x) {
        if (x.first >= x.second) return;
        iv.push_back(x);
        std::sort(iv.begin(), iv.end());
        std::vector<Interval> m;
        for (auto& i : iv) {
            if (!m.empty() && i.first <= m.back().second)
                m.back().second = std::max(m.back().second, i.second);
            else
                m.push_back(i);
        }
        iv.swap(m);
    }

    /// x += y; a sum that would pass 2^256 - 1 sets its asset aside instead.
    void bump(U256& x, const U256& y, AssetId a) {
        try {
            add_checked(x, y, a);
        } catch (const AssetOverflow&) {
            set_aside_.insert(a);
        }
    }

    void origin(OriginKind kind, AddressId a, const TransferRef& t, const U256& amount, std::uint32_t hop) {
        auto& tt = tot(t.asset);
        switch (kind) {
            case OriginKind::Created: bump(tt.created, amount, t.asset); break;
            case OriginKind::Labelled: bump(tt.labelled, amount, t.asset); break;
            case OriginKind::Fees: bump(tt.fees, amount, t.asset); break;
            case OriginKind::Converter: bump(tt.converters, amount, t.asset); break;
            case OriginKind::Source: bump(tt.sources, amount, t.asset); break;
            case OriginKind::Horizon: bump(tt.horizon, amount, t.asset); break;
            case OriginKind::Frontier: bump(tt.frontier, amount, t.asset); break;
        }
        auto k = std::make_tuple(a, t.asset, static_cast<std::uint8_t>(kind));
        auto [it, fresh] = origins_.try_emplace(k);
        BackwardOrigin& o = it->second;
        if (fresh) {
            o.address = a;
            o.asset = t.asset;
            o.kind = kind;
            o.hop = hop;
            o.first = t;
            o.to = t.to;
            o.role = role(a);
        }
        o.hop = std::min(o.hop, hop);
        bump(o.amount, amount, t.asset);
        ++o.arrivals;
        // origins named by a sender are one step before the address whose value they explain
        // (a swap's payment is no step: the payer's own value changed asset)
        if ((kind == OriginKind::Labelled || kind == OriginKind::Converter || kind == OriginKind::Source || kind == OriginKind::Frontier) &&
            r_.paths.hops(t.to))
            r_.paths.reach(a, PathStep{a, t.to, t}, hop, seq_);
    }

    /// The receiver's side: the part of `t` that the receiver's demanded balance came from.
    Demand inflow_demand(const Entry& e) {
        Demand d;
        auto it = pots_.find(pot_key(e.t.to, e.t.asset));
        if (it == pots_.end()) return d;
        PotDemand& pd = it->second;
        const U256& a = e.t.amount;
        switch (o_.model) {
            case Model::Poison:
                if (pd.flag && a > 0) {
                    d.flag = true;
                    d.amount = a;
                }
                break;
            case Model::Haircut: {
                if (pd.d == 0 || a == 0) break;
                const U256 after = e.in_bal + a;
                // this inflow is a/after of the pot, so of every unit demanded of it
                d.amount = pd.d >= after ? a : mul_div(pd.d, a, after);
                pd.d -= d.amount;
                break;
            }
            default: {
                // positions at or above in_pos arrived with this transfer (walking back, nothing
                // demanded lies above the inflow being undone)
                while (!pd.iv.empty() && pd.iv.back().second > e.in_pos) {
                    Interval& x = pd.iv.back();
                    const U256 lo = std::max(x.first, e.in_pos);
                    const U256 hi = std::min(x.second, e.in_pos + a);
                    if (hi > lo) {
                        d.offs.push_back({lo - e.in_pos, hi - e.in_pos});
                        d.amount += hi - lo;
                    }
                    if (x.first < e.in_pos) {
                        x.second = e.in_pos;
                        break;
                    }
                    pd.iv.pop_back();
                }
                break;
            }
        }
        return d;
    }

    /// Payments of `payer` into converters in the transaction of `t` (still ahead in the walk).
    std::vector<const Entry*> payments(AddressId payer, const TransferRef& t) {
        std::vector<const Entry*> out;
        auto it = nodes_.find(payer);
        if (it == nodes_.end()) return out;
        const Stream& s = streams_[it->second.stream];
        for (std::size_t i = s.pos; i-- > 0;) {
            const TransferRef& x = s.v[i].t;
            if (x.block != t.block || x.tx_index != t.tx_index) break;
            if (x.from == payer && (is_conv(x.to) || x.kind == TransferKind::Unwrap)) out.push_back(&s.v[i]);
        }
        return out;
    }

    /// Swap rule backwards: a demanded part of a payout is the same fraction of every payment.
    void swap_back(const TransferRef& t, const Demand& d, const std::vector<const Entry*>& pays) {
        tot(t.asset).converted_out += d.amount;
        for (const Entry* p : pays) {
            Demand x;
            if (o_.model == Model::Poison) {
                x.flag = true;
                x.amount = p->t.amount;
            } else {
                x.amount = d.amount >= t.amount ? p->t.amount : mul_div(d.amount, p->t.amount, t.amount);
                if (o_.model == Model::Fifo && x.amount > 0) x.offs.push_back({0, x.amount});
            }
            if (x.empty()) continue;
            if (o_.model != Model::Poison) tot(p->t.asset).converted_in += x.amount;
            pending_[p->t.id].add(x);
            hop_hint_[p->t.id] = nodes_[t.to].hop;
        }
    }

    void process(const Entry& e, Entry* er, Entry* es) {
        const TransferRef& t = e.t;
        if (set_aside_.contains(t.asset)) return;
        Demand d;
        std::uint32_t hop = 0;  // of the address whose value this transfer explains
        if (er) {
            d = inflow_demand(*er);
            hop = nodes_[t.to].hop;
        }
        if (auto it = pending_.find(t.id); it != pending_.end()) {
            if (!er) hop = hop_hint_[t.id];
            d.add(it->second);
            pending_.erase(it);
        }
        if (d.empty()) return;
        const AddressId from = t.from;
        if (is_fee(t.kind)) return origin(OriginKind::Fees, t.to, t, d.amount, hop);
        if (o_.stop_transfers.contains(t.id)) return origin(OriginKind::Source, from, t, d.amount, hop + 1);
        if (er && payout(t)) {
            auto pays = payments(t.to, t);
            if (!pays.empty()) return swap_back(t, d, pays);
        }
        if (from == store::kNoAddress) return origin(OriginKind::Created, t.to, t, d.amount, hop);
        if (is_conv(from) && from != t.to) return origin(OriginKind::Converter, from, t, d.amount, hop + 1);
        if (is_stop(from) && from != t.to) return origin(OriginKind::Labelled, from, t, d.amount, hop + 1);
        if (d.amount < min_amount(t.asset)) {
            tot(t.asset).below_threshold += d.amount;
            r_.limits.min_amount = true;
            return;
        }
        if (!es) {
            if (nodes_.contains(from)) throw std::logic_error("trace --backward: sender's stream out of step");
            if (hop + 1 > o_.max_hops) {
                r_.limits.hops = true;
                return origin(OriginKind::Frontier, from, t, d.amount, hop + 1);
            }
            if (nodes_.size() >= o_.max_addresses) {
                r_.limits.max_addresses = true;
                return origin(OriginKind::Frontier, from, t, d.amount, hop + 1);
            }
            const std::uint32_t si = load(from, e.key, hop + 1);
            r_.paths.reach(from, PathStep{from, t.to, t}, hop + 1, seq_);
            es = take(si);
            if (es->t.id != t.id) throw std::logic_error("trace --backward: sender's history does not end with the transfer");
        } else if (from != t.to) {
            NodeInfo& n = nodes_[from];
            n.hop = std::min(n.hop, hop + 1);
            if (er) r_.paths.reach(from, PathStep{from, t.to, t}, hop + 1, seq_);
        }
        // the sender's side: the demanded part was in its pot just before it left
        PotDemand& pd = pots_[pot_key(from, t.asset)];
        switch (o_.model) {
            case Model::Poison: pd.flag = true; break;
            case Model::Haircut: {
                const U256 take_ = std::min(d.amount, es->out_eff);
                pd.d += take_;
                tot(t.asset).unexplained += d.amount - take_;  // more left than the sender held
                break;
            }
            default:
                for (const auto& [u, v] : d.offs) {
                    const U256 hi = std::min(v, es->out_eff);
                    if (hi > u) add_interval(pd.iv, Interval{es->out_pos + u, es->out_pos + hi});
                    tot(t.asset).unexplained += v - std::max(u, hi);
                }
                break;
        }
    }

    void finish(bool at_since) {
        for (auto& [k, pd] : pots_) {
            const AddressId a = key_addr(k);
            const AssetId asset = key_asset(k);
            U256 left = pd.d;
            for (const auto& [x, y] : pd.iv) left += y - x;
            if (o_.model == Model::Poison) {
                if (!pd.flag || !at_since) continue;
                left = balance_now(a, asset);
                if (left == 0) continue;
            }
            if (left == 0) continue;
            if (at_since) {
                TransferRef t;
                t.asset = asset;
                t.to = a;
                t.block = o_.since_block;
                origin(OriginKind::Horizon, a, t, left, nodes_[a].hop);
            } else {
                tot(asset).unexplained += left;
            }
        }
        for (auto& [k, o] : origins_)
            if (o.amount > 0 && !set_aside_.contains(o.asset)) r_.origins.push_back(std::move(o));
        std::sort(r_.origins.begin(), r_.origins.end(), [](const BackwardOrigin& x, const BackwardOrigin& y) {
            if (x.amount != y.amount) return x.amount > y.amount;
            return std::tie(x.address, x.asset, x.kind) < std::tie(y.address, y.asset, y.kind);
        });
        for (auto& [a, t] : totals_) {
            const uint512_t in = uint512_t(t.traced) + t.converted_in;
            const uint512_t out = uint512_t(t.created) + t.labelled + t.fees + t.converters + t.sources + t.horizon + t.frontier +
                                  t.below_threshold + t.unexplained + t.converted_out;
            if (in > uint512_t(std::numeric_limits<U256>::max()) || out > uint512_t(std::numeric_limits<U256>::max())) set_aside_.insert(a);
        }
        for (auto& [a, t] : totals_)
            if (!set_aside_.contains(a)) r_.totals[a] = t;
        std::erase_if(r_.origins, [&](const BackwardOrigin& o) { return set_aside_.contains(o.asset); });
        r_.set_aside.assign(set_aside_.begin(), set_aside_.end());
        std::sort(r_.set_aside.begin(), r_.set_aside.end());
    }

    /// Balance of (a, asset) at the point the walk stopped (poison's horizon amounts).
    U256 balance_now(AddressId a, AssetId asset) const {
        const Stream& s = streams_[nodes_.at(a).stream];
        for (std::size_t i = s.pos; i-- > 0;) {
            const Entry& e = s.v[i];
            if (e.t.asset != asset) continue;
            if (e.t.to == a) return e.in_bal + e.t.amount;
            return e.out_bal - e.out_eff;
        }
        return 0;
    }

    const Graph& g_;
    const BackwardOptions& o_;
    std::unordered_map<AddressId, Role> roles_;
    BackwardResult r_;
    std::vector<Stream> streams_;
    absl::flat_hash_map<AddressId, NodeInfo> nodes_;
    absl::flat_hash_map<std::uint64_t, PotDemand> pots_;
    absl::flat_hash_map<std::uint64_t, Demand> pending_;  ///< swap-rule demands on payments ahead
    absl::flat_hash_map<std::uint64_t, std::uint32_t> hop_hint_;
    std::unordered_set<std::uint64_t> targeted_;
    std::map<std::tuple<AddressId, AssetId, std::uint8_t>, BackwardOrigin> origins_;
    absl::flat_hash_map<AssetId, BackwardTotals> totals_;
    using HeapItem = std::pair<Key, std::uint32_t>;
    std::priority_queue<HeapItem> heap_;  // max-heap: latest first
    std::uint64_t seq_ = 0;               ///< walk position (orders path records)
    absl::flat_hash_set<AssetId> set_aside_;
};

}  // namespace

const char* origin_kind_name(OriginKind k) {
    switch (k) {
        case OriginKind::Created: return "created";
        case OriginKind::Labelled: return "labelled";
        case OriginKind::Fees: return "fees";
        case OriginKind::Converter: return "converter";
        case OriginKind::Source: return "source";
        case OriginKind::Horizon: return "horizon";
        case OriginKind::Frontier: return "frontier";
    }
    return "?";
}

BackwardResult trace_backward(const Graph& g, const BackwardOptions& opt) {
    const auto t0 = std::chrono::steady_clock::now();
    BackwardResult r = Backtracer(g, opt).run();
    r.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace chainward::trace
