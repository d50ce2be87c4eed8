// A small RFC 4180 reader (quoted fields, doubled quotes, line breaks inside quotes, CRLF) over a
// file read whole into memory. Internal to src/eth: the blockchain-etl reader uses it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chainward::eth {

/// One CSV file with a header line; fields are found by header name.
class CsvFile {
public:
    /// Reads the file and its header. An empty file has no columns and no records.
    explicit CsvFile(const std::filesystem::path& file);
    const std::string& name() const { return name_; }
    bool empty() const { return header_.empty(); }
    std::optional<std::size_t> column(std::string_view header_name) const;
    /// Like column(), but a missing column is an InputError naming the file and the column.
    std::size_t require(std::string_view header_name) const;
    /// Moves to the next record; false at the end. Blank lines are skipped.
    bool next();
    std::string_view field(std::size_t col) const { return fields_[col]; }
    std::size_t line() const { return record_line_; }  ///< physical line where the record starts
    /// Throws InputError "FILE: line N: column NAME: reason (\"value\")".
    [[noreturn]] void fail(std::size_t col, const std::string& reason) const;
    [[noreturn]] void fail_record(const std::string& reason) const;  ///< "FILE: line N: reason"

private:
    bool parse_record();
    std::string name_;
    std::string buf_;  ///< quoted fields are unescaped in place (never longer than their raw text)
    std::size_t pos_ = 0, line_ = 1, record_line_ = 0;
    std::vector<std::string_view> fields_;
    std::vector<std::string> header_;
};

}  // namespace chainward::eth
