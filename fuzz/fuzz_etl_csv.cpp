// libFuzzer harness: a blockchain-etl CSV export (blocks, transactions, receipts, logs, traces
// tables, separated in the input by lines "=====") -> reader -> assembler -> extraction.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "eth/etl_csv.hpp"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace chainward;
    static const fs::path dir = [] {
        auto d = fs::temp_directory_path() / ("cw-fuzz-etl-" + std::to_string(::getpid()));
        fs::create_directories(d);
        return d;
    }();
    static const char* kTables[] = {"blocks", "transactions", "receipts", "logs", "traces"};
    std::string_view in(reinterpret_cast<const char*>(data), size);
    for (const char* t : kTables) {
        auto cut = in.find("\n=====\n");
        std::ofstream(dir / (std::string(t) + ".csv"), std::ios::binary) << in.substr(0, cut);
        in = cut == std::string_view::npos ? std::string_view() : in.substr(cut + 7);
    }
    try {
        eth::BlockAssembler a;
        eth::read_etl(eth::find_etl_files(dir), a);
        for (const auto& b : a.take_ready(true, std::nullopt)) {
            eth::ExtractOptions opt;
            opt.chain_id = 1;
            eth::extract_transfers(b, opt);
        }
    } catch (const InputError&) {
    }
    return 0;
}
