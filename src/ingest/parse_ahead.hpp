// Parses input files on a second thread, one file ahead of the thread that assembles, extracts
// and stores: parsing is about half of ingest time, so the two halves overlap. Internal to
// src/ingest.
#pragma once

#include <condition_variable>
#include <algorithm>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "eth/eth.hpp"

namespace chainward::ingest {

/// Everything one file produced, in order, to be replayed into the assembler.
struct ParsedFile : eth::ResponseSink {
    using Event = std::variant<eth::BlockData, std::vector<eth::ReceiptData>, eth::ParsedCallTraces, eth::ParsedParityTraces>;
    std::vector<std::pair<Event, eth::SourceRef>> events;
    std::exception_ptr error;  ///< set if the file was bad: rethrown when its turn comes
    std::filesystem::path path;

    void on_block(eth::BlockData&& b, const eth::SourceRef& s) override { events.emplace_back(std::move(b), s); }
    void on_receipts(std::vector<eth::ReceiptData>&& r, const eth::SourceRef& s) override { events.emplace_back(std::move(r), s); }
    void on_call_traces(eth::ParsedCallTraces&& t, const eth::SourceRef& s) override { events.emplace_back(std::move(t), s); }
    void on_parity_traces(eth::ParsedParityTraces&& t, const eth::SourceRef& s) override { events.emplace_back(std::move(t), s); }

    void replay(eth::ResponseSink& sink) {
        if (error) std::rethrow_exception(error);
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
    }
};

/// Workers that parse `files` (worker k takes files k, k+W, k+2W, …), each keeping at most one
/// parsed file waiting; next() hands the results out in input order.
class ParseAhead {
public:
    explicit ParseAhead(std::vector<std::filesystem::path> files, unsigned workers = default_workers())
        : files_(std::move(files)), slots_(std::max(1u, workers)) {
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
    /// The next file's result, in input order; waits for it.
    ParsedFile next() {
        std::unique_lock lk(m_);
        auto& slot = slots_[next_ % slots_.size()];
        cv_.wait(lk, [&] { return !slot.empty(); });
        ParsedFile f = std::move(slot.front());
        slot.pop_front();
        ++next_;
        cv_.notify_all();
        return f;
    }
    /// One parser per core, at most 4: parsing scales with cores until memory bandwidth.
    static unsigned default_workers() { return std::clamp(std::thread::hardware_concurrency(), 1u, 4u); }

private:
    void run(unsigned k) {
        for (std::size_t i = k; i < files_.size(); i += slots_.size()) {
            ParsedFile f;
            f.path = files_[i];
            try {
                eth::parse_response_file(files_[i], f);
            } catch (...) {
                f.error = std::current_exception();
            }
            std::unique_lock lk(m_);
            cv_.wait(lk, [&] { return stop_ || slots_[k].empty(); });
            if (stop_) return;
            slots_[k].push_back(std::move(f));
            cv_.notify_all();
        }
    }
    std::vector<std::filesystem::path> files_;
    std::mutex m_;
    std::condition_variable cv_;
    std::vector<std::deque<ParsedFile>> slots_;
    std::size_t next_ = 0;
    bool stop_ = false;
    std::vector<std::thread> threads_;  // last: started once the members they use exist
};

}  // namespace chainward::ingest
