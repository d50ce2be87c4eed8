// Risk labels from a CSV file (e.g. ../shared/data/lazarus-bybit/bybit_hack_addresses_tayvano.csv)
// until the label store (src/label) offers a lookup; CheckOptions::label_of takes either.
#include <fmt/core.h>

#include <fstream>
#include <memory>
#include <unordered_map>

#include "safe/safe.hpp"

namespace chainward::safe {

std::function<std::optional<std::string>(const Address&)> load_label_csv(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw InputError(fmt::format("labels: cannot open {}", path));
    auto map = std::make_shared<std::unordered_map<Address, std::string>>();
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        auto comma = line.find(',');
        std::string first = line.substr(0, comma);
        Address a;
        try {
            a = parse_address(first);
        } catch (const std::invalid_argument&) {
            continue;  // header or a non-Ethereum address
        }
        std::string rest = comma == std::string::npos ? "labelled" : line.substr(comma + 1);
        std::string clean;
        for (char c : rest) clean += c == '"' ? '\0' : (c == ',' ? ' ' : c);
        std::erase(clean, '\0');
        (*map)[a] = clean;
    }
    return [map](const Address& a) -> std::optional<std::string> {
        auto it = map->find(a);
        if (it == map->end()) return std::nullopt;
        return it->second;
    };
}

}  // namespace chainward::safe
