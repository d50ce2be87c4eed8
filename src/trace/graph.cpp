// Graph adapters (store, memory) and store look-ups the CLI needs to name sources.
#include <algorithm>
#include <ctime>
#include <unordered_set>

#include <fmt/format.h>

#include "trace/trace.hpp"

namespace chainward::trace {

void StoreGraph::transfers_of(AddressId a, const std::function<bool(const TransferRef&)>& f, std::uint64_t from_id) const {
    st_.for_each_of(a, store::Direction::Both, f, from_id);
}

std::uint64_t MemoryGraph::add(TransferRef t, const Hash32& tx_hash) {
    t.id = all_.size();
    if (t.from != store::kNoAddress) adj_[t.from].push_back(t.id);
    if (t.to != store::kNoAddress && t.to != t.from) adj_[t.to].push_back(t.id);
    all_.push_back(t);
    hashes_.push_back(tx_hash);
    return t.id;
}

void MemoryGraph::set_address(AddressId id, const Address& a) { addrs_[id] = a; }

void MemoryGraph::transfers_of(AddressId a, const std::function<bool(const TransferRef&)>& f, std::uint64_t from_id) const {
    auto it = adj_.find(a);
    if (it == adj_.end()) return;
    for (auto p = std::lower_bound(it->second.begin(), it->second.end(), from_id); p != it->second.end(); ++p)
        if (!f(all_[*p])) return;
}

std::optional<AddressId> MemoryGraph::find_address(const Address& a) const {
    for (const auto& [id, x] : addrs_)
        if (x == a) return id;
    // synthesised addresses: the id in the last four bytes
    Address probe = address(0);
    bool synth = std::equal(a.b.begin(), a.b.begin() + 16, probe.b.begin());
    if (!synth) return std::nullopt;
    AddressId id = (AddressId(a.b[16]) << 24) | (AddressId(a.b[17]) << 16) | (AddressId(a.b[18]) << 8) | a.b[19];
    return adj_.contains(id) ? std::optional<AddressId>(id) : std::nullopt;
}

Address MemoryGraph::address(AddressId id) const {
    if (auto it = addrs_.find(id); it != addrs_.end()) return it->second;
    Address a{};
    a.b[0] = 0xcc;
    a.b[16] = static_cast<std::uint8_t>(id >> 24);
    a.b[17] = static_cast<std::uint8_t>(id >> 16);
    a.b[18] = static_cast<std::uint8_t>(id >> 8);
    a.b[19] = static_cast<std::uint8_t>(id);
    return a;
}

AssetKey MemoryGraph::asset(AssetId id) const {
    if (auto it = assets_.find(id); it != assets_.end()) return it->second;
    AssetKey k;
    if (id == store::kNativeAsset) return k;
    k.type = AssetType::Erc20;
    k.contract.b[0] = 0xee;
    k.contract.b[19] = static_cast<std::uint8_t>(id);
    k.contract.b[18] = static_cast<std::uint8_t>(id >> 8);
    return k;
}

std::vector<TransferRef> find_transactions(const store::TransferStore& st, const std::vector<Hash32>& hashes,
                                           std::vector<Hash32>* missing) {
    std::vector<TransferRef> out;
    std::unordered_set<Hash32> seen;
    for (const auto& h : hashes) {
        if (!seen.insert(h).second) continue;  // a hash given twice is one source
        auto v = st.find_tx(h);
        if (v.empty() && missing) missing->push_back(h);
        out.insert(out.end(), v.begin(), v.end());
    }
    std::sort(out.begin(), out.end(), [](const TransferRef& x, const TransferRef& y) { return x.id < y.id; });
    return out;
}

std::optional<std::uint64_t> block_at_time(const store::TransferStore& st, std::uint64_t unix_time) {
    auto s = st.stats();
    if (!s.first_block) return std::nullopt;
    std::uint64_t lo = *s.first_block, hi = *s.last_block;
    auto ts = [&](std::uint64_t n) { auto b = st.block(n); return b ? b->timestamp : 0; };
    if (ts(hi) < unix_time) return std::nullopt;
    while (lo < hi) {
        std::uint64_t mid = lo + (hi - lo) / 2;
        if (ts(mid) >= unix_time)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/// BLOCK (digits) or TIME (unix seconds with a leading '@', or YYYY-MM-DD[THH:MM[:SS]][Z], UTC).
std::uint64_t parse_point(const store::TransferStore& st, const std::string& s, const char* what, bool until) {
    if (s.empty()) throw InputError(fmt::format("{}: empty", what));
    std::optional<std::uint64_t> time;
    if (s[0] == '@') {
        try {
            time = parse_u64(s.substr(1));
        } catch (const std::invalid_argument& e) {
            throw InputError(fmt::format("{} \"{}\": {}", what, s, e.what()));
        }
    } else if (s.find('-') != std::string::npos) {
        std::tm tm{};
        int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
        int n = std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &se);
        if (n < 3) throw InputError(fmt::format("{} \"{}\": want a block number, @unixtime or YYYY-MM-DDTHH:MM:SSZ", what, s));
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = se;
        time = static_cast<std::uint64_t>(timegm(&tm));
    } else {
        try {
            return parse_u64(s);
        } catch (const std::invalid_argument& e) {
            throw InputError(fmt::format("{} \"{}\": {}", what, s, e.what()));
        }
    }
    auto b = trace::block_at_time(st, *time);
    if (!b) {
        if (until) return st.last_block().value_or(0);
        throw InputError(fmt::format("{} \"{}\": after the newest stored block", what, s));
    }
    // --until TIME: the last block before that time; --since TIME: the first block at or after it
    if (until) return *b == 0 ? 0 : (st.block(*b)->timestamp == *time ? *b : *b - 1);
    return *b;
}

}  // namespace chainward::trace
