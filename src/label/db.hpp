// Internal to src/label: the SQL both label-store backends (SQLite, PostgreSQL) speak. Queries
// are written once with `?` placeholders; every value is text or a 64-bit integer and no column
// is NULL, which keeps the two backends' type rules out of the store logic.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace chainward::label::detail {

using Value = std::variant<std::int64_t, std::string>;
using Row = std::vector<Value>;

inline std::int64_t as_int(const Value& v) { return std::get<std::int64_t>(v); }
inline const std::string& as_text(const Value& v) { return std::get<std::string>(v); }

class Db {
public:
    virtual ~Db() = default;
    /// Statements without parameters or results (DDL).
    virtual void exec(const std::string& sql) = 0;
    /// A statement with `?` placeholders; returns its rows. `types` gives each result column's
    /// type ('i' integer, 't' text) so both backends return the same Values.
    virtual std::vector<Row> query(const std::string& sql, const std::vector<Value>& params, const std::string& types) = 0;
    /// The same, calling `f` per row with one reused Row (no per-row allocation where the backend
    /// can stream; for bulk reads such as the tracer's label set).
    virtual void each(const std::string& sql, const std::string& types, const std::function<void(const Row&)>& f) {
        for (const auto& r : query(sql, {}, types)) f(r);
    }
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    /// Column type of an auto-increment primary key.
    virtual const char* serial_key() const = 0;
    /// Where the store lives, for messages.
    virtual std::string where() const = 0;
};

std::unique_ptr<Db> open_sqlite(const std::string& path);
std::unique_ptr<Db> open_postgres(const std::string& uri);

}  // namespace chainward::label::detail
