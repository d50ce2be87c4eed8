// chainward eth: blockchain-etl (ethereum-etl) CSV exports as an ingest source.
// The CSV rows become the same BlockData pieces the JSON-RPC parser produces, fed to a
// ResponseSink (the BlockAssembler), so extraction applies unchanged. See docs/formats/etl-csv.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "eth/eth.hpp"

namespace chainward::eth {

/// The files of one export, by table. Several files per table are partitions (ethereum-etl's
/// export_all writes `blocks/start_block=…/end_block=…/blocks_<start>_<end>.csv`).
struct EtlFiles {
    std::vector<std::filesystem::path> blocks, transactions, receipts, logs, token_transfers, traces;
    std::vector<std::filesystem::path> all() const;
};

/// Finds the tables under `dir` (recursively): `<table>.csv`, `<table>_*.csv` and ethereum-etl's
/// test names `expected_<table>.csv`. Other CSV files are ignored. Throws InputError when blocks,
/// transactions or receipts are missing (the message names the missing file).
EtlFiles find_etl_files(const std::filesystem::path& dir);
/// True when `dir` holds a blocks or transactions table at its top level (auto-detection).
bool looks_like_etl_dir(const std::filesystem::path& dir);

/// What the reader did, for the ingest report.
struct EtlReport {
    std::uint64_t blocks = 0, txs = 0, receipts = 0, logs = 0, token_transfers = 0, trace_rows = 0;
    bool logs_from_token_transfers = false;  ///< no logs table: token_transfers rows became logs
    bool token_transfers_ignored = false;    ///< both given: logs won, token_transfers unread
    std::uint64_t skipped_trace_rows = 0;    ///< genesis/daofork rows (no transfer kind for them)
    /// Blocks whose sha3_uncles shows uncles but which have no reward rows in traces: the uncle
    /// count is not in blocks.csv, so a fork-schedule reward would lack the inclusion bonus.
    std::uint64_t blocks_with_unknown_uncles = 0;
};

/// Reads the export group by group (a group: the partitions sharing a block range; one group
/// when the tables are single files) and feeds blocks, receipts (with their logs) and traces to
/// `sink`; `after_group` runs after each group so the caller can commit what is complete.
/// When a logs table is given it is used and token_transfers is ignored (real logs decode
/// ERC-721/1155 and WETH events too); otherwise each token_transfers row becomes an ERC-20
/// Transfer log on its receipt. Throws InputError naming file, line and column.
EtlReport read_etl(const EtlFiles& files, ResponseSink& sink, const std::function<void()>& after_group = {});

}  // namespace chainward::eth
