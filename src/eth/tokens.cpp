// A small built-in table of major Ethereum mainnet tokens (facts: contract, symbol, decimals).
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

std::optional<TokenInfo> known_token(const Address& contract) {
    for (const auto& k : kTokens)
        if (parse_address(k.address) == contract) return TokenInfo{k.symbol, k.decimals};
    return std::nullopt;
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
