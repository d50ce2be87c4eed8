// Forward tracer: merges the chain-ordered adjacency streams of tainted addresses with a min-heap
// on the global transfer id, so it only reads the transfers of addresses that hold taint (and
// their history once, for opening balances), never the whole chain.
//
// Each transaction is settled as a unit (docs/tracing.md "Across assets"): its transfers are
// applied in chain order, a converter payout carrying the share of what its payer paid converters
// in the whole transaction. Since a payout can come before the payment it answers, and value paid
// out can be forwarded or paid in again within the transaction, the transaction is applied again
// from its start with the payments of the last round until they no longer change (a fixed point):
// journals put every touched entry back as it was before the round.
#include <algorithm>
#include <chrono>
#include <deque>
#include <queue>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "trace/arith.hpp"
#include "trace/roles.hpp"
#include "trace/trace.hpp"

namespace chainward::trace {

namespace {

using boost::multiprecision::uint512_t;

/// Settling rounds per transaction (2-3 in practice). A transaction that has not settled by then
/// (value paid in and out again many times) gets one last round in which every payout whose
/// payments were still changing is wholly tainted: it errs towards taint, never away from it.
constexpr int kMaxRounds = 16;

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
    bool source = false;  ///< an AddressSource: every inflow is tainted
};

struct SwapIn {
    U256 total = 0, tainted = 0;
    /// What the swap rule depends on: nothing when no payment was tainted.
    bool same_share(const SwapIn& o) const {
        if (tainted == 0 || o.tainted == 0) return tainted == o.tainted;
        return total == o.total && tainted == o.tainted;
    }
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

/// A map whose entries can be put back as they were when a settling round began: an entry is
/// saved the first time a round touches it.
template <class K, class V>
class Journaled {
public:
    struct Slot {
        V v{};
        std::uint32_t round = 0;
    };
    V& at(const K& k, std::uint32_t round) {
        auto [it, fresh] = m_.try_emplace(k);
        if (it->second.round != round) {
            saved_.emplace_back(k, fresh ? std::nullopt : std::optional<V>(it->second.v));
            it->second.round = round;
        }
        return it->second.v;
    }
    const V* find(const K& k) const {
        auto it = m_.find(k);
        return it == m_.end() ? nullptr : &it->second.v;
    }
    bool contains(const K& k) const { return m_.contains(k); }
    std::size_t size() const { return m_.size(); }
    void commit() { saved_.clear(); }
    void rollback() {
        for (auto i = saved_.rbegin(); i != saved_.rend(); ++i) {
            if (i->second)
                m_[i->first] = Slot{std::move(*i->second), 0};
            else
                m_.erase(i->first);
        }
        saved_.clear();
    }
    const absl::flat_hash_map<K, Slot>& all() const { return m_; }

private:
    absl::flat_hash_map<K, Slot> m_;
    std::vector<std::pair<K, std::optional<V>>> saved_;
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
        while (!heap_.empty()) {
            const TransferRef& next = top();
            if (o_.until_block && next.block > *o_.until_block) {
                r_.limits.until = true;
                break;
            }
            settle(next.block, next.tx_index);
        }
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
    /// Fewest hops from a source (the path records are the one account of hops).
    std::uint32_t hop_of(AddressId a) const { return r_.paths.hops(a).value_or(0); }

    bool payout_candidate(const TransferRef& t) const {
        if (t.to == store::kNoAddress || is_conv(t.to)) return false;
        return is_conv(t.from) || t.kind == TransferKind::Wrap || t.kind == TransferKind::Nft || t.kind == TransferKind::Multi;
    }

    AssetTotals& tot(AssetId a) { return totals_.at(a, round_); }
    void add(U256& x, const U256& y, AssetId a) { add_checked(x, y, a); }

    U256 min_amount(AssetId a) const {
        auto it = o_.min_amount.find(a);
        return it == o_.min_amount.end() ? o_.default_min_amount : it->second;
    }

    // ---- streams ----------------------------------------------------------------------------

    const TransferRef& top() const {
        const Stream& s = streams_[heap_.top().second];
        return s.v[s.pos];
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

    /// Moves the transfers of the current transaction from the streams into txs_ (chain order, each
    /// once: a transfer between two followed addresses comes from both).
    void pull() {
        while (!heap_.empty()) {
            const TransferRef& t = top();
            if (t.block != cur_block_ || t.tx_index != cur_tx_) return;
            const std::uint32_t si = heap_.top().second;
            heap_.pop();
            Stream& s = streams_[si];
            const TransferRef x = s.v[s.pos++];
            if (s.pos < s.v.size() || refill(s))
                heap_.push({s.v[s.pos].id, si});
            else
                std::vector<TransferRef>().swap(s.v);
            auto at = std::lower_bound(txs_.begin(), txs_.end(), x.id, [](const TransferRef& a, std::uint64_t id) { return a.id < id; });
            if (at == txs_.end() || at->id != x.id) txs_.insert(at, x);
        }
    }

    /// Starts following `a`: opening balances from its transfers before `k` (in chain order, each
    /// outflow taking at most the balance), a stream of the later ones.
    void load(AddressId a, std::uint64_t k, bool prefix_by_block, std::uint64_t since_block) {
        absl::flat_hash_map<AssetId, U256> bal;
        std::vector<TransferRef> later;
        g_.transfers_of(a, [&](const TransferRef& t) {
            const bool prefix = prefix_by_block ? t.block < since_block : t.id < k;
            if (!prefix) {
                later.push_back(t);
                return prefix_by_block ? later.size() < chunk() : false;
            }
            ++r_.stats.transfers_loaded;
            if (t.from == t.to || set_aside_.contains(t.asset)) return true;
            U256& b = bal[t.asset];
            if (t.to == a) add(b, t.amount, t.asset);
            if (t.from == a) b = b > t.amount ? b - t.amount : U256(0);
            return true;
        });
        for (auto& [asset, b] : bal) pots_.at(pot_key(a, asset), round_).bal = b;
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

    void activate(AddressId a, std::uint64_t k) {
        nodes_.at(a, round_) = Node{false};
        load(a, k, false, 0);
    }

    void activate_source(const AddressSource& s) {
        if (s.address == store::kNoAddress) throw InputError("trace: source address is not in the store");
        if (o_.until_block && s.since_block > *o_.until_block) throw InputError("trace: --since is after --until");
        for (;;) {
            begin_round();
            try {
                nodes_.at(s.address, round_) = Node{true};
                load(s.address, 0, true, s.since_block);
                for (const auto& [k, slot] : pots_.all()) {
                    if (key_addr(k) != s.address) continue;
                    Pot& p = pots_.at(k, round_);
                    add(tot(key_asset(k)).traced, p.bal - p.taint, key_asset(k));
                    p.taint = p.bal;
                    p.poisoned = true;
                    if (lot_model()) lots_.at(k, round_) = std::deque<Lot>{Lot{p.bal, true}};
                }
            } catch (const AssetOverflow& e) {
                set_aside_.insert(e.asset);
                rollback();
                continue;
            }
            commit();
            break;
        }
        r_.sources.insert(s.address);
        r_.paths.start(s.address, 0);
    }

    // ---- settling a transaction -------------------------------------------------------------

    void begin_round() {
        ++round_;
        saved_limits_ = r_.limits;
        saved_followed_ = r_.stats.addresses_followed;
        paths_mark_ = r_.paths.mark();
        sources_added_.clear();
    }
    void commit() {
        pots_.commit();
        lots_.commit();
        first_.commit();
        nodes_.commit();
        totals_.commit();
        freeze_.commit();
        converted_.commit();
        frontier_.commit();
    }
    void rollback() {
        pots_.rollback();
        lots_.rollback();
        first_.rollback();
        nodes_.rollback();
        totals_.rollback();
        freeze_.rollback();
        converted_.rollback();
        frontier_.rollback();
        r_.limits = saved_limits_;
        r_.stats.addresses_followed = saved_followed_;
        r_.paths.rollback(paths_mark_);
        for (AddressId a : sources_added_) r_.sources.erase(a);
    }

    /// Applies every transfer of the transaction (block b, index x) the trace reaches, to a fixed
    /// point of the swap rule. Streams opened by a round that is undone stay: their transfers only
    /// count for addresses that are followed when they are applied.
    void settle(std::uint64_t b, std::uint32_t x) {
        cur_block_ = b;
        cur_tx_ = x;
        txs_.clear();
        pull();
        est_.clear();
        for (int round = 1;;) {
            begin_round();
            swap_in_.clear();
            paid_out_.clear();
            try {
                for (std::size_t i = 0; i < txs_.size(); ++i) {
                    const TransferRef t = txs_[i];  // a copy: pull() may grow txs_
                    if (!set_aside_.contains(t.asset)) apply(t, swap_record(t));
                    pull();  // addresses followed from here on bring their later transfers of it
                }
            } catch (const AssetOverflow& e) {
                set_aside_.insert(e.asset);  // and the transaction again without it
                rollback();
                continue;
            }
            std::vector<AddressId> moving;
            for (AddressId p : paid_out_) {
                auto e = est_.find(p);
                auto s = swap_in_.find(p);
                if (!(e == est_.end() ? SwapIn{} : e->second).same_share(s == swap_in_.end() ? SwapIn{} : s->second)) moving.push_back(p);
            }
            if (moving.empty() || round > kMaxRounds) {
                commit();
                break;
            }
            rollback();
            est_ = swap_in_;
            if (++round > kMaxRounds) {
                ++r_.stats.unsettled_transactions;
                for (AddressId p : moving)
                    if (auto it = est_.find(p); it != est_.end()) it->second.tainted = it->second.total;
            }
        }
        r_.stats.transfers_visited += txs_.size();
        r_.last_block = b;
    }

    /// The payer's payments into converters in this transaction (as of the last round) for a
    /// converter payout, a wrap or an NFT; null for anything else.
    const SwapIn* swap_record(const TransferRef& t) {
        if (!payout_candidate(t)) return nullptr;
        paid_out_.insert(t.to);
        auto it = est_.find(t.to);
        return it != est_.end() && it->second.total > 0 ? &it->second : nullptr;
    }

    // ---- pots ---------------------------------------------------------------------------------

    bool lot_model() const { return o_.model == Model::Fifo || o_.model == Model::Lifo; }

    /// Removes `amount` from the pot; returns its tainted part.
    U256 debit(std::uint64_t key, const U256& amount) {
        Pot& p = pots_.at(key, round_);
        U256 eff = amount;
        if (amount > p.bal) {
            add(tot(key_asset(key)).shortfall, amount - p.bal, key_asset(key));
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
                if (!lots_.contains(key)) {  // never tainted: one clean lot
                    if (fifo && eff > 0) taken_.push_back(Lot{eff, false});
                } else {
                    auto& q = lots_.at(key, round_);
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
        const AssetId asset = key_asset(key);
        Pot& p = pots_.at(key, round_);
        if (tainted > 0) {
            if (p.arrivals == 0 && !first_.contains(key)) first_.at(key, round_) = t;
            ++p.arrivals;
        }
        switch (o_.model) {
            case Model::Poison:
                if (p.poisoned)
                    add(tot(asset).contaminated, amount - tainted, asset);
                else if (tainted > 0) {
                    U256 c = p.bal;
                    add(c, amount - tainted, asset);
                    add(tot(asset).contaminated, c, asset);
                    p.poisoned = true;
                }
                add(p.bal, amount, asset);
                p.taint = p.poisoned ? p.bal : U256(0);
                return;
            case Model::Haircut:
            case Model::Tiho: break;
            case Model::Fifo:
            case Model::Lifo: {
                if (!lots_.contains(key)) {
                    if (tainted == 0) break;  // still all clean: no queue needed
                    auto& q0 = lots_.at(key, round_);
                    if (p.bal > 0) q0.push_back(Lot{p.bal, false});
                }
                auto& q = lots_.at(key, round_);
                // lots never hold more than the pot's balance, which is checked below
                auto push = [&](const U256& a, bool tt) {
                    if (a == 0) return;
                    if (!q.empty() && q.back().tainted == tt && a <= std::numeric_limits<U256>::max() - q.back().amount)
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
        add(p.bal, amount, asset);
        p.taint += tainted;  // <= bal
    }

    Holding& holding(Journaled<std::uint64_t, Holding>& m, AddressId a, const TransferRef& t, std::uint32_t hop) {
        Holding& h = m.at(pot_key(a, t.asset), round_);
        if (h.address == store::kNoAddress) {
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
    void hold(Journaled<std::uint64_t, Holding>& m, AddressId a, const TransferRef& t, std::uint32_t hop, const U256& amount) {
        Holding& h = holding(m, a, t, hop);
        add(h.amount, amount, t.asset);
        ++h.arrivals;
    }

    /// Applies one transfer; `sw` is the payer's swap record for converter payouts and NFTs.
    void apply(const TransferRef& t, const SwapIn* sw) {
        taken_valid_ = false;
        // A self-transfer moves nothing, under every model: no lot is reordered, no taint is
        // introduced, counted or passed (docs/tracing.md "Self-transfers").
        if (t.from == t.to && t.from != store::kNoAddress) return;
        // Fees of a source transaction are the thief's gas, not stolen value.
        const bool src = !is_fee(t.kind) && source_ids_.contains(t.id);
        U256 carried = 0;
        std::uint32_t hop = 1;
        // 1. the sender's side
        if (active(t.from)) {
            carried = debit(pot_key(t.from, t.asset), t.amount);
            hop = hop_of(t.from) + 1;
        }
        if (src) {
            add(tot(t.asset).traced, t.amount - carried, t.asset);
            carried = t.amount;
            hop = 1;
            // the sender of stolen value is where its paths start (hop 0), so a path through
            // value that came back to it starts there rather than looping through it
            if (t.from != store::kNoAddress) r_.paths.start(t.from, t.id + 1);
        }
        // taint that really travelled from the sender (not created by the swap rule): a path step
        const bool step = carried > 0;
        const std::uint32_t step_hop = hop;
        if (sw) {  // what a converter (or an NFT seller) hands back to a payer in this transaction
            U256 share = 0;
            const bool whole = o_.model == Model::Poison || t.kind == TransferKind::Nft || t.kind == TransferKind::Multi;
            if (sw->tainted > 0) share = whole ? t.amount : mul_div(t.amount, sw->tainted, sw->total);
            if (share > carried) {
                add(tot(t.asset).converted_in, share - carried, t.asset);
                carried = share;
            }
            if (auto h = r_.paths.hops(t.to)) hop = *h;
        }
        if (is_fee(t.kind)) {
            add(tot(t.asset).fees, carried, t.asset);
            if (active(t.to)) credit(pot_key(t.to, t.asset), t.amount, 0, t);
            return;
        }
        if (active(t.to) && nodes_.find(t.to)->source) {  // every inflow of a source address is traced
            add(tot(t.asset).traced, t.amount - carried, t.asset);
            carried = t.amount;
        }
        if (carried > 0 && carried < min_amount(t.asset)) {
            add(tot(t.asset).below_threshold, carried, t.asset);
            r_.limits.min_amount = true;
            carried = 0;
        }
        // 2. the receiver's side
        const AddressId to = t.to;
        const bool unwrap = t.kind == TransferKind::Unwrap;
        if (step && carried > 0 && to != store::kNoAddress && !unwrap && !is_conv(to))
            r_.paths.reach(to, PathStep{t.from, to, t}, step_hop, t.id + 1, src);
        if (carried > 0 && !active(to) && hop > o_.max_hops) {
            add(tot(t.asset).beyond_limits, carried, t.asset);
            r_.limits.hops = true;
            hold(frontier_, to, t, hop, carried);
            return;
        }
        if (to == store::kNoAddress && !unwrap) {
            add(tot(t.asset).burnt, carried, t.asset);
            return;
        }
        if (unwrap || is_conv(to)) {
            if (t.from != store::kNoAddress && active(t.from)) {
                SwapIn& s = swap_in_[t.from];
                add(s.total, t.amount, t.asset);  // unit-weighted over assets (docs: limits of the rule)
                add(s.tainted, carried, t.asset);
            }
            if (carried > 0) {
                add(tot(t.asset).converted_out, carried, t.asset);
                hold(converted_, to, t, hop, carried);
            }
            return;
        }
        if (is_term(to)) {
            if (carried > 0) hold(freeze_, to, t, hop, carried);
            if (!o_.through_terminals) {
                add(tot(t.asset).terminals, carried, t.asset);
                return;
            }
        }
        if (!active(to)) {
            if (carried == 0) return;  // clean value to an address we do not follow
            if (nodes_.size() >= o_.max_addresses) {
                add(tot(t.asset).beyond_limits, carried, t.asset);
                r_.limits.max_addresses = true;
                hold(frontier_, to, t, hop, carried);
                return;
            }
            activate(to, t.id);
            if (src && r_.sources.insert(to).second) sources_added_.push_back(to);
        }
        credit(pot_key(to, t.asset), t.amount, carried, t);
    }

    Result finish() {
        auto sorted = [&](const Journaled<std::uint64_t, Holding>& m) {
            std::vector<Holding> v;
            v.reserve(m.size());
            for (const auto& [k, slot] : m.all())
                if (!set_aside_.contains(slot.v.asset)) v.push_back(slot.v);
            std::sort(v.begin(), v.end(), [](const Holding& a, const Holding& b) {
                if (a.amount != b.amount) return a.amount > b.amount;
                if (a.address != b.address) return a.address < b.address;
                return a.asset < b.asset;
            });
            return v;
        };
        // Sums that pass 2^256 - 1 set their asset aside too (wide sums, so they cannot wrap).
        absl::flat_hash_map<AssetId, uint512_t> rest;
        for (const auto& [k, slot] : pots_.all()) {
            const Pot& p = slot.v;
            if (p.taint == 0 || set_aside_.contains(key_asset(k))) continue;
            const AddressId a = key_addr(k);
            rest[key_asset(k)] += p.taint;
            Holding h;
            h.address = a;
            h.asset = key_asset(k);
            h.amount = p.taint;
            h.hop = hop_of(a);
            h.arrivals = p.arrivals;
            h.role = role(a);
            if (const TransferRef* f = first_.find(k)) h.first = *f;
            r_.at_rest.push_back(std::move(h));
        }
        static const uint512_t kMax = uint512_t(std::numeric_limits<U256>::max());
        for (const auto& [a, slot] : totals_.all()) {
            if (set_aside_.contains(a)) continue;
            const AssetTotals& t = slot.v;
            const uint512_t in = uint512_t(t.traced) + t.converted_in + t.contaminated;
            const uint512_t out = uint512_t(t.fees) + t.burnt + t.terminals + t.converted_out + t.below_threshold + t.beyond_limits + rest[a];
            if (rest[a] > kMax || in > kMax || out > kMax) set_aside_.insert(a);
        }
        std::erase_if(r_.at_rest, [&](const Holding& h) { return set_aside_.contains(h.asset); });
        std::sort(r_.at_rest.begin(), r_.at_rest.end(), [](const Holding& a, const Holding& b) {
            if (a.amount != b.amount) return a.amount > b.amount;
            if (a.address != b.address) return a.address < b.address;
            return a.asset < b.asset;
        });
        r_.freeze_points = sorted(freeze_);
        r_.converted = sorted(converted_);
        r_.frontier = sorted(frontier_);
        for (const auto& [a, slot] : totals_.all()) {
            if (set_aside_.contains(a)) continue;
            r_.totals[a] = slot.v;
            r_.totals[a].at_rest = rest[a].convert_to<U256>();
        }
        r_.set_aside.assign(set_aside_.begin(), set_aside_.end());
        std::sort(r_.set_aside.begin(), r_.set_aside.end());
        return std::move(r_);
    }

    const Graph& g_;
    const Options& o_;
    std::unordered_map<AddressId, Role> roles_;
    Result r_;
    std::uint32_t round_ = 0;  ///< settling rounds so far (journals save an entry once per round)
    Journaled<std::uint64_t, Pot> pots_;
    Journaled<std::uint64_t, std::deque<Lot>> lots_;
    Journaled<std::uint64_t, TransferRef> first_;
    Journaled<AddressId, Node> nodes_;
    Journaled<AssetId, AssetTotals> totals_;
    Journaled<std::uint64_t, Holding> freeze_, converted_, frontier_;
    LimitsHit saved_limits_;
    std::uint64_t saved_followed_ = 0;
    std::size_t paths_mark_ = 0;
    std::vector<AddressId> sources_added_;
    absl::flat_hash_set<AssetId> set_aside_;
    absl::flat_hash_map<AddressId, SwapIn> swap_in_;  ///< payments into converters, this round
    absl::flat_hash_map<AddressId, SwapIn> est_;      ///< the same, as of the last round
    absl::flat_hash_set<AddressId> paid_out_;         ///< receivers of payouts this round
    std::unordered_set<std::uint64_t> source_ids_;
    std::vector<Stream> streams_;
    using HeapItem = std::pair<std::uint64_t, std::uint32_t>;
    std::priority_queue<HeapItem, std::vector<HeapItem>, std::greater<>> heap_;
    std::vector<TransferRef> txs_;  ///< the transaction being settled: its transfers the trace reaches
    std::vector<Lot> taken_;        ///< FIFO: the lots the current transfer took from its sender, in order
    U256 taken_tainted_ = 0, taken_amount_ = 0;
    bool taken_valid_ = false;
    std::uint64_t cur_block_ = 0;
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

Result trace(const Graph& g, const Options& opt) {
    const auto t0 = std::chrono::steady_clock::now();
    Result r = Tracer(g, opt).run();
    r.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

}  // namespace chainward::trace
