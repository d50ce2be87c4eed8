#include "api/json.hpp"

#include <fmt/format.h>

#include <set>

#include "core/core.hpp"

namespace chainward::api {

void fail(unsigned status, std::string code, std::string message, std::string field) {
    throw ApiError{status, std::move(code), std::move(message), std::move(field)};
}

void JsonWriter::sep() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!first_.empty()) {
        if (!first_.back()) s_ += ',';
        first_.back() = false;
    }
}
JsonWriter& JsonWriter::begin_object() {
    sep();
    s_ += '{';
    first_.push_back(true);
    return *this;
}
JsonWriter& JsonWriter::end_object() {
    s_ += '}';
    first_.pop_back();
    return *this;
}
JsonWriter& JsonWriter::begin_array() {
    sep();
    s_ += '[';
    first_.push_back(true);
    return *this;
}
JsonWriter& JsonWriter::end_array() {
    s_ += ']';
    first_.pop_back();
    return *this;
}
JsonWriter& JsonWriter::key(std::string_view k) {
    sep();
    s_ += '"';
    s_ += json_escape(k);
    s_ += "\":";
    after_key_ = true;
    return *this;
}
JsonWriter& JsonWriter::str(std::string_view v) {
    sep();
    s_ += '"';
    s_ += json_escape(v);
    s_ += '"';
    return *this;
}
JsonWriter& JsonWriter::num(std::int64_t v) {
    sep();
    s_ += std::to_string(v);
    return *this;
}
JsonWriter& JsonWriter::unum(std::uint64_t v) {
    sep();
    s_ += std::to_string(v);
    return *this;
}
JsonWriter& JsonWriter::dbl(double v) {
    sep();
    s_ += fmt::format("{}", v);
    return *this;
}
JsonWriter& JsonWriter::boolean(bool v) {
    sep();
    s_ += v ? "true" : "false";
    return *this;
}
JsonWriter& JsonWriter::null() {
    sep();
    s_ += "null";
    return *this;
}
JsonWriter& JsonWriter::raw(std::string_view json) {
    sep();
    while (!json.empty() && (json.back() == '\n' || json.back() == ' ')) json.remove_suffix(1);
    s_ += json;
    return *this;
}

std::string error_json(const ApiError& e) {
    JsonWriter w;
    w.begin_object().key("error").begin_object().kv("code", e.code).kv("message", e.message);
    if (!e.field.empty()) w.kv("field", e.field);
    else w.key("field").null();
    w.end_object().end_object();
    return w.take();
}

const char* type_name(const simdjson::dom::element& e) {
    switch (e.type()) {
        case simdjson::dom::element_type::ARRAY: return "array";
        case simdjson::dom::element_type::OBJECT: return "object";
        case simdjson::dom::element_type::INT64:
        case simdjson::dom::element_type::UINT64:
        case simdjson::dom::element_type::DOUBLE: return "number";
        case simdjson::dom::element_type::STRING: return "string";
        case simdjson::dom::element_type::BOOL: return "boolean";
        case simdjson::dom::element_type::NULL_VALUE: return "null";
    }
    return "value";
}

Body::Body(std::string_view text, std::initializer_list<std::string_view> allowed) {
    if (text.empty()) fail(400, "invalid_json", "the request needs a JSON object body");
    simdjson::dom::element root;
    if (auto err = parser_.parse(text.data(), text.size(), true).get(root))
        fail(400, "invalid_json", fmt::format("malformed JSON: {}", simdjson::error_message(err)));
    if (root.get(obj_)) fail(400, "invalid_type", fmt::format("the body must be a JSON object, not {}", type_name(root)));
    std::set<std::string_view> seen;
    for (auto [k, v] : obj_) {
        bool ok = false;
        for (auto a : allowed) ok = ok || a == k;
        if (!ok) fail(400, "unknown_field", fmt::format("unknown field \"{}\"", k), std::string(k));
        if (!seen.insert(k).second) fail(400, "duplicate_field", fmt::format("field \"{}\" given twice", k), std::string(k));
    }
}

std::optional<simdjson::dom::element> Body::get(std::string_view field) const {
    simdjson::dom::element e;
    if (obj_[field].get(e) || e.is_null()) return std::nullopt;
    return e;
}

bool Body::has(std::string_view field) const { return get(field).has_value(); }

std::optional<std::string> Body::opt_str(std::string_view field) const {
    auto e = get(field);
    if (!e) return std::nullopt;
    std::string_view s;
    if (e->get(s)) fail(400, "invalid_type", fmt::format("\"{}\" must be a string, not {}", field, type_name(*e)), std::string(field));
    return std::string(s);
}

std::string Body::str(std::string_view field) const {
    auto s = opt_str(field);
    if (!s) fail(400, "missing_field", fmt::format("\"{}\" is required", field), std::string(field));
    return *s;
}

std::optional<std::uint64_t> Body::opt_u64(std::string_view field) const {
    auto e = get(field);
    if (!e) return std::nullopt;
    std::uint64_t v = 0;
    if (e->type() == simdjson::dom::element_type::INT64 || e->type() == simdjson::dom::element_type::UINT64) {
        if (!e->get(v)) return v;
        fail(400, "invalid_value", fmt::format("\"{}\" must not be negative", field), std::string(field));
    }
    fail(400, "invalid_type", fmt::format("\"{}\" must be a non-negative integer, not {}", field, type_name(*e)), std::string(field));
}

std::optional<bool> Body::opt_bool(std::string_view field) const {
    auto e = get(field);
    if (!e) return std::nullopt;
    bool b = false;
    if (e->get(b)) fail(400, "invalid_type", fmt::format("\"{}\" must be true or false, not {}", field, type_name(*e)), std::string(field));
    return b;
}

std::optional<std::vector<std::string>> Body::opt_str_array(std::string_view field, std::size_t max_items) const {
    auto e = get(field);
    if (!e) return std::nullopt;
    simdjson::dom::array a;
    if (e->get(a)) fail(400, "invalid_type", fmt::format("\"{}\" must be an array of strings, not {}", field, type_name(*e)), std::string(field));
    std::vector<std::string> out;
    std::size_t i = 0;
    for (auto x : a) {
        std::string_view s;
        const std::string name = fmt::format("{}[{}]", field, i++);
        if (x.get(s)) fail(400, "invalid_type", fmt::format("\"{}\" must be a string, not {}", name, type_name(x)), name);
        if (out.size() == max_items) fail(400, "too_many", fmt::format("\"{}\" holds more than {} items", field, max_items), std::string(field));
        out.emplace_back(s);
    }
    return out;
}

}  // namespace chainward::api
