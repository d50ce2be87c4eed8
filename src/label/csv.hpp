// Internal to src/label: the small RFC 4180 CSV splitter the CSV readers share.
#pragma once

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/core.hpp"

namespace chainward::label::detail {

inline std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return r;
}

inline std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
}

/// Splits one record starting at `pos`; advances pos past its line end. Quoted fields may hold
/// commas, doubled quotes and line breaks (line is advanced for each).
inline bool next_record(std::string_view text, std::size_t& pos, std::size_t& line, std::vector<std::string>& out,
                 const std::string& name) {
    out.clear();
    if (pos >= text.size()) return false;
    std::string field;
    bool quoted = false, was_quoted = false;
    const std::size_t start_line = line;
    while (pos < text.size()) {
        char c = text[pos++];
        if (quoted) {
            if (c == '"') {
                if (pos < text.size() && text[pos] == '"') {
                    field += '"';
                    ++pos;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++line;
                field += c;
            }
            continue;
        }
        if (c == '"' && trim(field).empty()) {
            quoted = was_quoted = true;
            field.clear();
        } else if (c == ',') {
            out.push_back(was_quoted ? field : trim(field));
            field.clear();
            was_quoted = false;
        } else if (c == '\r' && pos < text.size() && text[pos] == '\n') {
            continue;  // CRLF line end (also after a closing quote)
        } else if (c == '\n') {
            ++line;
            out.push_back(was_quoted ? field : trim(field));
            return true;
        } else {
            field += c;
        }
    }
    if (quoted) throw InputError(fmt::format("{}: line {}: unterminated quoted field", name, start_line));
    out.push_back(was_quoted ? field : trim(field));
    return true;
}

}  // namespace chainward::label::detail
