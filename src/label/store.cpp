// The label store: schema, idempotent imports with history, queries, the change counter. The SQL
// is shared by SQLite and PostgreSQL (db.hpp); each import is one transaction.
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "label/db.hpp"
#include "label/label.hpp"

namespace chainward::label {

using detail::as_int;
using detail::as_text;
using detail::Row;
using detail::Value;

// ---- validity bounds ---------------------------------------------------------------------------

std::string Bound::str() const {
    switch (kind) {
    case Kind::None: return "";
    case Kind::Block: return fmt::format("block:{}", value);
    case Kind::Time: {
        std::time_t t = static_cast<std::time_t>(value);
        std::tm tm{};
        gmtime_r(&t, &tm);
        return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    }
    return "";
}

Bound Bound::parse(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
    if (s.empty()) return {};
    auto digits = [](std::string_view d) { return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos; };
    if (s.starts_with("block:")) s.remove_prefix(6);
    if (digits(s)) {
        if (s.size() > 18) throw std::invalid_argument("block number out of range");
        return block(std::stoull(std::string(s)));
    }
    // YYYY-MM-DD[(T| )HH:MM[:SS[.frac]]][Z|+00:00|+0000]
    auto num = [&](std::size_t at, std::size_t n) -> int {
        if (at + n > s.size() || !digits(s.substr(at, n))) throw std::invalid_argument(fmt::format("\"{}\": want a date YYYY-MM-DD[THH:MM:SSZ], block:N or a block number", s));
        return std::stoi(std::string(s.substr(at, n)));
    };
    std::tm tm{};
    tm.tm_year = num(0, 4) - 1900;
    if (s.size() < 10 || s[4] != '-' || s[7] != '-') num(s.size() + 1, 1);  // throws the format message
    tm.tm_mon = num(5, 2) - 1;
    tm.tm_mday = num(8, 2);
    std::size_t p = 10;
    if (p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
        tm.tm_hour = num(p + 1, 2);
        if (p + 3 >= s.size() || s[p + 3] != ':') num(s.size() + 1, 1);
        tm.tm_min = num(p + 4, 2);
        p += 6;
        if (p < s.size() && s[p] == ':') {
            tm.tm_sec = num(p + 1, 2);
            p += 3;
            if (p < s.size() && s[p] == '.') {
                ++p;
                while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) ++p;
            }
        }
    }
    std::string_view zone = s.substr(std::min(p, s.size()));
    if (!(zone.empty() || zone == "Z" || zone == "+00:00" || zone == "+0000" || zone == "UTC" || zone == " UTC"))
        throw std::invalid_argument(fmt::format("\"{}\": times must be UTC (Z or +00:00)", s));
    if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        throw std::invalid_argument(fmt::format("\"{}\": date or time out of range", s));
    std::tm check = tm;
    std::time_t t = timegm(&check);
    if (check.tm_mday != tm.tm_mday) throw std::invalid_argument(fmt::format("\"{}\": no such day", s));
    return time(static_cast<std::int64_t>(t));
}

namespace {
bool before(const Bound& b, std::uint64_t block, std::int64_t t) {  // point < b
    return b.kind == Bound::Kind::Time ? t < b.value : static_cast<std::int64_t>(block) < b.value;
}
}  // namespace

bool Record::valid_at(std::uint64_t block, std::int64_t unix_time) const {
    if (valid_from.set() && before(valid_from, block, unix_time)) return false;
    if (valid_to.set() && !before(valid_to, block, unix_time)) return false;
    return true;
}

// ---- store -------------------------------------------------------------------------------------

namespace {

constexpr int kSchemaVersion = 1;
constexpr const char* kColumns =
    "id, chain, address, category, entity, source, confidence, from_kind, from_value, to_kind, to_value, note, listed";
constexpr const char* kColumnTypes = "itttttiiiiiti";

Record record_of(const Row& r) {
    Record x;
    x.id = as_int(r[0]);
    x.chain = as_text(r[1]);
    x.address = as_text(r[2]);
    x.category = as_text(r[3]);
    x.entity = as_text(r[4]);
    x.source = as_text(r[5]);
    x.confidence = static_cast<int>(as_int(r[6]));
    x.valid_from = {static_cast<Bound::Kind>(as_int(r[7])), as_int(r[8])};
    x.valid_to = {static_cast<Bound::Kind>(as_int(r[9])), as_int(r[10])};
    x.note = as_text(r[11]);
    x.listed = as_int(r[12]) != 0;
    return x;
}

using Key = std::tuple<std::string, std::string, std::string, std::string>;  // chain, address, category, entity
Key key_of(const Record& r) { return {r.chain, r.address, r.category, r.entity}; }

std::string bound_text(const Bound& b) { return b.set() ? b.str() : "open"; }

/// What differs between a stored label and its incoming version ("" = nothing).
std::string diff(const Record& old, const Record& in) {
    std::string d;
    auto add = [&](const char* field, const std::string& a, const std::string& b) {
        if (!d.empty()) d += "; ";
        d += fmt::format("{}: {} -> {}", field, a, b);
    };
    if (old.confidence != in.confidence) add("confidence", std::to_string(old.confidence), std::to_string(in.confidence));
    if (!(old.valid_from == in.valid_from)) add("valid_from", bound_text(old.valid_from), bound_text(in.valid_from));
    if (!(old.valid_to == in.valid_to)) add("valid_to", bound_text(old.valid_to), bound_text(in.valid_to));
    if (old.note != in.note) add("note", old.note.empty() ? "\"\"" : old.note, in.note.empty() ? "\"\"" : in.note);
    return d;
}

}  // namespace

struct LabelStore::Impl {
    std::unique_ptr<detail::Db> db;

    std::vector<Row> q(const std::string& sql, const std::vector<Value>& params = {}, const std::string& types = "") {
        return db->query(sql, params, types);
    }

    void create_schema() {
        const std::string key = db->serial_key();
        db->begin();
        try {
            db->exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)");
            db->exec(fmt::format(
                "CREATE TABLE IF NOT EXISTS entities (name TEXT PRIMARY KEY, category TEXT NOT NULL, jurisdiction TEXT NOT NULL)"));
            db->exec(fmt::format(
                "CREATE TABLE IF NOT EXISTS imports (id {}, source TEXT NOT NULL, format TEXT NOT NULL, files TEXT NOT NULL, "
                "at BIGINT NOT NULL, records BIGINT NOT NULL, added BIGINT NOT NULL, changed BIGINT NOT NULL, ended BIGINT NOT NULL)",
                key));
            db->exec(fmt::format(
                "CREATE TABLE IF NOT EXISTS labels (id {}, chain TEXT NOT NULL, address TEXT NOT NULL, category TEXT NOT NULL, "
                "entity TEXT NOT NULL, source TEXT NOT NULL, confidence INTEGER NOT NULL, from_kind INTEGER NOT NULL, "
                "from_value BIGINT NOT NULL, to_kind INTEGER NOT NULL, to_value BIGINT NOT NULL, note TEXT NOT NULL, "
                "listed INTEGER NOT NULL, import_id BIGINT NOT NULL, UNIQUE (chain, address, category, entity, source))",
                key));
            db->exec("CREATE INDEX IF NOT EXISTS labels_address ON labels (address)");
            db->exec("CREATE INDEX IF NOT EXISTS labels_category ON labels (category)");
            db->exec("CREATE INDEX IF NOT EXISTS labels_source ON labels (source)");
            db->exec(fmt::format(
                "CREATE TABLE IF NOT EXISTS history (id {}, label_id BIGINT NOT NULL, import_id BIGINT NOT NULL, at BIGINT NOT NULL, "
                "action TEXT NOT NULL, detail TEXT NOT NULL)",
                key));
            db->exec("CREATE INDEX IF NOT EXISTS history_label ON history (label_id)");
            q("INSERT INTO meta (key, value) VALUES ('schema', ?) ON CONFLICT (key) DO NOTHING", {std::int64_t{kSchemaVersion}});
            q("INSERT INTO meta (key, value) VALUES ('version', 0) ON CONFLICT (key) DO NOTHING");
            auto v = q("SELECT value FROM meta WHERE key = 'schema'", {}, "i");
            if (v.empty() || as_int(v[0][0]) != kSchemaVersion)
                throw StoreError(fmt::format("{}: label store schema version {}, this build reads {}", db->where(),
                                             v.empty() ? 0 : as_int(v[0][0]), kSchemaVersion));
            db->commit();
        } catch (...) {
            db->rollback();
            throw;
        }
    }

    std::vector<Record> select(const std::string& where, const std::vector<Value>& params) {
        std::vector<Record> out;
        for (const auto& r : q(fmt::format("SELECT {} FROM labels {} ORDER BY chain, address, id", kColumns, where), params, kColumnTypes))
            out.push_back(record_of(r));
        return out;
    }

    void history_row(std::int64_t label, std::int64_t import, std::int64_t at, const char* action, const std::string& detail) {
        q("INSERT INTO history (label_id, import_id, at, action, detail) VALUES (?, ?, ?, ?, ?)", {label, import, at, std::string(action), detail});
    }

    void store_fields(const Record& r, std::int64_t import, bool listed) {
        q("UPDATE labels SET confidence = ?, from_kind = ?, from_value = ?, to_kind = ?, to_value = ?, note = ?, listed = ?, import_id = ? "
          "WHERE id = ?",
          {std::int64_t{r.confidence}, static_cast<std::int64_t>(r.valid_from.kind), r.valid_from.value,
           static_cast<std::int64_t>(r.valid_to.kind), r.valid_to.value, r.note, std::int64_t{listed ? 1 : 0}, import, r.id});
    }
};

LabelStore::LabelStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LabelStore::~LabelStore() = default;

std::unique_ptr<LabelStore> LabelStore::open(const std::string& where) {
    auto impl = std::make_unique<Impl>();
    if (where.starts_with("postgresql://") || where.starts_with("postgres://")) impl->db = detail::open_postgres(where);
    else impl->db = detail::open_sqlite(where);
    impl->create_schema();
    return std::unique_ptr<LabelStore>(new LabelStore(std::move(impl)));
}

std::filesystem::path LabelStore::default_path(const std::filesystem::path& data_dir) { return data_dir / "labels.db"; }

ImportResult LabelStore::import(const Batch& batch, const std::string& source, const std::string& format,
                                const std::vector<std::string>& files, bool end_missing) {
    auto& s = *impl_;
    ImportResult res;
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::string file_list;
    for (const auto& f : files) file_list += (file_list.empty() ? "" : " ") + f;
    s.db->begin();
    try {
        auto id = s.q("INSERT INTO imports (source, format, files, at, records, added, changed, ended) VALUES (?, ?, ?, ?, 0, 0, 0, 0) RETURNING id",
                      {source, format, file_list, now}, "i");
        res.import_id = as_int(id[0][0]);
        std::map<Key, Record> existing;
        for (auto& r : s.select("WHERE source = ?", {source})) existing.emplace(key_of(r), std::move(r));
        std::set<Key> seen;
        for (const auto& in0 : batch.records) {
            Record in = in0;
            in.source = source;
            Key k = key_of(in);
            if (!seen.insert(k).second) continue;  // the same label twice in one source: first wins
            ++res.records;
            auto it = existing.find(k);
            if (it == existing.end()) {
                auto row = s.q("INSERT INTO labels (chain, address, category, entity, source, confidence, from_kind, from_value, to_kind, "
                               "to_value, note, listed, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id",
                               {in.chain, in.address, in.category, in.entity, source, std::int64_t{in.confidence},
                                static_cast<std::int64_t>(in.valid_from.kind), in.valid_from.value,
                                static_cast<std::int64_t>(in.valid_to.kind), in.valid_to.value, in.note, res.import_id},
                               "i");
                s.history_row(as_int(row[0][0]), res.import_id, now, "add", "");
                ++res.added;
                continue;
            }
            const Record& old = it->second;
            std::string d = diff(old, in);
            if (d.empty() && old.listed) {
                ++res.unchanged;
                continue;
            }
            in.id = old.id;
            s.store_fields(in, res.import_id, true);
            s.history_row(old.id, res.import_id, now, old.listed ? "change" : "relist", d);
            ++res.changed;
        }
        if (end_missing) {
            for (auto& [k, old] : existing) {
                if (seen.count(k) || !old.listed) continue;
                Record r = old;
                std::string d = "no longer in the source";
                if (!r.valid_to.set()) {
                    r.valid_to = Bound::time(now);
                    d += fmt::format("; valid_to: open -> {}", r.valid_to.str());
                }
                s.store_fields(r, res.import_id, false);
                s.history_row(r.id, res.import_id, now, "end", d);
                ++res.ended;
            }
        }
        for (const auto& e : batch.entities) {
            if (e.name.empty()) continue;
            s.q("INSERT INTO entities (name, category, jurisdiction) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                "category = CASE WHEN excluded.category <> '' THEN excluded.category ELSE entities.category END, "
                "jurisdiction = CASE WHEN excluded.jurisdiction <> '' THEN excluded.jurisdiction ELSE entities.jurisdiction END",
                {e.name, e.category, e.jurisdiction});
        }
        s.q("UPDATE imports SET records = ?, added = ?, changed = ?, ended = ? WHERE id = ?",
            {static_cast<std::int64_t>(res.records), static_cast<std::int64_t>(res.added), static_cast<std::int64_t>(res.changed),
             static_cast<std::int64_t>(res.ended), res.import_id});
        if (res.added + res.changed + res.ended) s.q("UPDATE meta SET value = value + 1 WHERE key = 'version'");
        s.db->commit();
    } catch (...) {
        s.db->rollback();
        throw;
    }
    return res;
}

std::vector<Record> LabelStore::find(std::string_view address) {
    std::string chain, canon;
    try {
        canon = normalize_address(address, chain);
    } catch (const std::invalid_argument&) {
        canon = std::string(address);  // stored as given on chains without checks
    }
    return impl_->select("WHERE address = ?", {canon});
}

std::vector<Record> LabelStore::find(const Address& a) { return impl_->select("WHERE address = ?", {a.hex()}); }

std::vector<Record> LabelStore::list(const Filter& f) {
    std::string where;
    std::vector<Value> params;
    auto cond = [&](const char* col, const std::string& v) {
        if (v.empty()) return;
        where += where.empty() ? "WHERE " : " AND ";
        where += fmt::format("{} = ?", col);
        params.emplace_back(v);
    };
    cond("category", f.category);
    cond("source", f.source);
    cond("chain", f.chain);
    if (f.listed_only) where += where.empty() ? "WHERE listed = 1" : " AND listed = 1";
    return impl_->select(where, params);
}

std::optional<Entity> LabelStore::entity(const std::string& name) {
    auto rows = impl_->q("SELECT name, category, jurisdiction FROM entities WHERE name = ?", {name}, "ttt");
    if (rows.empty()) return std::nullopt;
    return Entity{as_text(rows[0][0]), as_text(rows[0][1]), as_text(rows[0][2])};
}

std::vector<Entity> LabelStore::entities() {
    std::vector<Entity> out;
    for (const auto& r : impl_->q("SELECT name, category, jurisdiction FROM entities ORDER BY name", {}, "ttt"))
        out.push_back({as_text(r[0]), as_text(r[1]), as_text(r[2])});
    return out;
}

namespace {
constexpr const char* kHistorySelect =
    "SELECT h.label_id, h.import_id, h.at, h.action, h.detail, i.source, i.files FROM history h JOIN imports i ON i.id = h.import_id ";
std::vector<Change> changes_of(const std::vector<Row>& rows) {
    std::vector<Change> out;
    for (const auto& r : rows) out.push_back({as_int(r[0]), as_int(r[1]), as_int(r[2]), as_text(r[3]), as_text(r[4]), as_text(r[5]), as_text(r[6])});
    return out;
}
}  // namespace

std::vector<Change> LabelStore::history(std::int64_t label_id) {
    return changes_of(impl_->q(std::string(kHistorySelect) + "WHERE h.label_id = ? ORDER BY h.id", {label_id}, "iiitttt"));
}

std::vector<Change> LabelStore::history_of(std::string_view address) {
    std::vector<Change> out;
    for (const auto& r : find(address)) {
        auto h = history(r.id);
        out.insert(out.end(), h.begin(), h.end());
    }
    return out;
}

std::size_t LabelStore::count() { return static_cast<std::size_t>(as_int(impl_->q("SELECT COUNT(*) FROM labels", {}, "i")[0][0])); }

std::uint64_t LabelStore::version() {
    return static_cast<std::uint64_t>(as_int(impl_->q("SELECT value FROM meta WHERE key = 'version'", {}, "i").at(0)[0]));
}

LabelSet LabelStore::label_set() {
    LabelSet set;
    set.reserve(count());
    // Streamed with one reused row: the tracer reads every label on each call, so this path
    // allocates only what the LabelSet keeps.
    impl_->db->each("SELECT chain, address, entity, category FROM labels ORDER BY id", "tttt", [&](const Row& r) {
        if (!is_evm_chain(as_text(r[0]))) return;
        set.add(parse_address(as_text(r[1])), Label{as_text(r[2]), as_text(r[3])});
    });
    return set;
}

// ---- in-memory index ---------------------------------------------------------------------------

LabelIndex::LabelIndex(LabelStore& store) : store_(&store) { load(); }

void LabelIndex::load() {
    version_ = store_->version();
    records_ = store_->list();
    by_address_.clear();
    for (const auto& r : records_) by_address_[r.address].push_back(r);
}

bool LabelIndex::refresh() {
    if (store_->version() == version_) return false;
    load();
    return true;
}

const std::vector<Record>* LabelIndex::find(std::string_view canonical_address) const {
    auto it = by_address_.find(std::string(canonical_address));
    return it == by_address_.end() ? nullptr : &it->second;
}

std::vector<const Record*> LabelIndex::of_category(std::string_view category) const {
    std::vector<const Record*> out;
    for (const auto& r : records_)
        if (r.category == category) out.push_back(&r);
    return out;
}

}  // namespace chainward::label
