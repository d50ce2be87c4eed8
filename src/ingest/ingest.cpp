#include "ingest/ingest.hpp"

#include "ingest/parse_ahead.hpp"

#include "eth/etl_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace chainward::ingest {
namespace fs = std::filesystem;

bool natural_less(const std::string& a, const std::string& b) {
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
            std::size_t i2 = i, j2 = j;
            while (i2 < a.size() && std::isdigit(static_cast<unsigned char>(a[i2]))) ++i2;
            while (j2 < b.size() && std::isdigit(static_cast<unsigned char>(b[j2]))) ++j2;
            std::string_view x(a.data() + i, i2 - i), y(b.data() + j, j2 - j);
            while (x.size() > 1 && x[0] == '0') x.remove_prefix(1);
            while (y.size() > 1 && y[0] == '0') y.remove_prefix(1);
            if (x.size() != y.size()) return x.size() < y.size();
            if (x != y) return x < y;
            i = i2;
            j = j2;
        } else {
            if (a[i] != b[j]) return a[i] < b[j];
            ++i;
            ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

namespace {

/// Thrown when a store that began empty meets a block below its first one: the input holds
/// blocks out of order, and the ingest starts again from the input's lowest block.
struct LowerBlockAhead {};

/// Knows which blocks the traces in files not yet consumed belong to, so that a block whose
/// traces are still to come waits for them and any other block goes on at once: from the parse
/// workers for files they have parsed, else from a look of its own (eth::outline_traces), each
/// file at most once, and only as far ahead as a question needs.
class TraceOutlook {
public:
    TraceOutlook(const std::vector<fs::path>& files, ParseAhead& pa) : files_(files), pa_(pa), outlines_(files.size()) {}

    void file_started(std::size_t i) {
        cur_ = i;
        in_file_ = true;
        cur_has_traces_ = false;
    }
    void saw_traces() { cur_has_traces_ = true; }
    void file_done(std::size_t i) {
        in_file_ = false;
        if (i < looked_) count(outlines_[i], -1);
        outlines_[i] = {};
    }

    /// May traces of `b` come in the rest of the input?
    bool pending(const eth::BlockData& b) {
        if (in_file_ && cur_has_traces_) return true;  // the rest of this file may hold them
        looked_ = std::max(looked_, in_file_ ? cur_ : cur_ + 1);
        for (;;) {
            if (unknown_ || by_block_.count(b.number) || by_tx_.count(b.txs[0].hash)) return true;
            if (looked_ == files_.size()) return false;
            // The workers' outline when they have parsed the file (the next files usually), else
            // a look of its own (on this thread: a worker's parser may be in the middle of a file).
            std::optional<eth::TraceOutline> o = pa_.take_outline(looked_);
            outlines_[looked_] = o ? std::move(*o) : eth::outline_traces(files_[looked_]);
            count(outlines_[looked_++], +1);
        }
    }

private:
    void count(const eth::TraceOutline& o, int d) {
        unknown_ += o.unknown ? d : 0;
        for (auto n : o.blocks)
            if ((by_block_[n] += d) == 0) by_block_.erase(n);
        for (const auto& h : o.first_txs)
            if ((by_tx_[h] += d) == 0) by_tx_.erase(h);
    }

    const std::vector<fs::path>& files_;
    ParseAhead& pa_;
    std::vector<eth::TraceOutline> outlines_;  ///< of files looked at and not yet consumed
    std::size_t cur_ = 0, looked_ = 0;         ///< files [.., looked_) are counted below
    bool in_file_ = false, cur_has_traces_ = false;
    std::ptrdiff_t unknown_ = 0;
    std::unordered_map<std::uint64_t, std::ptrdiff_t> by_block_;
    std::unordered_map<Hash32, std::ptrdiff_t> by_tx_;
};

bool holds_traces(const ParsedChunk& c) {
    for (const auto& [ev, src] : c.events)
        if (std::holds_alternative<eth::ParsedCallTraces>(ev) || std::holds_alternative<eth::ParsedParityTraces>(ev)) return true;
    return false;
}

}  // namespace

Ingestor::Ingestor(store::TransferStore& store, IngestOptions opt, ProgressFn progress)
    : store_(store), opt_(std::move(opt)), progress_(std::move(progress)) {
    if (auto last = store_.last_block()) {
        next_ = *last + 1;
        prev_hash_ = store_.block(*last)->hash;
    }
    if (opt_.genesis) {
        if (next_) {
            // Resuming a store that began with these opening balances is fine.
            auto st = store_.stats();
            auto b0 = store_.block(*st.first_block);
            if (!b0 || (b0->number != 0 && !b0->hash.is_zero()))
                throw InputError(opt_.genesis->string() + ": opening balances apply only to an empty store");
            // ... if they are the same ones: another file would silently not be applied.
            std::vector<std::pair<Address, U256>> stored, given;
            store_.scan([&](const store::TransferRef& r) {
                if (r.block != b0->number) return false;
                if (r.kind == TransferKind::Genesis) stored.emplace_back(store_.address(r.to), r.amount);
                return true;
            });
            for (const auto& t : eth::read_genesis_alloc(*opt_.genesis)) given.emplace_back(*t.to, t.amount);
            if (stored != given)
                throw InputError(fmt::format("{}: the store began with other opening balances ({} accounts stored, {} in "
                                             "this file): use a new store for another genesis",
                                             opt_.genesis->string(), stored.size(), given.size()));
        } else {
            genesis_pending_ = true;
        }
    }
}

Ingestor::~Ingestor() {
    store_.discard_staged();  // an ingest that stopped on an error leaves nothing half-built
}

void Ingestor::ingest_paths(const std::vector<fs::path>& paths) {
    std::vector<fs::path> files;
    for (const auto& p : paths) {
        if (fs::is_directory(p)) {
            std::vector<fs::path> found;
            for (const auto& e : fs::recursive_directory_iterator(p))
                if (e.is_regular_file()) {
                    auto ext = e.path().extension().string();
                    if (ext == ".json" || ext == ".jsonl" || ext == ".ndjson") found.push_back(e.path());
                }
            std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) { return natural_less(a.string(), b.string()); });
            if (found.empty()) throw InputError(p.string() + ": no .json/.jsonl files in this directory");
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::exists(p)) {
            files.push_back(p);
        } else {
            throw InputError(p.string() + ": no such file or directory");
        }
    }
    for (const auto& f : files) bytes_total_ += fs::file_size(f);
    may_restart_ = !next_;
    const IngestReport report_before = report_;
    const bool genesis_before = genesis_pending_;
    try {
        ingest_files(files);
    } catch (const LowerBlockAhead&) {
        // Blocks came out of order into an empty store: undo this ingest and start again at the
        // input's lowest block (found with one more pass over the files).
        store_.discard_staged();
        staged_.clear();
        if (auto first = store_.stats().first_block; first && *first > 0) store_.rollback_to(*first - 1);
        std::optional<std::uint64_t> lowest;
        {
            ParseAhead pass(files);
            for (std::size_t i = 0; i < files.size(); ++i)
                for (bool last = false; !last;) {
                    ParsedChunk chunk = pass.next();
                    last = chunk.last;
                    for (const auto& [ev, src] : chunk.events)
                        if (const auto* b = std::get_if<eth::BlockData>(&ev)) lowest = std::min(lowest.value_or(b->number), b->number);
                    if (chunk.error) std::rethrow_exception(chunk.error);
                }
        }
        assembler_ = eth::BlockAssembler{};
        report_ = report_before;
        genesis_pending_ = genesis_before;
        next_ = lowest;
        prev_hash_.reset();
        may_restart_ = false;
        ingest_files(files);
    }
}

void Ingestor::ingest_files(const std::vector<fs::path>& files) {
    ParseAhead parser(files);
    TraceOutlook outlook(files, parser);
    traces_pending_ = [&](const eth::BlockData& b) { return outlook.pending(b); };
    struct Unset {  // the outlook lives only as long as this call, however it ends
        eth::BlockAssembler::TracesPending& f;
        ~Unset() { f = {}; }
    } unset{traces_pending_};
    for (std::size_t i = 0; i < files.size(); ++i) {
        outlook.file_started(i);
        for (bool last = false; !last;) {
            ParsedChunk chunk = parser.next();
            last = chunk.last;
            if (holds_traces(chunk)) outlook.saw_traces();
            chunk.replay(assembler_);
            if (last) outlook.file_done(i);
            flush(false);
        }
        report_.files++;
        report_.bytes_read += fs::file_size(files[i]);
        if (progress_) progress_(report_, bytes_total_);
    }
    traces_pending_ = {};  // at the end of the input nothing is still to come
    flush(true);
}

void Ingestor::ingest_response(std::string_view json, const std::string& source_name) {
    report_.bytes_read += json.size();
    eth::parse_responses(json, source_name, assembler_);
}

void Ingestor::flush(bool end_of_input) {
    for (auto& b : assembler_.take_ready(end_of_input, next_, traces_pending_)) accept(std::move(b));
    if (end_of_input) {
        if (auto p = assembler_.first_pending()) {
            commit();  // what precedes the gap is whole and valid: keep it
            throw InputError(fmt::format("the input has no block {} (gap before block {}): nothing after the gap was stored",
                                         next_ ? *next_ : *p, *p));
        }
        if (genesis_pending_) apply_genesis_if_needed(std::nullopt, 0);  // only opening balances given
        commit();
        if (report_.blocks_chain_unknown)
            report_.warnings.push_back(fmt::format(
                "the chain is unknown for {} blocks ({}..{}): no --chain-id was given and no transaction names its chain, so "
                "mainnet's rules were not applied to them (no pre-merge block rewards from the fork schedule, no pre-Cancun "
                "self-destruct burns); balances are wrong if this is mainnet data: roll back and ingest again with --chain-id 1",
                report_.blocks_chain_unknown, *report_.first_chain_unknown, *report_.last_chain_unknown));
        if (report_.blocks_without_traces)
            report_.notes.push_back(fmt::format(
                "{} blocks with transactions had no traces: internal value transfers (and the failure of "
                "pre-Byzantium transactions) are unknown for them; give debug_traceBlockByNumber or trace_block responses",
                report_.blocks_without_traces));
    } else if (store_.staged_transfers() >= opt_.batch_transfers || store_.staged_blocks() >= opt_.batch_blocks) {
        commit();
    }
}

void Ingestor::apply_genesis_if_needed(std::optional<eth::BlockData*> block0, std::uint64_t at) {
    if (!genesis_pending_) return;
    genesis_pending_ = false;
    auto alloc = eth::read_genesis_alloc(*opt_.genesis);
    store::BlockInput in;
    in.block.number = at;  // opening balances stand as block `at` (0, or the block before the first)
    if (block0) {  // the node's block 0 carries the alloc as its block-level transfers
        in.block = {0, (*block0)->timestamp, (*block0)->hash, (*block0)->parent_hash};
    }
    for (auto& t : alloc) t.block = in.block.number;
    const std::uint64_t in_number = in.block.number;
    in.transfers = std::move(alloc);
    report_.transfers += in.transfers.size();
    staged_.emplace_back(in.block.number, in.block.hash);
    store_.stage(in);
    next_ = in_number + 1;
    prev_hash_ = in.block.hash;
    report_.blocks_stored++;
    report_.first_block = report_.first_block.value_or(in_number);
    report_.last_block = in_number;
}

void Ingestor::accept(eth::BlockData&& b) {
    if (next_ && b.number < *next_) {
        // Already stored (or batched): the same block changes nothing; another one is a reorg.
        Hash32 have;
        bool known = false;
        if (auto sb = store_.block(b.number)) {
            have = sb->hash;
            known = true;
        } else {
            for (const auto& [number, hash] : staged_)
                if (number == b.number) {
                    have = hash;
                    known = true;
                }
        }
        if (!known && may_restart_) throw LowerBlockAhead{};
        if (!known)
            throw InputError(fmt::format("{}: block {} comes before the first stored block {}: a store only grows "
                                         "forward (ingest into a new store to start earlier)",
                                         b.source, b.number, store_.stats().first_block.value_or(*next_)));
        if (have.is_zero() && b.number == store_.stats().first_block) {  // opening balances stand in for it
            report_.blocks_skipped++;
            return;
        }
        if (have != b.hash)
            throw InputError(fmt::format("{}: block {} has hash {} but the store holds {}: a chain reorganisation? "
                                         "Roll back with `chainward rollback --to {}` first",
                                         b.source, b.number, b.hash.hex(), have.hex(), b.number - 1));
        report_.blocks_skipped++;
        return;
    }
    if (genesis_pending_) {
        if (b.number == 0) {
            apply_genesis_if_needed(&b, 0);
            return;  // block 0 moves nothing besides the alloc
        }
        // History starting mid-chain: the opening balances stand as the block before the first.
        apply_genesis_if_needed(std::nullopt, b.number - 1);
    }
    if (next_ && b.number != *next_)
        throw InputError(fmt::format("{}: block {} does not follow the stored chain: block {} is missing", b.source,
                                     b.number, *next_));
    if (prev_hash_ && !prev_hash_->is_zero() && b.parent_hash != *prev_hash_)
        throw InputError(fmt::format("{}: block {} has parent {} but block {} is {}: a chain reorganisation? "
                                     "Roll back with `chainward rollback --to {}` first",
                                     b.source, b.number, b.parent_hash.hex(), b.number - 1, prev_hash_->hex(),
                                     b.number >= 2 ? b.number - 2 : 0));
    infer_chain(b);
    eth::ExtractStats st;
    store::BlockInput in;
    in.block = {b.number, b.timestamp, b.hash, b.parent_hash};
    std::vector<eth::TxNote> notes;
    in.transfers = eth::extract_transfers(b, opt_.extract, &st, &notes);
    for (auto& n : notes) in.notes.emplace_back(n.tx_index, std::move(n.text));
    if (!b.txs.empty() && !st.used_traces && !b.traces) report_.blocks_without_traces++;
    if (st.status_from_traces) report_.blocks_status_from_traces++;
    if (st.mainnet_rules_skipped) {
        report_.blocks_chain_unknown++;
        if (!report_.first_chain_unknown) report_.first_chain_unknown = b.number;
        report_.last_chain_unknown = b.number;
    }
    report_.txs += b.txs.size();
    report_.transfers += in.transfers.size();
    report_.blocks_stored++;
    if (!report_.first_block) report_.first_block = b.number;
    report_.last_block = b.number;
    next_ = b.number + 1;
    prev_hash_ = b.hash;
    staged_.emplace_back(b.number, b.hash);
    store_.stage(in);
}

void Ingestor::infer_chain(const eth::BlockData& b) {
    auto id = eth::chain_id_of(b);
    if (!id) return;
    if (opt_.extract.chain_id && *id != opt_.extract.chain_id)
        throw InputError(fmt::format("{}: block {}: its transactions are signed for chain {}, but this ingest is for chain {}",
                                     b.source, b.number, *id, opt_.extract.chain_id));
    if (!opt_.extract.chain_id) {
        opt_.extract.chain_id = *id;
        report_.notes.push_back(fmt::format("chain id {} taken from block {} ({}): no --chain-id was given", *id, b.number,
                                            b.number == 0 && b.txs.empty() ? "mainnet's genesis hash" : "its transactions' chain id"));
    }
}

void Ingestor::commit() {
    if (staged_.empty()) return;
    store_.commit_staged();
    staged_.clear();
    report_.batches++;
    if (progress_) progress_(report_, bytes_total_);
}

// ---- blockchain-etl CSV exports ---------------------------------------------------------------

void Ingestor::ingest_etl_dir(const fs::path& dir) {
    auto files = eth::find_etl_files(dir);
    std::uint64_t bytes = 0;
    for (const auto& f : files.all()) bytes += fs::file_size(f);
    bytes_total_ += bytes;
    auto rep = eth::read_etl(files, assembler_, [&] { flush(false); });
    report_.files += files.all().size();
    report_.bytes_read += bytes;
    flush(true);
    if (rep.token_transfers_ignored)
        report_.notes.push_back("both logs and token_transfers tables given: token transfers come from the logs; token_transfers was not read");
    if (rep.logs_from_token_transfers)
        report_.notes.push_back("no logs table: token transfers come from token_transfers as ERC-20 Transfer events "
                                "(ERC-721 transfers in it count as amounts; ERC-1155 and WETH events are not in it)");
    if (rep.skipped_trace_rows)
        report_.notes.push_back(fmt::format("{} genesis/daofork trace rows skipped (opening balances come from --genesis; "
                                            "the DAO fork's state change is not recorded)", rep.skipped_trace_rows));
    if (rep.blocks_with_unknown_uncles && opt_.extract.chain_id == 1)
        report_.notes.push_back(fmt::format("{} blocks have uncles but no reward rows in traces: their miner reward lacks "
                                            "the uncle-inclusion bonus (blocks.csv has no uncle count)", rep.blocks_with_unknown_uncles));
    if (progress_) progress_(report_, bytes_total_);
}

}  // namespace chainward::ingest
