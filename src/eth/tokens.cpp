// A small built-in table of major Ethereum mainnet tokens (facts: contract, symbol, decimals).
#include <fmt/format.h>
#include <simdjson.h>

#include <fstream>

#include "eth/eth.hpp"

namespace chainward::eth {
namespace {

struct Known {
    const char* address;
    const char* symbol;
    unsigned decimals;
};
constexpr Known kTokens[] = {
    {"0xdAC17F958D2ee523a2206206994597C13D831ec7", "USDT", 6},
    {"0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "USDC", 6},
    {"0x6B175474E89094C44Da98b954EedeAC495271d0F", "DAI", 18},
    {"0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2", "WETH", 18},
    {"0xae7ab96520DE3A18E5e111B5EaAb095312D7fE84", "stETH", 18},
    {"0x7f39C581F595B53c5cb19bD0b3f8dA6c935E2Ca0", "wstETH", 18},
    {"0xd5F7838F5C461fefF7FE49ea5ebaF7728bB0ADfa", "mETH", 18},
    {"0xE6829d9a7eE3040e1276Fa75293Bde931859e8fA", "cmETH", 18},
    {"0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599", "WBTC", 8},
    {"0xEB4C2781e4ebA804CE9a9803C67d0893436bB27D", "renBTC", 8},
    {"0x514910771AF9Ca656af840dff83E8264EcF986CA", "LINK", 18},
    {"0x1f9840a85d5aF5bf1D1762F925BDADdC4201F984", "UNI", 18},
    {"0x95aD61b0a150d79219dCF64E1E6Cc01f0B64C4cE", "SHIB", 18},
    {"0x4Fabb145d64652a948d72533023f6E7A623C7C53", "BUSD", 18},
    {"0x8E870D67F660D95d5be530380D0eC0bd388289E1", "USDP", 18},
    {"0x0000000000085d4780B73119b644AE5ecd22b376", "TUSD", 18},
    {"0x6c3ea9036406852006290770BEdFcAbA0e23A0e8", "PYUSD", 6},
    {"0x7D1AfA7B718fb893dB30A3aBc0Cfc608AaCfeBB0", "MATIC", 18},
    {"0x3845badAde8e6dFF049820680d1F14bD3903a5d0", "SAND", 18},
};

}  // namespace

Address weth9_address() { return parse_address("0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"); }

std::map<Address, TokenInfo>& registry() {
    static std::map<Address, TokenInfo> r = [] {
        std::map<Address, TokenInfo> m;
        for (const auto& k : kTokens) m[parse_address(k.address)] = TokenInfo{k.symbol, k.decimals};
        return m;
    }();
    return r;
}

std::optional<TokenInfo> known_token(const Address& contract) {
    auto it = registry().find(contract);
    if (it == registry().end()) return std::nullopt;
    return it->second;
}

void register_tokens(const std::map<Address, TokenInfo>& tokens) {
    for (const auto& [a, t] : tokens) registry().try_emplace(a, t);  // the built-in table wins
}

std::map<Address, TokenInfo> read_token_file(const std::filesystem::path& file) {
    std::map<Address, TokenInfo> out;
    if (!std::filesystem::exists(file)) return out;
    simdjson::padded_string buf;
    if (simdjson::padded_string::load(file.string()).get(buf)) throw InputError(file.string() + ": cannot read");
    simdjson::dom::parser p;
    simdjson::dom::object o;
    if (p.parse(buf).get(o)) throw InputError(file.string() + ": malformed JSON (expected an object)");
    for (auto [key, value] : o) {
        std::string_view sym;
        std::uint64_t dec;
        if (value["symbol"].get(sym) || value["decimals"].get(dec) || dec > 77)
            throw InputError(file.string() + ": " + std::string(key) + ": needs symbol (string) and decimals (0..77)");
        try {
            out[parse_address(key)] = TokenInfo{std::string(sym), static_cast<unsigned>(dec)};
        } catch (const std::invalid_argument& e) {
            throw InputError(file.string() + ": " + std::string(key) + ": " + e.what());
        }
    }
    return out;
}

void write_token_file(const std::filesystem::path& file, const std::map<Address, TokenInfo>& tokens) {
    std::string s = "{";
    for (const auto& [a, t] : tokens) {
        std::string sym;
        for (char c : t.symbol)  // symbols come from contracts: keep printable ASCII only
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') sym += c;
        s += fmt::format("{}\n  \"{}\": {{\"symbol\": \"{}\", \"decimals\": {}}}", s.size() > 1 ? "," : "", a.hex(), sym, t.decimals);
    }
    s += "\n}\n";
    auto tmp = file;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << s;
        if (!out) throw InputError(tmp.string() + ": cannot write");
    }
    std::filesystem::rename(tmp, file);
}

AssetDisplay display_asset(const AssetKey& k) {
    AssetDisplay d;
    switch (k.type) {
        case AssetType::Native: d.name = "ETH"; d.symbol = "ETH"; d.decimals = 18; break;
        case AssetType::Erc20:
            if (auto t = known_token(k.contract)) {
                d.name = t->symbol;
                d.symbol = t->symbol;
                d.decimals = t->decimals;
            } else {
                d.name = k.contract.checksum();
                d.decimals = 0;  // unknown token: show base units
            }
            break;
        case AssetType::Erc721:
        case AssetType::Erc1155:
            d.name = k.contract.checksum() + " #" + k.token_id.str();
            d.decimals = 0;
            break;
    }
    return d;
}

std::optional<Address> known_token_by_symbol(std::string_view symbol) {
    for (const auto& k : kTokens) {
        std::string_view s = k.symbol;
        if (s.size() == symbol.size() &&
            std::equal(s.begin(), s.end(), symbol.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
            return parse_address(k.address);
    }
    return std::nullopt;
}

}  // namespace chainward::eth
