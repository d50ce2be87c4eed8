// libFuzzer harness: node JSON-RPC responses -> parser -> assembler -> extraction (with notes).
// Bad input must end in an InputError, never in a crash, a sanitizer report or a hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "eth/eth.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace chainward;
    std::string_view json(reinterpret_cast<const char*>(data), size);
    try {
        eth::BlockAssembler a;
        eth::parse_responses(json, "fuzz.json", a);
        for (const auto& b : a.take_ready(true, std::nullopt)) {
            for (std::uint64_t chain : {0ull, 1ull}) {
                eth::ExtractOptions opt;
                opt.chain_id = chain;
                eth::ExtractStats st;
                std::vector<eth::TxNote> notes;
                eth::extract_transfers(b, opt, &st, &notes);
                for (const auto& n : notes) parse_exit_note(n.text);
            }
            eth::chain_id_of(b);
        }
    } catch (const InputError&) {
    }
    return 0;
}
