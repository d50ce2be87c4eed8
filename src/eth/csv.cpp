#include "eth/csv.hpp"

#include <fstream>
#include <sstream>

#include "core/core.hpp"

namespace chainward::eth {

CsvFile::CsvFile(const std::filesystem::path& file) : name_(file.string()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InputError(name_ + ": cannot open");
    std::ostringstream ss;
    ss << in.rdbuf();
    buf_ = std::move(ss).str();
    if (buf_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // UTF-8 byte order mark
    if (!parse_record()) return;
    for (auto f : fields_) header_.emplace_back(f);
    for (std::size_t i = 0; i < header_.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (header_[i] == header_[j]) fail_record("column " + header_[i] + " appears twice in the header");
}

std::optional<std::size_t> CsvFile::column(std::string_view n) const {
    for (std::size_t i = 0; i < header_.size(); ++i)
        if (header_[i] == n) return i;
    return std::nullopt;
}

std::size_t CsvFile::require(std::string_view n) const {
    if (auto c = column(n)) return *c;
    throw InputError(name_ + ": line 1: column " + std::string(n) + ": missing from the header");
}

void CsvFile::fail(std::size_t col, const std::string& reason) const {
    std::string_view v = fields_[col].substr(0, 80);
    throw InputError(name_ + ": line " + std::to_string(record_line_) + ": column " + header_[col] + ": " + reason +
                     " (\"" + std::string(v) + "\")");
}

void CsvFile::fail_record(const std::string& reason) const {
    throw InputError(name_ + ": line " + std::to_string(record_line_) + ": " + reason);
}

bool CsvFile::next() {
    while (parse_record()) {
        if (fields_.size() == 1 && fields_[0].empty()) continue;  // blank line
        if (fields_.size() != header_.size())
            fail_record(std::to_string(fields_.size()) + " fields, but the header has " + std::to_string(header_.size()));
        return true;
    }
    return false;
}

bool CsvFile::parse_record() {
    fields_.clear();
    if (pos_ >= buf_.size()) return false;
    record_line_ = line_;
    for (;;) {
        std::size_t begin = pos_;
        if (pos_ < buf_.size() && buf_[pos_] == '"') {
            std::size_t w = begin;  // unescape in place over the opening quote
            ++pos_;
            for (;;) {
                if (pos_ >= buf_.size()) fail_record("quoted field not closed before the end of the file");
                char c = buf_[pos_++];
                if (c == '"') {
                    if (pos_ < buf_.size() && buf_[pos_] == '"') ++pos_;  // doubled quote
                    else break;
                } else if (c == '\n') {
                    ++line_;
                }
                buf_[w++] = c;
            }
            fields_.emplace_back(buf_.data() + begin, w - begin);
        } else {
            while (pos_ < buf_.size() && buf_[pos_] != ',' && buf_[pos_] != '\n' && buf_[pos_] != '\r') {
                if (buf_[pos_] == '"') fail_record("quote inside an unquoted field");
                ++pos_;
            }
            fields_.emplace_back(buf_.data() + begin, pos_ - begin);
        }
        if (pos_ >= buf_.size()) return true;
        char c = buf_[pos_++];
        if (c == ',') continue;
        if (c == '\r' && pos_ < buf_.size() && buf_[pos_] == '\n') ++pos_;
        if (c == '\n' || c == '\r') {
            ++line_;
            return true;
        }
        fail_record("unexpected character after a closing quote");
    }
}

}  // namespace chainward::eth
