// Internal to src/sim: the in-memory block being generated (one block at a time) and the writers
// that encode it as node JSON-RPC responses or blockchain-etl CSV.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "sim/sim.hpp"

namespace chainward::sim {

/// Deterministic PRNG: xoshiro256** seeded through splitmix64 (both fully specified, so the same
/// seed gives the same stream on every platform and standard library).
class Rng {
public:
    explicit Rng(std::uint64_t seed) {
        for (auto& w : s_) {
            seed += 0x9E3779B97F4A7C15ull;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            w = z ^ (z >> 31);
        }
    }
    std::uint64_t next() {
        const std::uint64_t r = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return r;
    }
    /// Uniform in [0, n) by the multiply-shift mapping (bias < n / 2^64, irrelevant here).
    std::uint64_t below(std::uint64_t n) { return n ? static_cast<std::uint64_t>((static_cast<u128>(next()) * n) >> 64) : 0; }
    std::uint64_t range(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }  ///< [lo, hi]
    bool permille(std::uint32_t p) { return below(1000) < p; }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
};

enum class FrameType : std::uint8_t { Call, CallCode, DelegateCall, StaticCall, Create, Create2, SelfDestruct };
const char* frame_type_name(FrameType t);

/// One callTracer frame. `input`/`output` are hex without "0x".
struct Frame {
    FrameType type = FrameType::Call;
    std::uint32_t from = 0, to = 0;
    u128 value = 0;
    std::uint64_t gas = 0, gas_used = 0;
    std::string input, output;
    const char* error = nullptr;
    std::vector<Frame> calls;
};

struct Log {
    std::uint32_t address = 0;
    std::vector<Hash32> topics;
    std::string data;  ///< hex without "0x"
    /// What the log moves, as ingest decodes it (set by the generator; writers ignore it).
    bool moves = false;
    TransferKind kind = TransferKind::Token;
    std::uint32_t from = 0, to = 0, asset = 0, token_id = 0;
    u128 amount = 0;
};

struct Tx {
    std::uint32_t from = 0, to = 0;  ///< to = 0 with create: contract creation
    bool create = false;
    std::uint32_t created = 0;  ///< receipt contractAddress actor (create only)
    std::uint64_t nonce = 0;
    u128 value = 0;
    std::uint64_t gas_limit = 21000, gas_used = 21000;
    u128 tip = 0, max_fee = 0, max_tip = 0;
    bool ok = true;
    Frame top;
    std::vector<Log> logs;
    Hash32 hash{}, r{}, s{};
    std::uint8_t v = 0;
};

struct Withdrawal {
    std::uint64_t index = 0, validator = 0;
    std::uint32_t address = 0;
    std::uint64_t gwei = 0;
};

struct Block {
    std::uint64_t number = 0, timestamp = 0, gas_limit = 30000000, gas_used = 0;
    u128 base_fee = 0;
    std::uint32_t miner = 0;
    Hash32 hash{}, parent{}, state_root{}, tx_root{}, receipts_root{}, mix{}, withdrawals_root{};
    std::string extra;  ///< hex without 0x
    std::vector<Tx> txs;
    std::vector<Withdrawal> withdrawals;
};

/// Resolves actor ids to addresses for the writers.
struct AddressBook {
    const std::vector<Address>* addrs = nullptr;
    const Address& operator[](std::uint32_t id) const { return (*addrs)[id]; }
};

class ChainWriter {
public:
    virtual ~ChainWriter() = default;
    virtual void write(const Block& b) = 0;
    virtual void finish() = 0;
    virtual std::uint64_t bytes() const = 0;
};

/// Node JSON-RPC responses as JSON lines, `blocks_per_file` blocks per file, or with
/// per_response one response per file. discard: encode everything but write to /dev/null.
std::unique_ptr<ChainWriter> make_rpc_writer(const std::string& dir, std::uint32_t blocks_per_file, bool per_response,
                                             AddressBook book, std::uint64_t chain_id, bool discard);
/// blockchain-etl CSV in export_all's partition layout, `blocks_per_part` blocks per partition.
std::unique_ptr<ChainWriter> make_etl_writer(const std::string& dir, std::uint32_t blocks_per_part, AddressBook book, bool discard);

// Event signatures and helpers shared by the generator and the writers.
struct Topics {
    Hash32 transfer, approval, deposit, withdrawal, swap, sync, mix_deposit, mix_withdrawal,
        bridge_deposit, bridge_withdraw, exec_success, changed_master, sale, transfer_single, thorchain_deposit;
    static const Topics& get();
};

/// Bloom filter (2048 bits) of a set of logs, as in the yellow paper.
void bloom_add(std::array<std::uint8_t, 256>& bloom, std::span<const std::uint8_t> item);

}  // namespace chainward::sim
