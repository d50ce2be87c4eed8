// Joins blocks, receipts and traces that arrive in any order and in separate responses.
#include "eth/eth.hpp"

namespace chainward::eth {
namespace {

[[noreturn]] void fail(const SourceRef& src, const std::string& msg) { throw InputError(src.where() + ": " + msg); }

bool frames_match(const BlockData& b, const std::vector<CallFrame>& frames) {
    if (frames.size() != b.txs.size()) return false;
    for (std::size_t i = 0; i < frames.size(); ++i)
        if (frames[i].from != b.txs[i].from) return false;
    return true;
}

}  // namespace

bool BlockData::receipts_complete() const {
    for (const auto& r : receipts)
        if (!r) return false;
    return true;
}

void BlockAssembler::on_block(BlockData&& b, const SourceRef& src) {
    auto it = blocks_.find(b.number);
    if (it != blocks_.end()) {
        if (it->second.hash != b.hash)
            fail(src, "block " + std::to_string(b.number) + " appears twice with different hashes (" +
                          it->second.hash.hex() + " in " + it->second.source + ", " + b.hash.hex() + ")");
        return;  // the same block again: nothing new
    }
    b.receipts.assign(b.txs.size(), std::nullopt);
    std::uint64_t n = b.number;
    for (const auto& tx : b.txs) tx_to_block_[tx.hash] = n;
    BlockData& stored = blocks_.emplace(n, std::move(b)).first->second;

    if (auto o = orphan_receipts_.find(n); o != orphan_receipts_.end()) {
        for (auto& [r, rsrc] : o->second) attach_receipt(stored, std::move(r), rsrc);
        orphan_receipts_.erase(o);
    }
    if (auto o = orphan_parity_.find(n); o != orphan_parity_.end()) {
        auto [t, tsrc] = std::move(o->second);
        orphan_parity_.erase(o);
        on_parity_traces(std::move(t), tsrc);
    }
    if (!stored.txs.empty()) {
        // Traces that came first name the block's first transaction (erase before attaching:
        // attaching may throw, and the orphan must not be reported twice).
        auto range = orphan_call_traces_.equal_range(stored.txs[0].hash);
        std::vector<std::pair<ParsedCallTraces, SourceRef>> found;
        for (auto o = range.first; o != range.second; ++o) found.push_back(std::move(o->second));
        orphan_call_traces_.erase(range.first, range.second);
        for (auto& [t, tsrc] : found)
            if (!try_attach_call_traces(t, tsrc)) orphan_call_traces_.emplace(stored.txs[0].hash, std::pair{std::move(t), tsrc});
    }
    for (auto it2 = orphan_unnamed_traces_.begin(); it2 != orphan_unnamed_traces_.end();) {
        if (try_attach_call_traces(it2->first, it2->second))
            it2 = orphan_unnamed_traces_.erase(it2);
        else
            ++it2;
    }
}

void BlockAssembler::attach_receipt(BlockData& b, ReceiptData&& r, const SourceRef& src) {
    auto id = [&] { return "receipt of " + r.tx_hash.hex(); };  // only built for an error
    if (r.block_hash != b.hash)
        fail(src, id() + " does not belong to block " + std::to_string(b.number) + ": blockHash " + r.block_hash.hex() +
                      " differs from the block's " + b.hash.hex());
    if (r.tx_index >= b.txs.size() || b.txs[r.tx_index].hash != r.tx_hash)
        fail(src, id() + " does not belong to block " + std::to_string(b.number) + ": transactionIndex " +
                      std::to_string(r.tx_index) + " holds another transaction");
    b.receipts[r.tx_index] = std::move(r);
}

void BlockAssembler::on_receipts(std::vector<ReceiptData>&& rs, const SourceRef& src) {
    for (auto& r : rs) {
        auto it = blocks_.find(r.block_number);
        if (it != blocks_.end())
            attach_receipt(it->second, std::move(r), src);
        else
            orphan_receipts_[r.block_number].emplace_back(std::move(r), src);
    }
}

bool BlockAssembler::try_attach_call_traces(ParsedCallTraces& t, const SourceRef& src) {
    BlockData* target = nullptr;
    if (!t.tx_hashes.empty() && t.tx_hashes[0]) {
        auto it = tx_to_block_.find(*t.tx_hashes[0]);
        if (it == tx_to_block_.end()) return false;
        auto bit = blocks_.find(it->second);
        if (bit == blocks_.end()) return false;
        target = &bit->second;
        for (std::size_t i = 0; i < t.tx_hashes.size(); ++i)
            if (i >= target->txs.size() || (t.tx_hashes[i] && *t.tx_hashes[i] != target->txs[i].hash))
                fail(src, "traces do not match the transactions of block " + std::to_string(target->number) +
                              " (element " + std::to_string(i) + ")");
    } else {
        // Older callTracer output names no transaction: match the senders in block order.
        for (auto& [n, b] : blocks_)
            if (!b.traces && frames_match(b, t.frames)) {
                target = &b;
                break;
            }
        if (!target) return false;
    }
    if (!frames_match(*target, t.frames))
        fail(src, "traces do not match the transactions of block " + std::to_string(target->number) + ": " +
                      std::to_string(t.frames.size()) + " traces for " + std::to_string(target->txs.size()) +
                      " transactions, or senders differ");
    target->traces = std::move(t.frames);
    return true;
}

void BlockAssembler::on_call_traces(ParsedCallTraces&& t, const SourceRef& src) {
    if (try_attach_call_traces(t, src)) return;
    if (!t.tx_hashes.empty() && t.tx_hashes[0]) {
        const Hash32 first = *t.tx_hashes[0];  // before t is moved
        orphan_call_traces_.emplace(first, std::pair{std::move(t), src});
    } else {
        orphan_unnamed_traces_.emplace_back(std::move(t), src);
    }
}

void BlockAssembler::on_parity_traces(ParsedParityTraces&& t, const SourceRef& src) {
    if (!t.block_number) fail(src, "trace_block response without blockNumber");
    auto it = blocks_.find(*t.block_number);
    if (it == blocks_.end()) {
        orphan_parity_[*t.block_number] = {std::move(t), src};
        return;
    }
    BlockData& b = it->second;
    for (std::size_t i = 0; i < t.tx_positions.size(); ++i)
        if (t.tx_positions[i] && *t.tx_positions[i] != i)
            fail(src, "trace_block of block " + std::to_string(b.number) + ": transactionPosition out of order");
    if (!frames_match(b, t.frames))
        fail(src, "trace_block does not match block " + std::to_string(b.number) + ": " +
                      std::to_string(t.frames.size()) + " top-level traces for " + std::to_string(b.txs.size()) +
                      " transactions, or senders differ");
    b.traces = std::move(t.frames);
    b.rewards = std::move(t.rewards);
}

std::vector<BlockData> BlockAssembler::take_ready(bool end_of_input, std::optional<std::uint64_t> next,
                                                  const TracesPending& traces_pending) {
    std::vector<BlockData> out;
    std::optional<std::uint64_t> prev;
    for (auto it = blocks_.begin(); it != blocks_.end();) {
        BlockData& b = it->second;
        // Blocks go out in number order without holes; a block beyond the expected next one
        // waits (the missing one may be in a later file) until the input ends.
        bool contiguous = prev ? b.number == *prev + 1 : (!next || b.number <= *next);
        bool complete = b.receipts_complete();
        // Asked last, and only of a block that could go out but for its traces: the answer
        // may cost a look at files ahead.
        bool traces_ok = b.traces || b.txs.empty() || end_of_input || !complete || !contiguous || !traces_pending ||
                         !traces_pending(b);
        if (!complete || !traces_ok || !contiguous) {
            if (!end_of_input) break;
            if (!b.receipts_complete()) {
                std::size_t i = 0;
                while (b.receipts[i]) ++i;
                throw InputError(b.source + ": block " + std::to_string(b.number) + ": no receipt for transaction " +
                                 std::to_string(i) + " (" + b.txs[i].hash.hex() +
                                 "): give eth_getBlockReceipts or eth_getTransactionReceipt responses");
            }
            // A gap inside the input: hand out what precedes it; the caller reports the gap.
            break;
        }
        prev = b.number;
        for (const auto& tx : b.txs) tx_to_block_.erase(tx.hash);
        out.push_back(std::move(b));
        it = blocks_.erase(it);
    }
    if (end_of_input && blocks_.empty()) {
        if (!orphan_receipts_.empty()) {
            const auto& [n, v] = *orphan_receipts_.begin();
            throw InputError(v.front().second.where() + ": receipt of " + v.front().first.tx_hash.hex() +
                             " for block " + std::to_string(n) + ", which is not in the input");
        }
        if (!orphan_parity_.empty())
            throw InputError(orphan_parity_.begin()->second.second.where() + ": traces of block " +
                             std::to_string(orphan_parity_.begin()->first) + ", which is not in the input");
        for (const auto* o : {orphan_call_traces_.empty() ? nullptr : &orphan_call_traces_.begin()->second,
                              orphan_unnamed_traces_.empty() ? nullptr : &orphan_unnamed_traces_.front()})
            if (o) throw InputError(o->second.where() + ": block traces that match no block in the input");
    }
    return out;
}

}  // namespace chainward::eth
