// Internal to src/label: the categories the project knows and their GraphSense TagPack concepts
// (docs/labels.md shows the same table).
#pragma once

#include <string_view>

namespace chainward::label::detail {

struct CategoryInfo {
    std::string_view category;  ///< chainward category
    std::string_view concept_;  ///< TagPack concept written on export (category field)
    std::string_view abuse;     ///< TagPack abuse written on export ("" = none)
};

inline constexpr CategoryInfo kCategories[] = {
    {"sanctioned", "organization", "sanction"},
    {"stolen_funds", "perpetrator", "service_hack"},
    {"hacker", "perpetrator", "service_hack"},
    {"heist_attacker", "perpetrator", "service_hack"},
    {"heist_victim", "victim", ""},
    {"victim", "victim", ""},
    {"laundering", "perpetrator", "money_laundering"},
    {"mixer", "mixing_service", ""},
    {"bridge", "defi_bridge", ""},
    {"exchange", "exchange", ""},
    {"exchange_deposit", "exchange", ""},
    {"exchange_hot", "exchange", ""},
    {"p2p_otc", "exchange", ""},
    {"dex", "defi_dex", ""},
    {"defi", "defi", ""},
    {"token", "defi", ""},
    {"issuer", "organization", ""},
    {"nft_marketplace", "market", ""},
    {"darknet", "market", ""},
    {"gambling", "gambling", ""},
    {"scam", "perpetrator", "scam"},
    {"phishing", "perpetrator", "phishing"},
    {"ransomware", "perpetrator", "ransomware"},
    {"extortion", "perpetrator", "extortion"},
    {"terrorism", "perpetrator", "terrorism"},
    {"child_abuse", "perpetrator", "child_sexual_abuse"},
    {"miner", "miner", ""},
    {"payment_processor", "payment_processor", ""},
    {"wallet_service", "wallet_service", ""},
};

/// TagPack concept (category or abuse field) -> chainward category, for imports whose context
/// does not name the category itself. Abuse wins over category when both are given.
inline constexpr std::pair<std::string_view, std::string_view> kConceptToCategory[] = {
    {"sanction", "sanctioned"},        {"service_hack", "hacker"},       {"money_laundering", "laundering"},
    {"mixing_service", "mixer"},       {"mixing", "mixer"},              {"coinjoin", "mixer"},
    {"defi_bridge", "bridge"},         {"exchange", "exchange"},         {"defi_dex", "dex"},
    {"defi", "defi"},                  {"defi_lending", "defi"},         {"defi_derivative", "defi"},
    {"market", "darknet"},             {"dark_web", "darknet"},          {"gambling", "gambling"},
    {"scam", "scam"},                  {"investment_fraud", "scam"},     {"ponzi_scheme", "scam"},
    {"pyramid_scheme", "scam"},        {"financial_crime", "scam"},      {"phishing", "phishing"},
    {"ransomware", "ransomware"},      {"extortion", "extortion"},       {"sextortion", "extortion"},
    {"terrorism", "terrorism"},        {"extremism", "terrorism"},       {"child_sexual_abuse", "child_abuse"},
    {"victim", "victim"},              {"perpetrator", "hacker"},        {"miner", "miner"},
    {"mining_service", "miner"},       {"payment_processor", "payment_processor"},
    {"wallet_service", "wallet_service"}, {"organization", "organization"}, {"collectible", "nft_marketplace"},
};

}  // namespace chainward::label::detail
