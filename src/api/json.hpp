// Internal to src/api: writing JSON responses and reading request bodies strictly (simdjson),
// with errors that name the offending field.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chainward::api {

/// An error answered as {"error": {"code", "message", "field"}} with an HTTP status.
struct ApiError {
    unsigned status = 400;
    std::string code, message, field;
};
[[noreturn]] void fail(unsigned status, std::string code, std::string message, std::string field = {});

/// Appends JSON text; commas between members and elements are inserted automatically.
class JsonWriter {
  public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);
    JsonWriter& str(std::string_view v);
    JsonWriter& num(std::int64_t v);
    JsonWriter& unum(std::uint64_t v);
    JsonWriter& dbl(double v);
    JsonWriter& boolean(bool v);
    JsonWriter& null();
    JsonWriter& raw(std::string_view json);  ///< an already encoded value
    JsonWriter& kv(std::string_view k, std::string_view v) { return key(k).str(v); }
    JsonWriter& kv(std::string_view k, const char* v) { return key(k).str(v); }
    JsonWriter& kv(std::string_view k, const std::string& v) { return key(k).str(v); }
    JsonWriter& kv(std::string_view k, std::int64_t v) { return key(k).num(v); }
    JsonWriter& kv(std::string_view k, std::uint64_t v) { return key(k).unum(v); }
    JsonWriter& kv(std::string_view k, bool v) { return key(k).boolean(v); }
    std::string take() { return std::move(s_); }
    const std::string& text() const { return s_; }

  private:
    void sep();
    std::string s_;
    std::vector<bool> first_;
    bool after_key_ = false;
};

std::string error_json(const ApiError& e);

/// A request body: one JSON object whose members are checked against what the route allows.
/// Every accessor throws ApiError (400) naming the field: unknown, duplicated, missing, or of the
/// wrong type.
class Body {
  public:
    Body(std::string_view text, std::initializer_list<std::string_view> allowed);
    bool has(std::string_view field) const;
    std::string str(std::string_view field) const;  ///< required string
    std::optional<std::string> opt_str(std::string_view field) const;
    std::optional<std::uint64_t> opt_u64(std::string_view field) const;  ///< a non-negative integer
    std::optional<bool> opt_bool(std::string_view field) const;
    /// An array of strings (nullopt when absent).
    std::optional<std::vector<std::string>> opt_str_array(std::string_view field, std::size_t max_items) const;
    /// An element, for nested reading (nullopt when absent or null).
    std::optional<simdjson::dom::element> get(std::string_view field) const;

  private:
    simdjson::dom::parser parser_;
    simdjson::dom::object obj_;
};

/// Name of a JSON element's type ("string", "number", …) for messages.
const char* type_name(const simdjson::dom::element& e);

}  // namespace chainward::api
