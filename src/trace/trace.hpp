// chainward trace: follow stolen value through the transfer graph under a taint model.
// Public header of src/trace. Semantics (models, time order, conservation, terminals, cross-asset
// rules, limits) are specified in docs/tracing.md; the CLI (`chainward trace`), screening and
// monitoring all call trace() and render the Result with the functions at the bottom.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/core.hpp"
#include "label/label.hpp"
#include "store/store.hpp"

namespace chainward::trace {

using store::AddressId;
using store::AssetId;
using store::TransferRef;

/// How taint is shared when tainted and clean value mix in one (address, asset) pot.
enum class Model : std::uint8_t { Poison, Haircut, Fifo, Lifo, Tiho };
const char* model_name(Model m);
std::optional<Model> model_from_name(std::string_view s);

/// What an address does to a trace: Plain holds and passes on taint; Converter (DEX, WETH, NFT
/// marketplace) swaps it into what it pays back in the same transaction; Terminal (exchange,
/// mixer, bridge, issuer) is a freeze or dead-end point where the trace stops.
enum class Role : std::uint8_t { Plain = 0, Converter = 1, Terminal = 2 };
/// Role implied by a label category (unknown categories: Plain).
Role role_of_category(std::string_view category);
/// Strongest role among an address's labels (Terminal > Converter > Plain).
Role role_of_labels(const std::vector<label::Label>& labels);

/// Read access the tracer needs. StoreGraph adapts the transfer store; MemoryGraph holds a small
/// graph in memory (tests, simulations).
class Graph {
public:
    virtual ~Graph() = default;
    /// Every transfer of `a` (sent or received; a self-transfer once) in chain order, from global
    /// transfer id `from_id` on; stops when f returns false.
    virtual void transfers_of(AddressId a, const std::function<bool(const TransferRef&)>& f, std::uint64_t from_id = 0) const = 0;
    virtual Hash32 tx_hash(const TransferRef& t) const = 0;
    virtual std::optional<AddressId> find_address(const Address& a) const = 0;
    virtual Address address(AddressId id) const = 0;
    virtual AssetKey asset(AssetId id) const = 0;
    /// Notes kept with the transfer's transaction (cross-chain exits); none by default.
    virtual std::vector<std::string> tx_notes(const TransferRef&) const { return {}; }
};

/// The transfer store as a Graph (no copy; the store must outlive it).
class StoreGraph final : public Graph {
public:
    explicit StoreGraph(const store::TransferStore& st) : st_(st) {}
    void transfers_of(AddressId a, const std::function<bool(const TransferRef&)>& f, std::uint64_t from_id = 0) const override;
    Hash32 tx_hash(const TransferRef& t) const override { return st_.tx_hash(t); }
    std::optional<AddressId> find_address(const Address& a) const override { return st_.find_address(a); }
    Address address(AddressId id) const override { return st_.address(id); }
    AssetKey asset(AssetId id) const override { return st_.asset(id); }
    std::vector<std::string> tx_notes(const TransferRef& t) const override { return st_.tx_notes(t); }
    const store::TransferStore& store() const { return st_; }

private:
    const store::TransferStore& st_;
};

/// A graph held in memory: transfers must be added in chain order (ids are assigned 0, 1, …).
/// Addresses and assets are plain ids: address(id) and asset(id) synthesise keys unless set.
class MemoryGraph final : public Graph {
public:
    /// Appends a transfer; its id is set to the next position. Returns the id.
    std::uint64_t add(TransferRef t, const Hash32& tx_hash = {});
    void set_asset(AssetId id, const AssetKey& k) { assets_[id] = k; }
    void set_address(AddressId id, const Address& a);
    const std::vector<TransferRef>& transfers() const { return all_; }
    void transfers_of(AddressId a, const std::function<bool(const TransferRef&)>& f, std::uint64_t from_id = 0) const override;
    Hash32 tx_hash(const TransferRef& t) const override { return hashes_.at(t.id); }
    std::optional<AddressId> find_address(const Address& a) const override;
    Address address(AddressId id) const override;
    AssetKey asset(AssetId id) const override;

private:
    std::vector<TransferRef> all_;
    std::vector<Hash32> hashes_;
    std::unordered_map<AddressId, std::vector<std::uint64_t>> adj_;
    std::unordered_map<AssetId, AssetKey> assets_;
    std::unordered_map<AddressId, Address> addrs_;
};

/// Where the trace starts.
struct AddressSource {
    AddressId address = store::kNoAddress;
    std::uint64_t since_block = 0;  ///< its balance at the start of this block, and every later inflow
};

/// What to trace and how. Limits: a trace that hits one says so in Result::limits.
struct Options {
    Model model = Model::Haircut;
    /// Transfers whose value is traced (e.g. every transfer of the drain transactions). Fees and
    /// burns among them are ignored. Must be in chain order without duplicates.
    std::vector<TransferRef> source_transfers;
    std::vector<AddressSource> source_addresses;
    std::unordered_map<AddressId, Role> roles;  ///< missing: Plain
    /// Built-in converters (mainnet WETH9) are added when the graph has them.
    bool builtin_converters = true;
    bool through_terminals = false;  ///< --through: report terminals but keep following
    std::uint32_t max_hops = std::numeric_limits<std::uint32_t>::max();
    std::unordered_map<AssetId, U256> min_amount;  ///< per asset; tainted parts below are dropped
    U256 default_min_amount = 0;                   ///< for assets not in min_amount
    std::optional<std::uint64_t> until_block;      ///< process transfers up to this block
    std::size_t max_addresses = std::numeric_limits<std::size_t>::max();  ///< tainted addresses followed
    std::size_t read_chunk = 1024;  ///< transfers read per address at a time (later history is read lazily)
};

/// Taint of one (address, asset): at rest, arrived at a terminal, or stopped by a limit.
struct Holding {
    AddressId address = store::kNoAddress;
    AssetId asset = store::kNativeAsset;
    U256 amount = 0;             ///< tainted base units
    std::uint32_t hop = 0;       ///< fewest hops from a source (source receivers: 1)
    TransferRef first;           ///< first tainted arrival (block, tx, id)
    std::uint32_t arrivals = 0;  ///< tainted transfers that arrived
    Role role = Role::Plain;
    /// Terminal arrivals only: the address that sent the first tainted arrival.
    AddressId first_from = store::kNoAddress;
};

/// Per-asset account of where the traced value went. Conservation (checked by tests):
/// traced + converted_in + contaminated == at_rest + fees + burnt + terminals + converted_out
///                                        + below_threshold + beyond_limits, exactly.
struct AssetTotals {
    U256 traced = 0;         ///< introduced by the sources
    U256 converted_in = 0;   ///< created by the swap/wrap/NFT rules from taint paid in
    U256 contaminated = 0;   ///< poison only: clean value absorbed by poisoned pots
    U256 at_rest = 0;        ///< held by followed addresses at the end
    U256 fees = 0;           ///< paid as fees or burnt base fee
    U256 burnt = 0;          ///< sent to no one (token burns)
    U256 terminals = 0;      ///< arrived at terminals (not counted with --through)
    U256 converted_out = 0;  ///< paid into converters (becomes converted_in of what came back)
    U256 below_threshold = 0;
    U256 beyond_limits = 0;  ///< crossed --hops / --max-addresses (see Result::frontier)
    U256 shortfall = 0;      ///< outflows larger than the known balance (incomplete data)
    U256 inflow() const { return traced + converted_in + contaminated; }
    U256 outflow() const {
        return at_rest + fees + burnt + terminals + converted_out + below_threshold + beyond_limits;
    }
    bool balanced() const { return inflow() == outflow(); }
};

struct LimitsHit {
    bool hops = false, max_addresses = false, until = false, min_amount = false;
    bool any() const { return hops || max_addresses || until || min_amount; }
};

/// One step of an explaining path: value moved from `from` to `to` in `transfer`.
struct PathStep {
    AddressId from = store::kNoAddress, to = store::kNoAddress;
    TransferRef transfer;
};

/// An explaining path (docs/tracing.md "Paths"): a simple chain of transfers in chain order, from a
/// source to the holding (forward) or from an origin to a target (backward). A path longer than
/// the cap keeps its first and last steps; `omitted` says how many were cut between them.
struct Path {
    std::vector<PathStep> steps;
    std::uint32_t hops = 0;    ///< length of the whole path
    std::size_t omitted = 0;   ///< steps cut after steps[cut_at - 1]
    std::size_t cut_at = 0;
};

/// Fewest-hop, time-respecting paths. Each address keeps a record of every moment its hop count
/// fell (a transfer that carried taint to it from an address `hops - 1` away at that moment), so a
/// path is rebuilt from the records that held when each of its transfers happened: hop counts
/// fall strictly along it, hence no address or transfer repeats, and its transfers are in order.
class PathIndex {
public:
    /// Forward: a step's `from` is the nearer end to the start. Backward: its `to` is.
    explicit PathIndex(bool forward = true) : forward_(forward) {}
    /// A start (an address source, a backward target): hop 0.
    void start(AddressId a, std::uint64_t seq);
    /// Taint reached `a` through `step`, `hops` from a start; recorded when fewer than before.
    /// `first`: the step itself starts a path (a source transfer). `seq` orders records (forward:
    /// transfer id; backward: walk position).
    bool reach(AddressId a, const PathStep& step, std::uint32_t hops, std::uint64_t seq, bool first = false);
    std::optional<std::uint32_t> hops(AddressId a) const;
    /// The path to (forward) or from (backward) `a`, at most `cap` steps kept.
    Path path(AddressId a, std::size_t cap = 64) const;
    /// Undo the records made since `mark()` (a transaction settled again).
    std::size_t mark() const { return log_.size(); }
    void rollback(std::size_t m);

private:
    struct Rec {
        std::uint64_t seq;
        std::uint32_t hops;
        bool first;
        PathStep step;
    };
    bool forward_;
    std::unordered_map<AddressId, std::vector<Rec>> recs_;
    std::vector<AddressId> log_;
};

struct TraceStats {
    std::uint64_t transfers_visited = 0;  ///< transfers processed (edges visited)
    std::uint64_t transfers_loaded = 0;   ///< adjacency entries read (prefix balances included)
    std::uint64_t addresses_followed = 0;
    /// Transactions whose swap rule had not reached a fixed point after 32 rounds (their last
    /// round stands; 0 on every chain seen so far).
    std::uint64_t unsettled_transactions = 0;
    double seconds = 0;  ///< wall time of trace() itself
};

struct Result {
    Model model = Model::Haircut;
    std::vector<Holding> at_rest;        ///< amount > 0, sorted by amount descending
    std::vector<Holding> freeze_points;  ///< terminal arrivals, sorted by amount descending
    std::vector<Holding> converted;      ///< taint paid into converters (dead ends unless swapped back)
    std::vector<Holding> frontier;       ///< taint that crossed a limit, by receiver
    std::map<AssetId, AssetTotals> totals;
    /// Assets set aside: one of their sums would pass 2^256 - 1 (a fake token's amounts). They
    /// have no totals or holdings; every other asset is traced as usual.
    std::vector<AssetId> set_aside;
    LimitsHit limits;
    TraceStats stats;
    std::optional<std::uint64_t> last_block;  ///< last block processed
    /// Fewest-hop paths from the sources to every address taint reached.
    PathIndex paths{true};
    std::unordered_set<AddressId> sources;  ///< source addresses and receivers of source transfers

    /// Path from a source to `h`'s address, oldest first (docs/tracing.md "Paths").
    Path path(const Holding& h, std::size_t max_steps = 64) const { return paths.path(h.address, max_steps); }
    /// The steps of path(h) (a long path's middle cut out).
    std::vector<PathStep> path_to(const Holding& h, std::size_t max_steps = 64) const { return path(h, max_steps).steps; }
};

/// Runs a forward trace. Throws InputError on inconsistent options (no sources).
Result trace(const Graph& g, const Options& opt);

// ---- backward ------------------------------------------------------------------------------

/// A holding whose origin is asked: `amount` of `address`'s balance of `asset` at the horizon.
struct BackwardTarget {
    AddressId address = store::kNoAddress;
    std::optional<AssetId> asset;  ///< missing: every asset the address holds
    /// Missing: the whole balance. FIFO explains the newest `amount` units; haircut and poison a
    /// pro-rata part (poison: every inflow anyway).
    std::optional<U256> amount;
};

/// What to trace back and how (docs/tracing.md "Backward"). Poison, haircut and FIFO only.
struct BackwardOptions {
    Model model = Model::Haircut;
    std::vector<BackwardTarget> targets;
    std::optional<std::uint64_t> until_block;  ///< holdings at the end of this block (default: newest)
    std::uint64_t since_block = 0;             ///< not walked back before the start of this block
    std::unordered_map<AddressId, Role> roles;  ///< terminals are origin points; converters swap back
    bool builtin_converters = true;
    /// Further origin points (e.g. every labelled address): value they sent is not traced further.
    std::unordered_set<AddressId> stop_addresses;
    /// Value that arrived through one of these transfers is reported as a Source origin (its
    /// sender) and not traced further; the FIFO round-trip property uses it.
    std::unordered_set<std::uint64_t> stop_transfers;
    std::uint32_t max_hops = std::numeric_limits<std::uint32_t>::max();
    std::size_t max_addresses = std::numeric_limits<std::size_t>::max();
    std::unordered_map<AssetId, U256> min_amount;  ///< demands below this on a transfer are dropped
    U256 default_min_amount = 0;
};

/// Why the backward trace stopped at an origin.
enum class OriginKind : std::uint8_t {
    Created,    ///< created at `address`: genesis, mint, block reward, withdrawal, wrap without payment
    Labelled,   ///< sent by a terminal or labelled address (exchange, mixer, sanctioned, …)
    Fees,       ///< fees earned by `address` (a block producer) from the payers
    Converter,  ///< paid out by a converter with no payment by the receiver in that transaction
    Source,     ///< sent by `address` through one of BackwardOptions::stop_transfers
    Horizon,    ///< held by `address` at the start of BackwardOptions::since_block
    Frontier,   ///< sent by `address`, not followed: --hops or --max-addresses
};
const char* origin_kind_name(OriginKind k);

/// One origin: `amount` of the traced holdings came from `address` (per asset and kind).
struct BackwardOrigin {
    AddressId address = store::kNoAddress;
    AssetId asset = store::kNativeAsset;
    OriginKind kind = OriginKind::Created;
    U256 amount = 0;   ///< base units (poison: the full amounts of the transfers concerned)
    std::uint32_t hop = 0;  ///< hops from the target (a direct sender: 1; created at the target: 0)
    Role role = Role::Plain;
    TransferRef first;  ///< the latest transfer through which it reached the traced value
    AddressId to = store::kNoAddress;  ///< receiver of `first` (for kinds that name a sender)
    std::uint32_t arrivals = 0;        ///< transfers through which it contributed
};

/// Per-asset account. Haircut and FIFO (exact):
/// traced + converted_in == created + labelled + fees + converters + sources + horizon + frontier
///                          + below_threshold + unexplained + converted_out.
/// Poison marks every earlier inflow, so its origin amounts are transfer amounts, not shares.
struct BackwardTotals {
    U256 traced = 0;         ///< demanded at the targets
    U256 converted_in = 0;   ///< demanded of payments by the swap rule (payouts in other assets)
    U256 converted_out = 0;  ///< demanded of converter payouts (handed to the payments)
    U256 created = 0, labelled = 0, fees = 0, converters = 0, sources = 0, horizon = 0, frontier = 0;
    U256 below_threshold = 0;
    U256 unexplained = 0;  ///< haircut rounding, and outflows larger than the known balance
    U256 inflow() const { return traced + converted_in; }
    U256 outflow() const {
        return created + labelled + fees + converters + sources + horizon + frontier + below_threshold + unexplained + converted_out;
    }
    bool balanced() const { return inflow() == outflow(); }
};

struct BackwardResult {
    Model model = Model::Haircut;
    std::vector<BackwardOrigin> origins;  ///< amount > 0, largest first
    std::map<AssetId, BackwardTotals> totals;
    std::vector<AssetId> set_aside;  ///< assets whose sums would pass 2^256 - 1: not traced
    LimitsHit limits;
    TraceStats stats;
    std::optional<std::uint64_t> horizon_block;  ///< the targets' holdings are those at the end of it
    std::vector<AddressId> targets;
    /// Fewest-hop paths from every address reached to the targets.
    PathIndex paths{false};
    /// Path from the origin to a target, origin first (docs/tracing.md "Paths").
    Path path(const BackwardOrigin& o, std::size_t max_steps = 64) const { return paths.path(o.address, max_steps); }
    std::vector<PathStep> path_from(const BackwardOrigin& o, std::size_t max_steps = 64) const { return path(o, max_steps).steps; }
};

/// Backward trace: where the targets' holdings came from, walking transfers in reverse chain
/// order (docs/tracing.md "Backward"). Throws InputError for LIFO/TIHO and bad options.
BackwardResult trace_backward(const Graph& g, const BackwardOptions& opt);

/// Roles from labels for the addresses the graph knows.
std::unordered_map<AddressId, Role> roles_from_labels(const Graph& g, const label::LabelSet& labels);

/// Finds the transfers of transactions by hash (the store's per-segment hash index). Returns them
/// in chain order without duplicates; hashes not found are listed in `missing`.
std::vector<TransferRef> find_transactions(const store::TransferStore& st, const std::vector<Hash32>& hashes,
                                           std::vector<Hash32>* missing = nullptr);
/// First block whose timestamp is >= t (nullopt if none).
std::optional<std::uint64_t> block_at_time(const store::TransferStore& st, std::uint64_t unix_time);
/// A point of the chain: BLOCK (digits) or TIME (unix seconds after '@', or
/// YYYY-MM-DD[THH:MM[:SS]][Z], UTC). `until`: the last block before that time (a time after the
/// newest block is the newest block); otherwise the first block at or after it. Throws
/// InputError naming `what`.
std::uint64_t parse_point(const store::TransferStore& st, const std::string& s, const char* what, bool until);

// ---- reports ---------------------------------------------------------------------------------

/// How to show an asset (the CLI fills it from its token table).
struct AssetInfo {
    std::string name;        ///< "ETH", "USDT", "0x… #7"
    std::string json_asset;  ///< "native" or the token contract (checksummed)
    unsigned decimals = 18;
};
struct ReportContext {
    const Graph* graph = nullptr;
    const label::LabelSet* labels = nullptr;  ///< may be null
    std::function<AssetInfo(AssetId)> asset_info;
    std::size_t top = 50;          ///< rows per table
    std::size_t dot_max_edges = 200;  ///< DOT: branches beyond this many edges are collapsed
};
std::string report_text(const Result& r, const ReportContext& ctx);
std::string report_json(const Result& r, const ReportContext& ctx);
std::string report_csv(const Result& r, const ReportContext& ctx);
std::string report_dot(const Result& r, const ReportContext& ctx);
std::string report_text(const BackwardResult& r, const ReportContext& ctx);
std::string report_json(const BackwardResult& r, const ReportContext& ctx);
std::string report_csv(const BackwardResult& r, const ReportContext& ctx);
std::string report_dot(const BackwardResult& r, const ReportContext& ctx);

}  // namespace chainward::trace
