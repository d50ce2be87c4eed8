// libFuzzer harness: Safe proposals as the safe-check command reads them. Input starting with
// '{' or '[' is a Safe Transaction Service record (JSON); anything else is taken as the bytes of
// a signed raw transaction (RLP, legacy or typed), hex-encoded as the command expects. Every
// decoded proposal is then hashed, checked and reported, as the command does.
#include <cstddef>
#include <cstdint>
#include <string>

#include "safe/safe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace chainward;
    std::string text;
    if (size > 0 && (data[0] == '{' || data[0] == '[')) {
        text.assign(reinterpret_cast<const char*>(data), size);
    } else {
        text = to_hex(std::span<const std::uint8_t>(data, size));
    }
    try {
        safe::CheckOptions opt;
        opt.chain_id = U256(1);
        auto report = safe::check_text(text, opt);
        safe::report_json(report);
        safe::report_text(report);
    } catch (const InputError&) {
    }
    return 0;
}
