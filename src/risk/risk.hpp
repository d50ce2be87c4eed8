// chainward risk: exposure of every address to labelled categories (sanctioned, stolen funds,
// mixers, exchanges, ...), maintained incrementally as blocks and labels arrive, and the screening
// verdict built on it. Public header of src/risk. Rules: docs/exposure.md.
//
// Each labelled address with a validity window is a *source*: every transfer it sends inside the
// window is traced forward under the tracer's haircut rules (docs/tracing.md: swaps, wraps,
// converters, terminals) up to `hops` intermediate addresses. Sources are traced separately and
// their exposure added up (haircut is linear in its sources), so adding or ending a label is one
// forward trace added to, or removed from, the stored rows; a new block is applied to the stored
// per-source state. A lookup reads the rows file (`exposure/rows.bin`, memory-mapped), never the
// graph.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.hpp"
#include "label/label.hpp"
#include "store/store.hpp"

namespace chainward::trace {
class Graph;
}

namespace chainward::risk {

using store::AddressId;
using store::AssetId;
using store::TransferRef;

inline constexpr std::uint64_t kOpenEnd = std::numeric_limits<std::uint64_t>::max();

/// One label as exposure sees it: the label store (or a CSV file) feeds these. Validity is in
/// blocks, [from_block, to_block): value the address sent outside it is not exposure to the label.
struct LabelFact {
    Address address;
    std::string category, entity, source;
    std::uint64_t from_block = 0;
    std::uint64_t to_block = kOpenEnd;
    bool operator==(const LabelFact&) const = default;
};
/// Facts with open validity from a CSV LabelSet (source "csv").
std::vector<LabelFact> facts_from_labelset(const label::LabelSet& labels,
                                           const std::string& source = "csv");
/// Facts from label store records of `chain` (other chains are left out). A validity time becomes
/// the first stored block at or after it; a time after the last stored block is not reached yet
/// (a start there makes the label inactive, an end there leaves it open) and is converted again
/// by a later call (*pending says whether there was one).
std::vector<LabelFact> facts_from_records(const std::vector<label::Record>& records,
                                          const store::TransferStore& st,
                                          const std::string& chain = "eth",
                                          bool* pending = nullptr);

/// Risky categories: illicit ones (sanctioned, stolen_funds, hacker, heist_attacker, ransomware,
/// darknet, terrorist_financing, scam, phishing) and mixer, gambling. Their value is traced
/// indirectly and raises the risk level; other categories (exchanges, bridges, DEXes, …) give
/// direct exposure only (docs/exposure.md says why).
bool risky_category(std::string_view category);
/// Illicit categories (a subset of the risky ones).
bool illicit_category(std::string_view category);

/// What the exposure engine reads: the graph (adjacency, hashes, addresses) and a chain-ordered
/// scan of every transfer from a global id on.
struct Chain {
    const trace::Graph* graph = nullptr;
    std::function<void(std::uint64_t from_id, const std::function<bool(const TransferRef&)>&)> scan;
    /// Hash of a stored block (to notice a reorganisation); nullopt if not stored.
    std::function<std::optional<Hash32>(std::uint64_t block)> block_hash;
};
/// The store as a Chain (the graph must be a StoreGraph over the same store and outlive the Chain).
Chain store_chain(const store::TransferStore& st, const trace::Graph& g);

struct Options {
    std::uint32_t hops = 4;  ///< intermediate addresses between a source and an indirect receiver
    /// Dust threshold, as `trace --min-amount`: a source's share of a transfer below it (base
    /// units, per asset; 0 = none) is not passed on. Indirect exposure stops at shares too small
    /// to matter, which keeps the state of busy sources small. Default: none (exact).
    std::map<AssetId, U256> min_amount;
};

enum class Direction : std::uint8_t { Received = 0, Sent = 1 };
enum class Kind : std::uint8_t { Direct = 0, Indirect = 1 };
const char* direction_name(Direction d);
const char* kind_name(Kind k);

/// One step of an evidence path: value moved from `from` to `to` in transaction `tx`.
struct EvidenceStep {
    Address from, to;
    Hash32 tx;
    std::uint64_t block = 0;
};

/// Exposure of one address to one category, per direction, kind and asset.
struct ExposureRow {
    std::string category;
    Direction direction = Direction::Received;
    Kind kind = Kind::Direct;
    AssetKey asset;
    U256 amount = 0;         ///< base units
    U256 total = 0;          ///< everything the address received (sent) in the asset, fees excluded
    std::uint32_t hops = 1;  ///< fewest hops from the labelled address (direct: 1)
    std::vector<EvidenceStep> path;  ///< the largest contributing source's path, source first
    double share() const;            ///< amount / total, at most 1
};

struct LabelView {
    std::string category, entity, source;
    std::uint64_t from_block = 0, to_block = kOpenEnd;
};

enum class Level : std::uint8_t { None = 0, Low = 1, Medium = 2, High = 3, Severe = 4 };
const char* level_name(Level l);

struct Assessment {
    Level level = Level::None;
    std::vector<std::string> reasons;
};

struct ScreenResult {
    Address address;
    std::vector<LabelView> labels;
    std::vector<ExposureRow> exposure;
    Assessment risk;
};

/// Risk level from an address's own labels and its exposure (rules in docs/exposure.md).
Assessment assess(const std::vector<LabelView>& labels, const std::vector<ExposureRow>& exposure);

/// Counters of the last update (for benchmarks and the CLI).
struct UpdateStats {
    std::uint64_t transfers = 0, blocks = 0;
    std::uint64_t colours_added = 0, colours_removed = 0;
    std::uint64_t histories_read = 0;  ///< addresses whose history was replayed (first exposure)
    bool rebuilt = false;
    std::string rebuild_reason;
};

/// The incremental exposure engine: per-source state over the chain, kept in `dir`.
class Engine {
  public:
    /// A fresh, empty engine (nothing applied yet).
    Engine(Chain chain, Options opt = {});
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    /// Loads the state saved in `dir` (nullptr if there is none). Throws StoreError if damaged.
    static std::unique_ptr<Engine> load(Chain chain, const std::filesystem::path& dir);

    /// Replaces the label set: sources that disappear or change validity are removed (their rows
    /// subtracted), new ones traced forward over the chain applied so far. A change of an
    /// address's role (terminal, converter) rebuilds everything.
    void set_labels(std::vector<LabelFact> facts);
    /// Applies every transfer the chain has beyond the ones applied (new blocks). A chain whose
    /// applied part changed (reorganisation) is rebuilt.
    void advance();
    /// Forgets everything and applies the whole chain with the current labels.
    void rebuild();
    /// Writes the state and the rows file into `dir` atomically (exposure/CURRENT names them).
    void save(const std::filesystem::path& dir);

    /// Exposure of an address from the in-memory state (tests; the CLI reads the rows file).
    ScreenResult screen(const Address& a) const;
    const UpdateStats& stats() const;
    std::optional<std::uint64_t> last_block() const;
    std::uint64_t applied_transfers() const;
    std::size_t sources() const;
    std::uint32_t hops() const;
    const std::vector<LabelFact>& labels() const;
    /// What the labels came from, as the caller describes it (e.g. the label store's change
    /// counter, "pending" bounds), kept with the state so a later update can tell whether to
    /// read them again.
    const std::string& label_origin() const;
    void set_label_origin(std::string origin);
    std::size_t state_entries() const;  ///< per-source pots and followed addresses

  private:
    struct Impl;
    std::unique_ptr<Impl> m_;
};

/// Read side: the memory-mapped rows file of a data dir. Lookups are a binary search.
class Index {
  public:
    /// nullptr if the data dir has no exposure yet. Throws StoreError if the file is damaged.
    static std::unique_ptr<Index> open(const std::filesystem::path& dir);
    ~Index();
    Index(const Index&) = delete;
    Index& operator=(const Index&) = delete;
    /// Labels, exposure and risk of `a` (empty exposure and no labels if unknown).
    ScreenResult screen(const Address& a) const;
    std::optional<std::uint64_t> last_block() const;
    std::uint32_t hops() const;
    std::size_t addresses() const;
    std::size_t rows() const;

  private:
    Index() = default;
    struct Impl;
    std::unique_ptr<Impl> m_;
};

/// The exposure directory inside a data dir.
std::filesystem::path exposure_dir(const std::filesystem::path& data_dir);

/// The labels exposure uses and where they came from ("db:WHERE#VERSION" or "file:PATH"; " pending"
/// when a validity time lies after the last stored block and must be converted again later).
struct LabelInput {
    std::vector<LabelFact> facts;
    std::string origin;
};
/// Labels from `file` (any format the label importers read) when given, else the label store
/// `labels_db` (SQLite path or postgresql://…), else the data dir's labels.db if it exists.
std::optional<LabelInput> read_labels(const std::string& file, const std::string& labels_db,
                                      const std::filesystem::path& data_dir, const store::TransferStore& st);
/// Reads the labels again when their origin says they may have changed (the label store's
/// change counter moved, or a validity time was still ahead of the chain); nullopt otherwise.
std::optional<LabelInput> refresh_labels(const std::string& origin, const store::TransferStore& st);

/// What update_stored does.
struct UpdateRequest {
    std::string labels_file, labels_db;  ///< labels given explicitly (else the state's own origin)
    std::optional<std::uint32_t> hops;   ///< a different hop limit starts again
    bool rebuild = false;                ///< recompute everything
    bool create = false;                 ///< start a state if the data dir has none
    bool save_unchanged = true;          ///< write a generation even when nothing changed
};
/// Brings the stored exposure of a data dir up to date: new blocks of `st`, and the labels when
/// their origin changed (or those given). Holds exposure/LOCK while it works, so processes that
/// update the same data dir (ingest, exposure update, serve) take turns. Returns the engine
/// after the update, or nullptr when the data dir keeps no exposure and `create` is false.
std::unique_ptr<Engine> update_stored(const store::TransferStore& st, const std::filesystem::path& data_dir,
                                      const UpdateRequest& req = {}, double* seconds = nullptr);

/// JSON of a screening result (schema in docs/exposure.md); asset names through `asset_name`.
std::string screen_json(const ScreenResult& r,
                        const std::function<std::string(const AssetKey&)>& asset_name);
std::string screen_text(const ScreenResult& r,
                        const std::function<std::string(const AssetKey&)>& asset_name,
                        const std::function<std::string(const AssetKey&, const U256&)>& human);

}  // namespace chainward::risk
