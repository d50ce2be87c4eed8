// Labels CSV reader: a few hundred thousand rows at most, so a small RFC 4180 splitter suffices.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "label/categories.hpp"
#include "label/csv.hpp"
#include "label/label.hpp"

namespace chainward::label {

using detail::lower;
using detail::next_record;
using detail::trim;

bool is_known_category(std::string_view c) {
    return std::any_of(std::begin(detail::kCategories), std::end(detail::kCategories), [&](const auto& k) { return c == k.category; });
}

LabelSet LabelSet::load_csv(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InputError(fmt::format("{}: cannot open labels file", file.string()));
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_csv(ss.str(), file.string());
}

LabelSet LabelSet::parse_csv(std::string_view text, const std::string& name) {
    LabelSet set;
    std::size_t pos = 0, line = 1;
    std::vector<std::string> rec;
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;  // UTF-8 BOM
    std::size_t header_line = line;
    if (!next_record(text, pos, line, rec, name)) throw InputError(fmt::format("{}: empty labels file (want header address,entity,category)", name));
    int ca = -1, ce = -1, cc = -1;
    for (std::size_t i = 0; i < rec.size(); ++i) {
        std::string h = lower(rec[i]);
        if (h == "address") ca = static_cast<int>(i);
        else if (h == "entity") ce = static_cast<int>(i);
        else if (h == "category") cc = static_cast<int>(i);
    }
    if (ca < 0 || ce < 0 || cc < 0)
        throw InputError(fmt::format("{}: line {}: header must have columns address,entity,category", name, header_line));
    const std::size_t need = static_cast<std::size_t>(std::max({ca, ce, cc})) + 1;
    for (;;) {
        const std::size_t rec_line = line;
        if (!next_record(text, pos, line, rec, name)) break;
        if (rec.size() == 1 && rec[0].empty()) continue;  // blank line
        if (rec.size() < need)
            throw InputError(fmt::format("{}: line {}: {} fields, want at least {}", name, rec_line, rec.size(), need));
        Address a;
        try {
            a = parse_address(rec[static_cast<std::size_t>(ca)]);
        } catch (const std::invalid_argument& e) {
            throw InputError(fmt::format("{}: line {}: field address: {} (\"{}\")", name, rec_line, e.what(), rec[static_cast<std::size_t>(ca)]));
        }
        std::string cat = lower(rec[static_cast<std::size_t>(cc)]);
        if (cat.empty()) throw InputError(fmt::format("{}: line {}: field category: empty", name, rec_line));
        set.add(a, Label{rec[static_cast<std::size_t>(ce)], std::move(cat)});
    }
    return set;
}

void LabelSet::add(const Address& a, Label l) {
    auto& v = map_[a];
    if (std::find(v.begin(), v.end(), l) == v.end()) v.push_back(std::move(l));
}

const std::vector<Label>* LabelSet::find(const Address& a) const {
    auto it = map_.find(a);
    return it == map_.end() ? nullptr : &it->second;
}

const Label* LabelSet::find(const Address& a, std::string_view category) const {
    if (auto* v = find(a))
        for (const auto& l : *v)
            if (l.category == category) return &l;
    return nullptr;
}

}  // namespace chainward::label
