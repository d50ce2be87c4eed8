// Exposure computed independently from the rules of docs/exposure.md: direct rows by summing the
// labelled address's transfers inside its window, indirect rows by running the reference tracer
// (ref_exposure.hpp: tests/trace/ref_tracer.hpp as exposure follows it) once per source, with that
// source's transfers as source transfers, and adding up what arrived at each address. Shares no
// code with src/risk.
#pragma once

#include <map>
#include <set>
#include <tuple>

#include "ref_exposure.hpp"
#include "risk/risk.hpp"

namespace chainward::risk::testing {

/// (address, category, direction, kind, asset) -> amount; zero amounts left out.
using RowKey = std::tuple<AddressId, std::string, int, int, AssetId>;
using Expected = std::map<RowKey, U256>;

inline Expected expected_exposure(
    const std::vector<TransferRef>& all, const std::unordered_map<AddressId, trace::Role>& roles,
    const std::vector<LabelFact>& facts,
    const std::function<std::optional<AddressId>(const Address&)>& find, std::uint32_t hops,
    const std::map<AssetId, U256>& min_amount = {}) {
    std::map<std::tuple<Address, std::uint64_t, std::uint64_t>, std::set<std::string>> sources;
    for (const auto& f : facts)
        if (f.to_block > f.from_block)
            sources[{f.address, f.from_block, f.to_block}].insert(f.category);
    Expected out;
    for (const auto& [k, cats] : sources) {
        const auto& [addr, from, to] = k;
        auto src = find(addr);
        if (!src) continue;
        auto in_window = [&](const TransferRef& t) { return t.block >= from && t.block < to; };
        auto fee = [](const TransferRef& t) {
            return t.kind == TransferKind::Fee || t.kind == TransferKind::Burn;
        };
        trace::Options o;
        o.model = trace::Model::Haircut;
        o.roles = roles;
        o.builtin_converters = false;
        o.max_hops = hops + 1;
        for (const auto& [a, v] : min_amount) o.min_amount[a] = v;
        for (const auto& t : all) {
            if (fee(t) || !in_window(t)) continue;
            if (t.from == *src) {
                o.source_transfers.push_back(t);
                if (t.to != 0)
                    for (const auto& c : cats) out[{t.to, c, 0, 0, t.asset}] += t.amount;
            }
            if (t.to == *src && t.from != 0)
                for (const auto& c : cats) out[{t.from, c, 1, 0, t.asset}] += t.amount;
        }
        auto r = roles.find(*src);
        if (o.source_transfers.empty() || (r != roles.end() && r->second == trace::Role::Converter))
            continue;
        // indirect exposure for the risky categories of docs/exposure.md only
        static const std::set<std::string> risky = {
            "sanctioned", "stolen_funds",        "hacker", "heist_attacker", "ransomware",
            "darknet",    "terrorist_financing", "scam",   "phishing",       "mixer",
            "gambling"};
        std::set<std::string> traced;
        for (const auto& c : cats)
            if (risky.contains(c)) traced.insert(c);
        if (traced.empty()) continue;
        auto ref = reference_exposure_trace(all, o);
        for (const auto& [pot, amount] : ref.received)
            if (pot.first != 0)
                for (const auto& c : traced) out[{pot.first, c, 0, 1, pot.second}] += amount;
    }
    std::erase_if(out, [](const auto& kv) { return kv.second == 0; });
    return out;
}

/// The same keys from screening results.
inline void add_rows(Expected& m, AddressId id, const std::vector<ExposureRow>& rows,
                     const std::function<AssetId(const AssetKey&)>& asset_id) {
    for (const auto& r : rows)
        if (r.amount > 0)
            m[{id, r.category, static_cast<int>(r.direction), static_cast<int>(r.kind),
               asset_id(r.asset)}] += r.amount;
}

}  // namespace chainward::risk::testing
