// chainward eth: Ethereum node data (JSON-RPC responses, blockchain-etl CSV) into transfers.
// Public header of src/eth. Flow: files/node -> parse_* (records) -> BlockAssembler (one
// BlockData per block, with its receipts and traces) -> extract_transfers -> store.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/core.hpp"

namespace chainward::eth {

/// A log as the extractor needs it. Logs of events that move no value are kept with their
/// address and index only (topics and data empty): see is_value_event.
struct LogData {
    Address address;
    std::vector<Hash32> topics;
    std::vector<std::uint8_t> data;
    std::uint32_t log_index = 0;  ///< within the block
};

struct ReceiptData {
    Hash32 tx_hash;
    std::uint32_t tx_index = 0;
    std::uint64_t block_number = 0;
    Hash32 block_hash;
    std::optional<std::uint8_t> status;  ///< absent before Byzantium
    std::uint64_t gas_used = 0;
    std::optional<U256> effective_gas_price;
    /// EIP-4844 blob transactions (Cancun): blob gas used and its price; the fee is burnt.
    std::optional<std::uint64_t> blob_gas_used;
    std::optional<U256> blob_gas_price;
    std::optional<Address> contract_address;
    std::vector<LogData> logs;
};

struct TxData {
    Hash32 hash;
    std::uint32_t index = 0;
    Address from;
    std::optional<Address> to;  ///< nullopt: contract creation
    U256 value = 0;
    std::optional<U256> gas_price;  ///< legacy price, or the effective price some nodes report
    std::optional<std::uint64_t> chain_id;  ///< the chain it is signed for (chainId, or EIP-155 v)
};

enum class FrameType : std::uint8_t { Call, CallCode, DelegateCall, StaticCall, Create, Create2, SelfDestruct, Other };

/// One frame of a call tree (callTracer, or rebuilt from Parity's flat list).
struct CallFrame {
    FrameType type = FrameType::Call;
    Address from;
    std::optional<Address> to;
    U256 value = 0;
    bool error = false;
    std::vector<CallFrame> calls;
};

struct RewardData {
    Address author;
    U256 value = 0;
    std::string kind;  ///< "block", "uncle", ...
};

struct WithdrawalData {
    std::uint64_t index = 0;
    Address address;
    std::uint64_t amount_gwei = 0;
};

/// Everything known about one block, assembled from several responses.
struct BlockData {
    std::uint64_t number = 0;
    Hash32 hash, parent_hash;
    std::uint64_t timestamp = 0;
    Address miner;
    std::optional<U256> base_fee;
    std::vector<TxData> txs;
    std::vector<WithdrawalData> withdrawals;
    std::size_t uncle_count = 0;
    std::vector<std::optional<ReceiptData>> receipts;  ///< by tx index, filled by the assembler
    std::optional<std::vector<CallFrame>> traces;       ///< one top frame per tx
    std::optional<std::vector<RewardData>> rewards;     ///< from trace_block reward entries
    std::string source;                                 ///< file or URL the block came from
    bool receipts_complete() const;
};

/// Where a record came from, for error messages: "FILE: record N: FIELD: reason".
struct SourceRef {
    std::string file;
    std::size_t record = 0;  ///< 1-based line (JSON lines), array element, or 1 for a single document
    std::string where() const;
};

// ---- parsing -------------------------------------------------------------------------------

/// A parsed response of one of the supported kinds.
struct ParsedBlock { BlockData block; };
struct ParsedReceipts { std::vector<ReceiptData> receipts; };
struct ParsedCallTraces {
    std::vector<CallFrame> frames;
    std::vector<std::optional<Hash32>> tx_hashes;  ///< from {"txHash":…, "result":…} elements
};
struct ParsedParityTraces {
    std::optional<std::uint64_t> block_number;
    std::vector<std::optional<std::uint64_t>> tx_positions;  ///< per top-level frame
    std::vector<CallFrame> frames;                           ///< one per transaction
    std::vector<RewardData> rewards;
};

/// Receives parsed responses in input order.
struct ResponseSink {
    virtual ~ResponseSink() = default;
    virtual void on_block(BlockData&& b, const SourceRef& src) = 0;
    virtual void on_receipts(std::vector<ReceiptData>&& r, const SourceRef& src) = 0;
    virtual void on_call_traces(ParsedCallTraces&& t, const SourceRef& src) = 0;
    virtual void on_parity_traces(ParsedParityTraces&& t, const SourceRef& src) = 0;
};

/// Parses a buffer holding one JSON document, JSON lines, or a batch array of JSON-RPC responses
/// (with the envelope or bare results) and classifies each result by its shape: a block, receipts
/// (a list or one), callTracer traces, or Parity traces. Empty results are skipped. Throws
/// InputError naming file, record and field for malformed input or an unknown kind of document.
void parse_responses(std::string_view json, const std::string& file_name, ResponseSink& sink);
void parse_response_file(const std::filesystem::path& file, ResponseSink& sink);

/// Which blocks the block traces of a file belong to, as far as the traces say by themselves:
/// trace_block responses name their block, debug_traceBlockByNumber elements their transaction.
/// Lets ingest decide whether a block's traces are still to come before handing the block on.
struct TraceOutline {
    std::vector<std::uint64_t> blocks;  ///< blockNumber of trace_block responses
    std::vector<Hash32> first_txs;      ///< txHash of the first element of callTracer responses
    /// Traces that name neither (old geth output), or a file that could not be read or parsed
    /// (its parse reports why): they may belong to any block.
    bool unknown = false;
    void add(const ParsedCallTraces& t);
    void add(const ParsedParityTraces& t);
    bool empty() const { return blocks.empty() && first_txs.empty() && !unknown; }
};
/// The trace outline of a file without building its records: a byte search first (a file holding
/// no `"traceAddress"`, `"CALL"` or `"CREATE` holds no block traces: every trace_block element
/// has the one, every transaction's callTracer frame a call or create type), then, only for files
/// that may hold traces, a JSON parse that classifies documents as parse_responses does.
TraceOutline outline_traces(const std::filesystem::path& file);

// ---- assembling ----------------------------------------------------------------------------

/// Collects responses until each block has its receipts (and its traces, when they are still to
/// come), then hands complete blocks out in number order. Checks that receipts and traces belong
/// to their block.
class BlockAssembler : public ResponseSink {
public:
    void on_block(BlockData&& b, const SourceRef& src) override;
    void on_receipts(std::vector<ReceiptData>&& r, const SourceRef& src) override;
    void on_call_traces(ParsedCallTraces&& t, const SourceRef& src) override;
    void on_parity_traces(ParsedParityTraces&& t, const SourceRef& src) override;

    /// Says whether traces of this block (which has transactions, its receipts, and no traces
    /// yet) may still come; empty: they never come later than the flush that follows them.
    using TracesPending = std::function<bool(const BlockData&)>;
    /// Removes and returns the complete blocks, lowest number first. At end of input, blocks
    /// without traces are complete too; blocks without all receipts, and receipts or traces that
    /// match no block, are an InputError.
    /// `next`: the number the store expects next (blocks below it are handed out too, for the
    /// caller's duplicate check); nullopt for an empty store.
    std::vector<BlockData> take_ready(bool end_of_input, std::optional<std::uint64_t> next,
                                      const TracesPending& traces_pending = {});
    std::size_t pending() const { return blocks_.size(); }
    std::optional<std::uint64_t> first_pending() const {
        return blocks_.empty() ? std::nullopt : std::optional(blocks_.begin()->first);
    }

private:
    void attach_receipt(BlockData& b, ReceiptData&& r, const SourceRef& src);
    bool try_attach_call_traces(ParsedCallTraces& t, const SourceRef& src);
    std::map<std::uint64_t, BlockData> blocks_;
    std::unordered_map<Hash32, std::uint64_t> tx_to_block_;
    std::map<std::uint64_t, std::vector<std::pair<ReceiptData, SourceRef>>> orphan_receipts_;
    /// Traces that came before their block: by their first transaction, or (old geth output that
    /// names no transaction) in a list matched by senders.
    std::unordered_multimap<Hash32, std::pair<ParsedCallTraces, SourceRef>> orphan_call_traces_;
    std::vector<std::pair<ParsedCallTraces, SourceRef>> orphan_unnamed_traces_;
    std::map<std::uint64_t, std::pair<ParsedParityTraces, SourceRef>> orphan_parity_;
};

// ---- extraction ----------------------------------------------------------------------------

/// Known token metadata (built-in table of major tokens, extendable).
struct TokenInfo {
    std::string symbol;
    unsigned decimals = 18;
};
/// Symbol and decimals from the built-in table or metadata registered with register_tokens.
std::optional<TokenInfo> known_token(const Address& contract);
/// Adds token metadata (e.g. read from a node with eth_call) for known_token to find.
void register_tokens(const std::map<Address, TokenInfo>& tokens);
/// Token metadata file of a store directory (`tokens.json`: {"0x…": {"symbol": …, "decimals": …}}).
std::map<Address, TokenInfo> read_token_file(const std::filesystem::path& file);
void write_token_file(const std::filesystem::path& file, const std::map<Address, TokenInfo>& tokens);
std::optional<Address> known_token_by_symbol(std::string_view symbol);
/// How to show an asset: symbol and decimals from the token table (decimals 0 for NFTs and
/// unknown tokens, shown in base units).
struct AssetDisplay {
    std::string name;  ///< "ETH", "USDT", "0x… #id"
    unsigned decimals = 18;
    std::optional<std::string> symbol;
};
AssetDisplay display_asset(const AssetKey& k);
/// Mainnet WETH9.
Address weth9_address();

struct ExtractOptions {
    /// Chain id when known (0 = unknown). Pre-merge block rewards from the fork schedule are
    /// added only for chain 1 and only when the input has no trace_block reward entries.
    std::uint64_t chain_id = 0;
    /// Contracts whose Deposit/Withdrawal events are wraps/unwraps of the native coin.
    std::vector<Address> wrapped_native{weth9_address()};
};

/// Per-block outcome of extraction, for ingest reports.
struct ExtractStats {
    bool used_traces = false;
    bool status_from_traces = false;  ///< a receipt had no status (pre-Byzantium)
    /// The chain was unknown (chain_id 0) where mainnet's rules would have moved value: a
    /// pre-merge block without reward entries, or a pre-Cancun self-destruct to itself.
    bool mainnet_rules_skipped = false;
};

/// The chain a block's transactions are signed for, or mainnet (1) for mainnet's genesis block;
/// nullopt when nothing in the block names a chain (pre-EIP-155 legacy transactions, ETL CSV).
/// Throws InputError when two transactions name different chains.
std::optional<std::uint64_t> chain_id_of(const BlockData& b);

/// A note the store keeps with a transaction: today, a cross-chain exit (see exit_note).
struct TxNote {
    std::uint32_t tx_index = 0;
    std::string text;
};

/// The transfers of one block, ordered by (tx index, seq); block-level ones last. `notes`, if
/// given, receives the block's transaction notes (THORChain router deposits with their memo).
std::vector<Transfer> extract_transfers(const BlockData& b, const ExtractOptions& opt,
                                        ExtractStats* stats = nullptr, std::vector<TxNote>* notes = nullptr);

/// True for the events extraction reads: ERC-20/721 Transfer, ERC-1155 TransferSingle/Batch,
/// WETH Deposit/Withdrawal, THORChain router Deposit.
bool is_value_event(const Hash32& topic0);

/// Mainnet block reward (wei) for a block number under the fork schedule, 0 after the merge.
U256 mainnet_block_reward(std::uint64_t block_number);

// ---- opening balances ------------------------------------------------------------------------

/// Reads a geth-style genesis.json and returns its `alloc` as Genesis transfers at block 0.
std::vector<Transfer> read_genesis_alloc(const std::filesystem::path& file);

}  // namespace chainward::eth
