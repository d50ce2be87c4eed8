// Address checks per chain: EIP-55 for EVM chains, base58check (Bitcoin, Litecoin, Dogecoin,
// Tron) and bech32 / bech32m (BIP-173, BIP-350) for segwit addresses. Written from the BIPs;
// the tests check them against the addresses OFAC and the attribution lists publish.
#include <algorithm>
#include <array>
#include <cctype>

#include <cryptopp/sha.h>
#include <fmt/format.h>

#include "label/label.hpp"

namespace chainward::label {

namespace {

constexpr std::string_view kEvmChains[] = {"eth",  "bsc",    "polygon", "arb",   "op",     "avax",  "ftm",
                                           "etc",  "base",   "gnosis",  "zksync", "linea", "blast", "scroll",
                                           "celo", "cronos", "heco",    "moonbeam", "mantle", "okc", "kcc", "ethw", "tomo", "vet"};

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return r;
}

std::array<std::uint8_t, 32> sha256(std::span<const std::uint8_t> in) {
    std::array<std::uint8_t, 32> out{};
    CryptoPP::SHA256().CalculateDigest(out.data(), in.data(), in.size());
    return out;
}

/// Base58 (Bitcoin alphabet) to bytes; nullopt on a character outside the alphabet.
std::optional<std::vector<std::uint8_t>> base58_decode(std::string_view s) {
    static constexpr std::string_view alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    std::vector<std::uint8_t> b256;  // big-endian
    for (char c : s) {
        auto p = alphabet.find(c);
        if (p == std::string_view::npos) return std::nullopt;
        unsigned carry = static_cast<unsigned>(p);
        for (auto it = b256.rbegin(); it != b256.rend(); ++it) {
            carry += 58u * *it;
            *it = static_cast<std::uint8_t>(carry & 0xff);
            carry >>= 8;
        }
        while (carry) {
            b256.insert(b256.begin(), static_cast<std::uint8_t>(carry & 0xff));
            carry >>= 8;
        }
    }
    std::size_t zeros = 0;
    while (zeros < s.size() && s[zeros] == '1') ++zeros;
    b256.insert(b256.begin(), zeros, 0);
    return b256;
}

/// Payload of a base58check string (version byte first), or the reason it is not one.
std::vector<std::uint8_t> base58check(std::string_view s) {
    auto raw = base58_decode(s);
    if (!raw) throw std::invalid_argument("not base58 (character outside the alphabet)");
    if (raw->size() < 5) throw std::invalid_argument("base58 string too short");
    std::span<const std::uint8_t> body(raw->data(), raw->size() - 4);
    auto h = sha256(sha256(body));
    if (!std::equal(h.begin(), h.begin() + 4, raw->end() - 4)) throw std::invalid_argument("base58check checksum mismatch");
    return {body.begin(), body.end()};
}

std::uint32_t bech32_polymod(const std::vector<std::uint8_t>& v) {
    static constexpr std::uint32_t gen[] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    std::uint32_t chk = 1;
    for (auto x : v) {
        std::uint32_t top = chk >> 25;
        chk = (chk & 0x1ffffff) << 5 ^ x;
        for (int i = 0; i < 5; ++i)
            if (top >> i & 1) chk ^= gen[i];
    }
    return chk;
}

/// Checks a segwit address (BIP-173 bech32 for version 0, BIP-350 bech32m for 1..16) with the
/// expected human-readable part; returns it lowercased.
std::string segwit(std::string_view s, std::string_view want_hrp) {
    static constexpr std::string_view charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    bool has_lower = false, has_upper = false;
    for (char c : s) {
        if (c < 33 || c > 126) throw std::invalid_argument("bech32: invalid character");
        has_lower |= std::islower(static_cast<unsigned char>(c)) != 0;
        has_upper |= std::isupper(static_cast<unsigned char>(c)) != 0;
    }
    if (has_lower && has_upper) throw std::invalid_argument("bech32: mixed case");
    std::string t = lower(s);
    auto sep = t.rfind('1');
    if (sep == std::string::npos || sep == 0 || sep + 7 > t.size() || t.size() > 90) throw std::invalid_argument("bech32: bad separator or length");
    std::string hrp = t.substr(0, sep);
    if (hrp != want_hrp) throw std::invalid_argument(fmt::format("bech32: prefix \"{}\", want \"{}\"", hrp, want_hrp));
    std::vector<std::uint8_t> data;
    for (std::size_t i = sep + 1; i < t.size(); ++i) {
        auto p = charset.find(t[i]);
        if (p == std::string_view::npos) throw std::invalid_argument("bech32: invalid data character");
        data.push_back(static_cast<std::uint8_t>(p));
    }
    std::vector<std::uint8_t> v;
    for (char c : hrp) v.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) >> 5));
    v.push_back(0);
    for (char c : hrp) v.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) & 31));
    v.insert(v.end(), data.begin(), data.end());
    const std::uint32_t pm = bech32_polymod(v);
    const unsigned version = data[0];
    if (version > 16) throw std::invalid_argument("segwit: witness version above 16");
    const std::uint32_t want = version == 0 ? 1u : 0x2bc830a3u;  // bech32 : bech32m
    if (pm != want) throw std::invalid_argument(version == 0 ? "bech32 checksum mismatch" : "bech32m checksum mismatch");
    // witness program: 5-bit groups (after the version, before the 6 checksum chars) to bytes
    unsigned acc = 0, bits = 0;
    std::vector<std::uint8_t> prog;
    for (std::size_t i = 1; i + 6 < data.size(); ++i) {
        acc = acc << 5 | data[i];
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            prog.push_back(static_cast<std::uint8_t>(acc >> bits & 0xff));
        }
    }
    if (bits >= 5 || (acc & ((1u << bits) - 1))) throw std::invalid_argument("segwit: bad padding");
    if (prog.size() < 2 || prog.size() > 40) throw std::invalid_argument("segwit: program length");
    if (version == 0 && prog.size() != 20 && prog.size() != 32) throw std::invalid_argument("segwit v0: program must be 20 or 32 bytes");
    return t;
}

std::string evm(std::string_view s) {
    Address a = parse_address(s);  // 40 hex digits, any case
    std::string_view hex = s.substr(s.size() - 40);
    bool has_lower = false, has_upper = false;
    for (char c : hex) {
        has_lower |= c >= 'a' && c <= 'f';
        has_upper |= c >= 'A' && c <= 'F';
    }
    if (has_lower && has_upper && a.checksum().substr(2) != hex) throw std::invalid_argument("EIP-55 checksum mismatch (mixed-case address)");
    return a.hex();
}

void base58_version(std::string_view s, std::initializer_list<unsigned> versions, std::size_t len, const char* what) {
    auto p = base58check(s);
    if (p.size() != len) throw std::invalid_argument(fmt::format("{}: payload of {} bytes, want {}", what, p.size(), len));
    if (std::find(versions.begin(), versions.end(), p[0]) == versions.end())
        throw std::invalid_argument(fmt::format("{}: unexpected version byte 0x{:02x}", what, p[0]));
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

std::string bitcoin_like(std::string_view s, std::string_view hrp, std::initializer_list<unsigned> versions, const char* what) {
    if (!hrp.empty() && starts_with_ci(s, std::string(hrp) + "1")) return segwit(s, hrp);
    base58_version(s, versions, 21, what);
    return std::string(s);
}

bool is_hex40(std::string_view s) {
    if (s.size() != 42 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return false;
    return std::all_of(s.begin() + 2, s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

bool is_evm_chain(std::string_view chain) {
    return std::find(std::begin(kEvmChains), std::end(kEvmChains), chain) != std::end(kEvmChains);
}

std::string normalize_address(std::string_view address, std::string& chain) {
    std::string_view s = address;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    if (s.empty()) throw std::invalid_argument("empty address");
    if (chain.empty()) {
        if (is_hex40(s)) chain = "eth";
        else if (starts_with_ci(s, "bc1")) chain = "btc";
        else if (starts_with_ci(s, "ltc1")) chain = "ltc";
        else if (s[0] == 'T' && s.size() == 34) chain = "trx";
        else if ((s[0] == '1' || s[0] == '3') && s.size() >= 26 && s.size() <= 35) chain = "btc";
        else throw std::invalid_argument("cannot tell the chain from the address form (give a chain)");
    }
    if (is_evm_chain(chain)) return evm(s);
    if (chain == "btc") return bitcoin_like(s, "bc", {0x00, 0x05}, "bitcoin");
    if (chain == "ltc") return bitcoin_like(s, "ltc", {0x30, 0x32, 0x05}, "litecoin");
    if (chain == "doge") return bitcoin_like(s, "", {0x1e, 0x16}, "dogecoin");
    if (chain == "trx") {
        base58_version(s, {0x41}, 21, "tron");
        return std::string(s);
    }
    // Other chains (Monero, XRP, Solana, cashaddr, …): a syntax check only.
    if (s.size() > 128) throw std::invalid_argument("address longer than 128 characters");
    for (char c : s)
        if (c <= ' ' || c > '~' || c == ',' || c == '"') throw std::invalid_argument("address holds a space, comma, quote or non-ASCII character");
    return std::string(s);
}

std::string chain_of_currency(std::string_view code) {
    const std::string c = lower(code);
    static const std::pair<std::string_view, std::string_view> map[] = {
        {"eth", "eth"},     {"ethereum", "eth"}, {"xbt", "btc"},      {"btc", "btc"},     {"bitcoin", "btc"},
        {"trx", "trx"},     {"tron", "trx"},     {"ltc", "ltc"},      {"litecoin", "ltc"}, {"bch", "bch"},
        {"bsv", "bsv"},     {"btg", "btg"},      {"dash", "dash"},    {"etc", "etc"},     {"xmr", "xmr"},
        {"monero", "xmr"},  {"xrp", "xrp"},      {"xvg", "xvg"},      {"zec", "zec"},     {"doge", "doge"},
        {"bsc", "bsc"},     {"bnb", "bsc"},      {"arb", "arb"},      {"arbitrum", "arb"}, {"matic", "polygon"},
        {"polygon", "polygon"}, {"avax", "avax"}, {"avaxc", "avax"},  {"ftm", "ftm"},     {"fantom", "ftm"},
        {"op", "op"},       {"optimism", "op"},  {"sol", "sol"},      {"solana", "sol"},  {"ton", "ton"},
        {"base", "base"},   {"gnosis", "gnosis"}, {"bitcoin_cash", "bch"}, {"bitcoincash", "bch"}, {"ethereum_classic", "etc"},
        {"ethpow", "ethw"}, {"ethw", "ethw"}, {"dogecoin", "doge"}, {"avalanche", "avax"}, {"tomo", "tomo"}, {"tomochain", "tomo"},
        {"vechain", "vet"}, {"vet", "vet"}, {"binance_smart_chain", "bsc"}, {"bnb_chain", "bsc"}, {"ripple", "xrp"},
        {"zcash", "zec"}, {"verge", "xvg"}, {"bitcoin_gold", "btg"}, {"bitcoin_sv", "bsv"}};
    for (const auto& [k, v] : map)
        if (k == c) return std::string(v);
    return "";
}

}  // namespace chainward::label
