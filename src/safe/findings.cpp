// Findings: each rule adds one plain-language sentence with a severity. Critical means "do not
// sign until you understand this"; warning means "unusual, check it"; info is context.
#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <set>

#include "safe/findings_internal.hpp"

namespace chainward::safe {

const std::vector<std::pair<Address, std::string>>& default_delegatecall_allowlist() {
    // Canonical (and eip155) deployments from safe-global/safe-deployments src/assets/v*/.
    static const std::vector<std::pair<Address, std::string>> list = [] {
        std::vector<std::pair<Address, std::string>> v;
        auto add = [&](const char* a, const char* name) { v.emplace_back(parse_address(a), name); };
        add("0x40A2aCCbd92BCA938b02010E17A5b8929b49130D", "MultiSendCallOnly 1.3.0");
        add("0xA1dabEF33b3B82c7814B6D82A79e50F4AC44102B", "MultiSendCallOnly 1.3.0 (eip155)");
        add("0x9641d764fc13c8B624c04430C7356C1C7C8102e2", "MultiSendCallOnly 1.4.1");
        add("0xA83c336B20401Af773B6219BA5027174338D1836", "MultiSendCallOnly 1.5.0");
        add("0xA65387F16B013cf2Af4605Ad8aA5ec25a2cbA3a2", "SignMessageLib 1.3.0");
        add("0x98FFBBF51bb33A056B08ddf711f289936AafF717", "SignMessageLib 1.3.0 (eip155)");
        add("0xd53cd0aB83D845Ac265BE939c57F53AD838012c9", "SignMessageLib 1.4.1");
        add("0x4FfeF8222648872B3dE295Ba1e49110E61f5b5aa", "SignMessageLib 1.5.0");
        add("0x526643F69b81B008F46d95CD5ced5eC0edFFDaC6", "SafeMigration 1.4.1");
        add("0x6439e7ABD8Bb915A5263094784C5CF561c4172AC", "SafeMigration 1.5.0");
        return v;
    }();
    return list;
}

const char* severity_name(Severity s) {
    switch (s) {
        case Severity::Info: return "info";
        case Severity::Warning: return "warning";
        case Severity::Critical: return "critical";
    }
    return "info";
}

namespace detail {

namespace {

struct Sink {
    std::vector<Finding>& out;
    std::size_t proposal;
    void add(Severity s, std::string code, std::string msg) {
        out.push_back({s, std::move(code), std::move(msg), proposal});
    }
};

std::optional<std::string> allowlisted_delegate(const Address& a, const CheckOptions& o) {
    for (const auto& [addr, name] : default_delegatecall_allowlist())
        if (addr == a) return name;
    for (const auto& x : o.delegatecall_allowlist)
        if (x == a) return std::string("user allowlist");
    return std::nullopt;
}

std::string fn_name(const DecodedCall& c) { return c.function.substr(0, c.function.find('(')); }

/// A movement of value the call makes on behalf of the Safe.
struct Movement {
    Address recipient;
    U256 amount;
    std::string asset;  ///< "ETH" or "token 0x…"
};

void movements(const DecodedCall& c, std::vector<Movement>& out) {
    if (c.value != 0) out.push_back({c.to, c.value, "ETH"});
    if (!c.error.empty()) return;
    const auto fn = fn_name(c);
    const auto& A = c.address_args;
    const auto& N = c.amount_args;
    const std::string token = "token " + c.to.checksum();
    if (fn == "transfer" && c.category == "erc20") out.push_back({A[0], N[0], token});
    else if (fn == "transferFrom") out.push_back({A[1], N[0], token});
    else if (fn == "safeTransferFrom" && c.category == "erc721") out.push_back({A[1], N[0], token + " NFT"});
    else if (fn == "safeTransferFrom") out.push_back({A[1], N[1], token});
    else if (fn == "safeBatchTransferFrom") out.push_back({A[1], 0, token + " (batch)"});
    for (const auto& sub : c.inner) movements(sub, out);
}

void call_findings(const DecodedCall& c, const std::optional<Address>& safe, const CheckOptions& o,
                   Sink& sink, const std::string& where) {
    const std::string to = c.to.checksum();
    if (!c.error.empty())
        sink.add(Severity::Critical, "malformed-call",
                 fmt::format("{}The call data cannot be decoded ({}): nobody can tell what you "
                             "would sign.", where, c.error));
    if (c.operation == Operation::DelegateCall) {
        if (auto name = allowlisted_delegate(c.to, o))
            sink.add(Severity::Info, "delegatecall-allowlisted",
                     fmt::format("{}DELEGATECALL to {} ({}), a trusted Safe library.", where, to, *name));
        else
            sink.add(Severity::Critical, "delegatecall-untrusted",
                     fmt::format("{}DELEGATECALL to {}, which is not a trusted Safe library: its code "
                                 "would run as the Safe itself and can replace the implementation "
                                 "(slot 0), the owners and drain every asset.", where, to));
    }
    const bool self = safe && c.to == *safe;
    const auto fn = fn_name(c);
    if (c.category == "safe" && self && c.error.empty()) {
        static const std::set<std::string> critical = {"changeMasterCopy", "enableModule", "setGuard",
                                                       "setModuleGuard", "setFallbackHandler"};
        static const std::set<std::string> warning = {"addOwnerWithThreshold", "removeOwner",
                                                      "swapOwner", "changeThreshold", "disableModule"};
        if (critical.count(fn))
            sink.add(Severity::Critical, "safe-config-change", where + c.summary + ".");
        else if (warning.count(fn))
            sink.add(Severity::Warning, "safe-config-change", where + c.summary + ".");
    }
    if (c.category == "migration")
        sink.add(Severity::Warning, "safe-config-change",
                 fmt::format("{}This migrates the Safe to another implementation through {}.", where, to));
    if (c.error.empty() && (fn == "approve" || fn == "increaseAllowance" || fn == "setApprovalForAll") &&
        !c.amount_args.empty() && c.amount_args[0] != 0) {
        const Address& spender = c.address_args[0];
        bool trusted = std::find(o.spender_allowlist.begin(), o.spender_allowlist.end(), spender) !=
                       o.spender_allowlist.end();
        if (!trusted)
            sink.add(Severity::Warning, "approval-untrusted",
                     fmt::format("{}{}; {} is not on your spender allowlist.", where, c.summary,
                                 spender.checksum()));
    }
    if (o.label_of) {
        std::vector<Address> involved{c.to};
        involved.insert(involved.end(), c.address_args.begin(), c.address_args.end());
        std::set<Address> seen;
        for (const auto& a : involved) {
            if (!seen.insert(a).second) continue;
            if (auto label = o.label_of(a))
                sink.add(Severity::Critical, "risk-label",
                         fmt::format("{}The call involves {}, labelled '{}'.", where, a.checksum(), *label));
        }
    }
    for (std::size_t k = 0; k < c.inner.size(); ++k)
        call_findings(c.inner[k], safe, o, sink, fmt::format("{}Batch item {}: ", where, k + 1));
}

}  // namespace

void proposal_findings(const CheckReport& report, std::size_t i, const CheckOptions& o,
                       std::vector<Finding>& out) {
    const ProposalReport& pr = report.proposals[i];
    const Proposal& p = pr.proposal;
    Sink sink{out, i};
    const SafeTx& tx = p.tx;

    if (p.eth_tx_hash)
        sink.add(Severity::Info, "raw-transaction",
                 fmt::format("Raw transaction {} sent by {}{}.", p.eth_tx_hash->hex(),
                             p.eth_tx_sender ? p.eth_tx_sender->checksum() : "an unrecoverable sender",
                             p.eth_chain_id ? " on chain " + to_decimal(*p.eth_chain_id) : ""));
    if (!pr.version)
        sink.add(Severity::Warning, "version-unknown",
                 "The Safe version is unknown (pass --safe-version or --rpc): the signatures were not "
                 "checked.");
    if (p.claimed_safe_tx_hash && pr.record_hash_matches == false)
        sink.add(Severity::Critical, "safe-tx-hash-mismatch",
                 fmt::format("The record's safeTxHash {} is not the hash of its fields ({} for Safe {}): "
                             "the fields shown are not what was signed.",
                             p.claimed_safe_tx_hash->hex(), pr.selected->safe_tx_hash.hex(), *pr.version));
    if (p.claimed_safe_tx_hash && !pr.version)
        sink.add(Severity::Critical, "safe-tx-hash-mismatch",
                 fmt::format("The record's safeTxHash {} matches no Safe version for these fields, "
                             "this Safe and this chain.", p.claimed_safe_tx_hash->hex()));

    call_findings(pr.call, p.safe, o, sink, "");

    if (tx.gas_price != 0 || !tx.gas_token.is_zero() || !tx.refund_receiver.is_zero()) {
        U256 gas = tx.safe_tx_gas + tx.base_gas;
        std::string max = tx.gas_price != 0 && tx.safe_tx_gas != 0
                              ? fmt::format(" up to about {} × {} base units", to_decimal(gas),
                                            to_decimal(tx.gas_price))
                              : "";
        sink.add(Severity::Warning, "gas-refund",
                 fmt::format("The Safe pays a gas refund{} in {} to {}: gasPrice {}, gasToken {}, "
                             "refundReceiver {} (a way to hide a payment).",
                             max, tx.gas_token.is_zero() ? "ETH" : "token " + tx.gas_token.checksum(),
                             tx.refund_receiver.is_zero() ? "whoever executes it"
                                                          : tx.refund_receiver.checksum(),
                             to_decimal(tx.gas_price), tx.gas_token.checksum(),
                             tx.refund_receiver.checksum()));
        if (o.label_of && !tx.refund_receiver.is_zero())
            if (auto label = o.label_of(tx.refund_receiver))
                sink.add(Severity::Critical, "risk-label",
                         fmt::format("The refund receiver {} is labelled '{}'.",
                                     tx.refund_receiver.checksum(), *label));
    }

    if (o.expect_to || o.expect_value) {
        std::vector<Movement> moves;
        movements(pr.call, moves);
        const bool delegate = pr.call.operation == Operation::DelegateCall && pr.call.category != "multisend";
        if (delegate)
            sink.add(Severity::Critical, "expectation-mismatch",
                     "You expect a transfer, but this is a DELEGATECALL: what it moves is decided by "
                     "the called code, not by these fields.");
        if (moves.empty())
            sink.add(Severity::Critical, "expectation-mismatch",
                     fmt::format("You expect a transfer{}{}, but the transaction moves no ETH or tokens.",
                                 o.expect_value ? " of " + to_decimal(*o.expect_value) : "",
                                 o.expect_to ? " to " + o.expect_to->checksum() : ""));
        for (const auto& m : moves) {
            if (o.expect_to && m.recipient != *o.expect_to)
                sink.add(Severity::Critical, "expectation-mismatch",
                         fmt::format("It sends {} of {} to {}, not to {} as you expect.",
                                     to_decimal(m.amount), m.asset, m.recipient.checksum(),
                                     o.expect_to->checksum()));
            else if (o.expect_value && m.amount != *o.expect_value)
                sink.add(Severity::Critical, "expectation-mismatch",
                         fmt::format("It sends {} of {} to {}, not {} as you expect.", to_decimal(m.amount),
                                     m.asset, m.recipient.checksum(), to_decimal(*o.expect_value)));
        }
    }

    // Signatures.
    std::optional<Address> last;
    bool sorted = true;
    std::size_t valid_owner_sigs = 0;
    for (const auto& s : pr.signatures) {
        const std::string who = s.signer ? s.signer->checksum() : std::string("?");
        if (s.kind == SignatureKind::Invalid) {
            sink.add(Severity::Critical, "signature-invalid",
                     fmt::format("Signature {} is invalid: {}.", s.index + 1, s.note));
            continue;
        }
        if (s.claimed_owner && s.signer && *s.claimed_owner != *s.signer)
            sink.add(Severity::Critical, "signature-wrong-signer",
                     fmt::format("Signature {} claims to be from owner {} but over this transaction's "
                                 "hash it recovers to {}: it is not a valid owner signature for this "
                                 "transaction (it was made for other data).",
                                 s.index + 1, s.claimed_owner->checksum(), who));
        if (s.is_owner == false)
            sink.add(Severity::Critical, "signer-not-owner",
                     fmt::format("Signature {} comes from {}, which is not an owner of the Safe.",
                                 s.index + 1, who));
        if (s.kind == SignatureKind::ApprovedHash || s.kind == SignatureKind::Contract)
            sink.add(Severity::Info, "signature-unverifiable",
                     fmt::format("Signature {} ({} of {}) cannot be checked offline: {}.", s.index + 1,
                                 signature_kind_name(s.kind), who, s.note));
        if (s.signer) {
            if (last && !(*last < *s.signer)) sorted = false;
            last = s.signer;
        }
        if (s.is_owner == true && s.verified_offline) ++valid_owner_sigs;
    }
    if (!sorted)
        sink.add(Severity::Warning, "signatures-unsorted",
                 "The signatures are not sorted by strictly ascending signer address: the Safe will "
                 "reject them.");
    if (report.owners && !pr.signatures.empty())
        sink.add(Severity::Info, "owner-signatures",
                 fmt::format("{} of {} signatures are valid ECDSA signatures by owners{}.", valid_owner_sigs,
                             pr.signatures.size(),
                             o.threshold ? " (threshold " + to_decimal(*o.threshold) + ")" : ""));
}

void cross_findings(const CheckReport& report, std::vector<Finding>& out) {
    std::map<std::pair<Address, U256>, std::vector<std::size_t>> by_nonce;
    for (std::size_t i = 0; i < report.proposals.size(); ++i) {
        const auto& p = report.proposals[i].proposal;
        if (p.safe) by_nonce[{*p.safe, p.tx.nonce}].push_back(i);
    }
    for (const auto& [key, idx] : by_nonce) {
        if (idx.size() < 2) continue;
        std::set<Hash32> distinct;
        std::string names;
        for (auto i : idx) {
            const auto& pr = report.proposals[i];
            if (pr.selected) distinct.insert(pr.selected->safe_tx_hash);
            else if (pr.proposal.claimed_safe_tx_hash) distinct.insert(*pr.proposal.claimed_safe_tx_hash);
            names += (names.empty() ? "" : ", ") + pr.proposal.source;
        }
        if (distinct.size() < 2) continue;
        out.push_back({Severity::Warning, "duplicate-nonce",
                       fmt::format("{} different proposals share nonce {} of Safe {} ({}): only one can "
                                   "execute; make sure the one you sign is the one you were shown.",
                                   distinct.size(), to_decimal(key.second), key.first.checksum(), names),
                       std::nullopt});
    }
}

}  // namespace detail
}  // namespace chainward::safe
