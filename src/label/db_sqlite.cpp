// SQLite backend of the label store (SQLiteCpp). WAL journal so readers never wait for an
// import, and a busy timeout so two writers queue instead of failing.
#include <unordered_map>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "core/core.hpp"
#include "label/db.hpp"

namespace chainward::label::detail {
namespace {

class SqliteDb final : public Db {
public:
    explicit SqliteDb(const std::string& path) try : path_(path), db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
        db_.setBusyTimeout(10000);
        db_.exec("PRAGMA journal_mode=WAL");
        db_.exec("PRAGMA synchronous=NORMAL");
    } catch (const SQLite::Exception& e) {
        throw StoreError(fmt::format("{}: cannot open label store: {}", path, e.what()));
    }

    void exec(const std::string& sql) override {
        try {
            db_.exec(sql);
        } catch (const SQLite::Exception& e) {
            throw StoreError(fmt::format("{}: {}", path_, e.what()));
        }
    }

    std::vector<Row> query(const std::string& sql, const std::vector<Value>& params, const std::string& types) override {
        try {
            auto& st = prepared(sql);
            st.reset();
            for (std::size_t i = 0; i < params.size(); ++i) {
                const int idx = static_cast<int>(i + 1);
                if (auto* n = std::get_if<std::int64_t>(&params[i])) st.bind(idx, *n);
                else st.bind(idx, std::get<std::string>(params[i]));
            }
            std::vector<Row> rows;
            while (st.executeStep()) {
                Row r;
                r.reserve(types.size());
                for (std::size_t c = 0; c < types.size(); ++c) {
                    auto col = st.getColumn(static_cast<int>(c));
                    if (types[c] == 'i') r.emplace_back(static_cast<std::int64_t>(col.getInt64()));
                    else r.emplace_back(col.getString());
                }
                rows.push_back(std::move(r));
            }
            st.reset();
            return rows;
        } catch (const SQLite::Exception& e) {
            throw StoreError(fmt::format("{}: {} (in: {})", path_, e.what(), sql.substr(0, 80)));
        }
    }

    void each(const std::string& sql, const std::string& types, const std::function<void(const Row&)>& f) override {
        try {
            auto& st = prepared(sql);
            st.reset();
            Row r(types.size());
            for (std::size_t c = 0; c < types.size(); ++c) r[c] = types[c] == 'i' ? Value(std::int64_t{0}) : Value(std::string());
            while (st.executeStep()) {
                for (std::size_t c = 0; c < types.size(); ++c) {
                    const int col = static_cast<int>(c);
                    if (types[c] == 'i') {
                        r[c] = static_cast<std::int64_t>(st.getColumn(col).getInt64());
                    } else {  // assign in place: the string keeps its capacity across rows
                        auto* text = static_cast<const char*>(st.getColumn(col).getBlob());
                        std::get<std::string>(r[c]).assign(text ? text : "", static_cast<std::size_t>(st.getColumn(col).getBytes()));
                    }
                }
                f(r);
            }
            st.reset();
        } catch (const SQLite::Exception& e) {
            throw StoreError(fmt::format("{}: {} (in: {})", path_, e.what(), sql.substr(0, 80)));
        }
    }

    void begin() override { exec("BEGIN IMMEDIATE"); }
    void commit() override { exec("COMMIT"); }
    void rollback() override {
        try {
            db_.exec("ROLLBACK");
        } catch (const SQLite::Exception&) {
            // nothing was open: the failure that led here is what the caller reports
        }
    }
    const char* serial_key() const override { return "INTEGER PRIMARY KEY"; }
    std::string where() const override { return path_; }

private:
    SQLite::Statement& prepared(const std::string& sql) {
        auto it = cache_.find(sql);
        if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<SQLite::Statement>(db_, sql)).first;
        return *it->second;
    }

    std::string path_;
    SQLite::Database db_;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache_;
};

}  // namespace

std::unique_ptr<Db> open_sqlite(const std::string& path) { return std::make_unique<SqliteDb>(path); }

}  // namespace chainward::label::detail
