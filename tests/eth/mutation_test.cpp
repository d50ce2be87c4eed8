// Robustness: thousands of randomly damaged node responses either parse (the damage hit a value
// that is still valid) or fail with an InputError; nothing else escapes, nothing crashes (the
// ASan build runs this too).
#include <gtest/gtest.h>

#include <random>

#include "../ingest/chain_gen.hpp"
#include "../test_util.hpp"
#include "eth/eth.hpp"

using namespace chainward;

TEST(Mutation, DamagedResponsesFailCleanly) {
    chainward::test::TempDir d("cw-mut");
    chainward::test::write_chain(d.p, {.first = 1, .last = 3, .blocks_per_file = 3, .txs_per_block = 4});
    std::ifstream in(d.p / "blocks-000000001.jsonl");
    const std::string original((std::istreambuf_iterator<char>(in)), {});
    ASSERT_GT(original.size(), 1000u);
    std::mt19937_64 rng(42);
    const char pool[] = "0123456789abcdefx\"{}[],: \n-+.eEtruefalsnl\\";
    int parsed = 0, rejected = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string s = original;
        int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            std::size_t at = rng() % s.size();
            switch (rng() % 4) {
                case 0: s[at] = pool[rng() % (sizeof pool - 1)]; break;            // replace
                case 1: s.erase(at, 1 + rng() % 8); break;                           // delete
                case 2: s.insert(at, 1, pool[rng() % (sizeof pool - 1)]); break;     // insert
                default: s.resize(at); break;                                         // truncate
            }
            if (s.empty()) s = "{";
        }
        try {
            eth::BlockAssembler a;
            eth::parse_responses(s, "damaged.jsonl", a);
            for (auto& b : a.take_ready(true, std::nullopt)) eth::extract_transfers(b, {});
            ++parsed;
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find("damaged.jsonl"), std::string::npos) << e.what();
            ++rejected;
        }
        // Any other exception type fails the test by escaping.
    }
    EXPECT_GT(rejected, 2000);  // most damage is caught...
    EXPECT_GT(parsed, 0);       // ...and some lands in values that stay valid
}
