// Addresses and output scripts against published vectors: BIP-173/BIP-350 (bech32, bech32m, segwit
// addresses with their scriptPubKeys) and well-known mainnet addresses (genesis coinbase key).
#include "btc/btc.hpp"
#include "core/core.hpp"

#include <gtest/gtest.h>

using chainward::InputError;
using namespace chainward::btc;

namespace {
Bytes unhex(std::string_view h) {
    Bytes out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    return out;
}
std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
}  // namespace

TEST(Bech32, Bip350ValidBech32mStrings) {
    for (auto s : {"A1LQFN3A", "a1lqfn3a",
                   "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
                   "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
                   "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
                   "split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "?1v759aa"}) {
        auto d = bech32_decode(s);
        EXPECT_EQ(d.variant, Bech32Variant::bech32m) << s;
        // Re-encoding the decoded parts gives the (lower-case) string back.
        EXPECT_EQ(bech32_encode(d.hrp, d.data, d.variant), lower(s));
    }
}

TEST(Bech32, Bip350InvalidStrings) {
    for (std::string s : {std::string("\x20") + "1xj0phk", std::string("\x7f") + "1g6xzxy", std::string("\x80") + "1vctc34",
                          std::string("an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4"),
                          std::string("qyrz8wqd2c9m"), std::string("1qyrz8wqd2c9m"), std::string("y1b0jsk6g"),
                          std::string("lt1igcx5c0"), std::string("in1muywd"), std::string("mm1crxm3i"),
                          std::string("au1s5cgom"), std::string("M1VUXWEZ"), std::string("16plkw9"), std::string("1p2gdwpf")})
        EXPECT_THROW(bech32_decode(s), InputError) << s;
}

TEST(Segwit, Bip350ValidAddressesMatchTheirScripts) {
    struct V { const char* addr; const char* script; };
    const V vectors[] = {
        {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
        {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
        {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"},
        {"BC1SW50QGDZ25J", "6002751e"},
        {"bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323"},
        {"tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy", "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
        {"tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
        {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
    };
    for (const auto& v : vectors) {
        std::string addr = lower(v.addr);
        Network net = addr.starts_with("bc1") ? Network::mainnet : Network::testnet;
        auto wp = segwit_decode(segwit_hrp(net), v.addr);
        Bytes script = unhex(v.script);
        EXPECT_EQ(wp.program, Bytes(script.begin() + 2, script.end())) << v.addr;
        auto info = classify_script(script, net);
        EXPECT_EQ(info.address, addr) << v.addr;
        EXPECT_NE(info.type, ScriptType::nonstandard) << v.addr;
    }
    EXPECT_EQ(classify_script(unhex("0014751e76e8199196d454941c45d1b3a323f1433bd6"), Network::mainnet).type, ScriptType::p2wpkh);
    EXPECT_EQ(classify_script(unhex("512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"), Network::mainnet).type, ScriptType::p2tr);
    EXPECT_EQ(classify_script(unhex("6002751e"), Network::mainnet).type, ScriptType::witness_unknown);
}

TEST(Segwit, Bip350InvalidAddresses) {
    const char* invalid[] = {
        "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
        "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
        "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
        "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
        "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
        "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
        "bc1pw5dgrnzv",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
        "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
        "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
        "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
        "bc1gmk9yu",
    };
    for (auto a : invalid) {
        std::string l = lower(a);
        std::string_view hrp = l.starts_with("tb") || l.starts_with("tc") ? "tb" : "bc";
        EXPECT_THROW(segwit_decode(hrp, a), InputError) << a;
    }
}

TEST(Base58, GenesisCoinbaseKeyIsTheKnownAddress) {
    // Block 0's coinbase pays P2PK to this key; explorers name it 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa.
    Bytes script = unhex("4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac");
    auto info = classify_script(script, Network::mainnet);
    EXPECT_EQ(info.type, ScriptType::p2pk);
    EXPECT_EQ(info.address, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
    auto payload = base58check_decode(info.address);
    ASSERT_EQ(payload.size(), 21u);
    EXPECT_EQ(payload[0], 0);
}

TEST(Base58, ChecksumAndCharactersAreChecked) {
    EXPECT_THROW(base58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"), InputError);
    EXPECT_THROW(base58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf0a"), InputError);
    // Leading zero bytes become leading '1's and come back.
    Bytes p{0, 0, 1, 2, 3};
    EXPECT_EQ(base58check_decode(base58check_encode(p)), p);
}

TEST(Script, TemplatesAndHostileShapes) {
    auto net = Network::mainnet;
    EXPECT_EQ(classify_script(unhex("76a914751e76e8199196d454941c45d1b3a323f1433bd688ac"), net).type, ScriptType::p2pkh);
    EXPECT_EQ(classify_script(unhex("a914751e76e8199196d454941c45d1b3a323f1433bd687"), net).type, ScriptType::p2sh);
    EXPECT_EQ(classify_script(unhex("a914751e76e8199196d454941c45d1b3a323f1433bd687"), net).address[0], '3');
    EXPECT_EQ(classify_script(unhex("76a914751e76e8199196d454941c45d1b3a323f1433bd688ac"), Network::testnet).address[0] == 'm' ||
              classify_script(unhex("76a914751e76e8199196d454941c45d1b3a323f1433bd688ac"), Network::testnet).address[0] == 'n', true);
    EXPECT_EQ(segwit_address(Network::regtest, 0, unhex("751e76e8199196d454941c45d1b3a323f1433bd6")).substr(0, 5), "bcrt1");
    EXPECT_EQ(classify_script(unhex("6a0b68656c6c6f20776f726c64"), net).type, ScriptType::op_return);
    EXPECT_EQ(classify_script(unhex("6a"), net).type, ScriptType::op_return);
    EXPECT_EQ(classify_script(unhex("6a4cff00"), net).type, ScriptType::nonstandard);  // push runs past the end
    EXPECT_EQ(classify_script(unhex("6a4e"), net).type, ScriptType::nonstandard);
    std::string key = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    auto ms = classify_script(unhex("5121" + key + "21" + key + "52ae"), net);
    EXPECT_EQ(ms.type, ScriptType::multisig);
    EXPECT_TRUE(ms.address.empty());
    EXPECT_EQ(classify_script(unhex("5221" + key + "51ae"), net).type, ScriptType::nonstandard);   // m > n
    EXPECT_EQ(classify_script(unhex("5121" + key + "52ae"), net).type, ScriptType::nonstandard);   // fewer keys than n
    EXPECT_EQ(classify_script(unhex("51ff52ae"), net).type, ScriptType::nonstandard);
    EXPECT_EQ(classify_script(unhex("21" + key + "ac"), net).type, ScriptType::p2pk);
    EXPECT_EQ(classify_script(unhex("0013751e76e8199196d454941c45d1b3a323f1433b"), net).type, ScriptType::nonstandard);  // v0, 19 bytes
    EXPECT_EQ(classify_script({}, net).type, ScriptType::nonstandard);
    EXPECT_THROW(parse_network("mainnet2"), InputError);
}

TEST(Hash, Sha256dOfEmptyInput) {
    // SHA-256(SHA-256("")) = 5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456
    auto h = sha256d({});
    EXPECT_EQ(h[0], 0x5d);
    EXPECT_EQ(h[31], 0x56);
}
