// Encoders of a generated block: node JSON-RPC responses (JSON lines) and blockchain-etl CSV.
// Field names, order and encodings follow geth's responses (see the fixtures under
// shared/data/ethereumjs-rpc-blocks and ethereum-etl-tests; tests/sim/format_test.cpp checks them).
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "sim/model.hpp"

namespace chainward::sim {

namespace {

constexpr char kHex[] = "0123456789abcdef";
using Buf = fmt::memory_buffer;

void put(Buf& b, std::string_view s) { b.append(s.data(), s.data() + s.size()); }
void put_bytes_hex(Buf& b, const std::uint8_t* p, std::size_t n) {
    char tmp[128];
    while (n) {
        std::size_t k = std::min<std::size_t>(n, 64);
        for (std::size_t i = 0; i < k; ++i) {
            tmp[2 * i] = kHex[p[i] >> 4];
            tmp[2 * i + 1] = kHex[p[i] & 15];
        }
        b.append(tmp, tmp + 2 * k);
        p += k;
        n -= k;
    }
}
void put_addr(Buf& b, const Address& a) {
    put(b, "\"0x");
    put_bytes_hex(b, a.b.data(), 20);
    put(b, "\"");
}
void put_hash(Buf& b, const Hash32& h) {
    put(b, "\"0x");
    put_bytes_hex(b, h.b.data(), 32);
    put(b, "\"");
}
/// Minimal hex digits of v (no prefix, "0" for zero).
void put_hex_digits(Buf& b, u128 v) {
    char tmp[32];
    int n = 0;
    do {
        tmp[31 - n++] = kHex[static_cast<unsigned>(v & 15)];
        v >>= 4;
    } while (v);
    b.append(tmp + 32 - n, tmp + 32);
}
void put_qty(Buf& b, u128 v) {
    put(b, "\"0x");
    put_hex_digits(b, v);
    put(b, "\"");
}
void put_dec(Buf& b, u128 v) {
    char tmp[40];
    int n = 0;
    do {
        tmp[39 - n++] = static_cast<char>('0' + static_cast<unsigned>(v % 10));
        v /= 10;
    } while (v);
    b.append(tmp + 40 - n, tmp + 40);
}
void put_data(Buf& b, const std::string& hex) {
    put(b, "\"0x");
    put(b, hex);
    put(b, "\"");
}

struct Receipt {
    std::uint64_t cumulative = 0;
    std::uint32_t first_log = 0;
    std::array<std::uint8_t, 256> bloom{};
};

std::vector<Receipt> receipts_of(const Block& blk, const AddressBook& book, std::array<std::uint8_t, 256>& block_bloom) {
    std::vector<Receipt> out(blk.txs.size());
    std::uint64_t cum = 0;
    std::uint32_t log_index = 0;
    for (std::size_t i = 0; i < blk.txs.size(); ++i) {
        const Tx& t = blk.txs[i];
        cum += t.gas_used;
        out[i].cumulative = cum;
        out[i].first_log = log_index;
        for (const Log& l : t.logs) {
            bloom_add(out[i].bloom, book[l.address].b);
            for (const Hash32& h : l.topics) bloom_add(out[i].bloom, h.b);
        }
        log_index += static_cast<std::uint32_t>(t.logs.size());
        for (int k = 0; k < 256; ++k) block_bloom[k] |= out[i].bloom[k];
    }
    return out;
}

void put_bloom(Buf& b, const std::array<std::uint8_t, 256>& bloom) {
    put(b, "\"0x");
    put_bytes_hex(b, bloom.data(), 256);
    put(b, "\"");
}

void put_frame(Buf& b, const Frame& f, const AddressBook& book, bool top) {
    put(b, "{\"from\":");
    put_addr(b, book[f.from]);
    put(b, ",\"gas\":");
    put_qty(b, f.gas);
    put(b, ",\"gasUsed\":");
    put_qty(b, f.gas_used);
    put(b, ",\"to\":");
    put_addr(b, book[f.to]);
    put(b, ",\"input\":");
    put_data(b, f.input);
    if (f.error) {
        put(b, ",\"error\":\"");
        put(b, f.error);
        put(b, "\"");
    } else {
        put(b, ",\"output\":");
        put_data(b, f.output);
    }
    if (top) {  // geth's callTracer of this era reports the execution time of the top frame
        fmt::format_to(std::back_inserter(b), ",\"time\":\"{}.{:03}\xc2\xb5s\"", f.gas_used / 1000, f.gas_used % 1000);
    }
    if (!f.calls.empty()) {
        put(b, ",\"calls\":[");
        for (std::size_t i = 0; i < f.calls.size(); ++i) {
            if (i) put(b, ",");
            put_frame(b, f.calls[i], book, false);
        }
        put(b, "]");
    }
    if (f.type != FrameType::DelegateCall && f.type != FrameType::StaticCall) {
        put(b, ",\"value\":");
        put_qty(b, f.value);
    }
    put(b, ",\"type\":\"");
    put(b, frame_type_name(f.type));
    put(b, "\"}");
}

class RpcWriter final : public ChainWriter {
public:
    RpcWriter(std::string dir, std::uint32_t per_file, AddressBook book, std::uint64_t chain_id)
        : dir_(std::move(dir)), per_file_(per_file ? per_file : 1), book_(book), chain_id_(chain_id) {}
    ~RpcWriter() override { close(); }

    void write(const Block& blk) override {
        if (!f_ || in_file_ == per_file_) open(blk.number);
        ++in_file_;
        buf_.clear();
        std::array<std::uint8_t, 256> bloom{};
        auto rc = receipts_of(blk, book_, bloom);
        const u128 base = blk.base_fee;
        std::size_t size = 620;
        for (const Tx& t : blk.txs) size += 112 + t.top.input.size() / 2;

        // eth_getBlockByNumber(n, true)
        fmt::format_to(std::back_inserter(buf_), "{{\"jsonrpc\":\"2.0\",\"id\":{},\"result\":{{\"baseFeePerGas\":", ++id_);
        put_qty(buf_, base);
        put(buf_, ",\"difficulty\":\"0x0\",\"extraData\":");
        put_data(buf_, blk.extra);
        put(buf_, ",\"gasLimit\":");
        put_qty(buf_, blk.gas_limit);
        put(buf_, ",\"gasUsed\":");
        put_qty(buf_, blk.gas_used);
        put(buf_, ",\"hash\":");
        put_hash(buf_, blk.hash);
        put(buf_, ",\"logsBloom\":");
        put_bloom(buf_, bloom);
        put(buf_, ",\"miner\":");
        put_addr(buf_, book_[blk.miner]);
        put(buf_, ",\"mixHash\":");
        put_hash(buf_, blk.mix);
        put(buf_, ",\"nonce\":\"0x0000000000000000\",\"number\":");
        put_qty(buf_, blk.number);
        put(buf_, ",\"parentHash\":");
        put_hash(buf_, blk.parent);
        put(buf_, ",\"receiptsRoot\":");
        put_hash(buf_, blk.receipts_root);
        put(buf_, ",\"sha3Uncles\":\"0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347\",\"size\":");
        put_qty(buf_, size);
        put(buf_, ",\"stateRoot\":");
        put_hash(buf_, blk.state_root);
        put(buf_, ",\"timestamp\":");
        put_qty(buf_, blk.timestamp);
        put(buf_, ",\"totalDifficulty\":\"0x0\",\"transactions\":[");
        for (std::size_t i = 0; i < blk.txs.size(); ++i) {
            const Tx& t = blk.txs[i];
            if (i) put(buf_, ",");
            put(buf_, "{\"blockHash\":");
            put_hash(buf_, blk.hash);
            put(buf_, ",\"blockNumber\":");
            put_qty(buf_, blk.number);
            put(buf_, ",\"from\":");
            put_addr(buf_, book_[t.from]);
            put(buf_, ",\"gas\":");
            put_qty(buf_, t.gas_limit);
            put(buf_, ",\"gasPrice\":");
            put_qty(buf_, base + t.tip);
            put(buf_, ",\"maxFeePerGas\":");
            put_qty(buf_, t.max_fee);
            put(buf_, ",\"maxPriorityFeePerGas\":");
            put_qty(buf_, t.max_tip);
            put(buf_, ",\"hash\":");
            put_hash(buf_, t.hash);
            put(buf_, ",\"input\":");
            put_data(buf_, t.top.input);
            put(buf_, ",\"nonce\":");
            put_qty(buf_, t.nonce);
            put(buf_, ",\"to\":");
            if (t.create)
                put(buf_, "null");
            else
                put_addr(buf_, book_[t.to]);
            put(buf_, ",\"transactionIndex\":");
            put_qty(buf_, i);
            put(buf_, ",\"value\":");
            put_qty(buf_, t.value);
            put(buf_, ",\"type\":\"0x2\",\"accessList\":[],\"chainId\":");
            put_qty(buf_, chain_id_);
            fmt::format_to(std::back_inserter(buf_), ",\"v\":\"0x{}\",\"r\":", t.v);
            put_hash_q(t.r);
            put(buf_, ",\"s\":");
            put_hash_q(t.s);
            put(buf_, "}");
        }
        put(buf_, "],\"transactionsRoot\":");
        put_hash(buf_, blk.tx_root);
        put(buf_, ",\"uncles\":[],\"withdrawals\":[");
        for (std::size_t i = 0; i < blk.withdrawals.size(); ++i) {
            const Withdrawal& w = blk.withdrawals[i];
            if (i) put(buf_, ",");
            put(buf_, "{\"index\":");
            put_qty(buf_, w.index);
            put(buf_, ",\"validatorIndex\":");
            put_qty(buf_, w.validator);
            put(buf_, ",\"address\":");
            put_addr(buf_, book_[w.address]);
            put(buf_, ",\"amount\":");
            put_qty(buf_, w.gwei);
            put(buf_, "}");
        }
        put(buf_, "],\"withdrawalsRoot\":");
        put_hash(buf_, blk.withdrawals_root);
        put(buf_, "}}\n");

        // eth_getBlockReceipts(n)
        fmt::format_to(std::back_inserter(buf_), "{{\"jsonrpc\":\"2.0\",\"id\":{},\"result\":[", ++id_);
        for (std::size_t i = 0; i < blk.txs.size(); ++i) {
            const Tx& t = blk.txs[i];
            if (i) put(buf_, ",");
            put(buf_, "{\"blockHash\":");
            put_hash(buf_, blk.hash);
            put(buf_, ",\"blockNumber\":");
            put_qty(buf_, blk.number);
            put(buf_, ",\"contractAddress\":");
            if (t.create)
                put_addr(buf_, book_[t.created]);
            else
                put(buf_, "null");
            put(buf_, ",\"cumulativeGasUsed\":");
            put_qty(buf_, rc[i].cumulative);
            put(buf_, ",\"effectiveGasPrice\":");
            put_qty(buf_, base + t.tip);
            put(buf_, ",\"from\":");
            put_addr(buf_, book_[t.from]);
            put(buf_, ",\"gasUsed\":");
            put_qty(buf_, t.gas_used);
            put(buf_, ",\"logs\":[");
            for (std::size_t k = 0; k < t.logs.size(); ++k) {
                const Log& l = t.logs[k];
                if (k) put(buf_, ",");
                put(buf_, "{\"address\":");
                put_addr(buf_, book_[l.address]);
                put(buf_, ",\"topics\":[");
                for (std::size_t j = 0; j < l.topics.size(); ++j) {
                    if (j) put(buf_, ",");
                    put_hash(buf_, l.topics[j]);
                }
                put(buf_, "],\"data\":");
                put_data(buf_, l.data);
                put(buf_, ",\"blockNumber\":");
                put_qty(buf_, blk.number);
                put(buf_, ",\"transactionHash\":");
                put_hash(buf_, t.hash);
                put(buf_, ",\"transactionIndex\":");
                put_qty(buf_, i);
                put(buf_, ",\"blockHash\":");
                put_hash(buf_, blk.hash);
                put(buf_, ",\"logIndex\":");
                put_qty(buf_, rc[i].first_log + k);
                put(buf_, ",\"removed\":false}");
            }
            put(buf_, "],\"logsBloom\":");
            put_bloom(buf_, rc[i].bloom);
            put(buf_, t.ok ? ",\"status\":\"0x1\",\"to\":" : ",\"status\":\"0x0\",\"to\":");
            if (t.create)
                put(buf_, "null");
            else
                put_addr(buf_, book_[t.to]);
            put(buf_, ",\"transactionHash\":");
            put_hash(buf_, t.hash);
            put(buf_, ",\"transactionIndex\":");
            put_qty(buf_, i);
            put(buf_, ",\"type\":\"0x2\"}");
        }
        put(buf_, "]}\n");

        // debug_traceBlockByNumber(n, {"tracer":"callTracer"})
        fmt::format_to(std::back_inserter(buf_), "{{\"jsonrpc\":\"2.0\",\"id\":{},\"result\":[", ++id_);
        for (std::size_t i = 0; i < blk.txs.size(); ++i) {
            if (i) put(buf_, ",");
            put(buf_, "{\"txHash\":");
            put_hash(buf_, blk.txs[i].hash);
            put(buf_, ",\"result\":");
            put_frame(buf_, blk.txs[i].top, book_, true);
            put(buf_, "}");
        }
        put(buf_, "]}\n");
        if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
            throw std::runtime_error("simulate: write failed: " + std::string(std::strerror(errno)));
        bytes_ += buf_.size();
    }

    void finish() override { close(); }
    std::uint64_t bytes() const override { return bytes_; }

private:
    void put_hash_q(const Hash32& h) {
        // r and s are QUANTITIES: no leading zeros
        std::size_t i = 0;
        while (i < 31 && h.b[i] == 0) ++i;
        put(buf_, "\"0x");
        const char* first = kHex + (h.b[i] >> 4);
        if (h.b[i] >> 4) buf_.append(first, first + 1);
        buf_.append(kHex + (h.b[i] & 15), kHex + (h.b[i] & 15) + 1);
        put_bytes_hex(buf_, h.b.data() + i + 1, 31 - i);
        put(buf_, "\"");
    }
    void open(std::uint64_t first) {
        close();
        auto path = fmt::format("{}/blocks-{:09}.jsonl", dir_, first);
        f_ = std::fopen(path.c_str(), "wb");
        if (!f_) throw std::runtime_error("simulate: cannot create " + path + ": " + std::strerror(errno));
        std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
        in_file_ = 0;
    }
    void close() {
        if (f_) {
            if (std::fclose(f_) != 0) {
                f_ = nullptr;
                throw std::runtime_error("simulate: close failed");
            }
            f_ = nullptr;
        }
    }
    std::string dir_;
    std::uint32_t per_file_;
    AddressBook book_;
    std::uint64_t chain_id_;
    std::FILE* f_ = nullptr;
    std::uint32_t in_file_ = 0;
    std::uint64_t id_ = 0, bytes_ = 0;
    Buf buf_;
};

}  // namespace

const char* frame_type_name(FrameType t) {
    switch (t) {
        case FrameType::Call: return "CALL";
        case FrameType::CallCode: return "CALLCODE";
        case FrameType::DelegateCall: return "DELEGATECALL";
        case FrameType::StaticCall: return "STATICCALL";
        case FrameType::Create: return "CREATE";
        case FrameType::Create2: return "CREATE2";
        case FrameType::SelfDestruct: return "SELFDESTRUCT";
    }
    return "CALL";
}

void bloom_add(std::array<std::uint8_t, 256>& bloom, std::span<const std::uint8_t> item) {
    Hash32 h = keccak256(item);
    for (int i = 0; i < 6; i += 2) {
        unsigned bit = ((h.b[i] << 8) | h.b[i + 1]) & 2047u;
        bloom[255 - bit / 8] |= static_cast<std::uint8_t>(1u << (bit % 8));
    }
}

const Topics& Topics::get() {
    static const Topics t = [] {
        Topics x;
        x.transfer = keccak256("Transfer(address,address,uint256)");
        x.approval = keccak256("Approval(address,address,uint256)");
        x.deposit = keccak256("Deposit(address,uint256)");
        x.withdrawal = keccak256("Withdrawal(address,uint256)");
        x.swap = keccak256("Swap(address,uint256,uint256,uint256,uint256,address)");
        x.sync = keccak256("Sync(uint112,uint112)");
        x.mix_deposit = keccak256("Deposit(bytes32,uint32,uint256)");
        x.mix_withdrawal = keccak256("Withdrawal(address,bytes32,address,uint256)");
        x.bridge_deposit = keccak256("DepositRequested(address,address,uint256,uint256)");
        x.bridge_withdraw = keccak256("WithdrawalPaid(address,uint256,uint256)");
        x.exec_success = keccak256("ExecutionSuccess(bytes32,uint256)");
        x.changed_master = keccak256("ChangedMasterCopy(address)");
        x.sale = keccak256("Sale(address,address,uint256,uint256)");
        x.transfer_single = keccak256("TransferSingle(address,address,address,uint256,uint256)");
        return x;
    }();
    return t;
}

std::unique_ptr<ChainWriter> make_rpc_writer(const std::string& dir, std::uint32_t blocks_per_file,
                                             AddressBook book, std::uint64_t chain_id, Address) {
    return std::make_unique<RpcWriter>(dir, blocks_per_file, book, chain_id);
}

}  // namespace chainward::sim
