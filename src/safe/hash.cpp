// EIP-712 hashes of a SafeTx, per released Safe version. The type strings are those of each
// version's contract source (see docs/safe-check.md for the file and line of each).
#include <fmt/core.h>

#include "safe/abi.hpp"
#include "safe/safe.hpp"

namespace chainward::safe {

namespace {
// 1.0.0 renamed 0.1.0's `dataGas` to `baseGas`; the SafeTx string is the same from 1.0.0 on.
constexpr const char* kSafeTxType =
    "SafeTx(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,uint256 baseGas,"
    "uint256 gasPrice,address gasToken,address refundReceiver,uint256 nonce)";
// Before 1.3.0 the domain had no chain id, so a signature was valid on every chain.
constexpr const char* kDomainLegacy = "EIP712Domain(address verifyingContract)";
constexpr const char* kDomainChain = "EIP712Domain(uint256 chainId,address verifyingContract)";
}  // namespace

const char* operation_name(Operation op) { return op == Operation::Call ? "CALL" : "DELEGATECALL"; }

const std::vector<VersionRules>& known_versions() {
    static const std::vector<VersionRules> v = {
        {"1.0.0", false, kDomainLegacy, kSafeTxType}, {"1.1.0", false, kDomainLegacy, kSafeTxType},
        {"1.1.1", false, kDomainLegacy, kSafeTxType}, {"1.2.0", false, kDomainLegacy, kSafeTxType},
        {"1.3.0", true, kDomainChain, kSafeTxType},   {"1.4.0", true, kDomainChain, kSafeTxType},
        {"1.4.1", true, kDomainChain, kSafeTxType},   {"1.5.0", true, kDomainChain, kSafeTxType},
    };
    return v;
}

const VersionRules& version_rules(std::string_view version) {
    std::string_view v = version;
    if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v.remove_prefix(1);
    if (auto plus = v.find('+'); plus != std::string_view::npos) v = v.substr(0, plus);  // "1.3.0+L2"
    std::string names;
    for (const auto& r : known_versions()) {
        if (r.version == v) return r;
        names += (names.empty() ? "" : ", ") + r.version;
    }
    throw InputError(fmt::format("safe version: unknown Safe version '{}' (known: {})", version, names));
}

TxHashes compute_hashes(const SafeTx& tx, const VersionRules& rules, const Address& safe,
                        const std::optional<U256>& chain_id) {
    ByteVec domain;
    abi::append(domain, abi::word(keccak256(rules.domain_type)));
    if (rules.domain_has_chain_id) {
        if (!chain_id)
            throw InputError(fmt::format(
                "chain id: Safe {} signs the chain id: pass --chain-id (or --rpc)", rules.version));
        abi::append(domain, abi::word(*chain_id));
    }
    abi::append(domain, abi::word(safe));

    ByteVec msg;
    abi::append(msg, abi::word(keccak256(rules.safe_tx_type)));
    abi::append(msg, abi::word(tx.to));
    abi::append(msg, abi::word(tx.value));
    abi::append(msg, abi::word(keccak256(tx.data)));  // EIP-712: dynamic bytes are hashed
    abi::append(msg, abi::word(U256(static_cast<unsigned>(tx.operation))));
    abi::append(msg, abi::word(tx.safe_tx_gas));
    abi::append(msg, abi::word(tx.base_gas));
    abi::append(msg, abi::word(tx.gas_price));
    abi::append(msg, abi::word(tx.gas_token));
    abi::append(msg, abi::word(tx.refund_receiver));
    abi::append(msg, abi::word(tx.nonce));

    TxHashes h;
    h.version = rules.version;
    h.domain_hash = keccak256(domain);
    h.message_hash = keccak256(msg);
    ByteVec outer{0x19, 0x01};
    outer.insert(outer.end(), h.domain_hash.b.begin(), h.domain_hash.b.end());
    outer.insert(outer.end(), h.message_hash.b.begin(), h.message_hash.b.end());
    h.safe_tx_hash = keccak256(outer);
    return h;
}

}  // namespace chainward::safe
