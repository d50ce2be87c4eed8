#include "btc/btc.hpp"

#include "core/core.hpp"

#include <cryptopp/ripemd.h>
#include <cryptopp/sha.h>
#include <fmt/format.h>

#include <algorithm>

namespace chainward::btc {

Network parse_network(std::string_view name) {
    if (name == "mainnet") return Network::mainnet;
    if (name == "testnet") return Network::testnet;
    if (name == "signet") return Network::signet;
    if (name == "regtest") return Network::regtest;
    throw InputError(fmt::format("--network: unknown Bitcoin network '{}' (mainnet|testnet|signet|regtest)", name));
}

std::string_view network_name(Network n) {
    switch (n) {
        case Network::mainnet: return "mainnet";
        case Network::testnet: return "testnet";
        case Network::signet: return "signet";
        case Network::regtest: return "regtest";
    }
    return "?";
}

std::array<std::uint8_t, 32> sha256d(ByteSpan data) {
    std::array<std::uint8_t, 32> once{}, twice{};
    CryptoPP::SHA256().CalculateDigest(once.data(), data.data(), data.size());
    CryptoPP::SHA256().CalculateDigest(twice.data(), once.data(), once.size());
    return twice;
}

std::array<std::uint8_t, 20> hash160(ByteSpan data) {
    std::array<std::uint8_t, 32> sha{};
    std::array<std::uint8_t, 20> out{};
    CryptoPP::SHA256().CalculateDigest(sha.data(), data.data(), data.size());
    CryptoPP::RIPEMD160().CalculateDigest(out.data(), sha.data(), sha.size());
    return out;
}

// ---- base58check ----

namespace {
constexpr std::string_view kBase58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
}

std::string base58check_encode(ByteSpan payload) {
    Bytes full(payload.begin(), payload.end());
    auto check = sha256d(payload);
    full.insert(full.end(), check.begin(), check.begin() + 4);
    std::size_t zeros = 0;
    while (zeros < full.size() && full[zeros] == 0) ++zeros;
    // Repeated division of the big-endian number by 58; digits come out least significant first.
    std::vector<std::uint8_t> digits;
    std::vector<std::uint8_t> num(full.begin() + zeros, full.end());
    while (!num.empty()) {
        unsigned rem = 0;
        std::vector<std::uint8_t> quot;
        quot.reserve(num.size());
        for (auto b : num) {
            unsigned cur = rem * 256 + b;
            unsigned q = cur / 58;
            rem = cur % 58;
            if (!quot.empty() || q != 0) quot.push_back(static_cast<std::uint8_t>(q));
        }
        digits.push_back(static_cast<std::uint8_t>(rem));
        num = std::move(quot);
    }
    std::string out(zeros, '1');
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kBase58[*it]);
    return out;
}

Bytes base58check_decode(std::string_view text) {
    std::size_t zeros = 0;
    while (zeros < text.size() && text[zeros] == '1') ++zeros;
    Bytes num;  // big-endian
    for (std::size_t i = zeros; i < text.size(); ++i) {
        auto pos = kBase58.find(text[i]);
        if (pos == std::string_view::npos)
            throw InputError(fmt::format("base58 address '{}': bad character at position {}", text, i));
        unsigned carry = static_cast<unsigned>(pos);
        for (auto it = num.rbegin(); it != num.rend(); ++it) {
            carry += 58u * *it;
            *it = static_cast<std::uint8_t>(carry & 0xff);
            carry >>= 8;
        }
        while (carry) {
            num.insert(num.begin(), static_cast<std::uint8_t>(carry & 0xff));
            carry >>= 8;
        }
    }
    Bytes full(zeros, 0);
    full.insert(full.end(), num.begin(), num.end());
    if (full.size() < 4) throw InputError(fmt::format("base58 address '{}': too short for a checksum", text));
    Bytes payload(full.begin(), full.end() - 4);
    auto check = sha256d(payload);
    if (!std::equal(check.begin(), check.begin() + 4, full.end() - 4))
        throw InputError(fmt::format("base58 address '{}': checksum mismatch", text));
    return payload;
}

// ---- bech32 / bech32m (BIP-173, BIP-350) ----

namespace {
constexpr std::string_view kBech32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::uint32_t kBech32Const = 1, kBech32mConst = 0x2bc830a3;

std::uint32_t polymod(const Bytes& values) {
    static constexpr std::uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    std::uint32_t chk = 1;
    for (auto v : values) {
        std::uint32_t top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ v;
        for (int i = 0; i < 5; ++i)
            if ((top >> i) & 1) chk ^= gen[i];
    }
    return chk;
}

Bytes hrp_expand(std::string_view hrp) {
    Bytes out;
    for (char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) >> 5));
    out.push_back(0);
    for (char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) & 31));
    return out;
}

// Regroups bits (8 → 5 with padding, 5 → 8 without); false when the input is not canonical.
bool convert_bits(ByteSpan in, int from, int to, bool pad, Bytes& out) {
    unsigned acc = 0;
    int bits = 0;
    const unsigned maxv = (1u << to) - 1;
    for (auto v : in) {
        if (v >> from) return false;
        acc = (acc << from) | v;
        bits += from;
        while (bits >= to) {
            bits -= to;
            out.push_back(static_cast<std::uint8_t>((acc >> bits) & maxv));
        }
    }
    if (pad) {
        if (bits) out.push_back(static_cast<std::uint8_t>((acc << (to - bits)) & maxv));
    } else if (bits >= from || ((acc << (to - bits)) & maxv)) {
        return false;
    }
    return true;
}
}  // namespace

std::string bech32_encode(std::string_view hrp, ByteSpan data, Bech32Variant variant) {
    Bytes values = hrp_expand(hrp);
    values.insert(values.end(), data.begin(), data.end());
    values.insert(values.end(), 6, 0);
    std::uint32_t mod = polymod(values) ^ (variant == Bech32Variant::bech32 ? kBech32Const : kBech32mConst);
    std::string out(hrp);
    out.push_back('1');
    for (auto d : data) out.push_back(kBech32[d & 31]);
    for (int i = 0; i < 6; ++i) out.push_back(kBech32[(mod >> (5 * (5 - i))) & 31]);
    return out;
}

Bech32Decoded bech32_decode(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return InputError(fmt::format("bech32 address '{}': {}", text, why));
    };
    bool lower = false, upper = false;
    for (char c : text) {
        if (c < 33 || c > 126) throw bad("character out of range");
        if (c >= 'a' && c <= 'z') lower = true;
        if (c >= 'A' && c <= 'Z') upper = true;
    }
    if (lower && upper) throw bad("mixed case");
    if (text.size() > 90) throw bad("longer than 90 characters");
    auto sep = text.rfind('1');
    if (sep == std::string_view::npos || sep == 0 || sep + 7 > text.size()) throw bad("no separator, empty prefix or short checksum");
    std::string low(text);
    std::transform(low.begin(), low.end(), low.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    Bech32Decoded out;
    out.hrp = low.substr(0, sep);
    Bytes values = hrp_expand(out.hrp);
    for (std::size_t i = sep + 1; i < low.size(); ++i) {
        auto pos = kBech32.find(low[i]);
        if (pos == std::string_view::npos) throw bad(fmt::format("bad character at position {}", i));
        values.push_back(static_cast<std::uint8_t>(pos));
    }
    std::uint32_t mod = polymod(values);
    if (mod == kBech32Const) out.variant = Bech32Variant::bech32;
    else if (mod == kBech32mConst) out.variant = Bech32Variant::bech32m;
    else throw bad("checksum mismatch");
    std::size_t data_len = low.size() - sep - 1 - 6;
    out.data.assign(values.end() - 6 - static_cast<std::ptrdiff_t>(data_len), values.end() - 6);
    return out;
}

std::string_view segwit_hrp(Network net) {
    switch (net) {
        case Network::mainnet: return "bc";
        case Network::testnet:
        case Network::signet: return "tb";
        case Network::regtest: return "bcrt";
    }
    return "bc";
}

std::string segwit_address(Network net, int version, ByteSpan program) {
    Bytes data{static_cast<std::uint8_t>(version)};
    convert_bits(program, 8, 5, true, data);
    return bech32_encode(segwit_hrp(net), data, version == 0 ? Bech32Variant::bech32 : Bech32Variant::bech32m);
}

WitnessProgram segwit_decode(std::string_view hrp, std::string_view address) {
    auto dec = bech32_decode(address);
    auto bad = [&](std::string_view why) {
        return InputError(fmt::format("segwit address '{}': {}", address, why));
    };
    if (dec.hrp != hrp) throw bad(fmt::format("prefix '{}' is not '{}'", dec.hrp, hrp));
    if (dec.data.empty() || dec.data[0] > 16) throw bad("bad witness version");
    WitnessProgram wp{dec.data[0], {}};
    if (!convert_bits(ByteSpan(dec.data).subspan(1), 5, 8, false, wp.program)) throw bad("bad padding");
    if (wp.program.size() < 2 || wp.program.size() > 40) throw bad("program length out of range");
    if (wp.version == 0 && wp.program.size() != 20 && wp.program.size() != 32) throw bad("version 0 program must be 20 or 32 bytes");
    if ((wp.version == 0) != (dec.variant == Bech32Variant::bech32)) throw bad("wrong checksum variant for the witness version");
    return wp;
}

// ---- output scripts ----

std::string_view script_type_name(ScriptType t) {
    switch (t) {
        case ScriptType::p2pk: return "p2pk";
        case ScriptType::p2pkh: return "p2pkh";
        case ScriptType::p2sh: return "p2sh";
        case ScriptType::p2wpkh: return "p2wpkh";
        case ScriptType::p2wsh: return "p2wsh";
        case ScriptType::p2tr: return "p2tr";
        case ScriptType::multisig: return "multisig";
        case ScriptType::op_return: return "op_return";
        case ScriptType::witness_unknown: return "witness_unknown";
        case ScriptType::nonstandard: return "nonstandard";
    }
    return "?";
}

namespace {
constexpr std::uint8_t OP_0 = 0x00, OP_PUSHDATA1 = 0x4c, OP_PUSHDATA2 = 0x4d, OP_PUSHDATA4 = 0x4e,
                       OP_1 = 0x51, OP_16 = 0x60, OP_RETURN = 0x6a, OP_DUP = 0x76, OP_EQUAL = 0x87,
                       OP_EQUALVERIFY = 0x88, OP_HASH160 = 0xa9, OP_CHECKSIG = 0xac,
                       OP_CHECKMULTISIG = 0xae;

std::uint8_t version_byte(Network net, bool script) {
    if (net == Network::mainnet) return script ? 0x05 : 0x00;
    return script ? 0xc4 : 0x6f;
}

std::string base58_hash(Network net, bool script, ByteSpan hash) {
    Bytes payload{version_byte(net, script)};
    payload.insert(payload.end(), hash.begin(), hash.end());
    return base58check_encode(payload);
}

bool pubkey_shape(ByteSpan key) {
    if (key.size() == 33) return key[0] == 2 || key[0] == 3;
    if (key.size() == 65) return key[0] == 4 || key[0] == 6 || key[0] == 7;
    return false;
}

// Push-only check for OP_RETURN payloads; every length read is bounds-checked.
bool push_only(ByteSpan s) {
    std::size_t i = 0;
    while (i < s.size()) {
        std::uint8_t op = s[i++];
        std::size_t len = 0;
        if (op < OP_PUSHDATA1) len = op;
        else if (op == OP_PUSHDATA1) { if (i + 1 > s.size()) return false; len = s[i]; i += 1; }
        else if (op == OP_PUSHDATA2) { if (i + 2 > s.size()) return false; len = s[i] | (s[i + 1] << 8); i += 2; }
        else if (op == OP_PUSHDATA4) {
            if (i + 4 > s.size()) return false;
            len = std::size_t(s[i]) | (std::size_t(s[i + 1]) << 8) | (std::size_t(s[i + 2]) << 16) | (std::size_t(s[i + 3]) << 24);
            i += 4;
        } else if (op > OP_16) return false;
        if (len > s.size() - i) return false;
        i += len;
    }
    return true;
}
}  // namespace

ScriptInfo classify_script(ByteSpan s, Network net) {
    const auto n = s.size();
    if (n == 25 && s[0] == OP_DUP && s[1] == OP_HASH160 && s[2] == 20 && s[23] == OP_EQUALVERIFY && s[24] == OP_CHECKSIG)
        return {ScriptType::p2pkh, base58_hash(net, false, s.subspan(3, 20))};
    if (n == 23 && s[0] == OP_HASH160 && s[1] == 20 && s[22] == OP_EQUAL)
        return {ScriptType::p2sh, base58_hash(net, true, s.subspan(2, 20))};
    // Witness program: version opcode then one direct push of 2..40 bytes (BIP-141).
    if (n >= 4 && n <= 42 && (s[0] == OP_0 || (s[0] >= OP_1 && s[0] <= OP_16)) && s[1] + 2u == n) {
        int version = s[0] == OP_0 ? 0 : s[0] - OP_1 + 1;
        auto prog = s.subspan(2);
        if (version == 0 && prog.size() == 20) return {ScriptType::p2wpkh, segwit_address(net, 0, prog)};
        if (version == 0 && prog.size() == 32) return {ScriptType::p2wsh, segwit_address(net, 0, prog)};
        if (version == 1 && prog.size() == 32) return {ScriptType::p2tr, segwit_address(net, 1, prog)};
        if (version != 0) return {ScriptType::witness_unknown, segwit_address(net, version, prog)};
        return {ScriptType::nonstandard, {}};
    }
    if (n >= 1 && s[0] == OP_RETURN && push_only(s.subspan(1))) return {ScriptType::op_return, {}};
    if ((n == 35 || n == 67) && s[0] + 2u == n && s[n - 1] == OP_CHECKSIG && pubkey_shape(s.subspan(1, n - 2))) {
        auto h = hash160(s.subspan(1, n - 2));
        return {ScriptType::p2pk, base58_hash(net, false, h)};
    }
    // Bare multisig: OP_m <key>... OP_n OP_CHECKMULTISIG with 1 <= m <= n <= 16.
    if (n >= 3 && s[n - 1] == OP_CHECKMULTISIG && s[0] >= OP_1 && s[0] <= OP_16 && s[n - 2] >= OP_1 && s[n - 2] <= OP_16) {
        int m = s[0] - OP_1 + 1, keys = s[n - 2] - OP_1 + 1, seen = 0;
        std::size_t i = 1;
        while (i < n - 2) {
            std::size_t len = s[i];
            if ((len != 33 && len != 65) || i + 1 + len > n - 2 || !pubkey_shape(s.subspan(i + 1, len))) break;
            i += 1 + len;
            ++seen;
        }
        if (i == n - 2 && seen == keys && m <= keys) return {ScriptType::multisig, {}};
    }
    return {ScriptType::nonstandard, {}};
}

}  // namespace chainward::btc
