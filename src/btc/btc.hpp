#pragma once
// Bitcoin: addresses (base58check, bech32, bech32m), output-script classification and hashing.
#include <array>
#include <optional>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace chainward::btc {

enum class Network { mainnet, testnet, signet, regtest };
/// "mainnet" | "testnet" | "signet" | "regtest"; InputError otherwise.
Network parse_network(std::string_view name);
std::string_view network_name(Network n);

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

/// Double SHA-256 (txid, wtxid, block hash, merkle nodes) in internal byte order.
std::array<std::uint8_t, 32> sha256d(ByteSpan data);
/// RIPEMD-160 of SHA-256 (P2PKH / P2WPKH key hashes).
std::array<std::uint8_t, 20> hash160(ByteSpan data);

/// Base58check of `payload` (version byte(s) included); decoding checks the checksum and throws
/// InputError naming the address on any bad character or checksum.
std::string base58check_encode(ByteSpan payload);
Bytes base58check_decode(std::string_view text);

enum class Bech32Variant { bech32, bech32m };
/// BIP-173 / BIP-350 over 5-bit groups `data` (values < 32).
std::string bech32_encode(std::string_view hrp, ByteSpan data, Bech32Variant variant);
struct Bech32Decoded {
    std::string hrp;
    Bytes data;  // 5-bit groups, checksum removed
    Bech32Variant variant;
};
/// Throws InputError on mixed case, bad characters, bad length or checksum.
Bech32Decoded bech32_decode(std::string_view text);

/// Segwit address (version 0 → bech32, 1..16 → bech32m) with the network's human-readable part.
std::string segwit_address(Network net, int version, ByteSpan program);
struct WitnessProgram {
    int version;
    Bytes program;
};
/// Decodes and validates a segwit address for `hrp` (BIP-173/350 rules); InputError otherwise.
WitnessProgram segwit_decode(std::string_view hrp, std::string_view address);
std::string_view segwit_hrp(Network net);

enum class ScriptType {
    p2pk, p2pkh, p2sh, p2wpkh, p2wsh, p2tr, multisig, op_return, witness_unknown, nonstandard
};
std::string_view script_type_name(ScriptType t);

struct ScriptInfo {
    ScriptType type;
    /// Address the output pays, empty when it has none (OP_RETURN, nonstandard, bare multisig).
    /// P2PK outputs are named by the P2PKH address of their key, as explorers and ETL do.
    std::string address;
};
/// Classifies an output script by the standard templates of Bitcoin Core's Solver.
ScriptInfo classify_script(ByteSpan script, Network net);

}  // namespace chainward::btc

namespace chainward::btc {

using Hash = std::array<std::uint8_t, 32>;  // internal byte order (as hashed)
/// Display form: byte-reversed hex, as node RPC and explorers print txids and block hashes.
std::string hash_hex(const Hash& h);

struct TxOut {
    std::uint64_t value = 0;  // satoshis
    Bytes script;
};
struct TxIn {
    Hash prev_txid{};
    std::uint32_t prev_vout = 0;
    Bytes script_sig;
    std::vector<Bytes> witness;
    std::uint32_t sequence = 0;
    /// The output this input spends, when the source carries it (getblock verbosity 3).
    std::optional<TxOut> prevout;
};
struct Transaction {
    std::int32_t version = 0;
    std::vector<TxIn> inputs;
    std::vector<TxOut> outputs;
    std::uint32_t locktime = 0;
    Hash txid{};   // double SHA-256 of the serialization without witness data
    Hash wtxid{};  // double SHA-256 of the full serialization (equals txid without witness)
    bool coinbase() const;
};
struct BlockHeader {
    std::int32_t version = 0;
    Hash prev_block{};
    Hash merkle_root{};
    std::uint32_t time = 0, bits = 0, nonce = 0;
    Hash hash{};
};
struct Block {
    BlockHeader header;
    std::vector<Transaction> txs;
};

/// Parses a serialized block. Every read is bounds-checked: a short or hostile input throws
/// InputError naming `source`, the byte offset and the field. Checks the merkle root against the
/// recomputed one.
Block parse_block(ByteSpan bytes, std::string_view source);
/// Same from hex text (whitespace around it ignored).
Block parse_block_hex(std::string_view hex, std::string_view source);
/// Merkle root over txids (Bitcoin's rule: an odd last node pairs with itself).
Hash merkle_root(std::vector<Hash> level);

}  // namespace chainward::btc

#include <functional>

namespace chainward::btc {

/// Network magic that frames each block in Bitcoin Core's blk*.dat files (wire order).
std::array<std::uint8_t, 4> network_magic(Network net);
/// Reads Bitcoin Core block files: repeated (magic, u32 LE size, block). `xor_key` is the content
/// of the data directory's xor.dat (v28+; empty or all zero means none): file byte i is stored
/// XORed with key[i % key size]. Zero bytes after the last block (preallocated space) end the file.
/// Calls `on_block(block, file offset of its magic)` in file order, which is not height order.
void read_blk_file(ByteSpan file, Network net, std::string_view source, ByteSpan xor_key,
                   const std::function<void(Block&&, std::size_t)>& on_block);

}  // namespace chainward::btc

namespace chainward::btc {

/// A node's getblock answer at verbosity 2 or 3 (bare object or the JSON-RPC envelope). Each
/// transaction is read from its "hex" (the exact bytes) and its "txid" checked; the header hash is
/// recomputed from the header fields and checked against "hash"; verbosity 3 prevouts fill
/// TxIn::prevout. Returns the block and its height.
struct JsonBlock {
    Block block;
    std::uint64_t height = 0;
};
JsonBlock parse_getblock_json(std::string_view json, std::string_view source);
/// Hex text (surrounding whitespace ignored) to bytes; InputError naming `what` otherwise.
Bytes hex_bytes(std::string_view hex, std::string_view what);
/// A txid or block hash in display order (byte-reversed hex) to internal order.
Hash hash_from_hex(std::string_view hex, std::string_view what);
/// Parses one serialized transaction (hex); InputError names `source` and the field.
Transaction parse_transaction_hex(std::string_view hex, std::string_view source);

}  // namespace chainward::btc

namespace chainward::btc {

/// One line of blockchain-etl's bitcoin transactions export (JSON). Inputs carry the spent
/// output's value and script type only, so TxIn::prevout holds the value with an empty script.
struct EtlTransaction {
    Transaction tx;
    std::uint64_t block_number = 0;
    Hash block_hash{};
    std::uint64_t block_timestamp = 0;
    std::uint32_t index = 0;
};
/// Parses newline-delimited transactions; the txid of every non-coinbase transaction is
/// recomputed from its fields (witnesses are not part of a txid) and checked against "hash".
std::vector<EtlTransaction> parse_etl_transactions(std::string_view jsonl, std::string_view source);

}  // namespace chainward::btc
