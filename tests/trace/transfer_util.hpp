// A TransferRef from its fields, for hand-built graphs in tests.
#pragma once

#include "trace/trace.hpp"

namespace chainward::trace::testing {

inline TransferRef make_transfer(std::uint64_t block, std::uint32_t tx, std::uint32_t seq, TransferKind kind, AddressId from, AddressId to,
                                 AssetId asset, U256 amount) {
    TransferRef r;
    r.block = block;
    r.tx_index = tx;
    r.seq = seq;
    r.kind = kind;
    r.from = from;
    r.to = to;
    r.asset = asset;
    r.amount = amount;
    return r;
}

}  // namespace chainward::trace::testing
