// A small deterministic generator of node responses (JSON lines of eth_getBlockByNumber,
// eth_getBlockReceipts and callTracer block traces) for store and ingest tests. Block n's
// content depends only on (seed for n, n, parent hash), so two chains can share a prefix and
// fork after it.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/core.hpp"

namespace chainward::test {

struct ChainSpec {
    std::uint64_t first = 1, last = 100;
    std::uint64_t seed = 1;
    std::uint64_t fork_after = ~0ull;  ///< blocks above this use alt_seed
    std::uint64_t alt_seed = 2;
    std::uint64_t blocks_per_file = 50;
    std::uint32_t txs_per_block = 8;
};

class SplitMix {
public:
    explicit SplitMix(std::uint64_t s) : x_(s) {}
    std::uint64_t next() {
        std::uint64_t z = (x_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    std::uint64_t below(std::uint64_t n) { return next() % n; }

private:
    std::uint64_t x_;
};

inline std::string addr(std::uint64_t i) { return fmt::format("0x{:040x}", 0x1000 + i); }
inline std::string word_hex(const std::string& a) { return "0x000000000000000000000000" + a.substr(2); }

/// Writes the chain's files into dir; returns the hash of the last block.
inline Hash32 write_chain(const std::filesystem::path& dir, const ChainSpec& c, Hash32 parent = {}) {
    std::filesystem::create_directories(dir);
    std::ofstream out;
    const std::string transfer_topic = keccak256("Transfer(address,address,uint256)").hex();
    for (std::uint64_t n = c.first; n <= c.last; ++n) {
        if ((n - c.first) % c.blocks_per_file == 0) {
            out.close();
            out.open(dir / fmt::format("blocks-{:09}.jsonl", n));
        }
        std::uint64_t seed = n > c.fork_after ? c.alt_seed : c.seed;
        SplitMix r(seed * 1'000'003 + n);
        Hash32 hash = keccak256(fmt::format("{}:{}:{}", seed, n, parent.hex()));
        std::string bh = hash.hex();
        std::string txs, receipts, traces;
        std::uint64_t cumulative = 0;
        std::uint32_t log_index = 0;
        for (std::uint32_t i = 0; i < c.txs_per_block; ++i) {
            std::string th = keccak256(fmt::format("tx:{}:{}", bh, i)).hex();
            std::string from = addr(r.below(40)), to = addr(r.below(40)), inner = addr(r.below(40));
            std::uint64_t value = r.below(4) == 0 ? 0 : r.next() % 5'000'000'000'000'000'000ull;
            std::uint64_t gas = 21000 + r.below(50000), price = 1'000'000'000 + r.below(1'000'000'000);
            bool ok = r.below(10) != 0;
            cumulative += gas;
            txs += fmt::format(R"({}{{"hash":"{}","transactionIndex":"0x{:x}","blockNumber":"0x{:x}","from":"{}","to":"{}","value":"0x{:x}","gasPrice":"0x{:x}"}})",
                               i ? "," : "", th, i, n, from, to, value, price);
            std::string logs;
            if (ok && r.below(2) == 0) {
                std::uint64_t amount = r.next();
                std::string token = addr(1000 + r.below(3));
                logs = fmt::format(R"({{"address":"{}","topics":["{}","{}","{}"],"data":"0x{:064x}","logIndex":"0x{:x}"}})", token,
                                   transfer_topic, word_hex(from), word_hex(to), amount, log_index++);
            }
            receipts += fmt::format(
                R"({}{{"transactionHash":"{}","transactionIndex":"0x{:x}","blockNumber":"0x{:x}","blockHash":"{}","status":"0x{}","gasUsed":"0x{:x}","cumulativeGasUsed":"0x{:x}","effectiveGasPrice":"0x{:x}","contractAddress":null,"logs":[{}]}})",
                i ? "," : "", th, i, n, bh, ok ? 1 : 0, gas, cumulative, price, logs);
            std::string calls;
            if (r.below(3) == 0)
                calls = fmt::format(R"(,"calls":[{{"type":"CALL","from":"{}","to":"{}","value":"0x{:x}"{}}}])", to, inner,
                                    r.below(1'000'000'000), r.below(5) == 0 ? R"(,"error":"execution reverted")" : "");
            traces += fmt::format(R"({}{{"txHash":"{}","result":{{"type":"CALL","from":"{}","to":"{}","value":"0x{:x}"{}{}}}}})",
                                  i ? "," : "", th, from, to, value, ok ? "" : R"(,"error":"execution reverted")", calls);
        }
        out << fmt::format(
            R"({{"jsonrpc":"2.0","id":1,"result":{{"number":"0x{:x}","hash":"{}","parentHash":"{}","timestamp":"0x{:x}","miner":"{}","baseFeePerGas":"0x3b9aca00","transactions":[{}],"withdrawals":[{{"index":"0x{:x}","validatorIndex":"0x1","address":"{}","amount":"0x{:x}"}}]}}}})",
            n, bh, parent.hex(), 1'700'000'000 + 12 * n, addr(99), txs, n, addr(r.below(40)), r.below(100'000'000))
            << "\n";
        out << R"({"jsonrpc":"2.0","id":2,"result":[)" << receipts << "]}\n";
        out << R"({"jsonrpc":"2.0","id":3,"result":[)" << traces << "]}\n";
        parent = hash;
    }
    return parent;
}

}  // namespace chainward::test
