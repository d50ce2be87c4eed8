// chainward core: exact amounts, addresses, hashes, hex and the transfer record every area shares.
// Public header of src/core. Everything here is chain-agnostic where it can be (see the blueprint:
// UTXO chains come later), and exact: amounts are unsigned 256-bit integers, never floating point.
#pragma once

#include <array>
#include <compare>
#include <cstring>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/multiprecision/cpp_int.hpp>

namespace chainward {

/// Exact unsigned 256-bit amount (wraps on overflow: callers that add use CheckedU256 or check).
using U256 = boost::multiprecision::uint256_t;
/// Signed accumulator wide enough for any sum of U256 amounts a store can hold (balances).
using I512 = boost::multiprecision::checked_int512_t;

/// Error in input data (files, node responses, command-line values). The message names the
/// source (file, record, field) so a user can find the bad byte; thrown by parsers, caught by the
/// CLI, which prints it and exits non-zero.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Error of the on-disk store (I/O failure, corruption, version mismatch).
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

template <std::size_t N>
struct Bytes {
    std::array<std::uint8_t, N> b{};
    auto operator<=>(const Bytes&) const = default;
    bool is_zero() const {
        for (auto x : b)
            if (x) return false;
        return true;
    }
    std::string hex() const;  ///< "0x" + lowercase hex
};
struct Address : Bytes<20> {
    std::string checksum() const;  ///< EIP-55 mixed case
};
struct Hash32 : Bytes<32> {};

// ---- hex and numbers -------------------------------------------------------------------------
// Parsers throw std::invalid_argument with a short reason; callers add file/record/field context.

/// "0x"-prefixed (or bare) hex to bytes; odd length is an error.
std::vector<std::uint8_t> parse_hex_bytes(std::string_view s);
Address parse_address(std::string_view s);  ///< exactly 40 hex digits
Hash32 parse_hash(std::string_view s);      ///< exactly 64 hex digits
/// JSON-RPC QUANTITY ("0x1a") or a decimal string; rejects values above 2^64-1.
std::uint64_t parse_u64(std::string_view s);
/// JSON-RPC QUANTITY or decimal string; rejects values above 2^256-1.
U256 parse_u256(std::string_view s);
/// 32-byte big-endian word to U256 / Address (last 20 bytes; the first 12 must be zero).
U256 u256_from_be(std::span<const std::uint8_t> word);
Address address_from_word(std::span<const std::uint8_t> word);
std::string to_hex(std::span<const std::uint8_t> bytes);  ///< "0x" + lowercase hex
std::string to_decimal(const U256& v);
/// Text for inside a JSON string literal (quotes, backslashes and control characters escaped).
std::string json_escape(std::string_view s);
/// A CSV field, quoted (RFC 4180) only when it holds a comma, quote or line break.
std::string csv_quote(std::string_view s);
/// Human form of a base-unit amount: 1500000000000000000 with 18 decimals -> "1.5".
std::string format_units(const U256& v, unsigned decimals);
/// Parses "1.5" with decimals into base units exactly; rejects more fractional digits than decimals.
U256 parse_units(std::string_view s, unsigned decimals);

Hash32 keccak256(std::span<const std::uint8_t> data);
inline Hash32 keccak256(std::string_view s) {
    return keccak256({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}

// ---- the transfer record -------------------------------------------------------------------

/// What moved value. Stored as one byte; values are part of the on-disk format (never renumber).
enum class TransferKind : std::uint8_t {
    Call = 0,          ///< native value of a successful top-level transaction
    Internal = 1,      ///< native value of an inner CALL/CALLCODE frame
    Create = 2,        ///< native value endowed to a created contract (top-level or inner)
    SelfDestruct = 3,  ///< balance moved by SELFDESTRUCT
    Fee = 4,           ///< priority part of the fee, sender -> block fee recipient
    Burn = 5,          ///< base-fee part of the fee, sender -> none (burnt)
    Reward = 6,        ///< block or uncle reward, none -> miner (before the merge)
    Withdrawal = 7,    ///< validator withdrawal, none -> address (after Shanghai)
    Token = 8,         ///< ERC-20 Transfer
    Nft = 9,           ///< ERC-721 Transfer (asset carries the token id, amount 1)
    Multi = 10,        ///< ERC-1155 TransferSingle/TransferBatch item
    Wrap = 11,         ///< WETH Deposit: wrapped token minted to the depositor (none -> dst)
    Unwrap = 12,       ///< WETH Withdrawal: wrapped token burnt by the withdrawer (src -> none)
    Genesis = 13,      ///< opening balance (genesis alloc), none -> address
};
const char* kind_name(TransferKind k);
std::optional<TransferKind> kind_from_name(std::string_view s);

enum class AssetType : std::uint8_t { Native = 0, Erc20 = 1, Erc721 = 2, Erc1155 = 3 };

/// An asset: the chain's native coin, a fungible token contract, or one NFT / ERC-1155 id.
struct AssetKey {
    AssetType type = AssetType::Native;
    Address contract{};  ///< zero for native
    U256 token_id = 0;   ///< ERC-721 / ERC-1155 id, else 0
    bool operator==(const AssetKey&) const = default;
};

/// Transaction index used for block-level transfers (rewards, withdrawals, genesis): they come
/// after every transaction of their block.
inline constexpr std::uint32_t kBlockLevelTx = 0xFFFFFFFFu;

/// One movement of value. Ordered by (block, tx_index, seq): seq is the transfer's ordinal within
/// its transaction (top-level value, then inner frames depth-first, then logs, then the fee).
struct Transfer {
    std::uint64_t block = 0;
    std::uint32_t tx_index = 0;
    std::uint32_t seq = 0;
    TransferKind kind = TransferKind::Call;
    /// Where the transfer came from inside its transaction: the log index (within the block) for
    /// log-derived kinds, the frame ordinal (depth-first, top frame 0) for trace-derived kinds.
    std::uint32_t ref = 0;
    std::optional<Address> from;  ///< nullopt: minted (rewards, withdrawals, wraps)
    std::optional<Address> to;    ///< nullopt: burnt (base fee, unwraps)
    AssetKey asset;
    U256 amount = 0;
    Hash32 tx_hash{};  ///< zero for block-level transfers
    bool operator==(const Transfer&) const = default;
};

/// Canonical one-line text of a transfer (used for content hashes and golden comparisons).
std::string describe(const Transfer& t);

// ---- cross-chain exits ------------------------------------------------------------------------

/// Where value left the chain to, as the bridge's own event says (e.g. a THORChain memo).
struct CrossChainExit {
    std::string protocol;  ///< "thorchain"
    /// The contract that emitted the event (a decoy contract can emit the same event: a note
    /// counts only at its own bridge); nullopt for notes stored before it was kept.
    std::optional<Address> bridge;
    std::string chain;     ///< destination chain ("BTC"), empty if the memo does not say
    std::string address;   ///< destination address, empty if the memo does not say
    std::string memo;      ///< the memo as emitted (printable ASCII only)
};
/// The note a store keeps for a transaction that exits through a bridge: the protocol, the
/// emitting contract and the memo ("thorchain@0x… <memo>").
std::string exit_note(const std::string& protocol, const Address& bridge, std::string_view memo);
/// Bridge routers whose exit events are trusted without a label (mainnet THORChain router).
bool known_exit_router(const Address& a);
/// Reads such a note back; nullopt for notes of other kinds. THORChain swap memos name the
/// destination as CHAIN.ASSET (or a one-letter alias) then the address: "=:BTC.BTC:bc1…:…".
std::optional<CrossChainExit> parse_exit_note(std::string_view note);

}  // namespace chainward

template <std::size_t N>
struct std::hash<chainward::Bytes<N>> {
    std::size_t operator()(const chainward::Bytes<N>& v) const noexcept {
        std::size_t h;
        static_assert(N >= sizeof(h));
        std::memcpy(&h, v.b.data() + N - sizeof(h), sizeof(h));  // hashes/addresses are uniform
        return h;
    }
};
template <>
struct std::hash<chainward::Address> : std::hash<chainward::Bytes<20>> {};
template <>
struct std::hash<chainward::Hash32> : std::hash<chainward::Bytes<32>> {};
