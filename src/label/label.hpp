// chainward labels: who an address belongs to (entity) and what it is (category).
// Public header of src/label.
//  - LabelSet: an in-memory address -> (entity, category) map for EVM addresses, as the tracer
//    uses it; filled from a CSV file or from the label store.
//  - LabelStore: the persistent label store (SQLite `labels.db` in the data dir, or the same
//    schema on PostgreSQL), with entities, chains, sources, confidence, validity and a history
//    of changes; importers (OFAC, TagPack, CSV/JSON, plain lists) fill it idempotently.
// Categories and formats: docs/labels.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/core.hpp"

namespace chainward::label {

/// One label of an address. `category` is lowercase; unknown categories are kept as given.
struct Label {
    std::string entity;
    std::string category;
    bool operator==(const Label&) const = default;
};

/// Categories the tracer or the label store knows (docs/labels.md lists them with their
/// GraphSense TagPack concepts); other categories are kept as plain labels.
bool is_known_category(std::string_view category);

/// Address -> labels (an address may carry several, e.g. heist_attacker and sanctioned).
class LabelSet {
public:
    /// Reads a CSV file with the header `address,entity,category` (any column order; extra
    /// columns ignored; RFC 4180 quotes allowed). Throws InputError naming file, line and field.
    static LabelSet load_csv(const std::filesystem::path& file);
    /// Parses CSV text; `name` is used in error messages.
    static LabelSet parse_csv(std::string_view text, const std::string& name);

    /// Adds a label; an identical (entity, category) pair on the same address is kept once.
    void add(const Address& a, Label l);
    /// Labels of `a` in insertion order, or nullptr.
    const std::vector<Label>* find(const Address& a) const;
    /// First label of `a` whose category is `category`, or nullptr.
    const Label* find(const Address& a, std::string_view category) const;
    std::size_t addresses() const { return map_.size(); }
    const std::unordered_map<Address, std::vector<Label>>& all() const { return map_; }
    void reserve(std::size_t n) { map_.reserve(n); }

private:
    std::unordered_map<Address, std::vector<Label>> map_;
};

// ---- chains and addresses ----------------------------------------------------------------------

/// Chains are short lowercase codes: EVM chains ("eth", "bsc", "polygon", "arb", "op", "avax",
/// "ftm", "etc", "base", …) share the 20-byte address form; "btc", "ltc", "bch", "doge" use
/// base58check / bech32 / bech32m; "trx" is Tron (base58check, version 0x41). Others are stored
/// as given after a syntax check.
bool is_evm_chain(std::string_view chain);

/// Checks an address for `chain` and returns its canonical text: EVM "0x" + 40 lowercase hex
/// (a mixed-case address must pass EIP-55), bech32 lowercase, base58 as given. With an empty
/// `chain` the chain is detected from the form ("eth" for 0x…, "btc" for 1…/3…/bc1…, "trx" for
/// T…) and written back. Throws std::invalid_argument with the reason.
std::string normalize_address(std::string_view address, std::string& chain);

/// Maps a currency or network code as sources write it ("ETH", "XBT", "BTC", "TRX", "USDT",
/// "Ethereum", "BSC", …) to a chain code; "" when unknown. Tokens (USDT, USDC) map to "" since
/// their chain follows from the address form.
std::string chain_of_currency(std::string_view code);

// ---- label store records -----------------------------------------------------------------------

/// A validity bound: a UTC time (seconds since the epoch) or a block number; None = open.
struct Bound {
    enum class Kind : std::uint8_t { None = 0, Time = 1, Block = 2 };
    Kind kind = Kind::None;
    std::int64_t value = 0;

    static Bound time(std::int64_t unix_seconds) { return {Kind::Time, unix_seconds}; }
    static Bound block(std::uint64_t number) { return {Kind::Block, static_cast<std::int64_t>(number)}; }
    bool set() const { return kind != Kind::None; }
    /// "" (open), "2022-08-08T00:00:00Z" or "block:15300000".
    std::string str() const;
    /// Parses "", "2022-08-08", "2022-08-08T12:00:00Z" (also with +00:00 or a fraction),
    /// "block:N" or a bare integer (a block number). Throws std::invalid_argument.
    static Bound parse(std::string_view s);
    bool operator==(const Bound&) const = default;
};

/// An entity: who controls addresses (a person, group, company or service).
struct Entity {
    std::string name;
    std::string category;      ///< main category, may be ""
    std::string jurisdiction;  ///< ISO 3166 code or country name as the source writes it, may be ""
    bool operator==(const Entity&) const = default;
};

/// One label of one address in the store. Identity (what a re-import matches on):
/// (chain, address, category, entity, source).
struct Record {
    std::int64_t id = 0;  ///< store row id (0 before import)
    std::string chain;    ///< chain code, see is_evm_chain
    std::string address;  ///< canonical form (normalize_address)
    std::string category;
    std::string entity;  ///< entity name, "" when none
    std::string source;  ///< import source name ("ofac-sdn", "dprk-attribution", …)
    int confidence = 50;  ///< 0..100 (TagPack confidence levels map here, docs/labels.md)
    Bound valid_from, valid_to;  ///< [valid_from, valid_to); open bounds are None
    std::string note;  ///< program, incident, role, reference URL… (free text)
    /// Still present in its source's latest import. A re-import that no longer contains the
    /// label ends it: listed = false and valid_to = the import time when it was open.
    bool listed = true;

    /// Does the label apply at a point of the chain? A Time bound compares with `unix_time`, a
    /// Block bound with `block`; from is inclusive, to exclusive.
    bool valid_at(std::uint64_t block, std::int64_t unix_time) const;
    bool operator==(const Record&) const = default;
};

/// One entry of a label's history.
struct Change {
    std::int64_t label_id = 0;
    std::int64_t import_id = 0;
    std::int64_t at = 0;     ///< unix seconds (UTC) of the import
    std::string action;      ///< "add", "change", "end", "relist"
    std::string detail;      ///< what changed ("valid_to: open -> 2025-03-21T00:00:00Z")
    std::string source;      ///< the import's source
    std::string files;       ///< the import's files
};

/// What importers produce before anything is stored.
struct Batch {
    std::vector<Record> records;
    std::vector<Entity> entities;
    std::vector<std::string> warnings;  ///< e.g. truncated sdn.csv remarks, naming each entry
    std::string source;  ///< the source name the file suggests ("ofac-sdn", a TagPack's title), may be ""
};

enum class Format { Auto, OfacXml, OfacCsv, TagPack, Csv, Json, List };
/// "ofac-xml", "ofac-csv", "tagpack", "csv", "json", "list"; nullopt otherwise.
std::optional<Format> format_from_name(std::string_view name);

struct ImportOptions {
    Format format = Format::Auto;  ///< Auto: by extension and content
    std::string source;            ///< default: per format ("ofac-sdn", the TagPack's title, file stem)
    /// For list imports (and defaults for CSV/JSON rows that lack the column):
    std::string category, entity, chain;
    int confidence = -1;  ///< -1: the format's default
    /// CSV/JSON column mapping "field=column,…" for fields address, entity, category, chain,
    /// valid_from, valid_to, confidence, note; default: columns named like the fields.
    std::string columns;
};

/// Parses one file into records (nothing is stored). Errors are InputError naming the file and
/// the line or record.
Batch read_file(const std::filesystem::path& file, const ImportOptions& opt);
/// The same for text already in memory; `name` is used in messages and for Auto detection.
Batch read_text(std::string_view text, const std::string& name, const ImportOptions& opt);

struct ImportResult {
    std::int64_t import_id = 0;
    std::size_t records = 0, added = 0, changed = 0, ended = 0, unchanged = 0;
};

struct Filter {
    std::string category{}, source{}, chain{};  ///< "" = any
    bool listed_only = false;             ///< skip labels ended by a re-import
};

/// The persistent label store. One connection; not thread-safe (open one per thread).
class LabelStore {
public:
    /// Opens or creates a store: "postgresql://…" (or "postgres://…") for PostgreSQL, otherwise a
    /// SQLite file path. Throws StoreError.
    static std::unique_ptr<LabelStore> open(const std::string& where);
    /// The default SQLite store of a data dir: DIR/labels.db.
    static std::filesystem::path default_path(const std::filesystem::path& data_dir);
    ~LabelStore();

    /// Stores a batch as the current content of `source` in one transaction: new labels are
    /// added, changed ones updated, identical ones left alone, and (when end_missing) the
    /// source's listed labels absent from the batch are ended. History rows record each
    /// change with this import. Bumps version() when anything changed.
    ImportResult import(const Batch& batch, const std::string& source, const std::string& format,
                        const std::vector<std::string>& files, bool end_missing = true);

    /// Labels of an address on any chain (the address is normalized first; unparsable text
    /// finds nothing).
    std::vector<Record> find(std::string_view address);
    std::vector<Record> find(const Address& evm_address);
    /// Labels matching a filter, ordered by chain, address, id.
    std::vector<Record> list(const Filter& f = {});
    std::optional<Entity> entity(const std::string& name);
    std::vector<Entity> entities();
    /// History of one label (by id), oldest first; of all labels of an address with
    /// history_of(address).
    std::vector<Change> history(std::int64_t label_id);
    std::vector<Change> history_of(std::string_view address);
    std::size_t count();

    /// Change counter: increases with every import that changed something. A reader polls it
    /// (a single-row read) and reloads what it caches when it moved.
    std::uint64_t version();

    /// Labels of EVM chains as a LabelSet (all labels, also ended ones: roles such as mixer or
    /// exchange do not expire; validity matters to exposure, not to roles).
    LabelSet label_set();

    struct Impl;

private:
    explicit LabelStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

/// In-memory view of a store for readers that look up often (a server, the monitor, exposure).
/// refresh() re-reads the store when its version() moved; calling it once a second makes a
/// change visible within a second. Not thread-safe: guard it or give each thread its own.
class LabelIndex {
public:
    explicit LabelIndex(LabelStore& store);  ///< loads everything
    /// Reloads when the store changed; true when it did.
    bool refresh();
    std::uint64_t version() const { return version_; }
    /// Records of a canonical address (any chain), or nullptr.
    const std::vector<Record>* find(std::string_view canonical_address) const;
    const std::vector<Record>* find(const Address& evm_address) const { return find(evm_address.hex()); }
    /// Records of a category (any chain), in store order.
    std::vector<const Record*> of_category(std::string_view category) const;
    const std::vector<Record>& records() const { return records_; }

private:
    void load();
    LabelStore* store_;
    std::uint64_t version_ = 0;
    std::vector<Record> records_;
    std::unordered_map<std::string, std::vector<Record>> by_address_;
};

/// Export of the store (or a filtered part) as a GraphSense TagPack (YAML) or as CSV
/// (address,chain,entity,category,source,confidence,valid_from,valid_to,note).
std::string export_tagpack(const std::vector<Record>& records, const std::vector<Entity>& entities,
                           const std::string& title);
std::string export_csv(const std::vector<Record>& records);

}  // namespace chainward::label
