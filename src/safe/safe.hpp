// chainward safe: an independent, offline second opinion on a Safe (multisig) transaction before
// it is signed. From the raw fields it computes the EIP-712 hashes a hardware wallet shows, decodes
// the call, recovers the signers and lists findings in plain words. Public header of src/safe.
//
// Data flow: input text (Safe Transaction Service JSON or a raw signed execTransaction) ->
// parse_proposals -> check (hashes, decode, signatures, findings) -> report_json / report_text.
// The CLI command and the future HTTP endpoint (POST /v1/safe/check) are thin wrappers around
// check_text, which takes the same text and options and returns the same report.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.hpp"

namespace chainward::safe {

using ByteVec = std::vector<std::uint8_t>;

/// Safe `Enum.Operation`.
enum class Operation : std::uint8_t { Call = 0, DelegateCall = 1 };
const char* operation_name(Operation op);  ///< "CALL" / "DELEGATECALL"

/// The fields a Safe owner signs (the SafeTx struct), in the contract's order.
struct SafeTx {
    Address to{};
    U256 value = 0;
    ByteVec data;
    Operation operation = Operation::Call;
    U256 safe_tx_gas = 0;
    U256 base_gas = 0;  ///< named `dataGas` before 1.0.0; same position and type
    U256 gas_price = 0;
    Address gas_token{};
    Address refund_receiver{};
    U256 nonce = 0;
};

// ---- versions and hashes (hash.cpp) ---------------------------------------------------------

/// How one released Safe version hashes a SafeTx (type strings as in that version's contract).
struct VersionRules {
    std::string version;           ///< "1.1.1"
    bool domain_has_chain_id;      ///< true from 1.3.0 on
    std::string domain_type;       ///< EIP712Domain type string
    std::string safe_tx_type;      ///< SafeTx type string
};

/// Every released Safe version from 1.0.0 on, oldest first.
const std::vector<VersionRules>& known_versions();
/// Rules of one version ("1.3.0", also "v1.3.0" and "1.3.0+L2"); throws InputError naming the
/// known versions when the version is not one of them.
const VersionRules& version_rules(std::string_view version);

/// The three hashes a hardware wallet shows for a Safe transaction.
struct TxHashes {
    std::string version;
    Hash32 domain_hash{};   ///< EIP-712 domain separator
    Hash32 message_hash{};  ///< hashStruct(SafeTx)
    Hash32 safe_tx_hash{};  ///< keccak256(0x19 0x01 domain message): what owners sign
};

/// Hashes of `tx` for one version. `chain_id` is required (InputError otherwise) from 1.3.0 on.
TxHashes compute_hashes(const SafeTx& tx, const VersionRules& rules, const Address& safe,
                        const std::optional<U256>& chain_id);

// ---- decoding (abi.cpp, decode.cpp) ---------------------------------------------------------

/// One decoded argument, rendered for people (addresses EIP-55, amounts decimal).
struct DecodedArg {
    std::string name;
    std::string type;
    std::string value;
};

/// What a call means, recursively (MultiSend batches have `inner`).
struct DecodedCall {
    Address to{};
    U256 value = 0;
    Operation operation = Operation::Call;
    ByteVec data;
    std::string selector;   ///< "0xa9059cbb", empty for no data
    std::string function;   ///< "transfer(address,uint256)", empty if unknown
    std::string category;   ///< "erc20", "erc721", "erc1155", "safe", "multisend", "signmessage",
                            ///< "migration", "native", "unknown"
    std::vector<DecodedArg> args;
    std::vector<DecodedCall> inner;  ///< MultiSend sub-transactions
    std::string summary;             ///< plain-language sentence
    std::string error;               ///< why decoding failed (data kept raw), empty if fine
    /// Raw address/amount arguments for findings (not rendered).
    std::vector<Address> address_args;
    std::vector<U256> amount_args;
};

/// Decodes a call the Safe would make. `safe` identifies self-calls. Never throws on unknown
/// selectors; malformed data of a known function is reported in `error`. Depth-limited.
DecodedCall decode_call(const Address& to, const U256& value, std::span<const std::uint8_t> data,
                        Operation op, const std::optional<Address>& safe);

/// Splits MultiSend `transactions` bytes (op u8, to 20, value 32, len 32, data) into calls;
/// throws InputError naming the byte offset when truncated or when an operation is not 0/1.
std::vector<DecodedCall> split_multisend(std::span<const std::uint8_t> packed);

// ---- signatures (signatures.cpp) -------------------------------------------------------------

enum class SignatureKind { Ecdsa, EthSign, ApprovedHash, Contract, Invalid };
const char* signature_kind_name(SignatureKind k);

/// One 65-byte signature part of the Safe `signatures` blob.
struct SignatureInfo {
    std::size_t index = 0;
    SignatureKind kind = SignatureKind::Invalid;
    std::uint8_t v = 0;
    std::optional<Address> signer;   ///< recovered (ECDSA/eth_sign) or claimed (approved/contract)
    bool verified_offline = false;   ///< ECDSA and eth_sign: recovery worked
    std::optional<bool> is_owner;    ///< when the owner list is known
    std::optional<Address> claimed_owner;  ///< from the record's confirmations, if any
    std::string note;
};

/// Splits and checks a Safe signatures blob against `safe_tx_hash` (ECDSA with libsecp256k1,
/// eth_sign when v > 30, approved-hash v = 1, contract v = 0). Throws InputError when the blob
/// length is not a whole number of 65-byte parts (plus any contract-signature data).
std::vector<SignatureInfo> parse_signatures(std::span<const std::uint8_t> blob,
                                            const Hash32& safe_tx_hash);
/// Recovers the address that signed `hash` with a 65-byte r||s||v (v 27/28 or 0/1).
std::optional<Address> ecrecover(const Hash32& hash, std::span<const std::uint8_t> sig65);

// ---- inputs (record.cpp, rawtx.cpp) ----------------------------------------------------------

/// A confirmation from the Safe Transaction Service (owner claims, signature bytes).
struct Confirmation {
    Address owner{};
    ByteVec signature;
};

/// One proposed (or executed) Safe transaction, as read from the input.
struct Proposal {
    std::string source;  ///< "results[1]", "raw transaction", "command line"
    SafeTx tx;
    bool has_nonce = false;
    std::optional<Address> safe;
    std::optional<Hash32> claimed_safe_tx_hash;  ///< the record's own safeTxHash
    std::optional<ByteVec> signatures;
    std::vector<Confirmation> confirmations;
    bool executed = false;
    /// Raw signed transaction only: its hash, sender and EIP-155 chain id.
    std::optional<Hash32> eth_tx_hash;
    std::optional<Address> eth_tx_sender;
    std::optional<U256> eth_chain_id;
};

/// Parses a Safe Transaction Service record, a paginated list (`results`), a JSON array of
/// records, or a raw signed transaction in hex (legacy or EIP-2930/1559) calling execTransaction.
/// Throws InputError naming the record and field on malformed input.
std::vector<Proposal> parse_proposals(std::string_view text);

/// Decodes execTransaction calldata into a SafeTx (nonce unset) and the signatures blob.
std::pair<SafeTx, ByteVec> decode_exec_transaction(std::span<const std::uint8_t> calldata);

// ---- the check (check.cpp, findings.cpp) -----------------------------------------------------

enum class Severity { Info = 0, Warning = 1, Critical = 2 };
const char* severity_name(Severity s);

struct Finding {
    Severity severity = Severity::Info;
    std::string code;     ///< stable identifier, e.g. "delegatecall-untrusted"
    std::string message;  ///< one plain-language sentence
    std::optional<std::size_t> proposal;  ///< index into CheckReport::proposals
};

/// Field overrides from the command line (flags override the record).
struct FieldOverrides {
    std::optional<Address> to;
    std::optional<U256> value;
    std::optional<ByteVec> data;
    std::optional<Operation> operation;
    std::optional<U256> safe_tx_gas, base_gas, gas_price;
    std::optional<Address> gas_token, refund_receiver;
    std::optional<U256> nonce;
    std::optional<ByteVec> signatures;
};

/// Chain facts read from a node (rpc.cpp) or given by the user.
struct SafeState {
    std::optional<std::string> version;
    std::optional<std::vector<Address>> owners;
    std::optional<U256> threshold;
    std::optional<U256> nonce;
    std::optional<U256> chain_id;
};

struct CheckOptions {
    std::optional<U256> chain_id;
    std::optional<Address> safe;
    std::optional<std::string> version;
    std::optional<std::vector<Address>> owners;
    std::optional<U256> threshold;
    FieldOverrides overrides;
    /// Extra trusted DELEGATECALL targets / token spenders (added to the built-in lists).
    std::vector<Address> delegatecall_allowlist;
    std::vector<Address> spender_allowlist;
    /// What the user says they intend.
    std::optional<Address> expect_to;
    std::optional<U256> expect_value;
    /// Risk label of an address (label store), or nullopt.
    std::function<std::optional<std::string>(const Address&)> label_of;
};

/// Result of checking one proposal.
struct ProposalReport {
    Proposal proposal;
    std::optional<std::string> version;   ///< version used for the signature check
    std::string version_origin;           ///< "given", "node", "matched record safeTxHash"
    std::vector<TxHashes> hashes;         ///< every known version (chain-id ones need a chain id)
    std::optional<TxHashes> selected;     ///< hashes of `version`
    std::optional<bool> record_hash_matches;
    DecodedCall call;
    std::vector<SignatureInfo> signatures;
};

struct CheckReport {
    std::optional<U256> chain_id;
    std::optional<std::vector<Address>> owners;
    std::vector<ProposalReport> proposals;
    std::vector<Finding> findings;
    Severity worst() const;
    /// 0 nothing above info, 1 warnings, 2 critical (the CLI's exit code).
    int exit_code() const { return static_cast<int>(worst()); }
};

/// Checks every proposal; throws InputError for missing or malformed required inputs.
CheckReport check(std::vector<Proposal> proposals, const CheckOptions& options);
/// parse_proposals + check: what the CLI and the HTTP endpoint call.
CheckReport check_text(std::string_view input, const CheckOptions& options);

/// Known DELEGATECALL targets trusted by default (MultiSendCallOnly, SignMessageLib,
/// SafeMigration of the released versions) with their names.
const std::vector<std::pair<Address, std::string>>& default_delegatecall_allowlist();

// ---- reports (report.cpp) --------------------------------------------------------------------

/// JSON document of the report (schema in docs/safe-check.md).
std::string report_json(const CheckReport& report);
/// Human-readable report.
std::string report_text(const CheckReport& report);

// ---- node access (rpc.cpp) -------------------------------------------------------------------

/// Reads chain id, VERSION(), getOwners(), getThreshold() and nonce() of `safe` from a JSON-RPC
/// node. Throws InputError when the node cannot be reached or answers malformed data.
SafeState read_safe_state(const std::string& rpc_url, const Address& safe);

/// State effect of a Safe transaction run on a node (simulate.cpp).
struct SlotWrite {
    Hash32 slot{};
    Hash32 before{}, after{};
    std::string meaning;  ///< "implementation (slot 0)", "threshold (slot 4)", … or empty
};
struct Simulation {
    bool success = false;                ///< the inner call did not revert
    std::vector<SlotWrite> safe_writes;  ///< storage writes to the Safe itself
    std::optional<U256> balance_before, balance_after;  ///< the Safe's native balance
};

/// Runs `tx` as the Safe would (CALL or DELEGATECALL from the Safe's address, with its real
/// storage and balance) through debug_traceCall with a code override that skips the signature
/// check, and returns the storage writes to the Safe (prestateTracer diffMode). Needs a node
/// that supports state overrides in debug_traceCall (anvil, geth). Throws InputError on RPC errors.
Simulation simulate(const std::string& rpc_url, const Address& safe, const SafeTx& tx);
/// Findings of a simulation (implementation change critical, other Safe slots warning).
std::vector<Finding> simulation_findings(const Simulation& sim, std::size_t proposal);

// ---- labels (labels.cpp) ---------------------------------------------------------------------

/// Loads a CSV of risk labels (first column an address, the rest the label; a header line and
/// non-address rows are skipped). Returns a lookup usable as CheckOptions::label_of.
std::function<std::optional<std::string>(const Address&)> load_label_csv(const std::string& path);

}  // namespace chainward::safe
