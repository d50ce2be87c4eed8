#include "core/core.hpp"

#include <cryptopp/keccak.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace chainward {
namespace {

/// Hex digit values; 0xFF marks a non-digit (ingest decodes hundreds of MB of hex: no branches).
constexpr std::array<std::uint8_t, 256> kHexValue = [] {
    std::array<std::uint8_t, 256> t{};
    for (auto& v : t) v = 0xFF;
    for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<std::uint8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<std::uint8_t>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<std::uint8_t>(c - 'A' + 10);
    return t;
}();

int hex_digit(char c) {
    std::uint8_t v = kHexValue[static_cast<unsigned char>(c)];
    return v == 0xFF ? -1 : v;
}

/// Byte value of every pair of characters (first char in the low byte of the index, as loaded
/// from memory on a little-endian host); 0x100 marks a pair that is not two hex digits.
const std::uint16_t* hex_pair_table() {
    static const std::vector<std::uint16_t> t = [] {
        std::vector<std::uint16_t> v(65536, 0x100);
        for (int a = 0; a < 256; ++a)
            for (int b = 0; b < 256; ++b)
                if (kHexValue[a] != 0xFF && kHexValue[b] != 0xFF)
                    v[static_cast<std::size_t>(b) << 8 | static_cast<std::size_t>(a)] =
                        static_cast<std::uint16_t>(kHexValue[a] << 4 | kHexValue[b]);
        return v;
    }();
    return t.data();
}

/// Decodes 2*n hex digits into out; false if any is not a digit. One table lookup per byte:
/// ingest decodes hundreds of megabytes of hashes and addresses.
bool decode_hex(const char* h, std::size_t n, std::uint8_t* out) {
    static const std::uint16_t* pairs = hex_pair_table();
    std::uint16_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint16_t two;
        std::memcpy(&two, h + 2 * i, 2);
        std::uint16_t v = pairs[two];
        bad |= v;
        out[i] = static_cast<std::uint8_t>(v);
    }
    return (bad & 0x100) == 0;
}

std::string_view strip_0x(std::string_view s) {
    if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
    return s;
}

bool has_0x(std::string_view s) { return s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'); }

template <std::size_t N>
void parse_fixed(std::string_view s, std::array<std::uint8_t, N>& out, const char* what) {
    auto h = strip_0x(s);
    if (h.size() != 2 * N)
        throw std::invalid_argument(std::string(what) + " must have " + std::to_string(2 * N) +
                                    " hex digits, got " + std::to_string(h.size()));
    if (!decode_hex(h.data(), N, out.data())) throw std::invalid_argument(std::string("invalid hex digit in ") + what);
}

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

template <std::size_t N>
std::string Bytes<N>::hex() const {
    return to_hex(b);
}
template struct Bytes<20>;
template struct Bytes<32>;

std::string to_hex(std::span<const std::uint8_t> bytes) {
    std::string s(2 + 2 * bytes.size(), '0');
    s[1] = 'x';
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        s[2 + 2 * i] = kHex[bytes[i] >> 4];
        s[3 + 2 * i] = kHex[bytes[i] & 15];
    }
    return s;
}

std::string Address::checksum() const {
    std::string lower = hex().substr(2);
    Hash32 h = keccak256(lower);
    std::string out = "0x";
    for (std::size_t i = 0; i < lower.size(); ++i) {
        char c = lower[i];
        int nibble = (i % 2 == 0) ? h.b[i / 2] >> 4 : h.b[i / 2] & 15;
        out += (c >= 'a' && nibble >= 8) ? static_cast<char>(c - 32) : c;
    }
    return out;
}

std::vector<std::uint8_t> parse_hex_bytes(std::string_view s) {
    auto h = strip_0x(s);
    if (h.size() % 2) throw std::invalid_argument("odd number of hex digits");
    std::vector<std::uint8_t> out(h.size() / 2);
    if (!decode_hex(h.data(), out.size(), out.data())) throw std::invalid_argument("invalid hex digit");
    return out;
}

Address parse_address(std::string_view s) {
    Address a;
    parse_fixed(s, a.b, "address");
    return a;
}

Hash32 parse_hash(std::string_view s) {
    Hash32 h;
    parse_fixed(s, h.b, "hash");
    return h;
}

std::uint64_t parse_u64(std::string_view s) {
    if (s.empty()) throw std::invalid_argument("empty number");
    std::uint64_t v = 0;
    if (has_0x(s)) {
        auto h = strip_0x(s);
        if (h.empty()) throw std::invalid_argument("empty hex quantity");
        std::size_t start = 0;
        while (start + 1 < h.size() && h[start] == '0') ++start;
        if (h.size() - start > 16) throw std::invalid_argument("quantity out of range (above 2^64-1)");
        std::uint8_t bad = 0;
        for (std::size_t i = start; i < h.size(); ++i) {
            std::uint8_t d = kHexValue[static_cast<unsigned char>(h[i])];
            bad |= d;
            v = v << 4 | (d & 15);
        }
        if (bad & 0xF0) throw std::invalid_argument("invalid hex digit in quantity");
        return v;
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range) throw std::invalid_argument("number out of range (above 2^64-1)");
    if (ec != std::errc() || p != s.data() + s.size()) throw std::invalid_argument("not a number");
    return v;
}

U256 parse_u256(std::string_view s) {
    if (s.empty()) throw std::invalid_argument("empty number");
    U256 v = 0;
    if (has_0x(s)) {
        auto h = strip_0x(s);
        if (h.empty()) throw std::invalid_argument("empty hex quantity");
        std::size_t start = 0;
        while (start + 1 < h.size() && h[start] == '0') ++start;  // leading zeros are harmless
        if (h.size() - start > 64) throw std::invalid_argument("quantity out of range (above 2^256-1)");
        // Four 64-bit limbs from the right, then one multiprecision assembly.
        std::uint64_t limb[4] = {0, 0, 0, 0};
        std::uint8_t bad = 0;
        for (std::size_t i = start, k = h.size() - start; i < h.size(); ++i) {
            --k;  // digit position from the right
            std::uint8_t d = kHexValue[static_cast<unsigned char>(h[i])];
            bad |= d;
            limb[k / 16] |= static_cast<std::uint64_t>(d & 15) << (4 * (k % 16));
        }
        if (bad & 0xF0) throw std::invalid_argument("invalid hex digit in quantity");
        if (!limb[1] && !limb[2] && !limb[3]) return U256(limb[0]);
        v = limb[3];
        for (int i = 2; i >= 0; --i) v = (v << 64) | limb[i];
        return v;
    }
    static const U256 kMaxDiv10 = (~U256(0)) / 10;
    for (char c : s) {
        if (c < '0' || c > '9') throw std::invalid_argument("not a decimal number");
        unsigned d = static_cast<unsigned>(c - '0');
        if (v > kMaxDiv10 || (v == kMaxDiv10 && d > static_cast<unsigned>(~U256(0) % 10)))
            throw std::invalid_argument("number out of range (above 2^256-1)");
        v = v * 10 + d;
    }
    return v;
}

U256 u256_from_be(std::span<const std::uint8_t> word) {
    if (word.size() > 32) throw std::invalid_argument("word longer than 32 bytes");
    std::uint64_t limb[4] = {0, 0, 0, 0};  // little-endian limbs, filled from the last byte
    for (std::size_t i = 0; i < word.size(); ++i) {
        std::size_t k = word.size() - 1 - i;
        limb[k / 8] |= static_cast<std::uint64_t>(word[i]) << (8 * (k % 8));
    }
    if (!limb[1] && !limb[2] && !limb[3]) return U256(limb[0]);
    U256 v = limb[3];
    for (int i = 2; i >= 0; --i) v = (v << 64) | limb[i];
    return v;
}

Address address_from_word(std::span<const std::uint8_t> word) {
    if (word.size() != 32) throw std::invalid_argument("address word must be 32 bytes");
    for (int i = 0; i < 12; ++i)
        if (word[i]) throw std::invalid_argument("address word has non-zero high bytes");
    Address a;
    std::copy(word.begin() + 12, word.end(), a.b.begin());
    return a;
}

std::string to_decimal(const U256& v) { return v.str(); }

std::string format_units(const U256& v, unsigned decimals) {
    std::string s = v.str();
    if (decimals == 0) return s;
    if (s.size() <= decimals) s.insert(0, decimals - s.size() + 1, '0');
    std::string whole = s.substr(0, s.size() - decimals), frac = s.substr(s.size() - decimals);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    return frac.empty() ? whole : whole + "." + frac;
}

U256 parse_units(std::string_view s, unsigned decimals) {
    auto dot = s.find('.');
    std::string_view whole = s.substr(0, dot), frac = dot == s.npos ? "" : s.substr(dot + 1);
    if (frac.size() > decimals) throw std::invalid_argument("more fractional digits than the asset has decimals");
    if (whole.empty() && frac.empty()) throw std::invalid_argument("empty amount");
    std::string digits(whole.empty() ? "0" : whole);
    digits += frac;
    digits.append(decimals - frac.size(), '0');
    if (digits.find_first_not_of("0123456789") != std::string::npos) throw std::invalid_argument("not a decimal amount");
    return parse_u256(digits);
}

Hash32 keccak256(std::span<const std::uint8_t> data) {
    CryptoPP::Keccak_256 k;
    k.Update(data.data(), data.size());
    Hash32 h;
    k.Final(h.b.data());
    return h;
}

namespace {
constexpr const char* kKindNames[] = {"call",     "internal", "create", "selfdestruct", "fee",
                                      "burn",     "reward",   "withdrawal", "token", "nft",
                                      "erc1155",  "wrap",     "unwrap", "genesis"};
}

const char* kind_name(TransferKind k) {
    auto i = static_cast<std::size_t>(k);
    return i < std::size(kKindNames) ? kKindNames[i] : "unknown";
}

std::optional<TransferKind> kind_from_name(std::string_view s) {
    for (std::size_t i = 0; i < std::size(kKindNames); ++i)
        if (s == kKindNames[i]) return static_cast<TransferKind>(i);
    return std::nullopt;
}

std::string describe(const Transfer& t) {
    std::string s = std::to_string(t.block) + ":" +
                    (t.tx_index == kBlockLevelTx ? std::string("B") : std::to_string(t.tx_index)) + ":" +
                    std::to_string(t.seq) + " " + kind_name(t.kind) + " ref=" + std::to_string(t.ref) + " " +
                    (t.from ? t.from->hex() : std::string("none")) + "->" + (t.to ? t.to->hex() : std::string("none")) +
                    " ";
    switch (t.asset.type) {
        case AssetType::Native: s += "native"; break;
        case AssetType::Erc20: s += "erc20:" + t.asset.contract.hex(); break;
        case AssetType::Erc721: s += "erc721:" + t.asset.contract.hex() + "#" + t.asset.token_id.str(); break;
        case AssetType::Erc1155: s += "erc1155:" + t.asset.contract.hex() + "#" + t.asset.token_id.str(); break;
    }
    s += " " + t.amount.str() + " tx=" + t.tx_hash.hex();
    return s;
}

std::string exit_note(const std::string& protocol, const Address& bridge, std::string_view memo) {
    std::string clean;
    for (char c : memo.substr(0, 250))  // memos come from transaction data: printable ASCII only
        if (c >= 0x20 && c < 0x7f) clean += c;
    return protocol + "@" + bridge.hex() + " " + clean;
}

bool known_exit_router(const Address& a) {
    // THORChain router on mainnet (THORNode inbound_addresses; ../shared/data/services-supplement).
    static const Address kThorchainRouter = parse_address("0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146");
    return a == kThorchainRouter;
}

std::optional<CrossChainExit> parse_exit_note(std::string_view note) {
    auto space = note.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    std::string_view head = note.substr(0, space);
    CrossChainExit x;
    if (head.starts_with("thorchain@")) {
        try {
            x.bridge = parse_address(head.substr(10));
        } catch (const std::invalid_argument&) {
            return std::nullopt;
        }
    } else if (head != "thorchain") {
        return std::nullopt;
    }
    x.protocol = "thorchain";
    x.memo = std::string(note.substr(space + 1));
    std::vector<std::string> parts;
    std::string cur;
    for (char c : x.memo) {
        if (c == ':') {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    parts.push_back(cur);
    // Swaps: SWAP|s|= : ASSET : DESTINATION [: limit…]. One-letter aliases of the main assets.
    if (parts.size() >= 3 && (parts[0] == "SWAP" || parts[0] == "swap" || parts[0] == "s" || parts[0] == "=")) {
        std::string asset = parts[1];
        static const std::pair<const char*, const char*> kAlias[] = {
            {"a", "AVAX.AVAX"}, {"b", "BTC.BTC"}, {"c", "BCH.BCH"}, {"d", "DOGE.DOGE"}, {"e", "ETH.ETH"},
            {"g", "GAIA.ATOM"}, {"l", "LTC.LTC"}, {"n", "BNB.BNB"}, {"r", "THOR.RUNE"}, {"s", "BSC.BNB"}};
        for (const auto& [k, v] : kAlias)
            if (asset == k) asset = v;
        auto dot = asset.find_first_of(".~/-");
        x.chain = asset.substr(0, dot);
        x.address = parts[2];
    }
    return x;
}

std::string json_escape(std::string_view s) {
    std::string o;
    o.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '"': o += "\\\""; break;
            case '\\': o += "\\\\"; break;
            case '\n': o += "\\n"; break;
            case '\r': o += "\\r"; break;
            case '\t': o += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) o += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
                else o += c;
        }
    }
    return o;
}

std::string csv_quote(std::string_view s) {
    if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
    std::string o = "\"";
    for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
}

}  // namespace chainward
