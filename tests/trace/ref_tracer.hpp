// A tiny reference tracer for differential tests, written from the rules of docs/tracing.md and
// sharing no code or structure with src/trace: it reads EVERY transfer in chain order, keeps a pot
// for every (address, asset) from the first block in ordered maps with 512-bit amounts, settles a
// transaction by copying the whole state and replaying the transaction until the swap rule's
// payments stop changing, and builds FIFO/LIFO arrivals from the rule's cases (kept order unless
// the tracer set the tainted part itself). Slow and plain.
#pragma once

#include <map>
#include <set>
#include <vector>

#include "trace/trace.hpp"

namespace chainward::trace::testing {

using W512 = boost::multiprecision::uint512_t;

struct RefResult {
    std::map<std::pair<AddressId, AssetId>, U256> at_rest, freeze, converted, frontier;
    /// Per holding at rest: fewest hops from a source, tainted arrivals.
    std::map<std::pair<AddressId, AssetId>, std::pair<std::uint32_t, std::uint32_t>> rest_hop_arrivals;
    std::map<AssetId, AssetTotals> totals;
    std::set<AssetId> set_aside;
};

namespace ref_detail {

inline const W512& max256() {
    static const W512 m = (W512(1) << 256) - 1;
    return m;
}

struct Overflow {
    AssetId asset;
};

struct Lot {
    W512 n;
    bool bad;  // tainted
};

struct Pot {
    W512 bal = 0, taint = 0;
    bool poisoned = false;
    bool queued = false;    // has a lot queue (FIFO/LIFO, once taint arrived)
    std::vector<Lot> lots;  // oldest first
    bool too_big = false;   // the running balance passed 2^256 - 1 while not followed
};

struct Tot {
    W512 traced, converted_in, contaminated, at_rest, fees, burnt, terminals, converted_out, below, beyond, shortfall;
};

struct State {
    std::map<std::pair<AddressId, AssetId>, Pot> pots;
    std::set<AddressId> followed;
    std::map<AddressId, std::uint32_t> hop;  // fewest hops of taint that travelled from a sender
    std::set<AddressId> source_addr;
    std::map<AssetId, Tot> tot;
    std::map<std::pair<AddressId, AssetId>, W512> freeze, converted, frontier;
    std::map<std::pair<AddressId, AssetId>, std::uint32_t> arrivals;  // tainted arrivals at followed pots
};

struct Paid {
    W512 all = 0, bad = 0;
};

}  // namespace ref_detail

inline RefResult reference_trace(const std::vector<TransferRef>& all, const Options& o) {
    using namespace ref_detail;
    State S;
    std::set<AssetId> aside;
    std::set<std::uint64_t> src_ids;
    for (const auto& t : o.source_transfers) src_ids.insert(t.id);
    auto role = [&](AddressId a) {
        auto it = o.roles.find(a);
        return a == 0 || it == o.roles.end() ? Role::Plain : it->second;
    };
    auto threshold = [&](AssetId a) -> W512 {
        auto it = o.min_amount.find(a);
        return it == o.min_amount.end() ? W512(o.default_min_amount) : W512(it->second);
    };
    const bool fifo = o.model == Model::Fifo, lifo = o.model == Model::Lifo;
    // a tracked sum of `asset` (followed balances, totals, tables, swap payments) passing 2^256 - 1
    auto grow = [](W512& x, const W512& y, AssetId asset) {
        x += y;
        if (x > max256()) throw Overflow{asset};
    };

    // Address sources' opening balances are summed when the trace starts: one that passes
    // 2^256 - 1 sets its asset aside from the outset.
    for (const auto& src : o.source_addresses) {
        std::map<AssetId, W512> b;
        for (const auto& t : all) {
            if (t.block >= src.since_block) break;
            if (t.from == t.to) continue;
            W512& x = b[t.asset];
            if (t.to == src.address) x += t.amount;
            if (t.from == src.address) x = x > t.amount ? x - t.amount : W512(0);
            if (x > max256()) aside.insert(t.asset);
        }
    }

    // one transfer, in state s, with the payer's payments `est` as of the previous round
    auto run = [&](State& s, const TransferRef& t, const std::map<AddressId, Paid>& est, std::map<AddressId, Paid>& paid,
                   std::set<AddressId>& payees) {
        if (aside.count(t.asset)) return;
        if (t.from != 0 && t.from == t.to) return;  // a self-transfer moves nothing
        const bool fee = t.kind == TransferKind::Fee || t.kind == TransferKind::Burn;
        const bool src = !fee && src_ids.count(t.id);
        const AssetId A = t.asset;
        Tot& T = s.tot[A];
        const bool from_followed = t.from != 0 && s.followed.count(t.from);
        const W512 amount = t.amount;
        // the sender's pot: every plain sender is kept, so its balance is known when it is followed
        W512 carried = 0;
        std::vector<Lot> moved;  // FIFO: the units that left, oldest first
        if (t.from != 0 && role(t.from) != Role::Converter) {
            Pot& p = s.pots[{t.from, A}];
            W512 out = amount;
            if (out > p.bal) {
                if (from_followed) grow(T.shortfall, out - p.bal, A);
                out = p.bal;
            }
            W512 bad = 0;
            switch (o.model) {
                case Model::Poison: bad = p.poisoned ? out : W512(0); break;
                case Model::Haircut: bad = p.bal == 0 ? W512(0) : out * p.taint / p.bal; break;
                case Model::Tiho: bad = std::min(out, p.taint); break;
                default:
                    if (!p.queued) {
                        moved.push_back({out, false});
                    } else {
                        W512 left = out;
                        while (left > 0) {
                            Lot& l = fifo ? p.lots.front() : p.lots.back();
                            W512 k = std::min(left, l.n);
                            if (l.bad) bad += k;
                            moved.push_back({k, l.bad});
                            l.n -= k;
                            left -= k;
                            if (l.n == 0) p.lots.erase(fifo ? p.lots.begin() : p.lots.end() - 1);
                        }
                    }
            }
            p.bal -= out;
            p.taint = o.model == Model::Poison ? (p.poisoned ? p.bal : W512(0)) : p.taint - bad;
            if (amount > out) moved.push_back({amount - out, false});  // the shortfall counts as clean
            if (from_followed) carried = bad;
        }
        bool decided = false;  // the tracer set the tainted part itself (FIFO arrivals then: tainted lot first)
        std::uint32_t h = from_followed ? (s.hop.count(t.from) ? s.hop[t.from] : 0) + 1 : 1;
        if (src) {
            grow(T.traced, amount - carried, A);
            carried = amount;
            h = 1;
            decided = true;
            if (t.from != 0) s.hop[t.from] = 0;  // a sender of stolen value is a source
        }
        const bool travelled = carried > 0;
        const std::uint32_t step_hop = h;
        // swap rule: a payout to a payer of converters in this transaction (est: last round's)
        const bool payout = t.to != 0 && role(t.to) != Role::Converter &&
                            (role(t.from) == Role::Converter || t.kind == TransferKind::Wrap || t.kind == TransferKind::Nft ||
                             t.kind == TransferKind::Multi);
        if (payout) {
            payees.insert(t.to);
            auto it = est.find(t.to);
            if (it != est.end() && it->second.all > 0) {
                W512 share = 0;
                if (it->second.bad > 0) {
                    const bool whole = o.model == Model::Poison || t.kind == TransferKind::Nft || t.kind == TransferKind::Multi;
                    share = whole ? amount : amount * it->second.bad / it->second.all;
                }
                if (share > carried) {
                    grow(T.converted_in, share - carried, A);
                    carried = share;
                    decided = true;
                }
                if (s.hop.count(t.to)) h = s.hop[t.to];
            }
        }
        auto credit = [&](const W512& bad) {  // the receiver's pot (any plain receiver)
            if (t.to == 0 || role(t.to) == Role::Converter) return;
            Pot& p = s.pots[{t.to, A}];
            const bool followed = s.followed.count(t.to) > 0;
            if (followed && bad > 0) ++s.arrivals[{t.to, A}];
            if (o.model == Model::Poison && followed) {
                if (p.poisoned)
                    grow(T.contaminated, amount - bad, A);
                else if (bad > 0) {
                    grow(T.contaminated, p.bal + amount - bad, A);
                    p.poisoned = true;
                }
            }
            if ((fifo || lifo) && (p.queued || bad > 0)) {
                if (!p.queued && p.bal > 0) p.lots.push_back({p.bal, false});
                p.queued = true;
                std::vector<Lot> in;
                if (fifo && !decided && !moved.empty())
                    in = moved;  // the units keep their order
                else
                    in = {{bad, true}, {amount - bad, false}};
                for (const Lot& l : in)
                    if (l.n > 0) p.lots.push_back(l);
            }
            p.bal += amount;
            if (followed) {
                if (p.bal > max256()) throw Overflow{A};
            } else if (p.bal > max256()) {
                p.too_big = true;
            }
            p.taint = o.model == Model::Poison ? (p.poisoned ? p.bal : W512(0)) : p.taint + bad;
        };
        if (fee) {
            grow(T.fees, carried, A);
            credit(0);
            return;
        }
        if (s.source_addr.count(t.to)) {
            grow(T.traced, amount - carried, A);
            carried = amount;
            decided = true;
        }
        if (carried > 0 && carried < threshold(A)) {
            grow(T.below, carried, A);
            carried = 0;
            decided = true;
        }
        const bool unwrap = t.kind == TransferKind::Unwrap;
        if (travelled && carried > 0 && t.to != 0 && !unwrap && role(t.to) != Role::Converter)
            if (!s.hop.count(t.to) || step_hop < s.hop[t.to]) s.hop[t.to] = step_hop;
        if (carried > 0 && !s.followed.count(t.to) && h > o.max_hops) {
            grow(T.beyond, carried, A);
            grow(s.frontier[{t.to, A}], carried, A);
            credit(0);
            return;
        }
        if (t.to == 0 && !unwrap) {
            grow(T.burnt, carried, A);
            return;
        }
        if (unwrap || role(t.to) == Role::Converter) {
            if (from_followed) {
                grow(paid[t.from].all, amount, A);
                grow(paid[t.from].bad, carried, A);
            }
            if (carried > 0) {
                grow(T.converted_out, carried, A);
                grow(s.converted[{t.to, A}], carried, A);
            }
            return;
        }
        if (role(t.to) == Role::Terminal) {
            if (carried > 0) grow(s.freeze[{t.to, A}], carried, A);
            if (!o.through_terminals) {
                grow(T.terminals, carried, A);
                credit(0);
                return;
            }
        }
        if (carried > 0 && !s.followed.count(t.to)) {
            s.followed.insert(t.to);
            // from now on its balances are what the trace keeps
            for (auto& [k, p] : s.pots)
                if (k.first == t.to && p.too_big && !aside.count(k.second)) throw Overflow{k.second};
            if (s.pots[{t.to, A}].bal > max256()) throw Overflow{A};
        }
        credit(carried);
    };

    auto start_sources = [&](std::uint64_t block) {
        for (const auto& src : o.source_addresses) {
            if (src.since_block > block || S.source_addr.count(src.address)) continue;
            S.source_addr.insert(src.address);
            S.followed.insert(src.address);
            S.hop[src.address] = 0;
            for (auto& [k, p] : S.pots) {
                if (k.first != src.address || aside.count(k.second)) continue;
                S.tot[k.second].traced += p.bal - p.taint;
                p.taint = p.bal;
                p.poisoned = true;
                if (fifo || lifo) {
                    p.lots = {{p.bal, true}};
                    p.queued = true;
                }
            }
        }
    };

    std::size_t i = 0;
    while (i < all.size()) {
        std::size_t j = i;
        while (j < all.size() && all[j].block == all[i].block && all[j].tx_index == all[i].tx_index) ++j;
        if (o.until_block && all[i].block > *o.until_block) break;
        start_sources(all[i].block);
        // settle the transaction: replay it from the state before it until the payments it
        // makes into converters are the ones its payouts were computed from
        std::map<AddressId, Paid> est;
        for (int round = 1;;) {
            State s = S;
            std::map<AddressId, Paid> paid;
            std::set<AddressId> payees;
            try {
                for (std::size_t k = i; k < j; ++k) run(s, all[k], est, paid, payees);
            } catch (const Overflow& e) {
                aside.insert(e.asset);
                continue;
            }
            std::set<AddressId> changing;
            for (AddressId p : payees) {
                Paid a = est.count(p) ? est[p] : Paid{}, b = paid.count(p) ? paid[p] : Paid{};
                if (a.bad == 0 || b.bad == 0 ? a.bad != b.bad : (a.all != b.all || a.bad != b.bad)) changing.insert(p);
            }
            if (changing.empty() || round > 16) {  // 16 rounds, then one in which the unsettled payouts are wholly tainted
                S = std::move(s);
                break;
            }
            est = std::move(paid);
            if (++round > 16)
                for (AddressId p : changing)
                    if (est.count(p)) est[p].bad = est[p].all;
        }
        i = j;
    }
    start_sources(~0ull);

    RefResult R;
    std::map<AssetId, W512> rest;
    for (auto& [k, p] : S.pots)
        if (p.taint > 0 && S.followed.count(k.first) && !aside.count(k.second)) rest[k.second] += p.taint;
    for (auto& [a, t] : S.tot) {
        if (aside.count(a)) continue;
        const W512 in = t.traced + t.converted_in + t.contaminated;
        const W512 out = t.fees + t.burnt + t.terminals + t.converted_out + t.below + t.beyond + rest[a];
        if (in > max256() || out > max256() || rest[a] > max256()) aside.insert(a);
    }
    auto u = [](const W512& x) { return x.convert_to<U256>(); };
    for (auto& [k, p] : S.pots)
        if (p.taint > 0 && S.followed.count(k.first) && !aside.count(k.second)) {
            R.at_rest[k] = u(p.taint);
            R.rest_hop_arrivals[k] = {S.hop.count(k.first) ? S.hop[k.first] : 0u, S.arrivals.count(k) ? S.arrivals[k] : 0u};
        }
    auto table = [&](const std::map<std::pair<AddressId, AssetId>, W512>& m, std::map<std::pair<AddressId, AssetId>, U256>& out) {
        for (auto& [k, v] : m)
            if (v > 0 && !aside.count(k.second)) out[k] = u(v);
    };
    table(S.freeze, R.freeze);
    table(S.converted, R.converted);
    table(S.frontier, R.frontier);
    for (auto& [a, t] : S.tot) {
        if (aside.count(a)) continue;
        AssetTotals& x = R.totals[a];
        x.traced = u(t.traced);
        x.converted_in = u(t.converted_in);
        x.contaminated = u(t.contaminated);
        x.at_rest = u(rest[a]);
        x.fees = u(t.fees);
        x.burnt = u(t.burnt);
        x.terminals = u(t.terminals);
        x.converted_out = u(t.converted_out);
        x.below_threshold = u(t.below);
        x.beyond_limits = u(t.beyond);
        x.shortfall = u(t.shortfall);
    }
    R.set_aside = aside;
    return R;
}

}  // namespace chainward::trace::testing
