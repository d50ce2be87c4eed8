// Parses input files on worker threads ahead of the thread that assembles, extracts and stores:
// parsing is most of ingest time, so the two overlap. Workers hand their results over in chunks
// of a few documents, so the consumer starts on a file long before it is parsed to its end.
// Internal to src/ingest.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include "eth/eth.hpp"

namespace chainward::ingest {

/// Parsed documents of one file, in order, to be replayed into the assembler.
struct ParsedChunk : eth::ResponseSink {
    using Event = std::variant<eth::BlockData, std::vector<eth::ReceiptData>, eth::ParsedCallTraces, eth::ParsedParityTraces>;
    std::vector<std::pair<Event, eth::SourceRef>> events;
    std::exception_ptr error;  ///< the file was bad here: rethrown when its turn comes
    bool last = false;         ///< the file's final chunk

    void on_block(eth::BlockData&& b, const eth::SourceRef& s) override { events.emplace_back(std::move(b), s); }
    void on_receipts(std::vector<eth::ReceiptData>&& r, const eth::SourceRef& s) override { events.emplace_back(std::move(r), s); }
    void on_call_traces(eth::ParsedCallTraces&& t, const eth::SourceRef& s) override { events.emplace_back(std::move(t), s); }
    void on_parity_traces(eth::ParsedParityTraces&& t, const eth::SourceRef& s) override { events.emplace_back(std::move(t), s); }

    void replay(eth::ResponseSink& sink) {
        for (auto& [ev, src] : events) {
            std::visit(
                [&](auto&& v) {
                    using T = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<T, eth::BlockData>) sink.on_block(std::move(v), src);
                    else if constexpr (std::is_same_v<T, std::vector<eth::ReceiptData>>) sink.on_receipts(std::move(v), src);
                    else if constexpr (std::is_same_v<T, eth::ParsedCallTraces>) sink.on_call_traces(std::move(v), src);
                    else sink.on_parity_traces(std::move(v), src);
                },
                ev);
        }
        events.clear();
        if (error) std::rethrow_exception(error);
    }
};

/// Workers that parse `files` (worker k takes files k, k+W, k+2W, …); next() hands the chunks
/// out in input order.
class ParseAhead {
public:
    explicit ParseAhead(std::vector<std::filesystem::path> files, unsigned workers = default_workers())
        : files_(std::move(files)), outlines_(files_.size()), slots_(std::max(1u, workers)) {
        for (unsigned k = 0; k < slots_.size(); ++k) threads_.emplace_back([this, k] { run(k); });
    }
    ~ParseAhead() {
        {
            std::lock_guard lk(m_);
            stop_ = true;
        }
        cv_.notify_all();
        for (auto& t : threads_) t.join();
    }
    /// The next chunk in input order (`last` ends a file); waits for it.
    ParsedChunk next() {
        std::unique_lock lk(m_);
        auto& slot = slots_[file_ % slots_.size()];
        cv_.wait(lk, [&] { return !slot.empty(); });
        ParsedChunk c = std::move(slot.front());
        slot.pop_front();
        if (c.last) outlines_[file_++].reset();  // consumed: nobody needs it any more
        cv_.notify_all();
        return c;
    }
    /// The trace outline of file i if a worker has parsed all of it (and nobody took it yet):
    /// workers run ahead of the consumer, so the files just ahead are usually known for free.
    std::optional<eth::TraceOutline> take_outline(std::size_t i) {
        std::lock_guard lk(m_);
        std::optional<eth::TraceOutline> o = std::move(outlines_[i]);
        outlines_[i].reset();
        return o;
    }
    /// One parser per core, at most 4: parsing scales with cores until memory bandwidth.
    static unsigned default_workers() { return std::clamp(std::thread::hardware_concurrency(), 1u, 4u); }

private:
    static constexpr std::size_t kChunkEvents = 16;  // documents per chunk (a block's 3 responses ≈ 1 MB)
    static constexpr std::size_t kQueuedChunks = 8;  // per worker: bounds memory

    struct Stop {};
    /// Cuts a file's documents into chunks as they are parsed.
    struct Chunker : eth::ResponseSink {
        ParseAhead& pa;
        unsigned k;
        ParsedChunk cur;
        eth::TraceOutline outline;
        Chunker(ParseAhead& p, unsigned w) : pa(p), k(w) {}
        void maybe_push() {
            if (cur.events.size() < kChunkEvents) return;
            if (!pa.push(k, std::move(cur))) throw Stop{};
            cur = ParsedChunk{};
        }
        void on_block(eth::BlockData&& b, const eth::SourceRef& s) override { cur.on_block(std::move(b), s), maybe_push(); }
        void on_receipts(std::vector<eth::ReceiptData>&& r, const eth::SourceRef& s) override { cur.on_receipts(std::move(r), s), maybe_push(); }
        void on_call_traces(eth::ParsedCallTraces&& t, const eth::SourceRef& s) override {
            outline.add(t);
            cur.on_call_traces(std::move(t), s), maybe_push();
        }
        void on_parity_traces(eth::ParsedParityTraces&& t, const eth::SourceRef& s) override {
            outline.add(t);
            cur.on_parity_traces(std::move(t), s), maybe_push();
        }
    };

    bool push(unsigned k, ParsedChunk&& c) {
        std::unique_lock lk(m_);
        cv_.wait(lk, [&] { return stop_ || slots_[k].size() < kQueuedChunks; });
        if (stop_) return false;
        slots_[k].push_back(std::move(c));
        cv_.notify_all();
        return true;
    }

    void run(unsigned k) {
        for (std::size_t i = k; i < files_.size(); i += slots_.size()) {
            Chunker chunker(*this, k);
            try {
                eth::parse_response_file(files_[i], chunker);
                std::lock_guard lk(m_);
                if (file_ <= i) outlines_[i] = std::move(chunker.outline);
            } catch (const Stop&) {
                return;
            } catch (...) {
                chunker.cur.error = std::current_exception();
            }
            chunker.cur.last = true;
            if (!push(k, std::move(chunker.cur))) return;
        }
    }

    std::vector<std::filesystem::path> files_;
    std::vector<std::optional<eth::TraceOutline>> outlines_;  ///< by file, until consumed
    std::mutex m_;
    std::condition_variable cv_;
    std::vector<std::deque<ParsedChunk>> slots_;
    std::size_t file_ = 0;
    bool stop_ = false;
    std::vector<std::thread> threads_;  // last: started once the members they use exist
};

}  // namespace chainward::ingest
