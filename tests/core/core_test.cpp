#include "core/core.hpp"

#include <gtest/gtest.h>

using namespace chainward;

TEST(Hex, AddressRoundTripAndChecksum) {
    // EIP-55 reference vectors from the EIP text.
    for (const char* s : {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
                          "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
        Address a = parse_address(s);
        EXPECT_EQ(a.checksum(), s);
    }
    EXPECT_THROW(parse_address("0x1234"), std::invalid_argument);
    EXPECT_THROW(parse_address("0xzzAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), std::invalid_argument);
}

TEST(Hex, Quantities) {
    EXPECT_EQ(parse_u64("0x0"), 0u);
    EXPECT_EQ(parse_u64("0x76250"), 483920u);
    EXPECT_EQ(parse_u64("483920"), 483920u);
    EXPECT_EQ(parse_u64("0xffffffffffffffff"), ~0ull);
    EXPECT_THROW(parse_u64("0x10000000000000000"), std::invalid_argument);
    EXPECT_THROW(parse_u64("18446744073709551616"), std::invalid_argument);
    EXPECT_THROW(parse_u64("0x"), std::invalid_argument);
    U256 max = ~U256(0);
    EXPECT_EQ(parse_u256("0x" + std::string(64, 'f')), max);
    EXPECT_EQ(parse_u256(max.str()), max);
    EXPECT_THROW(parse_u256("0x1" + std::string(64, '0')), std::invalid_argument);
    EXPECT_THROW(parse_u256((max).str() + "0"), std::invalid_argument);
    EXPECT_THROW(parse_u256("115792089237316195423570985008687907853269984665640564039457584007913129639936"),
                 std::invalid_argument);
    EXPECT_EQ(parse_u256("0xde0b6b3a7640000").str(), "1000000000000000000");
}

TEST(Keccak, KnownVectors) {
    EXPECT_EQ(keccak256("").hex(), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    EXPECT_EQ(keccak256("Transfer(address,address,uint256)").hex(),
              "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

TEST(Units, FormatAndParseExactly) {
    EXPECT_EQ(format_units(U256("1500000000000000000"), 18), "1.5");
    EXPECT_EQ(format_units(U256(1), 18), "0.000000000000000001");
    EXPECT_EQ(format_units(U256(0), 6), "0");
    EXPECT_EQ(format_units(U256(1234567), 6), "1.234567");
    EXPECT_EQ(parse_units("1.5", 18), U256("1500000000000000000"));
    EXPECT_EQ(parse_units("0.000001", 6), U256(1));
    EXPECT_THROW(parse_units("0.0000001", 6), std::invalid_argument);
}

TEST(Words, AddressFromWordRejectsDirtyHighBytes) {
    std::vector<std::uint8_t> w(32, 0);
    w[31] = 1;
    EXPECT_EQ(address_from_word(w).hex(), "0x0000000000000000000000000000000000000001");
    w[0] = 1;
    EXPECT_THROW(address_from_word(w), std::invalid_argument);
}

TEST(CrossChain, ThorchainMemosNameTheDestination) {
    const Address router = parse_address("0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146");
    auto x = parse_exit_note(exit_note("thorchain", router, "=:BTC.BTC:bc1qexampleaddress0:0/1/0"));
    ASSERT_TRUE(x);
    EXPECT_EQ(x->chain, "BTC");
    EXPECT_EQ(x->address, "bc1qexampleaddress0");
    EXPECT_EQ(x->bridge, router);  // the emitting contract is kept
    auto y = parse_exit_note(exit_note("thorchain", router, "SWAP:ETH.USDT-0XDAC17F958D2EE523A2206206994597C13D831EC7:0xabc"));
    ASSERT_TRUE(y);
    EXPECT_EQ(y->chain, "ETH");
    auto z = parse_exit_note(exit_note("thorchain", router, "s:b:bc1qshort"));
    ASSERT_TRUE(z);
    EXPECT_EQ(z->chain, "BTC");
    EXPECT_EQ(z->address, "bc1qshort");
    auto add = parse_exit_note(exit_note("thorchain", router, "ADD:BTC.BTC:thor1xyz"));  // not a swap: no destination
    ASSERT_TRUE(add);
    EXPECT_TRUE(add->chain.empty());
    EXPECT_FALSE(parse_exit_note("other note"));
    EXPECT_EQ(exit_note("thorchain", router, "a\nb\x01" "c"), "thorchain@0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146 abc");  // control bytes dropped
    // Notes stored before the emitter was kept name no bridge; a malformed emitter is no note.
    auto old = parse_exit_note("thorchain =:BTC.BTC:bc1qold");
    ASSERT_TRUE(old);
    EXPECT_EQ(old->address, "bc1qold");
    EXPECT_FALSE(old->bridge);
    EXPECT_FALSE(parse_exit_note("thorchain@0x12 =:BTC.BTC:bc1q"));
    EXPECT_TRUE(known_exit_router(router));
    EXPECT_FALSE(known_exit_router(Address{}));
}
