// Raw blocks against the real mainnet block and the inputs/outputs CSVs derived from it
// (../shared/data/bitcoin-raw-blocks): every txid recomputed, the merkle root checked, every
// input's outpoint and every output's value and script compared exactly.
#include "btc/btc.hpp"
#include "core/core.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using chainward::InputError;
using namespace chainward::btc;

namespace {
const std::string kDir = std::string(CHAINWARD_SHARED_DATA) + "/bitcoin-raw-blocks/";
const std::string kMainnet = kDir + "mainnet_block_000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae.raw";
const std::string kTestnet = kDir + "testnet_block_000000000000045e0b1660b6445b5e5c5ab63c9a4f956be7e1e69be04fa4497b.raw";

Bytes read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}
std::vector<std::vector<std::string>> read_csv(const std::string& path) {
    std::ifstream f(path);
    std::string line;
    std::getline(f, line);  // header
    std::vector<std::vector<std::string>> rows;
    while (std::getline(f, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();  // the CSVs have CRLF line ends
        std::vector<std::string> cols;
        std::stringstream ss(line);
        std::string c;
        while (std::getline(ss, c, ',')) cols.push_back(c);
        rows.push_back(cols);
    }
    return rows;
}
std::string hex(const Bytes& b) {
    static constexpr char d[] = "0123456789abcdef";
    std::string s;
    for (auto x : b) { s.push_back(d[x >> 4]); s.push_back(d[x & 15]); }
    return s;
}
}  // namespace

TEST(Block, MainnetBlockMatchesDerivedCsvs) {
    auto bytes = read_file(kMainnet);
    ASSERT_EQ(bytes.size(), 1381836u);
    auto b = parse_block(bytes, kMainnet);
    EXPECT_EQ(hash_hex(b.header.hash), "000000000000000000000c835b2adcaedc20fdf6ee440009c249452c726dafae");
    EXPECT_EQ(b.header.time, 1633002641u);
    ASSERT_EQ(b.txs.size(), 2500u);
    EXPECT_TRUE(b.txs[0].coinbase());
    EXPECT_EQ(hash_hex(b.txs[0].txid), "764b60c3d9a2c3c5bb6fe7141d9ca6e6778122df75f19366a2c5cb948d1d7d84");

    std::vector<std::vector<std::string>> ins, outs;
    std::uint64_t total = 0;
    for (const auto& tx : b.txs) {
        auto id = hash_hex(tx.txid);
        for (std::size_t i = 0; i < tx.inputs.size(); ++i)
            ins.push_back({id, std::to_string(i), hash_hex(tx.inputs[i].prev_txid), std::to_string(tx.inputs[i].prev_vout)});
        for (std::size_t i = 0; i < tx.outputs.size(); ++i) {
            outs.push_back({id, std::to_string(i), std::to_string(tx.outputs[i].value), hex(tx.outputs[i].script)});
            total += tx.outputs[i].value;
        }
    }
    auto want_ins = read_csv(kDir + "derived_mainnet_block_6dafae_inputs.csv");
    auto want_outs = read_csv(kDir + "derived_mainnet_block_6dafae_outputs.csv");
    ASSERT_EQ(want_ins.size(), 6518u);
    ASSERT_EQ(want_outs.size(), 6015u);
    EXPECT_EQ(ins, want_ins);
    EXPECT_EQ(outs, want_outs);
    EXPECT_EQ((total + 500000) / 1000000, 2883683u);  // 28,836.83 BTC in outputs, rounded (SOURCES.md)

    // Segwit transactions have a wtxid distinct from the txid; legacy ones do not.
    std::size_t with_witness = 0;
    for (const auto& tx : b.txs) {
        bool w = std::any_of(tx.inputs.begin(), tx.inputs.end(), [](const TxIn& in) { return !in.witness.empty(); });
        with_witness += w;
        EXPECT_EQ(w, tx.txid != tx.wtxid);
    }
    EXPECT_GT(with_witness, 0u);
    // Every output script classifies; mainnet addresses have the mainnet prefixes.
    for (const auto& tx : b.txs)
        for (const auto& o : tx.outputs) {
            auto info = classify_script(o.script, Network::mainnet);
            if (!info.address.empty()) {
                EXPECT_TRUE(info.address.starts_with("1") || info.address.starts_with("3") || info.address.starts_with("bc1")) << info.address;
            }
        }
}

TEST(Block, HexFormParsesTheSame) {
    auto bytes = read_file(kTestnet);
    static constexpr char d[] = "0123456789ABCDEF";
    std::string text = "\n";
    for (auto x : bytes) { text.push_back(d[x >> 4]); text.push_back(d[x & 15]); }
    text += "\n";
    auto a = parse_block(bytes, kTestnet);
    auto b = parse_block_hex(text, "hex");
    EXPECT_EQ(hash_hex(a.header.hash), "000000000000045e0b1660b6445b5e5c5ab63c9a4f956be7e1e69be04fa4497b");
    ASSERT_EQ(a.txs.size(), 15u);
    ASSERT_EQ(b.txs.size(), 15u);
    for (std::size_t i = 0; i < 15; ++i) EXPECT_EQ(a.txs[i].txid, b.txs[i].txid);
    EXPECT_THROW(parse_block_hex("0g", "hex"), InputError);
    EXPECT_THROW(parse_block_hex("abc", "hex"), InputError);
}

TEST(Block, HostileBytesGiveInputErrorsNamingOffsetAndField) {
    auto bytes = read_file(kTestnet);
    // Every truncation fails cleanly (never reads past the end).
    for (std::size_t n = 0; n < bytes.size(); n += 7) {
        Bytes cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
        EXPECT_THROW(parse_block(cut, "cut.raw"), InputError) << n;
    }
    try {
        parse_block(Bytes(bytes.begin(), bytes.begin() + 50), "cut.raw");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("cut.raw: byte offset 36: header merkle root"), std::string::npos) << e.what();
    }
    // A huge transaction count is refused before any allocation.
    Bytes huge(bytes.begin(), bytes.begin() + 80);
    for (auto x : {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}) huge.push_back(static_cast<std::uint8_t>(x));
    EXPECT_THROW(parse_block(huge, "huge.raw"), InputError);
    // A flipped byte inside a transaction breaks the merkle root (or the framing).
    Bytes flipped = bytes;
    flipped[flipped.size() - 20] ^= 1;
    EXPECT_THROW(parse_block(flipped, "flip.raw"), InputError);
    Bytes trailing = bytes;
    trailing.push_back(0);
    EXPECT_THROW(parse_block(trailing, "trail.raw"), InputError);
}

TEST(Block, MerkleRootOfOneAndOddCounts) {
    Hash a{}, b{}, c{};
    a[0] = 1; b[0] = 2; c[0] = 3;
    EXPECT_EQ(merkle_root({a}), a);
    // Odd level: the last node pairs with itself.
    EXPECT_EQ(merkle_root({a, b, c}), merkle_root({a, b, c, c}));
    EXPECT_NE(merkle_root({a, b}), merkle_root({b, a}));
}

namespace {
// Frames blocks as Bitcoin Core's blk*.dat does (magic, u32 LE size, bytes), then zero padding,
// and applies the xor.dat obfuscation (byte i XOR key[i % 8]).
Bytes frame(const std::vector<Bytes>& blocks, std::array<std::uint8_t, 4> magic, const Bytes& key) {
    Bytes f;
    for (const auto& b : blocks) {
        f.insert(f.end(), magic.begin(), magic.end());
        for (int i = 0; i < 4; ++i) f.push_back(static_cast<std::uint8_t>(b.size() >> (8 * i)));
        f.insert(f.end(), b.begin(), b.end());
    }
    f.insert(f.end(), 100, 0);
    if (!key.empty())
        for (std::size_t i = 0; i < f.size(); ++i) f[i] ^= key[i % key.size()];
    return f;
}
}  // namespace

TEST(BlkFile, FramedAndObfuscatedBlocksComeBackInFileOrder) {
    auto raw = read_file(kTestnet);
    const std::array<std::uint8_t, 4> testnet_magic{0x0b, 0x11, 0x09, 0x07};
    const Bytes key{0x3c, 0x91, 0x05, 0xee, 0x7a, 0x00, 0x42, 0xd1};
    for (const Bytes& k : {Bytes{}, Bytes(8, 0), key}) {
        auto file = frame({raw, raw}, testnet_magic, k);
        std::vector<std::size_t> offsets;
        read_blk_file(file, Network::testnet, "blk00000.dat", k, [&](Block&& b, std::size_t off) {
            EXPECT_EQ(hash_hex(b.header.hash), "000000000000045e0b1660b6445b5e5c5ab63c9a4f956be7e1e69be04fa4497b");
            offsets.push_back(off);
        });
        EXPECT_EQ(offsets, (std::vector<std::size_t>{0, raw.size() + 8}));
    }
    // Without the key, or with the wrong network, the magic does not match.
    auto file = frame({raw}, testnet_magic, key);
    auto none = [](Block&&, std::size_t) {};
    EXPECT_THROW(read_blk_file(file, Network::testnet, "blk00000.dat", {}, none), InputError);
    EXPECT_THROW(read_blk_file(frame({raw}, testnet_magic, {}), Network::mainnet, "blk00000.dat", {}, none), InputError);
    // A size running past the end of the file is refused, naming the offset of the size field.
    auto cut = frame({raw}, testnet_magic, {});
    cut.resize(raw.size());
    try {
        read_blk_file(cut, Network::testnet, "blk00001.dat", {}, none);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("blk00001.dat: byte offset 4: block size"), std::string::npos) << e.what();
    }
    // Data after the zero padding is an error, not silently dropped.
    auto tail = frame({raw}, testnet_magic, {});
    tail.push_back(1);
    EXPECT_THROW(read_blk_file(tail, Network::testnet, "blk00002.dat", {}, none), InputError);
}
