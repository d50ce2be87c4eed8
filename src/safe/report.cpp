// Reports: JSON (schema in docs/safe-check.md) and text. Written with fmt; strings are escaped
// here because fmt has no JSON mode.
#include <fmt/core.h>

#include "safe/safe.hpp"

namespace chainward::safe {

namespace {

std::string q(std::string_view s) { return "\"" + json_escape(s) + "\""; }

template <class T, class F>
std::string opt(const std::optional<T>& v, F&& f) {
    return v ? f(*v) : "null";
}

std::string qdec(const U256& v) { return q(to_decimal(v)); }

std::string call_json(const DecodedCall& c) {
    std::string args, inner;
    for (const auto& a : c.args)
        args += fmt::format("{}{{\"name\":{},\"type\":{},\"value\":{}}}", args.empty() ? "" : ",",
                            q(a.name), q(a.type), q(a.value));
    for (const auto& s : c.inner) inner += (inner.empty() ? "" : ",") + call_json(s);
    return fmt::format(
        "{{\"to\":{},\"value\":{},\"operation\":{},\"selector\":{},\"function\":{},\"category\":{},"
        "\"summary\":{},\"error\":{},\"args\":[{}],\"inner\":[{}]}}",
        q(c.to.checksum()), qdec(c.value), q(operation_name(c.operation)),
        c.selector.empty() ? "null" : q(c.selector), c.function.empty() ? "null" : q(c.function),
        q(c.category), q(c.summary), c.error.empty() ? "null" : q(c.error), args, inner);
}

std::string hashes_json(const TxHashes& h) {
    return fmt::format("{{\"version\":{},\"domainHash\":{},\"messageHash\":{},\"safeTxHash\":{}}}",
                       q(h.version), q(h.domain_hash.hex()), q(h.message_hash.hex()),
                       q(h.safe_tx_hash.hex()));
}

std::string addr(const Address& a) { return q(a.checksum()); }

std::string proposal_json(const ProposalReport& r) {
    const Proposal& p = r.proposal;
    const SafeTx& t = p.tx;
    std::string hashes, sigs;
    for (const auto& h : r.hashes) hashes += (hashes.empty() ? "" : ",") + hashes_json(h);
    for (const auto& s : r.signatures)
        sigs += fmt::format(
            "{}{{\"index\":{},\"kind\":{},\"v\":{},\"signer\":{},\"claimedOwner\":{},\"isOwner\":{},"
            "\"verifiedOffline\":{},\"note\":{}}}",
            sigs.empty() ? "" : ",", s.index, q(signature_kind_name(s.kind)), s.v, opt(s.signer, addr),
            opt(s.claimed_owner, addr),
            opt(s.is_owner, [](bool b) { return std::string(b ? "true" : "false"); }),
            s.verified_offline ? "true" : "false", q(s.note));
    std::string eth = "null";
    if (p.eth_tx_hash)
        eth = fmt::format("{{\"hash\":{},\"sender\":{},\"chainId\":{}}}", q(p.eth_tx_hash->hex()),
                          opt(p.eth_tx_sender, addr), opt(p.eth_chain_id, qdec));
    return fmt::format(
        "{{\"source\":{},\"safe\":{},\"nonce\":{},\"version\":{},\"versionOrigin\":{},"
        "\"domainHash\":{},\"messageHash\":{},\"safeTxHash\":{},\"recordSafeTxHash\":{},"
        "\"recordHashMatches\":{},\"executed\":{},"
        "\"tx\":{{\"to\":{},\"value\":{},\"data\":{},\"operation\":{},\"safeTxGas\":{},\"baseGas\":{},"
        "\"gasPrice\":{},\"gasToken\":{},\"refundReceiver\":{},\"nonce\":{}}},"
        "\"hashes\":[{}],\"call\":{},\"signatures\":[{}],\"ethTransaction\":{}}}",
        q(p.source), opt(p.safe, addr), qdec(t.nonce), opt(r.version, q),
        r.version_origin.empty() ? "null" : q(r.version_origin),
        opt(r.selected, [](const TxHashes& h) { return q(h.domain_hash.hex()); }),
        opt(r.selected, [](const TxHashes& h) { return q(h.message_hash.hex()); }),
        opt(r.selected, [](const TxHashes& h) { return q(h.safe_tx_hash.hex()); }),
        opt(p.claimed_safe_tx_hash, [](const Hash32& h) { return q(h.hex()); }),
        opt(r.record_hash_matches, [](bool b) { return std::string(b ? "true" : "false"); }),
        p.executed ? "true" : "false", addr(t.to), qdec(t.value), q(to_hex(t.data)),
        static_cast<int>(t.operation), qdec(t.safe_tx_gas), qdec(t.base_gas), qdec(t.gas_price),
        addr(t.gas_token), addr(t.refund_receiver), qdec(t.nonce), hashes, call_json(r.call), sigs, eth);
}

void call_text(const DecodedCall& c, int indent, std::string& out) {
    std::string pad(static_cast<std::size_t>(indent), ' ');
    out += fmt::format("{}{}\n", pad, c.summary);
    if (!c.function.empty()) out += fmt::format("{}  function {} ({})\n", pad, c.function, c.selector);
    for (const auto& a : c.args)
        if (a.type != "bytes" || c.category != "multisend")
            out += fmt::format("{}    {} {} = {}\n", pad, a.type, a.name, a.value);
    for (const auto& s : c.inner) call_text(s, indent + 4, out);
}

}  // namespace

std::string report_json(const CheckReport& r) {
    std::string findings, proposals, owners = "null";
    for (const auto& f : r.findings)
        findings += fmt::format("{}{{\"severity\":{},\"code\":{},\"message\":{},\"proposal\":{}}}",
                                findings.empty() ? "" : ",", q(severity_name(f.severity)), q(f.code),
                                q(f.message), opt(f.proposal, [](std::size_t i) { return std::to_string(i); }));
    for (const auto& p : r.proposals) proposals += (proposals.empty() ? "" : ",") + proposal_json(p);
    if (r.owners) {
        owners.clear();
        for (const auto& a : *r.owners) owners += (owners.empty() ? "" : ",") + addr(a);
        owners = "[" + owners + "]";
    }
    return fmt::format("{{\"worst\":{},\"exitCode\":{},\"chainId\":{},\"owners\":{},\"findings\":[{}],"
                       "\"proposals\":[{}]}}\n",
                       q(severity_name(r.worst())), r.exit_code(), opt(r.chain_id, qdec), owners, findings,
                       proposals);
}

std::string report_text(const CheckReport& r) {
    std::string out;
    for (std::size_t i = 0; i < r.proposals.size(); ++i) {
        const auto& pr = r.proposals[i];
        const auto& p = pr.proposal;
        out += fmt::format("== {} (Safe {}, nonce {})\n", p.source, p.safe->checksum(), to_decimal(p.tx.nonce));
        if (pr.selected)
            out += fmt::format("Safe version {} ({})\n  domain hash  {}\n  message hash {}\n  safeTxHash   {}\n",
                               *pr.version, pr.version_origin, pr.selected->domain_hash.hex(),
                               pr.selected->message_hash.hex(), pr.selected->safe_tx_hash.hex());
        if (p.claimed_safe_tx_hash)
            out += fmt::format("  record safeTxHash {} ({})\n", p.claimed_safe_tx_hash->hex(),
                               pr.record_hash_matches == true ? "matches" : "DOES NOT MATCH");
        out += "Hashes for every version:\n";
        for (const auto& h : pr.hashes)
            out += fmt::format("  {}  domain {}  message {}  safeTxHash {}\n", h.version, h.domain_hash.hex(),
                               h.message_hash.hex(), h.safe_tx_hash.hex());
        if (!r.chain_id) out += "  (1.3.0 and later need --chain-id)\n";
        out += "Call:\n";
        call_text(pr.call, 2, out);
        if (!pr.signatures.empty()) out += "Signatures:\n";
        for (const auto& s : pr.signatures)
            out += fmt::format("  {}. {} v={} signer {}{}{}\n", s.index + 1, signature_kind_name(s.kind), s.v,
                               s.signer ? s.signer->checksum() : "-",
                               s.is_owner ? (*s.is_owner ? " (owner)" : " (NOT AN OWNER)") : "",
                               s.claimed_owner && s.signer && *s.claimed_owner != *s.signer
                                   ? " (claimed " + s.claimed_owner->checksum() + ")"
                                   : "");
        out += "\n";
    }
    out += "Findings:\n";
    for (const auto& f : r.findings)
        out += fmt::format("  [{}] {}{}\n", severity_name(f.severity),
                           f.proposal ? "(" + r.proposals[*f.proposal].proposal.source + ") " : "", f.message);
    if (r.findings.empty()) out += "  none\n";
    out += fmt::format("Verdict: {}\n", severity_name(r.worst()));
    return out;
}

}  // namespace chainward::safe
