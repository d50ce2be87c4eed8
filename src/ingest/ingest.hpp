// chainward ingest: sources (files, a node) -> eth extraction -> TransferStore, in batches.
// Public header of src/ingest. Idempotent (stored blocks are skipped when their hash matches),
// resumable (a crash loses at most the batch in flight), and strict about chain continuity.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "eth/eth.hpp"
#include "store/store.hpp"

namespace chainward::ingest {

struct IngestOptions {
    eth::ExtractOptions extract;
    std::optional<std::filesystem::path> genesis;  ///< geth genesis.json: opening balances at block 0
    std::size_t batch_transfers = 1'000'000;       ///< commit once a batch holds this many transfers
    std::size_t batch_blocks = 5'000;              ///< ... or this many blocks
};

struct IngestReport {
    std::uint64_t blocks_stored = 0, blocks_skipped = 0, txs = 0, transfers = 0, batches = 0;
    std::uint64_t bytes_read = 0, files = 0;
    std::uint64_t blocks_without_traces = 0, blocks_status_from_traces = 0;
    std::optional<std::uint64_t> first_block, last_block;
    std::vector<std::string> notes;  ///< what the user should know (fallbacks used, missing traces)
    /// Assumptions that may leave balances wrong (an unknown chain read without mainnet's rules);
    /// the CLI prints them to stderr.
    std::vector<std::string> warnings;
    std::uint64_t blocks_chain_unknown = 0;  ///< blocks where mainnet's rules would have moved value
    std::optional<std::uint64_t> first_chain_unknown, last_chain_unknown;
};

/// Progress callback: called after each file and each committed batch.
using ProgressFn = std::function<void(const IngestReport&, std::uint64_t bytes_total)>;

class Ingestor {
public:
    Ingestor(store::TransferStore& store, IngestOptions opt, ProgressFn progress = {});
    ~Ingestor();
    Ingestor(const Ingestor&) = delete;
    Ingestor& operator=(const Ingestor&) = delete;
    /// Files or directories (searched recursively; JSON files in name order with numbers compared
    /// by value). Throws InputError for bad input; batches committed before stay stored.
    void ingest_paths(const std::vector<std::filesystem::path>& paths);
    /// A folder of blockchain-etl CSV exports (eth/etl_csv.hpp): blocks, transactions and
    /// receipts tables, optionally logs or token_transfers, and traces. Throws InputError.
    void ingest_etl_dir(const std::filesystem::path& dir);
    /// Feeds one response body (used by the node source).
    void ingest_response(std::string_view json, const std::string& source_name);
    /// Commits what is complete; at end of input everything must be.
    void flush(bool end_of_input);
    const IngestReport& report() const { return report_; }

private:
    void ingest_files(const std::vector<std::filesystem::path>& files);
    void accept(eth::BlockData&& b);
    void commit();
    void infer_chain(const eth::BlockData& b);
    void apply_genesis_if_needed(std::optional<eth::BlockData*> block0, std::uint64_t at);

    store::TransferStore& store_;
    IngestOptions opt_;
    ProgressFn progress_;
    eth::BlockAssembler assembler_;
    eth::BlockAssembler::TracesPending traces_pending_;  ///< set while files are read
    /// The store was empty when this ingest began: a block below the first one stored restarts
    /// the ingest from the input's lowest block (files may hold blocks in any order).
    bool may_restart_ = false;
    std::vector<std::pair<std::uint64_t, Hash32>> staged_;  ///< blocks staged in the store, not yet committed
    std::optional<std::uint64_t> next_;      ///< number expected next (stored or batched)
    std::optional<Hash32> prev_hash_;        ///< hash of block next_-1
    bool genesis_pending_ = false;
    std::uint64_t bytes_total_ = 0;
    IngestReport report_;
};

/// Sorts paths the way a person numbers files: "blocks-9" before "blocks-10".
bool natural_less(const std::string& a, const std::string& b);

}  // namespace chainward::ingest
