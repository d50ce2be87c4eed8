// Forward tracer: merges the chain-ordered adjacency streams of tainted addresses with a min-heap
// on the global transfer id, so it only reads the transfers of addresses that hold taint (and
// their history once, for opening balances), never the whole chain.
#include <algorithm>
#include <chrono>
#include <deque>
#include <queue>

#include <absl/container/flat_hash_map.h>

#include "trace/roles.hpp"
#include "trace/trace.hpp"

namespace chainward::trace {

namespace {

using boost::multiprecision::uint512_t;

constexpr std::uint64_t kNone = std::numeric_limits<std::uint64_t>::max();

std::uint64_t pot_key(AddressId a, AssetId s) { return (static_cast<std::uint64_t>(a) << 32) | s; }
AddressId key_addr(std::uint64_t k) { return static_cast<AddressId>(k >> 32); }
AssetId key_asset(std::uint64_t k) { return static_cast<AssetId>(k & 0xFFFFFFFFu); }

/// floor(a * t / b) exactly (b > 0, t <= b): never more than a.
U256 mul_div(const U256& a, const U256& t, const U256& b) {
    static const U256 k128 = (U256(1) << 128) - 1;
    if (a <= k128 && t <= k128) return (a * t) / b;
    uint512_t p = uint512_t(a) * uint512_t(t);
    p /= uint512_t(b);
    return p.convert_to<U256>();
}

struct Lot {
    U256 amount;
    bool tainted;
};

struct Pot {
    U256 bal = 0, taint = 0;
    bool poisoned = false;
    std::uint32_t arrivals = 0;
};

struct Node {
    std::uint32_t hop = 0;
    bool source = false;  ///< an AddressSource: every inflow is tainted
};

struct SwapIn {
    U256 total = 0, tainted = 0;
};

/// Chain-ordered transfers still to merge: a fixed list (the source transfers) or an address's
/// adjacency read lazily in chunks from `next_id` on, so later history is only read when reached.
struct Stream {
    std::vector<TransferRef> v;
    std::size_t pos = 0;
    AddressId owner = store::kNoAddress;  ///< kNoAddress: fixed list
    std::uint64_t next_id = 0;
    bool done = true;
};



class Tracer {
public:
    Tracer(const Graph& g, const Options& o) : g_(g), o_(o) {
        roles_ = effective_roles(g, o.roles, o.builtin_converters);
        r_.model = o.model;
    }

    Result run() {
        for (const auto& t : o_.source_transfers) source_ids_.insert(t.id);
        if (!o_.source_transfers.empty()) push_stream(std::vector<TransferRef>(o_.source_transfers.begin(), o_.source_transfers.end()));
        for (const auto& s : o_.source_addresses) activate_source(s);
        if (source_ids_.empty() && o_.source_addresses.empty()) throw InputError("trace: no sources (give transactions or addresses)");

        for (;;) {
            if (heap_.empty()) {
                flush();  // payouts may start following new addresses
                if (heap_.empty()) break;
                continue;
            }
            const std::uint32_t si = heap_.top().second;
            const TransferRef& next = streams_[si].v[streams_[si].pos];
            if (next.block != cur_block_ || next.tx_index != cur_tx_) {
                // The transaction is complete: apply its deferred payouts before anything later.
                // They may start following addresses whose streams begin before `next`.
                if (!deferred_.empty()) {
                    flush();
                    continue;
                }
                swap_in_.clear();
                if (o_.until_block && next.block > *o_.until_block) {
                    r_.limits.until = true;
                    break;
                }
                cur_block_ = next.block;
                cur_tx_ = next.tx_index;
            }
            heap_.pop();
            Stream& s = streams_[si];
            const TransferRef t = s.v[s.pos++];
            if (s.pos < s.v.size() || refill(s))
                heap_.push({s.v[s.pos].id, si});
            else
                std::vector<TransferRef>().swap(s.v);
            if (last_id_ != kNone && t.id <= last_id_) continue;  // seen through the other side
            last_id_ = t.id;
            r_.last_block = t.block;
            ++r_.stats.transfers_visited;
            if (payout_candidate(t))
                deferred_.push_back(t);
            else
                apply(t, nullptr);
        }
        flush();
        return finish();
    }

private:
    Role role(AddressId a) const {
        if (a == store::kNoAddress) return Role::Plain;
        auto it = roles_.find(a);
        return it == roles_.end() ? Role::Plain : it->second;
    }
    bool is_conv(AddressId a) const { return role(a) == Role::Converter; }
    bool is_term(AddressId a) const { return role(a) == Role::Terminal; }
    bool active(AddressId a) const { return a != store::kNoAddress && nodes_.contains(a); }

    bool payout_candidate(const TransferRef& t) const {
        if (t.to == store::kNoAddress || is_conv(t.to)) return false;
        return is_conv(t.from) || t.kind == TransferKind::Wrap || t.kind == TransferKind::Nft || t.kind == TransferKind::Multi;
    }

    AssetTotals& tot(AssetId a) { return totals_[a]; }

    U256 min_amount(AssetId a) const {
        auto it = o_.min_amount.find(a);
        return it == o_.min_amount.end() ? o_.default_min_amount : it->second;
    }

    void push_stream(std::vector<TransferRef> v) {
        if (v.empty()) return;
        streams_.push_back(Stream{std::move(v), 0});
        heap_.push({streams_.back().v[0].id, static_cast<std::uint32_t>(streams_.size() - 1)});
    }

    std::size_t chunk() const { return std::max<std::size_t>(o_.read_chunk, 1); }

    /// Reads the next chunk of an address stream; false when it has no more transfers.
    bool refill(Stream& s) {
        if (s.done) return false;
        s.v.clear();
        s.pos = 0;
        g_.transfers_of(
            s.owner,
            [&](const TransferRef& t) {
                s.v.push_back(t);
                return s.v.size() < chunk();
            },
            s.next_id);
        r_.stats.transfers_loaded += s.v.size();
        if (s.v.size() < chunk()) s.done = true;
        if (s.v.empty()) return false;
        s.next_id = s.v.back().id + 1;
        return true;
    }

    /// Starts following `a`: opening balances from the transfers `prefix` accepts, a stream of
    /// the later ones (after `after`, which the caller is applying).
    template <class Prefix>
    void load(AddressId a, Prefix prefix, std::uint64_t after) {
        // The opening balances need the whole earlier history (the store keeps no balances);
        // the rest is read lazily from the first transfer after `after` on.
        absl::flat_hash_map<AssetId, std::pair<U256, U256>> flows;
        std::vector<TransferRef> later;
        g_.transfers_of(a, [&](const TransferRef& t) {
            if (after != kNone && t.id > after) {
                later.push_back(t);  // the first transfer of the stream
                return false;
            }
            ++r_.stats.transfers_loaded;
            if (prefix(t)) {
                if (t.from == t.to) return true;
                auto& f = flows[t.asset];
                if (t.to == a) f.first += t.amount;
                if (t.from == a) f.second += t.amount;
            } else if (after == kNone) {
                later.push_back(t);
                if (later.size() == chunk()) return false;
            }
            return true;
        });
        for (auto& [asset, f] : flows) {
            Pot& p = pots_[pot_key(a, asset)];
            p.bal = f.first > f.second ? f.first - f.second : U256(0);
        }
        ++r_.stats.addresses_followed;
        if (later.empty()) return;
        Stream s;
        s.owner = a;
        s.next_id = later.back().id + 1;
        s.done = false;
        s.v = std::move(later);
        streams_.push_back(std::move(s));
        heap_.push({streams_.back().v[0].id, static_cast<std::uint32_t>(streams_.size() - 1)});
    }

    void activate(AddressId a, std::uint64_t k, std::uint32_t hop) {
        nodes_[a] = Node{hop, false};
        const std::uint64_t seen = last_id_;
        // Transfers up to the last one processed are history, except deferred ones still to apply.
        load(a, [&](const TransferRef& t) { return t.id < k || (seen != kNone && t.id <= seen && t.id != k && !pending_.contains(t.id)); },
             std::max(k, seen == kNone ? k : seen));
    }

    void activate_source(const AddressSource& s) {
        if (s.address == store::kNoAddress) throw InputError("trace: source address is not in the store");
        if (o_.until_block && s.since_block > *o_.until_block) throw InputError("trace: --since is after --until");
        nodes_[s.address] = Node{0, true};
        r_.sources.insert(s.address);
        load(s.address, [&](const TransferRef& t) { return t.block < s.since_block; }, kNone);
        for (auto& [k, p] : pots_) {
            if (key_addr(k) != s.address) continue;
            tot(key_asset(k)).traced += p.bal - p.taint;
            p.taint = p.bal;
            p.poisoned = true;
            if (lot_model()) lots_[k] = std::deque<Lot>{Lot{p.bal, true}};
        }
    }

    bool lot_model() const { return o_.model == Model::Fifo || o_.model == Model::Lifo; }

    /// Removes `amount` from the pot; returns its tainted part.
    U256 debit(std::uint64_t key, const U256& amount) {
        Pot& p = pots_[key];
        U256 eff = amount;
        if (amount > p.bal) {
            tot(key_asset(key)).shortfall += amount - p.bal;
            eff = p.bal;
        }
        U256 t = 0;
        switch (o_.model) {
            case Model::Poison:
                t = p.poisoned ? eff : U256(0);
                p.bal -= eff;
                p.taint = p.poisoned ? p.bal : U256(0);
                return t;
            case Model::Haircut:
                if (p.taint > 0) t = p.taint == p.bal ? eff : mul_div(eff, p.taint, p.bal);
                break;
            case Model::Tiho: t = std::min(eff, p.taint); break;
            case Model::Fifo:
            case Model::Lifo: {
                const bool fifo = o_.model == Model::Fifo;
                taken_.clear();
                auto it = lots_.find(key);
                if (it == lots_.end()) {  // never tainted: one clean lot
                    if (fifo && eff > 0) taken_.push_back(Lot{eff, false});
                } else {
                    auto& q = it->second;
                    U256 left = eff;
                    while (left > 0 && !q.empty()) {
                        Lot& l = fifo ? q.front() : q.back();
                        const U256 take = std::min(left, l.amount);
                        if (l.tainted) t += take;
                        if (fifo) taken_.push_back(Lot{take, l.tainted});
                        l.amount -= take;
                        left -= take;
                        if (l.amount == 0) fifo ? q.pop_front() : q.pop_back();
                    }
                }
                if (fifo) {
                    if (amount > eff) taken_.push_back(Lot{amount - eff, false});  // the shortfall counts as clean
                    taken_tainted_ = t;
                    taken_amount_ = amount;
                    taken_valid_ = true;
                }
                break;
            }
        }
        p.bal -= eff;
        p.taint -= t;
        return t;
    }

    void credit(std::uint64_t key, const U256& amount, const U256& tainted, const TransferRef& t) {
        Pot& p = pots_[key];
        if (tainted > 0) {
            if (p.arrivals == 0) first_.try_emplace(key, t);
            ++p.arrivals;
        }
        switch (o_.model) {
            case Model::Poison:
                if (p.poisoned)
                    tot(key_asset(key)).contaminated += amount - tainted;
                else if (tainted > 0) {
                    tot(key_asset(key)).contaminated += p.bal + (amount - tainted);
                    p.poisoned = true;
                }
                p.bal += amount;
                p.taint = p.poisoned ? p.bal : U256(0);
                return;
            case Model::Haircut:
            case Model::Tiho: break;
            case Model::Fifo:
            case Model::Lifo: {
                auto it = lots_.find(key);
                if (it == lots_.end()) {
                    if (tainted == 0) break;  // still all clean: no queue needed
                    it = lots_.emplace(key, std::deque<Lot>{}).first;
                    if (p.bal > 0) it->second.push_back(Lot{p.bal, false});
                }
                auto& q = it->second;
                auto push = [&](const U256& a, bool tt) {
                    if (a == 0) return;
                    if (!q.empty() && q.back().tainted == tt)
                        q.back().amount += a;
                    else
                        q.push_back(Lot{a, tt});
                };
                // FIFO: the arrival keeps the order of the units that left the sender (so a
                // backward FIFO trace retraces them exactly); where the tracer set the tainted
                // part itself (sources, swaps, thresholds), the tainted lot comes first
                if (o_.model == Model::Fifo && taken_valid_ && taken_tainted_ == tainted && taken_amount_ == amount) {
                    for (const Lot& l : taken_) push(l.amount, l.tainted);
                } else {
                    push(tainted, true);
                    push(amount - tainted, false);
                }
                break;
            }
        }
        p.bal += amount;
        p.taint += tainted;
    }

    Holding& holding(absl::flat_hash_map<std::uint64_t, Holding>& m, AddressId a, const TransferRef& t, std::uint32_t hop) {
        auto [it, fresh] = m.try_emplace(pot_key(a, t.asset));
        Holding& h = it->second;
        if (fresh) {
            h.address = a;
            h.asset = t.asset;
            h.hop = hop;
            h.first = t;
            h.first_from = t.from;
            h.role = role(a);
        }
        h.hop = std::min(h.hop, hop);
        return h;
    }

    /// Applies one transfer; `sw` is the payer's swap record for converter payouts and NFTs.
    void apply(const TransferRef& t, const SwapIn* sw) {
        taken_valid_ = false;
        // Fees of a source transaction are the thief's gas, not stolen value.
        const bool src = !is_fee(t.kind) && source_ids_.contains(t.id);
        U256 carried = 0;
        std::uint32_t hop = 1;
        // 1. the sender's side
        if (active(t.from)) {
            carried = debit(pot_key(t.from, t.asset), t.amount);
            hop = nodes_[t.from].hop + 1;
        }
        if (src) {
            tot(t.asset).traced += t.amount - carried;
            carried = t.amount;
            hop = 1;
        }
        if (sw) {  // what a converter (or an NFT seller) hands back to a payer in this transaction
            U256 share = 0;
            const bool whole = o_.model == Model::Poison || t.kind == TransferKind::Nft || t.kind == TransferKind::Multi;
            if (sw->tainted > 0) share = whole ? t.amount : mul_div(t.amount, sw->tainted, sw->total);
            if (share > carried) {
                tot(t.asset).converted_in += share - carried;
                carried = share;
            }
            hop = nodes_.contains(t.to) ? nodes_[t.to].hop : hop;
        }
        if (is_fee(t.kind)) {
            tot(t.asset).fees += carried;
            if (active(t.to)) credit(pot_key(t.to, t.asset), t.amount, 0, t);
            return;
        }
        if (active(t.to) && nodes_[t.to].source) {  // every inflow of a source address is traced
            tot(t.asset).traced += t.amount - carried;
            carried = t.amount;
        }
        if (carried > 0 && carried < min_amount(t.asset)) {
            tot(t.asset).below_threshold += carried;
            r_.limits.min_amount = true;
            carried = 0;
        }
        // 2. the receiver's side
        const AddressId to = t.to;
        const bool unwrap = t.kind == TransferKind::Unwrap;
        if (carried > 0 && !active(to) && hop > o_.max_hops) {
            tot(t.asset).beyond_limits += carried;
            r_.limits.hops = true;
            Holding& h = holding(frontier_, to, t, hop);
            h.amount += carried;
            ++h.arrivals;
            return;
        }
        if (to == store::kNoAddress && !unwrap) {
            tot(t.asset).burnt += carried;
            return;
        }
        if (unwrap || is_conv(to)) {
            if (t.from != store::kNoAddress && active(t.from)) {
                SwapIn& s = swap_in_[t.from];
                s.total += t.amount;
                s.tainted += carried;
            }
            if (carried > 0) {
                tot(t.asset).converted_out += carried;
                Holding& h = holding(converted_, to, t, hop);
                h.amount += carried;
                ++h.arrivals;
            }
            return;
        }
        if (is_term(to)) {
            if (carried > 0) {
                Holding& h = holding(freeze_, to, t, hop);
                h.amount += carried;
                ++h.arrivals;
            }
            if (!o_.through_terminals) {
                tot(t.asset).terminals += carried;
                return;
            }
        }
        if (!active(to)) {
            if (carried == 0) return;  // clean value to an address we do not follow
            if (nodes_.size() >= o_.max_addresses) {
                tot(t.asset).beyond_limits += carried;
                r_.limits.max_addresses = true;
                Holding& h = holding(frontier_, to, t, hop);
                h.amount += carried;
                ++h.arrivals;
                return;
            }
            activate(to, t.id, hop);
            // a self-transfer: the debit of its sending side happened before we followed `to`
            if (t.from == to) debit(pot_key(to, t.asset), t.amount);
            r_.parent.emplace(to, PathStep{t.from, to, t});
            if (src) r_.sources.insert(to);
        } else if (carried > 0) {
            Node& n = nodes_[to];
            n.hop = std::min(n.hop, hop);
        }
        credit(pot_key(to, t.asset), t.amount, carried, t);
    }

    void flush() {
        for (const auto& t : deferred_) pending_.insert(t.id);
        for (const auto& t : deferred_) {
            pending_.erase(t.id);
            auto it = swap_in_.find(t.to);
            apply(t, it != swap_in_.end() && it->second.total > 0 ? &it->second : nullptr);
        }
        deferred_.clear();
        swap_in_.clear();
    }

    Result finish() {
        auto sorted = [](absl::flat_hash_map<std::uint64_t, Holding>& m) {
            std::vector<Holding> v;
            v.reserve(m.size());
            for (auto& [k, h] : m) v.push_back(std::move(h));
            std::sort(v.begin(), v.end(), [](const Holding& a, const Holding& b) {
                if (a.amount != b.amount) return a.amount > b.amount;
                if (a.address != b.address) return a.address < b.address;
                return a.asset < b.asset;
            });
            return v;
        };
        for (auto& [k, p] : pots_) {
            if (p.taint == 0) continue;
            const AddressId a = key_addr(k);
            tot(key_asset(k)).at_rest += p.taint;
            Holding h;
            h.address = a;
            h.asset = key_asset(k);
            h.amount = p.taint;
            h.hop = nodes_[a].hop;
            h.arrivals = p.arrivals;
            h.role = role(a);
            if (auto it = first_.find(k); it != first_.end()) h.first = it->second;
            rest_.emplace(k, std::move(h));
        }
        r_.at_rest = sorted(rest_);
        r_.freeze_points = sorted(freeze_);
        r_.converted = sorted(converted_);
        r_.frontier = sorted(frontier_);
        for (auto& [a, t] : totals_) r_.totals[a] = t;
        return std::move(r_);
    }

    const Graph& g_;
    const Options& o_;
    std::unordered_map<AddressId, Role> roles_;
    Result r_;
    absl::flat_hash_map<std::uint64_t, Pot> pots_;
    absl::flat_hash_map<std::uint64_t, std::deque<Lot>> lots_;
    absl::flat_hash_map<std::uint64_t, TransferRef> first_;
    absl::flat_hash_map<AddressId, Node> nodes_;
    absl::flat_hash_map<AssetId, AssetTotals> totals_;
    absl::flat_hash_map<std::uint64_t, Holding> freeze_, converted_, frontier_, rest_;
    absl::flat_hash_map<AddressId, SwapIn> swap_in_;
    std::unordered_set<std::uint64_t> source_ids_;
    std::unordered_set<std::uint64_t> pending_;  ///< deferred transfers not applied yet
    std::vector<Stream> streams_;
    using HeapItem = std::pair<std::uint64_t, std::uint32_t>;
    std::priority_queue<HeapItem, std::vector<HeapItem>, std::greater<>> heap_;
    std::vector<TransferRef> deferred_;
    std::vector<Lot> taken_;  ///< FIFO: the lots the current transfer took from its sender, in order
    U256 taken_tainted_ = 0, taken_amount_ = 0;
    bool taken_valid_ = false;
    std::uint64_t last_id_ = kNone;
    std::uint64_t cur_block_ = kNone;
    std::uint32_t cur_tx_ = 0;
};

}  // namespace

const char* model_name(Model m) {
    switch (m) {
        case Model::Poison: return "poison";
        case Model::Haircut: return "haircut";
        case Model::Fifo: return "fifo";
        case Model::Lifo: return "lifo";
        case Model::Tiho: return "tiho";
    }
    return "?";
}

std::optional<Model> model_from_name(std::string_view s) {
    for (Model m : {Model::Poison, Model::Haircut, Model::Fifo, Model::Lifo, Model::Tiho})
        if (s == model_name(m)) return m;
    return std::nullopt;
}

Role role_of_category(std::string_view c) {
    if (c == "exchange_deposit" || c == "exchange_hot" || c == "exchange" || c == "mixer" || c == "bridge" || c == "issuer")
        return Role::Terminal;
    if (c == "dex" || c == "token" || c == "nft_marketplace") return Role::Converter;
    return Role::Plain;
}

Role role_of_labels(const std::vector<label::Label>& labels) {
    Role r = Role::Plain;
    for (const auto& l : labels) {
        Role x = role_of_category(l.category);
        if (x == Role::Terminal) return x;
        if (x == Role::Converter) r = x;
    }
    return r;
}

std::unordered_map<AddressId, Role> roles_from_labels(const Graph& g, const label::LabelSet& labels) {
    std::unordered_map<AddressId, Role> out;
    for (const auto& [a, ls] : labels.all()) {
        Role r = role_of_labels(ls);
        if (r == Role::Plain) continue;
        if (auto id = g.find_address(a)) out[*id] = r;
    }
    return out;
}

std::vector<PathStep> Result::path_to(const Holding& h, std::size_t max_steps) const {
    std::vector<PathStep> rev;
    AddressId cur = h.address;
    if (h.first_from != store::kNoAddress && !parent.contains(h.address)) {
        rev.push_back(PathStep{h.first_from, h.address, h.first});
        cur = h.first_from;
    }
    while (rev.size() < max_steps) {
        auto it = parent.find(cur);
        if (it == parent.end()) break;
        rev.push_back(it->second);
        if (sources.contains(cur) && it->second.from == store::kNoAddress) break;
        cur = it->second.from;
    }
    std::reverse(rev.begin(), rev.end());
    return rev;
}

Result trace(const Graph& g, const Options& opt) {
    const auto t0 = std::chrono::steady_clock::now();
    Result r = Tracer(g, opt).run();
    r.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace chainward::trace
