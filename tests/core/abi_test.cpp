// The ABI reader against hand-built encodings: honest data decodes exactly, and every offset,
// length or count near 2^256, 2^64 or the buffer size is an InputError (never a read past the end).
#include <gtest/gtest.h>

#include "../abi_cases.hpp"
#include "core/abi.hpp"

using namespace chainward;
using namespace chainward::test;
using AbiReader = chainward::abi::Reader;

namespace {

// bytes argument: head word (offset), then length and content at the offset.
std::vector<std::uint8_t> bytes_arg(const U256& off, const U256& len, std::string_view content) {
    return cat({abi_word(off), abi_word(len), padded(content)});
}

}  // namespace

TEST(AbiReader, HonestBytesAndArraysDecodeExactly) {
    auto d = bytes_arg(32, 5, "hello");
    AbiReader r(d, "test");
    auto b = r.bytes_at(0);
    EXPECT_EQ(std::string(b.begin(), b.end()), "hello");
    // Empty bytes as the very last word: offset = size - 32.
    auto e = bytes_arg(32, 0, "");
    EXPECT_EQ(AbiReader(e, "test").bytes_at(0).size(), 0u);
    // Length exactly what is left (no padding).
    auto f = cat({abi_word(32), abi_word(3), {'a', 'b', 'c'}});
    auto fb = AbiReader(f, "test").bytes_at(0);
    EXPECT_EQ(std::string(fb.begin(), fb.end()), "abc");
    // uint256[] of three, the last of which is 2^256-1.
    auto a = cat({abi_word(32), abi_word(3), abi_word(7), abi_word(0), abi_word(kTwo256m1)});
    EXPECT_EQ(AbiReader(a, "test").uint_array_at(0), (std::vector<U256>{7, 0, kTwo256m1}));
    auto view = AbiReader(a, "test").array_at(0);
    EXPECT_EQ(view.first, 64u);
    EXPECT_EQ(view.count, 3u);
}

TEST(AbiReader, HostileBytesOffsetsAreRejected) {
    for (const auto& h : hostile_values(32, 96)) {
        auto d = bytes_arg(h.value, 5, "hello");
        ASSERT_EQ(d.size(), 96u);
        EXPECT_THROW(AbiReader(d, "test").bytes_at(0), InputError) << h.name;
        EXPECT_THROW(AbiReader(d, "test").bytes_from(h.value), InputError) << h.name;
    }
}

TEST(AbiReader, HostileBytesLengthsAreRejected) {
    for (const auto& h : hostile_values(32, 96)) {
        auto d = bytes_arg(32, h.value, "hello");
        EXPECT_THROW(AbiReader(d, "test").bytes_at(0), InputError) << h.name;
    }
    // One more than what follows; and the exact rest is accepted.
    auto d = bytes_arg(32, 33, "x");
    EXPECT_THROW(AbiReader(d, "test").bytes_at(0), InputError);
    EXPECT_EQ(AbiReader(bytes_arg(32, 32, "x"), "test").bytes_at(0).size(), 32u);
}

TEST(AbiReader, HostileArrayOffsetsAndCountsAreRejected) {
    for (const auto& h : hostile_values(32, 128)) {
        auto off = cat({abi_word(h.value), abi_word(2), abi_word(1), abi_word(2)});
        EXPECT_THROW(AbiReader(off, "test").uint_array_at(0), InputError) << "offset " << h.name;
        auto cnt = cat({abi_word(32), abi_word(h.value), abi_word(1), abi_word(2)});
        EXPECT_THROW(AbiReader(cnt, "test").uint_array_at(0), InputError) << "count " << h.name;
        EXPECT_THROW(AbiReader(cnt, "test").array_at(0), InputError) << "count " << h.name;
    }
    // Two elements fit, three do not.
    EXPECT_EQ(AbiReader(cat({abi_word(32), abi_word(2), abi_word(1), abi_word(2)}), "test").uint_array_at(0).size(), 2u);
    EXPECT_THROW(AbiReader(cat({abi_word(32), abi_word(3), abi_word(1), abi_word(2)}), "test").uint_array_at(0), InputError);
}

TEST(AbiReader, CallerPositionsNearTheLimitsAreRejected) {
    auto d = cat({abi_word(1), abi_word(2)});
    AbiReader r(d, "test");
    for (std::size_t at : {std::size_t{33}, std::size_t{64}, std::size_t{65}, SIZE_MAX, SIZE_MAX - 31, SIZE_MAX - 32})
        EXPECT_THROW(r.word_at(at), InputError) << at;
    EXPECT_EQ(r.uint_at(32), 2);
    EXPECT_THROW(r.position(65, "x"), InputError);
    EXPECT_EQ(r.position(64, "x"), 64u);
    EXPECT_THROW(r.position(kTwo256m1, "x"), InputError);
    EXPECT_THROW(r.position((U256(1) << 64) + 1, "x"), InputError);
}

TEST(AbiReader, ErrorsNameTheData) {
    auto d = bytes_arg(kTwo256m1, 5, "hello");
    try {
        AbiReader(d, "data of f(bytes)").bytes_at(0);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("data of f(bytes)"), std::string::npos) << e.what();
    }
}
