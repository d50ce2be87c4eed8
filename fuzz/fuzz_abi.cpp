// libFuzzer harness: every ABI decode path on arbitrary bytes. The first byte picks the path;
// the rest is the data: the core reader's operations at positions taken from the data, a
// token's symbol() answer, ERC-1155 TransferBatch and THORChain Deposit event data (through
// extraction), Safe signature blobs, and known-function call data.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/abi.hpp"
#include "eth/eth.hpp"
#include "eth/rpc.hpp"
#include "safe/safe.hpp"

namespace {

using namespace chainward;

void reader_ops(std::span<const std::uint8_t> d) {
    chainward::abi::Reader r(d, "fuzz");
    for (std::size_t head = 0; head < std::min<std::size_t>(d.size(), 256); head += 32) {
        try { r.bytes_at(head); } catch (const InputError&) {}
        try { r.uint_array_at(head); } catch (const InputError&) {}
        try { r.bytes_from(r.uint_at(head)); } catch (const InputError&) {}
        try { r.address_at(head); } catch (const InputError&) {}
        try { r.bool_at(head); } catch (const InputError&) {}
    }
}

void event(std::span<const std::uint8_t> d, std::string_view signature, std::size_t topics) {
    eth::BlockData b;
    b.txs.emplace_back();
    eth::ReceiptData r;
    r.status = 1;
    eth::LogData l;
    l.topics.push_back(keccak256(signature));
    for (std::size_t i = 1; i < topics; ++i) l.topics.push_back(Hash32{});
    if (topics > 2) l.topics[2].b[31] = 1;
    l.data.assign(d.begin(), d.end());
    r.logs.push_back(l);
    b.receipts.push_back(r);
    std::vector<eth::TxNote> notes;
    eth::extract_transfers(b, {}, nullptr, &notes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::span<const std::uint8_t> d(data + 1, size - 1);
    try {
        switch (data[0] % 6) {
            case 0: reader_ops(d); break;
            case 1: eth::decode_symbol(d); break;
            case 2: event(d, "TransferBatch(address,address,address,uint256[],uint256[])", 4); break;
            case 3: event(d, "Deposit(address,address,uint256,string)", 3); break;
            case 4: safe::parse_signatures(d, Hash32{}); break;
            case 5: {
                // Call data of each known function with this argument data.
                static const char* kFunctions[] = {"multiSend(bytes)", "safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
                                                   "safeTransferFrom(address,address,uint256,uint256,bytes)", "signMessage(bytes)",
                                                   "transfer(address,uint256)"};
                for (const char* f : kFunctions) {
                    Hash32 h = keccak256(std::string_view(f));
                    safe::ByteVec call(h.b.begin(), h.b.begin() + 4);
                    call.insert(call.end(), d.begin(), d.end());
                    safe::decode_call(Address{}, 0, call, safe::Operation::Call, std::nullopt);
                }
                break;
            }
        }
    } catch (const InputError&) {
    }
    return 0;
}
