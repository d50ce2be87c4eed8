// Ground-truth reference: poison and haircut taint over simulator records, in chain order.
// Deliberately naive (ordered maps, 256-bit arithmetic, no shortcuts) so that it can be read and
// checked by hand; the production tracer is compared against it. Rules: docs/simulate.md.
#include <optional>
#include <stdexcept>

#include "sim/sim.hpp"

namespace chainward::sim {

using boost::multiprecision::uint256_t;

namespace {
uint256_t wide(u128 v) {
    uint256_t r = static_cast<std::uint64_t>(v >> 64);
    r <<= 64;
    r += static_cast<std::uint64_t>(v);
    return r;
}
u128 narrow(const uint256_t& v) {
    return (static_cast<u128>(static_cast<std::uint64_t>(v >> 64)) << 64) |
           static_cast<std::uint64_t>(v & 0xFFFFFFFFFFFFFFFFull);
}
}  // namespace

void TaintReference::add(const Rec& r) { tx_.push_back(r); }

void TaintReference::apply(const Rec& r) {
    const uint256_t amount = wide(r.amount);
    // WETH mints and burns have no counterparty in the record: the WETH contract (a converter)
    // is the other side.
    const bool from_conv = r.kind == TransferKind::Wrap || (r.from && role_(r.from) == Role::Converter);
    const bool to_conv = r.kind == TransferKind::Unwrap || (r.to && role_(r.to) == Role::Converter);
    const bool from_term = !from_conv && r.from && role_(r.from) == Role::Terminal;
    const bool to_term = !to_conv && r.to && role_(r.to) == Role::Terminal;
    const bool fee = r.kind == TransferKind::Fee || r.kind == TransferKind::Burn;
    const bool is_nft = r.kind == TransferKind::Nft || r.kind == TransferKind::Multi;

    // 1. How much of this transfer is tainted, and debit the sender's pot.
    uint256_t hc = 0;
    bool poison = false;
    if (r.from && !from_conv && !from_term) {
        Pot& p = pots_[Key{r.from, r.asset, r.token_id}];
        if (p.balance < r.amount) throw std::logic_error("reference: balance would go negative");
        if (p.balance > 0) hc = amount * wide(p.haircut) / wide(p.balance);  // pro rata, rounded down
        poison = p.poisoned;
        p.balance -= r.amount;
        p.haircut -= narrow(hc);
    }
    if (from_conv && r.to) {
        // What a converter pays back to an address that paid into a converter in this transaction
        // carries the taint share of what that address paid in.
        auto it = est_.find(r.to);
        if (it != est_.end() && it->second.total > 0) {
            hc = amount * wide(it->second.haircut) / wide(it->second.total);
            poison = it->second.poisoned;
        }
    } else if (is_nft && r.to) {
        // An NFT handed to an address that paid into a converter (the marketplace) in this
        // transaction is what the payment bought: wholly tainted if any paid-in value was.
        auto it = est_.find(r.to);
        if (it != est_.end() && it->second.total > 0) {
            if (it->second.haircut > 0) hc = amount;
            poison = poison || it->second.poisoned;
        }
    }
    if (r.typ == Typology::HeistSource && r.heist == heist_) {
        hc = amount;
        poison = true;
    }
    if (fee) {  // fees leave the sender (with their share of taint) and are not followed
        hc = 0;
        poison = false;
    }

    // 2. Credit the receiver.
    if (!r.to && !to_conv) return;  // burnt
    if (to_conv) {
        if (r.from && !from_conv && !from_term) {
            SwapIn& s = swap_in_[r.from];
            s.total += r.amount;
            s.haircut += narrow(hc);
            s.poisoned = s.poisoned || poison;
        }
        return;
    }
    if (to_term) {
        if (poison || hc > 0) {
            auto [it, fresh] = freeze_.try_emplace(Key{r.to, r.asset, r.token_id});
            FreezePoint& f = it->second;
            if (fresh) {
                f.actor = r.to;
                f.asset = r.asset;
                f.token_id = r.token_id;
                f.first_block = r.block;
            }
            if (poison) {
                f.poison += r.amount;
                f.transfers += 1;
            }
            f.haircut += narrow(hc);
        }
        return;
    }
    Pot& q = pots_[Key{r.to, r.asset, r.token_id}];
    q.balance += r.amount;
    q.haircut += narrow(hc);
    q.poisoned = q.poisoned || poison;
}

bool TaintReference::is_payout(const Rec& r) const {
    const bool from_conv = r.kind == TransferKind::Wrap || (r.from && role_(r.from) == Role::Converter);
    const bool to_conv = r.kind == TransferKind::Unwrap || (r.to && role_(r.to) == Role::Converter);
    const bool nft = r.kind == TransferKind::Nft || r.kind == TransferKind::Multi;
    return (from_conv || nft) && !to_conv && r.to;
}

void TaintReference::end_tx() {
    // The transaction is applied in record order, a payout carrying the share of everything its
    // receiver paid into converters in the whole transaction (est_: as of the previous round).
    // Payments can depend on payouts (value paid out and paid in again), so the transaction is
    // replayed from the pots as they were before it until the payments stop changing; after 16
    // rounds, once more with the still-changing payouts wholly tainted.
    std::vector<std::pair<Key, std::optional<Pot>>> saved;
    auto save = [&](std::uint32_t actor, const Rec& r) {
        Key k{actor, r.asset, r.token_id};
        auto it = pots_.find(k);
        saved.emplace_back(k, it == pots_.end() ? std::nullopt : std::optional<Pot>(it->second));
    };
    for (const Rec& r : tx_) {
        if (r.from) save(r.from, r);
        if (r.to) save(r.to, r);
    }
    const auto freeze_before = freeze_;
    auto same = [](const SwapIn& a, const SwapIn& b) { return a.total == b.total && a.haircut == b.haircut && a.poisoned == b.poisoned; };
    est_.clear();
    for (int round = 1;; ++round) {
        swap_in_.clear();
        for (const Rec& r : tx_) apply(r);
        std::vector<std::uint32_t> moving;
        for (const Rec& r : tx_) {
            if (!is_payout(r)) continue;
            auto e = est_.find(r.to);
            auto p = swap_in_.find(r.to);
            if (!same(e == est_.end() ? SwapIn{} : e->second, p == swap_in_.end() ? SwapIn{} : p->second)) moving.push_back(r.to);
        }
        if (moving.empty() || round > 16) break;
        for (auto i = saved.rbegin(); i != saved.rend(); ++i) {
            if (i->second)
                pots_[i->first] = *i->second;
            else
                pots_.erase(i->first);
        }
        freeze_ = freeze_before;
        est_ = swap_in_;
        if (round == 16)
            for (std::uint32_t p : moving) {
                SwapIn& x = est_[p];
                x.haircut = x.total;
            }
    }
    tx_.clear();
    swap_in_.clear();
    est_.clear();
}

std::vector<FreezePoint> TaintReference::freeze_points() const {
    std::vector<FreezePoint> out;
    out.reserve(freeze_.size());
    for (const auto& [k, f] : freeze_) out.push_back(f);
    return out;
}

}  // namespace chainward::sim
