// Internal to src/risk: the engine's state (shared by the engine, its persistence and the rows
// file writer).
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "risk/risk.hpp"
#include "trace/trace.hpp"

namespace chainward::risk::detail {

using trace::Role;

inline std::uint64_t pot_key(AddressId a, AssetId s) {
    return (static_cast<std::uint64_t>(a) << 32) | s;
}
inline AddressId key_addr(std::uint64_t k) {
    return static_cast<AddressId>(k >> 32);
}
inline AssetId key_asset(std::uint64_t k) {
    return static_cast<AssetId>(k & 0xFFFFFFFFu);
}

/// A source: one labelled address and validity window; the categories of its labels.
struct Colour {
    AddressId src = store::kNoAddress;
    Address address;
    std::uint64_t from = 0, to = kOpenEnd;
    std::vector<std::uint32_t> cats;  ///< indices into State::categories
    bool indirect = true;             ///< traced forward (converters: direct exposure only)
    bool live = true;
};

/// Balance (the tracer's clamped pot balance) and what was received and sent (fees excluded).
struct Flow {
    U256 bal = 0, in = 0, out = 0;
};

/// One source's taint in a pot, and what of it arrived there indirectly.
struct CPot {
    std::uint32_t colour = 0;
    std::uint32_t hop = 0;  ///< hop of the first tainted arrival
    U256 taint = 0;         ///< held now
    U256 recv = 0;          ///< received indirectly (arrivals not sent by the source itself)
    std::uint64_t first_id = 0, first_block = 0;
    AddressId first_from = store::kNoAddress;
};

/// One source following an address (fewest hops, first tainted arrival).
struct Follow {
    std::uint32_t colour = 0;
    std::uint32_t hop = 0;
    std::uint64_t parent_id = 0, parent_block = 0;
    AddressId parent_from = store::kNoAddress;
};

struct DirectKey {
    AddressId addr;
    std::uint32_t colour;
    AssetId asset;
    std::uint8_t dir;
    bool operator==(const DirectKey&) const = default;
    template <typename H>
    friend H AbslHashValue(H h, const DirectKey& k) {
        return H::combine(std::move(h), k.addr, k.colour, k.asset, k.dir);
    }
};
struct DirectRow {
    U256 amount = 0;
    U256 largest = 0;  ///< the largest transfer (its evidence)
    std::uint64_t largest_id = 0, largest_block = 0;
    AddressId counterparty = store::kNoAddress;
};

/// Everything a pass over the chain changes.
struct Tables {
    absl::flat_hash_map<std::uint64_t, Flow> flows;               ///< pots of tracked addresses
    absl::flat_hash_set<AddressId> tracked;                       ///< addresses with flows
    absl::flat_hash_map<std::uint64_t, std::vector<CPot>> cpots;  ///< per pot, per source
    absl::flat_hash_map<AddressId, std::vector<Follow>> follows;  ///< per address, per source
    absl::flat_hash_map<DirectKey, DirectRow> direct;
};

struct State {
    Options opt;
    std::vector<LabelFact> facts;
    std::string label_origin;
    std::vector<std::string> categories;
    std::vector<Colour> colours;
    absl::flat_hash_map<AddressId, std::vector<std::uint32_t>>
        by_src;  ///< live colours per address
    absl::flat_hash_map<AddressId, Role> roles;
    Tables t;
    std::uint64_t next_id = 0;  ///< transfers applied: ids [0, next_id)
    std::optional<std::uint64_t> last_block;
    Hash32 last_hash{};
    std::uint64_t generation = 0;
};

/// Persistence of the state (state-<gen>.bin).
void write_state(const State& s, const std::filesystem::path& file);
void read_state(State& s, const std::filesystem::path& file);
/// The rows file (rows-<gen>.bin) for the Index.
void write_rows(const State& s, const Chain& chain, const std::filesystem::path& file);
/// Rows of one address from the state (aggregated per category, like the rows file).
std::vector<ExposureRow> rows_of(const State& s, const Chain& chain, AddressId a);
std::vector<LabelView> labels_of(const State& s, const Address& a);

}  // namespace chainward::risk::detail
