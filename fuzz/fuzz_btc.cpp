// libFuzzer harness: Bitcoin decoders of outside bytes. The input is parsed as a raw block (the
// bounds-checked reader and the merkle check), as a blk*.dat file, as getblock / blockchain-etl JSON
// when it starts with '{', classified as an output script (every template's
// length reads) and decoded as base58check and bech32 address text.
#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <string_view>

#include "btc/btc.hpp"
#include "core/core.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace chainward;
    btc::ByteSpan bytes(data, size);
    try {
        auto block = btc::parse_block(bytes, "fuzz");
        for (const auto& tx : block.txs)
            for (const auto& out : tx.outputs) btc::classify_script(out.script, btc::Network::mainnet);
    } catch (const InputError&) {
    }
    btc::classify_script(bytes, btc::Network::testnet);
    // The same bytes as a blk*.dat file with an xor.dat key taken from the input's first 8 bytes.
    try {
        btc::read_blk_file(bytes, btc::Network::mainnet, "fuzz", bytes.first(std::min<std::size_t>(8, size)), [](btc::Block&&, std::size_t) {});
    } catch (const InputError&) {
    }
    if (size > 0 && data[0] == '{') {
        std::string_view json(reinterpret_cast<const char*>(data), size);
        try {
            btc::parse_getblock_json(json, "fuzz");
        } catch (const InputError&) {
        }
        try {
            btc::parse_etl_transactions(json, "fuzz");
        } catch (const InputError&) {
        }
    }
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        btc::base58check_decode(text.substr(0, 128));
    } catch (const InputError&) {
    }
    try {
        btc::segwit_decode("bc", text);
    } catch (const InputError&) {
    }
    return 0;
}
