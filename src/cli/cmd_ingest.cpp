#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <optional>

#include "cli/commands.hpp"
#include "cli/format.hpp"
#include "eth/etl_csv.hpp"
#include "eth/rpc.hpp"
#include "ingest/ingest.hpp"

namespace chainward::cli {
namespace {

struct IngestArgs {
    std::string data_dir, rpc, genesis, etl;
    std::vector<std::string> paths;
    std::uint64_t from = 0, to = 0, chain_id = 0;
    bool has_to = false, no_traces = false, quiet = false;
    std::size_t batch = 1'000'000;
    std::vector<std::string> weth;
    int timeout_ms = 30'000, retries = 5;
};

class Progress {
public:
    explicit Progress(bool quiet) : quiet_(quiet), tty_(::isatty(2)), start_(std::chrono::steady_clock::now()) {}
    void operator()(const ingest::IngestReport& r, std::uint64_t total) {
        if (quiet_) return;
        auto now = std::chrono::steady_clock::now();
        double secs = std::chrono::duration<double>(now - start_).count();
        if (!tty_ && now - last_ < std::chrono::seconds(2)) return;  // plain lines, not a flood
        last_ = now;
        std::string line = fmt::format("blocks {} (skipped {}) txs {} transfers {} | {:.1f} MB in {:.1f}s",
                                       r.blocks_stored, r.blocks_skipped, r.txs, r.transfers, r.bytes_read / 1e6, secs);
        if (tty_ && total) {
            int width = 30, done = static_cast<int>(width * static_cast<double>(r.bytes_read) / static_cast<double>(total));
            fmt::print(stderr, "\r[{}{}] {:3.0f}% {}", std::string(done, '#'), std::string(width - done, ' '),
                       100.0 * r.bytes_read / total, line);
        } else if (tty_) {
            fmt::print(stderr, "\r{}", line);
        } else {
            fmt::print(stderr, "ingest: {}\n", line);
        }
    }
    void done() {
        if (tty_ && !quiet_) fmt::print(stderr, "\n");
    }

private:
    bool quiet_, tty_;
    std::chrono::steady_clock::time_point start_, last_ = start_;
};

void run_ingest(const IngestArgs& a) {
    if (a.rpc.empty() && a.paths.empty() && a.etl.empty()) throw InputError("give files or directories to ingest, or --rpc URL");
    if (!a.rpc.empty() && (!a.paths.empty() || !a.etl.empty())) throw InputError("give either files or --rpc, not both");
    ingest::IngestOptions opt;
    opt.batch_transfers = a.batch;
    opt.extract.chain_id = a.chain_id;
    for (const auto& w : a.weth) opt.extract.wrapped_native.push_back(parse_address_arg(w, "--weth"));
    if (!a.genesis.empty()) opt.genesis = a.genesis;
    std::optional<eth::NodeSource> node;
    if (!a.rpc.empty()) {
        eth::RpcOptions ro;
        ro.url = a.rpc;
        ro.timeout = std::chrono::milliseconds(a.timeout_ms);
        ro.retries = a.retries;
        ro.traces = !a.no_traces;
        node.emplace(ro);
        if (!a.chain_id) opt.extract.chain_id = node->chain_id();
    }
    auto st = store::TransferStore::open(a.data_dir, store::TransferStore::Mode::ReadWrite);
    Progress progress(a.quiet);
    ingest::Ingestor ing(*st, opt, std::ref(progress));
    auto t0 = std::chrono::steady_clock::now();
    if (node) {
        std::uint64_t to = a.has_to ? a.to : node->block_number();
        node->fetch(
            a.from, to, [&](std::string_view body, const std::string& name) { ing.ingest_response(body, name); },
            [&] {
                ing.flush(false);
                progress(ing.report(), 0);
            });
        ing.flush(true);
        progress.done();
        const auto& r = ing.report();
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        fmt::print("ingested {} blocks ({} already stored), {} transactions, {} transfers in {:.2f}s from {}\n"
                   "node methods: blocks eth_getBlockByNumber, receipts {}, traces {}\n",
                   r.blocks_stored, r.blocks_skipped, r.txs, r.transfers, secs, a.rpc, node->methods().receipts,
                   node->methods().traces);
        for (const auto& n : r.notes) fmt::print("note: {}\n", n);
        for (const auto& w : r.warnings) fmt::print(stderr, "warning: {}\n", w);
        // Symbols and decimals of tokens the built-in table does not know, from the node.
        auto file = std::filesystem::path(a.data_dir) / "tokens.json";
        auto tokens = eth::read_token_file(file);
        std::vector<Address> unknown;
        for (store::AssetId id = 1; id < st->asset_count(); ++id) {
            AssetKey k = st->asset(id);
            if (k.type == AssetType::Erc20 && !eth::known_token(k.contract) && !tokens.count(k.contract)) unknown.push_back(k.contract);
        }
        if (!unknown.empty()) {
            auto found = node->token_metadata(unknown);
            tokens.insert(found.begin(), found.end());
            eth::write_token_file(file, tokens);
            fmt::print("token metadata: {} of {} new token contracts answered decimals() and symbol()\n", found.size(), unknown.size());
        }
        update_exposure_after_ingest(*st, a.data_dir);
        return;
    }
    std::vector<std::filesystem::path> paths(a.paths.begin(), a.paths.end());
    std::vector<std::filesystem::path> etl_dirs;  // --etl, or a folder holding blockchain-etl tables
    if (!a.etl.empty()) etl_dirs.push_back(a.etl);
    std::erase_if(paths, [&](const auto& p) { return eth::looks_like_etl_dir(p) && (etl_dirs.push_back(p), true); });
    if (!paths.empty()) ing.ingest_paths(paths);
    for (const auto& d : etl_dirs) ing.ingest_etl_dir(d);
    progress.done();
    const auto& r = ing.report();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print("ingested {} blocks ({} already stored), {} transactions, {} transfers from {} files ({:.1f} MB) in {:.2f}s\n",
               r.blocks_stored, r.blocks_skipped, r.txs, r.transfers, r.files, r.bytes_read / 1e6, secs);
    for (const auto& n : r.notes) fmt::print("note: {}\n", n);
    for (const auto& w : r.warnings) fmt::print(stderr, "warning: {}\n", w);
    update_exposure_after_ingest(*st, a.data_dir);
}

}  // namespace

void add_ingest_command(CLI::App& app) {
    auto a = std::make_shared<IngestArgs>();
    auto* cmd = app.add_subcommand("ingest", "Ingest node JSON-RPC responses (files, folders) or a live node into the store");
    add_data_dir_option(*cmd, a->data_dir);
    cmd->add_option("paths", a->paths, "files or folders of JSON-RPC responses (.json, .jsonl)");
    cmd->add_option("--etl", a->etl, "folder of blockchain-etl CSV exports (blocks, transactions, receipts, logs or token_transfers, traces)");
    cmd->add_option("--rpc", a->rpc, "JSON-RPC endpoint of a node, e.g. http://127.0.0.1:8545");
    cmd->add_option("--from", a->from, "first block to fetch with --rpc (default 0)");
    cmd->add_option("--to", a->to, "last block to fetch with --rpc (default: the node's head)")->each([a](const std::string&) { a->has_to = true; });
    cmd->add_option("--genesis", a->genesis, "geth genesis.json whose alloc gives opening balances (empty store only)");
    cmd->add_option("--chain-id", a->chain_id, "chain id (1 = mainnet: adds pre-merge block rewards when no trace_block rewards are given)");
    repeatable(cmd->add_option("--weth", a->weth,
                               "extra wrapped-native contract whose Deposit/Withdrawal are wraps (repeatable, or comma-separated; "
                               "mainnet WETH9 is built in)"));
    cmd->add_flag("--no-traces", a->no_traces, "with --rpc: do not fetch traces (no internal transfers)");
    cmd->add_option("--batch", a->batch, "transfers per committed batch")->check(CLI::Range(1, 50'000'000));
    cmd->add_option("--timeout-ms", a->timeout_ms, "with --rpc: timeout per request");
    cmd->add_option("--retries", a->retries, "with --rpc: retries on connection errors, 429 and 5xx");
    cmd->add_flag("-q,--quiet", a->quiet, "no progress output");
    cmd->callback([a] { run_ingest(*a); });
}

}  // namespace chainward::cli
