// PostgreSQL backend of the label store (libpqxx), for several servers sharing one set of labels.
// `?` placeholders become $1, $2, …; statements are prepared once per connection. Values travel as
// text and the server infers their types from the statement.
#include <optional>
#include <unordered_map>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "core/core.hpp"
#include "label/db.hpp"

namespace chainward::label::detail {
namespace {

std::string numbered(const std::string& sql) {
    std::string out;
    int n = 0;
    bool in_string = false;
    for (char c : sql) {
        if (c == '\'') in_string = !in_string;
        if (c == '?' && !in_string) out += fmt::format("${}", ++n);
        else out += c;
    }
    return out;
}

std::string redacted(const std::string& uri) {
    // never print a password that a URI may carry
    auto at = uri.find('@');
    auto scheme = uri.find("://");
    if (at == std::string::npos || scheme == std::string::npos || at < scheme) return uri;
    return uri.substr(0, scheme + 3) + "…" + uri.substr(at);
}

class PostgresDb final : public Db {
public:
    explicit PostgresDb(const std::string& uri) try : where_(redacted(uri)), conn_(uri) {
    } catch (const std::exception& e) {
        throw StoreError(fmt::format("{}: cannot connect to the label store: {}", redacted(uri), e.what()));
    }

    void exec(const std::string& sql) override {
        run([&] {
            if (tx_) {
                tx_->exec(sql);
            } else {
                pqxx::nontransaction n(conn_);
                n.exec(sql);
            }
        }, sql);
    }

    std::vector<Row> query(const std::string& sql, const std::vector<Value>& params, const std::string& types) override {
        std::vector<Row> rows;
        run([&] {
            auto it = names_.find(sql);
            if (it == names_.end()) {
                std::string name = fmt::format("q{}", names_.size());
                conn_.prepare(name, numbered(sql));
                it = names_.emplace(sql, name).first;
            }
            std::vector<std::string> text;
            text.reserve(params.size());
            for (const auto& p : params)
                text.push_back(std::holds_alternative<std::int64_t>(p) ? std::to_string(std::get<std::int64_t>(p)) : std::get<std::string>(p));
            pqxx::result res;
            if (tx_) {
                res = tx_->exec_prepared(it->second, pqxx::prepare::make_dynamic_params(text));
            } else {
                pqxx::nontransaction n(conn_);
                res = n.exec_prepared(it->second, pqxx::prepare::make_dynamic_params(text));
            }
            rows.reserve(res.size());
            for (const auto& r : res) {
                Row row;
                row.reserve(types.size());
                for (std::size_t c = 0; c < types.size(); ++c) {
                    if (types[c] == 'i') row.emplace_back(r[static_cast<int>(c)].as<std::int64_t>());
                    else row.emplace_back(r[static_cast<int>(c)].as<std::string>());
                }
                rows.push_back(std::move(row));
            }
        }, sql);
        return rows;
    }

    void begin() override {
        run([&] { tx_.emplace(conn_); }, "BEGIN");
    }
    void commit() override {
        run([&] {
            tx_->commit();
            tx_.reset();
        }, "COMMIT");
    }
    void rollback() override {
        try {
            if (tx_) tx_->abort();
        } catch (const std::exception&) {
            // the connection failed: the error that led here is what the caller reports
        }
        tx_.reset();
    }
    const char* serial_key() const override { return "BIGSERIAL PRIMARY KEY"; }
    std::string where() const override { return where_; }

private:
    template <class F>
    void run(F&& f, const std::string& sql) {
        try {
            f();
        } catch (const pqxx::sql_error& e) {
            throw StoreError(fmt::format("{}: {} (in: {})", where_, e.what(), sql.substr(0, 80)));
        } catch (const pqxx::failure& e) {
            throw StoreError(fmt::format("{}: {}", where_, e.what()));
        }
    }

    std::string where_;
    pqxx::connection conn_;
    std::optional<pqxx::work> tx_;
    std::unordered_map<std::string, std::string> names_;
};

}  // namespace

std::unique_ptr<Db> open_postgres(const std::string& uri) { return std::make_unique<PostgresDb>(uri); }

}  // namespace chainward::label::detail
