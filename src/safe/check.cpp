// The check: applies overrides, computes hashes for every version, picks the version used for the
// signatures, decodes the call, recovers signers and collects findings.
#include <fmt/core.h>

#include <algorithm>

#include "safe/findings_internal.hpp"
#include "safe/safe.hpp"

namespace chainward::safe {

Severity CheckReport::worst() const {
    Severity w = Severity::Info;
    for (const auto& f : findings) w = std::max(w, f.severity);
    return w;
}

namespace {

bool apply_overrides(Proposal& p, const FieldOverrides& o) {
    bool changed = false;
    auto set = [&](auto& dst, const auto& src) {
        if (src) {
            changed = changed || dst != *src;
            dst = *src;
        }
    };
    set(p.tx.to, o.to);
    set(p.tx.value, o.value);
    set(p.tx.data, o.data);
    set(p.tx.operation, o.operation);
    set(p.tx.safe_tx_gas, o.safe_tx_gas);
    set(p.tx.base_gas, o.base_gas);
    set(p.tx.gas_price, o.gas_price);
    set(p.tx.gas_token, o.gas_token);
    set(p.tx.refund_receiver, o.refund_receiver);
    if (o.nonce) {
        changed = changed || !p.has_nonce || p.tx.nonce != *o.nonce;
        p.tx.nonce = *o.nonce;
        p.has_nonce = true;
    }
    if (o.signatures) p.signatures = o.signatures;
    return changed;
}

ByteVec signature_blob(const Proposal& p) {
    if (p.signatures) return *p.signatures;
    // No combined blob: the Safe wants the confirmations sorted by owner address.
    std::vector<Confirmation> c = p.confirmations;
    std::sort(c.begin(), c.end(), [](const auto& a, const auto& b) { return a.owner < b.owner; });
    ByteVec out;
    for (const auto& x : c) out.insert(out.end(), x.signature.begin(), x.signature.end());
    return out;
}

ProposalReport check_one(Proposal p, const CheckOptions& o, const std::optional<U256>& chain_id) {
    ProposalReport r;
    const bool changed = apply_overrides(p, o.overrides);
    if (o.safe) p.safe = o.safe;
    if (!p.safe)
        throw InputError(fmt::format("{}: safe address unknown: pass --safe", p.source));
    if (!p.has_nonce)
        throw InputError(fmt::format("{}: nonce unknown: pass --nonce (or --rpc for the Safe's current "
                                     "nonce)", p.source));
    if (changed) p.claimed_safe_tx_hash.reset();  // the record's hash is of other fields now

    for (const auto& rules : known_versions()) {
        if (rules.domain_has_chain_id && !chain_id) continue;
        r.hashes.push_back(compute_hashes(p.tx, rules, *p.safe, chain_id));
    }
    if (o.version) {
        r.version = version_rules(*o.version).version;
        r.version_origin = "given";
    } else if (p.claimed_safe_tx_hash) {
        std::vector<std::string> matching;
        for (const auto& h : r.hashes)
            if (h.safe_tx_hash == *p.claimed_safe_tx_hash) matching.push_back(h.version);
        if (!matching.empty()) {
            r.version = matching.back();
            r.version_origin = matching.size() == 1
                                   ? "matched the record's safeTxHash"
                                   : fmt::format("matched the record's safeTxHash (versions {} to {} "
                                                 "hash alike)", matching.front(), matching.back());
        }
    }
    if (r.version) {
        r.selected = compute_hashes(p.tx, version_rules(*r.version), *p.safe, chain_id);
        if (p.claimed_safe_tx_hash) r.record_hash_matches = *p.claimed_safe_tx_hash == r.selected->safe_tx_hash;
    }
    r.call = decode_call(p.tx.to, p.tx.value, p.tx.data, p.tx.operation, p.safe);

    if (r.selected) {
        ByteVec blob = signature_blob(p);
        r.signatures = parse_signatures(blob, r.selected->safe_tx_hash);
        for (auto& s : r.signatures) {
            const auto part = std::span<const std::uint8_t>(blob).subspan(s.index * 65, 65);
            for (const auto& c : p.confirmations)
                if (c.signature.size() >= 65 && std::equal(part.begin(), part.end(), c.signature.begin()))
                    s.claimed_owner = c.owner;
            if (o.owners && s.signer)
                s.is_owner = std::find(o.owners->begin(), o.owners->end(), *s.signer) != o.owners->end();
        }
    }
    r.proposal = std::move(p);
    return r;
}

}  // namespace

CheckReport check(std::vector<Proposal> proposals, const CheckOptions& options) {
    CheckReport report;
    report.chain_id = options.chain_id;
    for (const auto& p : proposals)
        if (!report.chain_id && p.eth_chain_id) report.chain_id = p.eth_chain_id;
    report.owners = options.owners;
    for (auto& p : proposals) report.proposals.push_back(check_one(std::move(p), options, report.chain_id));
    for (std::size_t i = 0; i < report.proposals.size(); ++i)
        detail::proposal_findings(report, i, options, report.findings);
    detail::cross_findings(report, report.findings);
    std::stable_sort(report.findings.begin(), report.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
    return report;
}

CheckReport check_text(std::string_view input, const CheckOptions& options) {
    return check(parse_proposals(input), options);
}

}  // namespace chainward::safe
