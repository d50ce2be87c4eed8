// A tiny reference tracer for differential tests: reads EVERY transfer in chain order, keeps a pot
// for every (address, asset) from the first block, ordered maps, lots as plain vectors. Slow and
// obviously correct; it shares no code with src/trace (only the rules of docs/tracing.md).
#pragma once

#include <map>
#include <set>
#include <vector>

#include "trace/trace.hpp"

namespace chainward::trace::testing {

struct RefPot {
    U256 bal = 0, taint = 0;
    bool poisoned = false;
    std::vector<std::pair<U256, bool>> lots;  // oldest first; a never-tainted pot has none
    bool has_lots = false;
};

struct RefResult {
    std::map<std::pair<AddressId, AssetId>, U256> at_rest, freeze, converted, frontier;
    std::map<AssetId, AssetTotals> totals;
};

inline RefResult reference_trace(const std::vector<TransferRef>& all, const Options& o) {
    RefResult R;
    std::map<std::pair<AddressId, AssetId>, RefPot> pots;
    std::map<AddressId, std::uint32_t> hop;  // followed addresses (ever tainted) and their hop
    std::set<AddressId> source_addr;
    std::set<std::uint64_t> src_ids;
    for (const auto& t : o.source_transfers) src_ids.insert(t.id);
    auto role = [&](AddressId a) {
        auto it = o.roles.find(a);
        return a == 0 || it == o.roles.end() ? Role::Plain : it->second;
    };
    auto followed = [&](AddressId a) { return a != 0 && hop.count(a) > 0; };
    auto min_of = [&](AssetId a) {
        auto it = o.min_amount.find(a);
        return it == o.min_amount.end() ? o.default_min_amount : it->second;
    };
    const bool lots_model = o.model == Model::Fifo || o.model == Model::Lifo;

    // FIFO: the units the last outflow took, in order (an arrival keeps that order when it carries
    // exactly their taint)
    std::vector<std::pair<U256, bool>> taken;
    U256 taken_amount = 0;
    auto take = [&](RefPot& p, U256 amount) -> U256 {  // tainted part of an outflow
        taken.clear();
        taken_amount = amount;
        if (amount > p.bal) amount = p.bal;
        if (!p.has_lots && amount > 0) taken.push_back({amount, false});
        U256 t = 0;
        if (o.model == Model::Poison) {
            t = p.poisoned ? amount : U256(0);
        } else if (o.model == Model::Haircut) {
            if (p.bal > 0) {
                boost::multiprecision::uint512_t x = boost::multiprecision::uint512_t(amount) * p.taint / p.bal;
                t = x.convert_to<U256>();
            }
        } else if (o.model == Model::Tiho) {
            t = amount < p.taint ? amount : p.taint;
        } else if (p.has_lots) {
            U256 left = amount;
            while (left > 0 && !p.lots.empty()) {
                auto& l = o.model == Model::Fifo ? p.lots.front() : p.lots.back();
                U256 k = left < l.first ? left : l.first;
                if (l.second) t += k;
                taken.push_back({k, l.second});
                l.first -= k;
                left -= k;
                if (l.first == 0) {
                    if (o.model == Model::Fifo)
                        p.lots.erase(p.lots.begin());
                    else
                        p.lots.pop_back();
                }
            }
        }
        p.bal -= amount;
        p.taint = o.model == Model::Poison ? (p.poisoned ? p.bal : U256(0)) : p.taint - t;
        return t;
    };
    auto give = [&](RefPot& p, AssetId asset, const U256& amount, const U256& tainted) {
        if (o.model == Model::Poison) {
            if (p.poisoned)
                R.totals[asset].contaminated += amount - tainted;
            else if (tainted > 0) {
                R.totals[asset].contaminated += p.bal + amount - tainted;
                p.poisoned = true;
            }
            p.bal += amount;
            p.taint = p.poisoned ? p.bal : U256(0);
            return;
        }
        if (lots_model && (p.has_lots || tainted > 0)) {
            if (!p.has_lots && p.bal > 0) p.lots.push_back({p.bal, false});
            p.has_lots = true;
            U256 tt = 0, sum = 0;
            for (auto& [k, b] : taken) {
                sum += k;
                if (b) tt += k;
            }
            if (o.model == Model::Fifo && !taken.empty() && taken_amount == amount && tt == tainted) {
                for (auto& l : taken) p.lots.push_back(l);
                if (amount > sum) p.lots.push_back({amount - sum, false});  // shortfall: clean, last
            } else {
                if (tainted > 0) p.lots.push_back({tainted, true});
                if (amount > tainted) p.lots.push_back({amount - tainted, false});
            }
        }
        p.bal += amount;
        p.taint += tainted;
    };

    struct Sw {
        U256 total = 0, tainted = 0;
    };
    std::map<AddressId, Sw> sw;
    std::vector<AddressSource> pending(o.source_addresses.begin(), o.source_addresses.end());

    auto apply = [&](const TransferRef& t, const Sw* s) {
        taken.clear();
        taken_amount = 0;
        const bool fee = t.kind == TransferKind::Fee || t.kind == TransferKind::Burn;
        const bool src = !fee && src_ids.count(t.id) > 0;
        auto& T = R.totals[t.asset];
        U256 carried = 0;
        std::uint32_t h = 1;
        // debit the sender (every pot is kept, followed or not: an unfollowed pot has no taint)
        if (t.from != 0 && role(t.from) != Role::Converter) {
            RefPot& p = pots[{t.from, t.asset}];
            if (t.amount > p.bal) T.shortfall += t.amount - p.bal;
            U256 c = take(p, t.amount);
            if (followed(t.from)) {
                carried = c;
                h = hop[t.from] + 1;
            }
        }
        if (src) {
            T.traced += t.amount - carried;
            carried = t.amount;
            h = 1;
        }
        if (s) {
            U256 share = 0;
            bool whole = o.model == Model::Poison || t.kind == TransferKind::Nft || t.kind == TransferKind::Multi;
            if (s->tainted > 0) {
                if (whole)
                    share = t.amount;
                else
                    share = (boost::multiprecision::uint512_t(t.amount) * s->tainted / s->total).convert_to<U256>();
            }
            if (share > carried) {
                T.converted_in += share - carried;
                carried = share;
            }
            if (followed(t.to)) h = hop[t.to];
        }
        auto credit_plain = [&](const U256& c) {
            if (t.to == 0 || role(t.to) == Role::Converter) return;
            give(pots[{t.to, t.asset}], t.asset, t.amount, c);
        };
        if (fee) {
            T.fees += carried;
            credit_plain(0);
            return;
        }
        if (source_addr.count(t.to)) {
            T.traced += t.amount - carried;
            carried = t.amount;
        }
        if (carried > 0 && carried < min_of(t.asset)) {
            T.below_threshold += carried;
            carried = 0;
        }
        const bool unwrap = t.kind == TransferKind::Unwrap;
        if (carried > 0 && !followed(t.to) && h > o.max_hops) {
            T.beyond_limits += carried;
            R.frontier[{t.to, t.asset}] += carried;
            credit_plain(0);
            return;
        }
        if (t.to == 0 && !unwrap) {
            T.burnt += carried;
            return;
        }
        if (unwrap || role(t.to) == Role::Converter) {
            if (t.from != 0 && followed(t.from)) {
                sw[t.from].total += t.amount;
                sw[t.from].tainted += carried;
            }
            if (carried > 0) {
                T.converted_out += carried;
                R.converted[{t.to, t.asset}] += carried;
            }
            return;
        }
        if (role(t.to) == Role::Terminal) {
            if (carried > 0) R.freeze[{t.to, t.asset}] += carried;
            if (!o.through_terminals) {
                T.terminals += carried;
                credit_plain(0);  // the terminal's own (clean) balance
                return;
            }
        }
        if (carried > 0) {
            if (!followed(t.to))
                hop[t.to] = h;
            else if (h < hop[t.to])
                hop[t.to] = h;
        }
        credit_plain(carried);
    };

    auto start_sources = [&](std::uint64_t block) {
        for (auto it = pending.begin(); it != pending.end();) {
            if (it->since_block > block) {
                ++it;
                continue;
            }
            source_addr.insert(it->address);
            hop[it->address] = 0;
            for (auto& [k, p] : pots) {
                if (k.first != it->address) continue;
                R.totals[k.second].traced += p.bal - p.taint;
                p.taint = p.bal;
                p.poisoned = true;
                if (lots_model) {
                    p.lots = {{p.bal, true}};
                    p.has_lots = true;
                }
            }
            it = pending.erase(it);
        }
    };

    std::size_t i = 0;
    while (i < all.size()) {
        std::size_t j = i;
        while (j < all.size() && all[j].block == all[i].block && all[j].tx_index == all[i].tx_index) ++j;
        if (o.until_block && all[i].block > *o.until_block) break;
        start_sources(all[i].block);
        std::vector<const TransferRef*> later;
        for (std::size_t k = i; k < j; ++k) {
            const TransferRef& t = all[k];
            bool cand = t.to != 0 && role(t.to) != Role::Converter &&
                        (role(t.from) == Role::Converter || t.kind == TransferKind::Wrap || t.kind == TransferKind::Nft ||
                         t.kind == TransferKind::Multi);
            if (cand)
                later.push_back(&t);
            else
                apply(t, nullptr);
        }
        for (const TransferRef* t : later) {
            auto it = sw.find(t->to);
            apply(*t, it != sw.end() && it->second.total > 0 ? &it->second : nullptr);
        }
        sw.clear();
        i = j;
    }
    start_sources(~0ull);
    for (auto& [k, p] : pots)
        if (p.taint > 0 && followed(k.first)) {
            R.at_rest[k] = p.taint;
            R.totals[k.second].at_rest += p.taint;
        }
    return R;
}

}  // namespace chainward::trace::testing
