// chainward labels: who an address belongs to (entity) and what it is (category).
// Public header of src/label. Today labels come from CSV files (`address,entity,category`); the
// label store (OFAC, TagPacks) will fill the same LabelSet later.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/core.hpp"

namespace chainward::label {

/// One label of an address. `category` is lowercase; unknown categories are kept as given.
struct Label {
    std::string entity;
    std::string category;
    bool operator==(const Label&) const = default;
};

/// Categories the tracer knows (others are plain labels): exchange_deposit, exchange_hot,
/// exchange, mixer, bridge, issuer (terminals); dex, token, nft_marketplace (converters);
/// sanctioned, heist_victim, heist_attacker (reported only).
bool is_known_category(std::string_view category);

/// Address -> labels (an address may carry several, e.g. heist_attacker and sanctioned).
class LabelSet {
public:
    /// Reads a CSV file with the header `address,entity,category` (any column order; extra
    /// columns ignored; RFC 4180 quotes allowed). Throws InputError naming file, line and field.
    static LabelSet load_csv(const std::filesystem::path& file);
    /// Parses CSV text; `name` is used in error messages.
    static LabelSet parse_csv(std::string_view text, const std::string& name);

    /// Adds a label; an identical (entity, category) pair on the same address is kept once.
    void add(const Address& a, Label l);
    /// Labels of `a` in insertion order, or nullptr.
    const std::vector<Label>* find(const Address& a) const;
    /// First label of `a` whose category is `category`, or nullptr.
    const Label* find(const Address& a, std::string_view category) const;
    std::size_t addresses() const { return map_.size(); }
    const std::unordered_map<Address, std::vector<Label>>& all() const { return map_; }

private:
    std::unordered_map<Address, std::vector<Label>> map_;
};

}  // namespace chainward::label
