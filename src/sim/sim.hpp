// chainward sim: a deterministic generator of Ethereum-shaped chains with injected heists,
// laundering playbooks and their ground truth. Public header of src/sim.
//
// Vocabulary (see docs/simulate.md): an *actor* is a dense integer id for an address (id 0 is
// "none": the mint/burn side of a transfer, printed as the zero address); a *record* (Rec) is one
// movement of value exactly as `chainward ingest` extracts it from the written JSON; a *typology*
// tags records made by a laundering playbook; a *freeze point* is a labelled terminal address
// (exchange, mixer, bridge) where tainted value arrives.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "core/core.hpp"

namespace chainward::sim {

using u128 = unsigned __int128;

/// Assets the simulator moves. Values are indices into per-actor balance arrays; NFTs use
/// kNft with the token id in Rec::token_id.
enum Asset : std::uint32_t { kEth = 0, kWeth = 1, kTok = 2, kUsd = 3, kNft = 4 };
inline constexpr std::uint32_t kFungibleAssets = 4;

/// Laundering typology of a record made by a heist playbook (None for background activity).
enum class Typology : std::uint8_t {
    None = 0,
    HeistSource,      ///< the theft itself: victim -> attacker (taint source)
    GasFunding,       ///< attacker pays gas money to one of its own addresses
    FanOut,           ///< one address to many fresh addresses, near-equal amounts
    PassThrough,      ///< in and out within minutes, leaving ~0
    Swap,             ///< asset conversion through the DEX router / WETH
    MixerDeposit,     ///< fixed-denomination deposit into a mixer pool
    MixerWithdrawal,  ///< the mixer paying a fresh attacker address later (trace stops before)
    BridgeExit,       ///< deposit into a bridge contract (chain hop)
    ExchangeDeposit,  ///< deposit into an exchange deposit address
    NftPurchase,      ///< buying an NFT with tainted ETH
    PeelChain,        ///< peel-chain hop (small peel + large change onward)
};
const char* typology_name(Typology t);
inline constexpr int kTypologies = 12;

/// One movement of value in chain order (block, tx, seq); tx = kBlockLevelTx for withdrawals.
struct Rec {
    std::uint64_t block = 0;
    std::uint32_t tx = 0;
    std::uint32_t seq = 0;
    TransferKind kind = TransferKind::Call;
    Typology typ = Typology::None;
    std::uint32_t from = 0;  ///< 0: minted (withdrawal, wrap, token mint from the zero address)
    std::uint32_t to = 0;    ///< 0: burnt (base fee, unwrap)
    std::uint32_t asset = kEth;
    std::uint32_t token_id = 0;
    std::uint16_t heist = 0;  ///< 1-based index of the heist whose playbook made it, else 0
    u128 amount = 0;
};

/// How a heist launders. Weights are relative (0 disables a route); delays are in blocks (12 s).
struct Playbook {
    int fanout = 50;                 ///< number of fresh fan-out addresses
    int hops_min = 1, hops_max = 3;  ///< pass-through hops before the terminal route
    int w_mixer = 3, w_bridge = 2, w_exchange = 2, w_stable = 2, w_nft = 1, w_peel = 1;
    int peel_len = 6;                           ///< peel-chain length
    std::uint32_t swap_chunks = 4;              ///< token -> ETH swaps right after the theft
    std::uint64_t delay_min = 5, delay_max = 300;  ///< delay between consecutive steps
    std::uint64_t fanout_delay = 50;            ///< theft -> fan-out
};

enum class HeistKind : std::uint8_t { SafeDrain, BridgeDrain, HotWallet };
const char* heist_kind_name(HeistKind k);

struct HeistSpec {
    HeistKind kind = HeistKind::SafeDrain;
    std::uint64_t block = 100;  ///< block of the theft
    u128 eth = 0;               ///< ETH held by the victim at genesis (all of it is stolen)
    u128 tok = 0;               ///< 18-decimal token held by the victim (all stolen)
    u128 usd = 0;               ///< 6-decimal stablecoin held by the victim (all stolen)
    Playbook playbook;
};

/// Everything that shapes a run. Presets fill it; tests may tweak it.
struct Config {
    std::string preset = "tiny";
    std::uint64_t seed = 1;
    std::uint64_t blocks = 200;            ///< blocks 1..blocks
    std::uint32_t txs_per_block = 10;      ///< mean background transactions per block
    std::uint32_t users = 2000;            ///< ordinary EOAs (Zipf-ranked activity)
    std::uint32_t exchanges = 3;
    std::uint32_t nfts = 200;              ///< tokens of the NFT collection
    std::uint64_t stop_after_transfers = 0;  ///< if > 0: stop at the first block end past this
    std::vector<HeistSpec> heists;
};

/// Returns the named preset: tiny, bybit, ronin, hotwallet, bench-10m, bench-50m.
/// Throws InputError for an unknown name.
Config preset(const std::string& name, std::uint64_t seed);
std::vector<std::string> preset_names();

enum class Format : std::uint8_t { Rpc, Etl };
/// Rpc files: JSON lines of `blocks_per_file` blocks, or one response per file.
enum class Layout : std::uint8_t { Lines, PerResponse };

struct Options {
    std::string out_dir;
    Format format = Format::Rpc;
    std::uint32_t blocks_per_file = 1000;  ///< blocks per JSON-lines file (1: one per file) or per ETL partition
    Layout layout = Layout::Lines;         ///< of Rpc files
    bool write_stats = true;               ///< stats.json beside truth.json
    /// Encode the chain but write none of it (measures generation without the disk); genesis,
    /// truth, labels and stats are still written.
    bool discard_chain = false;
    /// Called with every record in chain order (tests use it); may be empty.
    std::function<void(const Rec&)> on_record;
    /// Called at the end with every non-zero holding of the simulator's own state (fungible
    /// balances by asset, NFT owners); tests compare them with what ingest computes.
    std::function<void(const Address& holder, const AssetKey& asset, u128 amount)> on_holding;
};

/// Counts of one run (also written to stats.json).
struct Stats {
    std::uint64_t blocks = 0, txs = 0, failed_txs = 0, logs = 0, transfers = 0;  ///< transfers: excl. fees
    std::uint64_t actors = 0, bytes_written = 0;
    std::map<std::string, std::uint64_t> by_kind;      ///< TransferKind name -> count
    std::map<std::string, std::uint64_t> by_typology;  ///< typology name -> count
    std::map<std::string, std::uint64_t> by_action;    ///< background action -> tx count
    std::map<std::uint32_t, std::uint64_t> out_degree_log2;  ///< floor(log2(deg)) -> actors
    std::map<std::uint32_t, std::uint64_t> in_degree_log2;
};

/// Generates the chain into opt.out_dir: chain/ (RPC JSON lines or ETL CSV), genesis.json,
/// truth.json, labels.csv, stats.json. Deterministic in (cfg, format, layout, blocks_per_file).
Stats simulate(const Config& cfg, const Options& opt);

// ---- ground-truth reference -----------------------------------------------------------------

/// Roles the reference needs: converters pass taint across assets within one transaction (DEX
/// router, pools, WETH); terminals stop the trace and are the freeze points.
enum class Role : std::uint8_t { Plain = 0, Converter = 1, Terminal = 2 };

/// Amount of tainted value that reached one terminal in one asset under both models.
struct FreezePoint {
    std::uint32_t actor = 0;
    std::uint32_t asset = kEth;
    std::uint32_t token_id = 0;
    u128 poison = 0;
    u128 haircut = 0;
    std::uint64_t first_block = 0;
    std::uint32_t transfers = 0;  ///< tainted transfers that arrived (poison)
};

/// Small, obviously-correct poison and haircut propagation over records in chain order; see
/// docs/simulate.md "How the freeze points are computed". Feed every record of the chain in
/// order, calling end_tx() after the records of each transaction.
class TaintReference {
public:
    /// role: the role of an actor; heist: which heist's HeistSource records seed the taint.
    TaintReference(std::function<Role(std::uint32_t)> role, std::uint16_t heist)
        : role_(std::move(role)), heist_(heist) {}
    void add(const Rec& r);  ///< buffers the record until end_tx()
    void end_tx();
    /// Freeze points sorted by (actor, asset, token id).
    std::vector<FreezePoint> freeze_points() const;

private:
    struct Key {
        std::uint32_t actor, asset, token_id;
        auto operator<=>(const Key&) const = default;
        template <class H>
        friend H AbslHashValue(H h, const Key& k) {
            return H::combine(std::move(h), k.actor, k.asset, k.token_id);
        }
    };
    // Stored in 128 bits (a balance never exceeds the simulator's u128 supply); apply() does the
    // pro-rata arithmetic in 256 bits. One pot per (address, asset) ever credited: the reference's
    // memory is O(addresses), so it is kept compact.
    struct Pot {
        u128 balance = 0, haircut = 0;
        bool poisoned = false;
    };
    struct SwapIn {
        u128 total = 0, haircut = 0;
        bool poisoned = false;
    };
    void apply(const Rec& r);
    bool is_payout(const Rec& r) const;
    std::function<Role(std::uint32_t)> role_;
    std::uint16_t heist_;
    std::vector<Rec> tx_;
    absl::flat_hash_map<Key, Pot> pots_;
    absl::flat_hash_map<std::uint32_t, SwapIn> swap_in_;  ///< per swapper, within the current transaction
    absl::flat_hash_map<std::uint32_t, SwapIn> est_;      ///< the same, as of the previous round
    std::map<Key, FreezePoint> freeze_;
};

}  // namespace chainward::sim
