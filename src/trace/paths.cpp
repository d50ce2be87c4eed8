// Explaining paths (docs/tracing.md "Paths"): fewest-hop, time-respecting chains of transfers.
#include <algorithm>

#include "trace/trace.hpp"

namespace chainward::trace {

void PathIndex::start(AddressId a, std::uint64_t seq) {
    auto& v = recs_[a];
    if (!v.empty() && v.back().hops == 0) return;
    v.push_back(Rec{seq, 0, false, PathStep{}});
    log_.push_back(a);
}

bool PathIndex::reach(AddressId a, const PathStep& step, std::uint32_t hops, std::uint64_t seq, bool first) {
    auto& v = recs_[a];
    if (!v.empty() && v.back().hops <= hops) return false;
    v.push_back(Rec{seq, hops, first, step});
    log_.push_back(a);
    return true;
}

std::optional<std::uint32_t> PathIndex::hops(AddressId a) const {
    auto it = recs_.find(a);
    if (it == recs_.end() || it->second.empty()) return std::nullopt;
    return it->second.back().hops;
}

void PathIndex::rollback(std::size_t m) {
    while (log_.size() > m) {
        auto it = recs_.find(log_.back());
        it->second.pop_back();
        if (it->second.empty()) recs_.erase(it);
        log_.pop_back();
    }
}

Path PathIndex::path(AddressId a, std::size_t cap) const {
    Path p;
    auto it = recs_.find(a);
    if (it == recs_.end() || it->second.empty()) return p;
    const Rec* r = &it->second.back();
    std::vector<PathStep> chain;  // from `a` towards the start
    // Each step leads to the record its other end held when the step happened (a smaller seq):
    // hop counts fall by one per step, so the walk ends at a start within r->hops steps.
    while (r->hops > 0) {
        chain.push_back(r->step);
        if (r->first) break;
        auto jt = recs_.find(forward_ ? r->step.from : r->step.to);
        if (jt == recs_.end()) break;
        const auto& v = jt->second;
        auto q = std::lower_bound(v.begin(), v.end(), r->seq, [](const Rec& x, std::uint64_t s) { return x.seq < s; });
        if (q == v.begin()) break;
        const Rec* prev = &*std::prev(q);
        if (prev->hops >= r->hops) break;  // cannot happen: hops fall along a path
        r = prev;
    }
    if (forward_) std::reverse(chain.begin(), chain.end());
    p.hops = static_cast<std::uint32_t>(chain.size());
    if (chain.size() <= cap) {
        p.steps = std::move(chain);
        return p;
    }
    // a genuinely long path: keep its two ends
    p.cut_at = cap / 2;
    p.omitted = chain.size() - cap;
    p.steps.assign(chain.begin(), chain.begin() + static_cast<std::ptrdiff_t>(p.cut_at));
    p.steps.insert(p.steps.end(), chain.end() - static_cast<std::ptrdiff_t>(cap - p.cut_at), chain.end());
    return p;
}

}  // namespace chainward::trace
