// Ground-truth reference: poison and haircut taint over simulator records, in chain order.
// Deliberately naive (ordered maps, 256-bit arithmetic, no shortcuts) so that it can be read and
// checked by hand; the production tracer is compared against it. Rules: docs/simulate.md.
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
        auto it = swap_in_.find(r.to);
        if (it != swap_in_.end() && it->second.total > 0) {
            hc = amount * wide(it->second.haircut) / wide(it->second.total);
            poison = it->second.poisoned;
        }
    } else if (is_nft && r.to) {
        // An NFT handed to an address that paid into a converter (the marketplace) in this
        // transaction is what the payment bought: wholly tainted if any paid-in value was.
        auto it = swap_in_.find(r.to);
        if (it != swap_in_.end() && it->second.total > 0) {
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
    // Within one transaction, everything paid into converters is known before what they pay out
    // is credited, whatever the order of frames and logs.
    for (const Rec& r : tx_)
        if (!is_payout(r)) apply(r);
    for (const Rec& r : tx_)
        if (is_payout(r)) apply(r);
    tx_.clear();
    swap_in_.clear();
}

std::vector<FreezePoint> TaintReference::freeze_points() const {
    std::vector<FreezePoint> out;
    out.reserve(freeze_.size());
    for (const auto& [k, f] : freeze_) out.push_back(f);
    return out;
}

}  // namespace chainward::sim
