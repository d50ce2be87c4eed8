// Encoders of a generated block: node JSON-RPC responses (JSON lines) and blockchain-etl CSV.
// Field names, order and encodings follow geth's responses and ethereum-etl's exports (see the
// fixtures under shared/data/ethereumjs-rpc-blocks and ethereum-etl-tests;
// tests/sim/format_test.cpp checks them).
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
/// "0x" and the bytes in lowercase hex (unquoted: the CSV form; JSON wraps it in quotes).
void put_0x(Buf& b, const std::uint8_t* p, std::size_t n) {
    put(b, "0x");
    put_bytes_hex(b, p, n);
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
void put_dec(Buf& b, u128 v) {
    char tmp[40];
    int n = 0;
    do {
        tmp[39 - n++] = static_cast<char>('0' + static_cast<unsigned>(v % 10));
        v /= 10;
    } while (v);
    b.append(tmp + 40 - n, tmp + 40);
}

/// Per-transaction receipt values both formats need: cumulative gas, first log index, bloom.
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

/// The block's RLP size as reported in "size" (an estimate; nodes' exact value needs the RLP).
std::uint64_t block_size(const Block& blk) {
    std::size_t size = 620;
    for (const Tx& t : blk.txs) size += 112 + t.top.input.size() / 2;
    return size;
}

constexpr std::string_view kEmptyUncles = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";

/// Writes the members of one JSON object in order: `Obj(b).qty("number", n).hash("hash", h).end()`.
class Obj {
public:
    explicit Obj(Buf& b) : b_(b) { put(b_, "{"); }
    Obj& key(std::string_view k) {
        put(b_, first_ ? "\"" : ",\"");
        first_ = false;
        put(b_, k);
        put(b_, "\":");
        return *this;
    }
    Obj& raw(std::string_view k, std::string_view json) { return key(k).text(json); }
    Obj& qty(std::string_view k, u128 v) {
        key(k);
        put(b_, "\"0x");
        put_hex_digits(b_, v);
        return text("\"");
    }
    Obj& bytes(std::string_view k, const std::uint8_t* p, std::size_t n) {
        key(k);
        put(b_, "\"");
        put_0x(b_, p, n);
        return text("\"");
    }
    Obj& hash(std::string_view k, const Hash32& h) { return bytes(k, h.b.data(), 32); }
    Obj& addr(std::string_view k, const Address& a) { return bytes(k, a.b.data(), 20); }
    Obj& addr_or_null(std::string_view k, bool present, const Address& a) { return present ? addr(k, a) : raw(k, "null"); }
    Obj& data(std::string_view k, std::string_view hex) {
        key(k);
        put(b_, "\"0x");
        put(b_, hex);
        return text("\"");
    }
    /// A QUANTITY made of 32 bytes (signature r and s): no leading zero digits.
    Obj& qty_word(std::string_view k, const Hash32& h) {
        std::size_t i = 0;
        while (i < 31 && h.b[i] == 0) ++i;
        key(k);
        put(b_, "\"0x");
        if (h.b[i] >> 4) b_.push_back(kHex[h.b[i] >> 4]);
        b_.push_back(kHex[h.b[i] & 15]);
        put_bytes_hex(b_, h.b.data() + i + 1, 31 - i);
        return text("\"");
    }
    Obj& text(std::string_view s) {
        put(b_, s);
        return *this;
    }
    void end() { put(b_, "}"); }

private:
    Buf& b_;
    bool first_ = true;
};

/// `{"jsonrpc":"2.0","id":N,"result":` … `}` around each response.
void open_response(Buf& b, std::uint64_t id) { fmt::format_to(std::back_inserter(b), "{{\"jsonrpc\":\"2.0\",\"id\":{},\"result\":", id); }

void put_frame(Buf& b, const Frame& f, const AddressBook& book, bool top) {
    Obj o(b);
    o.addr("from", book[f.from]).qty("gas", f.gas).qty("gasUsed", f.gas_used).addr("to", book[f.to]).data("input", f.input);
    if (f.error)
        o.key("error").text("\"").text(f.error).text("\"");
    else
        o.data("output", f.output);
    if (top)  // geth's callTracer of this era reports the execution time of the top frame
        o.key("time").text(fmt::format("\"{}.{:03}\xc2\xb5s\"", f.gas_used / 1000, f.gas_used % 1000));
    if (!f.calls.empty()) {
        o.key("calls").text("[");
        for (std::size_t i = 0; i < f.calls.size(); ++i) {
            if (i) put(b, ",");
            put_frame(b, f.calls[i], book, false);
        }
        o.text("]");
    }
    if (f.type != FrameType::DelegateCall && f.type != FrameType::StaticCall) o.qty("value", f.value);
    o.key("type").text("\"").text(frame_type_name(f.type)).text("\"");
    o.end();
}

/// Appends a buffer to a file, counting bytes; throws with the reason on failure.
void write_all(std::FILE* f, const Buf& b, std::uint64_t& bytes) {
    if (std::fwrite(b.data(), 1, b.size(), f) != b.size())
        throw std::runtime_error("simulate: write failed: " + std::string(std::strerror(errno)));
    bytes += b.size();
}
/// Creates the file, or opens /dev/null when the chain is discarded (encoded but not stored).
std::FILE* create(const std::string& path, bool discard) {
    std::FILE* f = std::fopen(discard ? "/dev/null" : path.c_str(), "wb");
    if (!f) throw std::runtime_error("simulate: cannot create " + path + ": " + std::strerror(errno));
    std::setvbuf(f, nullptr, _IOFBF, 1 << 20);
    return f;
}
void close(std::FILE*& f) {
    if (!f) return;
    const bool ok = std::fclose(f) == 0;
    f = nullptr;
    if (!ok) throw std::runtime_error("simulate: close failed: " + std::string(std::strerror(errno)));
}

class RpcWriter final : public ChainWriter {
public:
    /// per_file 0: one response per file, named as a loop over the node's methods names them.
    RpcWriter(std::string dir, std::uint32_t per_file, AddressBook book, std::uint64_t chain_id, bool discard)
        : dir_(std::move(dir)), per_file_(per_file), book_(book), chain_id_(chain_id), discard_(discard) {}
    ~RpcWriter() override {
        if (f_) std::fclose(f_);
    }

    void write(const Block& blk) override {
        if (per_file_ && (!f_ || in_file_ == per_file_)) {
            close(f_);
            f_ = create(fmt::format("{}/blocks-{:09}.jsonl", dir_, blk.number), discard_);
            in_file_ = 0;
        }
        ++in_file_;
        buf_.clear();
        std::array<std::uint8_t, 256> bloom{};
        auto rc = receipts_of(blk, book_, bloom);
        block(blk, bloom);
        response_done(blk, "block");
        receipts(blk, rc);
        response_done(blk, "receipts");
        traces(blk);
        response_done(blk, "traces");
        if (per_file_) write_all(f_, buf_, bytes_);
    }

    void finish() override { close(f_); }
    std::uint64_t bytes() const override { return bytes_; }

private:
    /// One response per file: block-000001.block.json, .receipts.json, .traces.json.
    void response_done(const Block& blk, const char* kind) {
        if (per_file_) return;
        std::FILE* f = create(fmt::format("{}/block-{:06}.{}.json", dir_, blk.number, kind), discard_);
        write_all(f, buf_, bytes_);
        close(f);
        buf_.clear();
    }

    /// eth_getBlockByNumber(n, true)
    void block(const Block& blk, const std::array<std::uint8_t, 256>& bloom) {
        open_response(buf_, ++id_);
        Obj o(buf_);
        o.qty("baseFeePerGas", blk.base_fee).raw("difficulty", "\"0x0\"").data("extraData", blk.extra);
        o.qty("gasLimit", blk.gas_limit).qty("gasUsed", blk.gas_used).hash("hash", blk.hash);
        o.bytes("logsBloom", bloom.data(), 256).addr("miner", book_[blk.miner]).hash("mixHash", blk.mix);
        o.raw("nonce", "\"0x0000000000000000\"").qty("number", blk.number).hash("parentHash", blk.parent);
        o.hash("receiptsRoot", blk.receipts_root).key("sha3Uncles").text("\"").text(kEmptyUncles).text("\"");
        o.qty("size", block_size(blk)).hash("stateRoot", blk.state_root).qty("timestamp", blk.timestamp);
        o.raw("totalDifficulty", "\"0x0\"").key("transactions").text("[");
        for (std::size_t i = 0; i < blk.txs.size(); ++i) {
            const Tx& t = blk.txs[i];
            if (i) put(buf_, ",");
            Obj x(buf_);
            x.hash("blockHash", blk.hash).qty("blockNumber", blk.number).addr("from", book_[t.from]);
            x.qty("gas", t.gas_limit).qty("gasPrice", blk.base_fee + t.tip).qty("maxFeePerGas", t.max_fee);
            x.qty("maxPriorityFeePerGas", t.max_tip).hash("hash", t.hash).data("input", t.top.input);
            x.qty("nonce", t.nonce).addr_or_null("to", !t.create, book_[t.to]).qty("transactionIndex", i);
            x.qty("value", t.value).raw("type", "\"0x2\"").raw("accessList", "[]").qty("chainId", chain_id_);
            x.key("v").text(fmt::format("\"0x{}\"", t.v)).qty_word("r", t.r).qty_word("s", t.s).end();
        }
        o.text("]").hash("transactionsRoot", blk.tx_root).raw("uncles", "[]").key("withdrawals").text("[");
        for (std::size_t i = 0; i < blk.withdrawals.size(); ++i) {
            const Withdrawal& w = blk.withdrawals[i];
            if (i) put(buf_, ",");
            Obj(buf_).qty("index", w.index).qty("validatorIndex", w.validator).addr("address", book_[w.address]).qty("amount", w.gwei).end();
        }
        o.text("]").hash("withdrawalsRoot", blk.withdrawals_root).end();
        put(buf_, "}\n");
    }

    /// eth_getBlockReceipts(n)
    void receipts(const Block& blk, const std::vector<Receipt>& rc) {
        open_response(buf_, ++id_);
        put(buf_, "[");
        for (std::size_t i = 0; i < blk.txs.size(); ++i) {
            const Tx& t = blk.txs[i];
            if (i) put(buf_, ",");
            Obj o(buf_);
            o.hash("blockHash", blk.hash).qty("blockNumber", blk.number).addr_or_null("contractAddress", t.create, book_[t.created]);
            o.qty("cumulativeGasUsed", rc[i].cumulative).qty("effectiveGasPrice", blk.base_fee + t.tip);
            o.addr("from", book_[t.from]).qty("gasUsed", t.gas_used).key("logs").text("[");
            for (std::size_t k = 0; k < t.logs.size(); ++k) {
                const Log& l = t.logs[k];
                if (k) put(buf_, ",");
                Obj x(buf_);
                x.addr("address", book_[l.address]).key("topics").text("[");
                for (std::size_t j = 0; j < l.topics.size(); ++j) {
                    if (j) put(buf_, ",");
                    x.text("\"");
                    put_0x(buf_, l.topics[j].b.data(), 32);
                    x.text("\"");
                }
                x.text("]").data("data", l.data).qty("blockNumber", blk.number).hash("transactionHash", t.hash);
                x.qty("transactionIndex", i).hash("blockHash", blk.hash).qty("logIndex", rc[i].first_log + k);
                x.raw("removed", "false").end();
            }
            o.text("]").bytes("logsBloom", rc[i].bloom.data(), 256).raw("status", t.ok ? "\"0x1\"" : "\"0x0\"");
            o.addr_or_null("to", !t.create, book_[t.to]).hash("transactionHash", t.hash).qty("transactionIndex", i);
            o.raw("type", "\"0x2\"").end();
        }
        put(buf_, "]}\n");
    }

    /// debug_traceBlockByNumber(n, {"tracer":"callTracer"})
    void traces(const Block& blk) {
        open_response(buf_, ++id_);
        put(buf_, "[");
        for (std::size_t i = 0; i < blk.txs.size(); ++i) {
            if (i) put(buf_, ",");
            Obj o(buf_);
            o.hash("txHash", blk.txs[i].hash).key("result");
            put_frame(buf_, blk.txs[i].top, book_, true);
            o.end();
        }
        put(buf_, "]}\n");
    }

    std::string dir_;
    std::uint32_t per_file_;
    AddressBook book_;
    std::uint64_t chain_id_;
    bool discard_;
    std::FILE* f_ = nullptr;
    std::uint32_t in_file_ = 0;
    std::uint64_t id_ = 0, bytes_ = 0;
    Buf buf_;
};

// ---- blockchain-etl CSV ---------------------------------------------------------------------

/// Writes one CSV record field by field: `Row(b).dec(n).hex(h, 32).end()`. Fields that may hold
/// a comma or a quote go through text(), which quotes them as Python's csv module does
/// (QUOTE_MINIMAL, as ethereum-etl writes).
class Row {
public:
    explicit Row(Buf& b) : b_(b) {}
    Row& sep() {
        if (!first_) b_.push_back(',');
        first_ = false;
        return *this;
    }
    Row& empty() { return sep(); }
    Row& raw(std::string_view s) {
        sep();
        put(b_, s);
        return *this;
    }
    Row& dec(u128 v) {
        sep();
        put_dec(b_, v);
        return *this;
    }
    Row& hex(const std::uint8_t* p, std::size_t n) {
        sep();
        put_0x(b_, p, n);
        return *this;
    }
    Row& hash(const Hash32& h) { return hex(h.b.data(), 32); }
    Row& addr(const Address& a) { return hex(a.b.data(), 20); }
    Row& data(std::string_view hex) {
        sep();
        put(b_, "0x");
        put(b_, hex);
        return *this;
    }
    Row& text(std::string_view s) {
        sep();
        if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
            put(b_, s);
            return *this;
        }
        b_.push_back('"');
        for (char c : s) {
            if (c == '"') b_.push_back('"');
            b_.push_back(c);
        }
        b_.push_back('"');
        return *this;
    }
    void end() { b_.push_back('\n'); }

private:
    Buf& b_;
    bool first_ = true;
};

enum EtlTable { kBlocks, kTransactions, kReceipts, kLogs, kTokenTransfers, kTraces, kEtlTables };
constexpr const char* kEtlName[kEtlTables] = {"blocks", "transactions", "receipts", "logs", "token_transfers", "traces"};
constexpr const char* kEtlHeader[kEtlTables] = {
    "number,hash,parent_hash,nonce,sha3_uncles,logs_bloom,transactions_root,state_root,receipts_root,miner,difficulty,"
    "total_difficulty,size,extra_data,gas_limit,gas_used,timestamp,transaction_count,base_fee_per_gas,withdrawals_root,"
    "withdrawals\n",
    "hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,input,"
    "block_timestamp,max_fee_per_gas,max_priority_fee_per_gas,transaction_type\n",
    "transaction_hash,transaction_index,block_hash,block_number,cumulative_gas_used,gas_used,contract_address,root,status,"
    "effective_gas_price,l1_fee,l1_gas_used,l1_gas_price,l1_fee_scalar\n",
    "log_index,transaction_hash,transaction_index,block_hash,block_number,address,data,topics\n",
    "token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n",
    "block_number,transaction_hash,transaction_index,from_address,to_address,value,input,output,trace_type,call_type,"
    "reward_type,gas,gas_used,subtraces,trace_address,error,status,trace_id\n",
};

/// Parity's wording of geth's frame errors (ethereum-etl exports parity-style traces).
const char* parity_error(const char* geth) {
    if (std::strcmp(geth, "execution reverted") == 0) return "Reverted";
    if (std::strcmp(geth, "out of gas") == 0) return "Out of gas";
    return geth;
}

/// Decimal of a 32-byte big-endian word (token transfer values and ids).
std::string word_dec(const std::uint8_t* w) {
    U256 v = 0;
    for (int i = 0; i < 32; ++i) v = (v << 8) | w[i];
    return v.str();
}

/// ethereum-etl's export_all layout: <table>/start_block=S/end_block=E/<table>_S_E.csv, one
/// partition per `per_part` blocks. A partition is written as <table>/<table>_S.csv.part and moved
/// into place when complete, so an interrupted run leaves no table the reader would pick up.
class EtlWriter final : public ChainWriter {
public:
    EtlWriter(std::string dir, std::uint32_t per_part, AddressBook book, bool discard)
        : dir_(std::move(dir)), per_part_(per_part ? per_part : 1), book_(book), discard_(discard) {}
    ~EtlWriter() override {
        for (auto*& f : f_)
            if (f) std::fclose(f);
    }

    void write(const Block& blk) override {
        if (!f_[0] || in_part_ == per_part_) open(blk.number);
        ++in_part_;
        last_ = blk.number;
        for (auto& b : buf_) b.clear();
        std::array<std::uint8_t, 256> bloom{};
        auto rc = receipts_of(blk, book_, bloom);
        block(blk, bloom);
        for (std::size_t i = 0; i < blk.txs.size(); ++i) {
            transaction(blk, i);
            receipt(blk, i, rc[i]);
            logs(blk, i, rc[i]);
            std::vector<std::uint32_t> path;
            trace(blk, i, blk.txs[i].top, path, false);
        }
        for (int t = 0; t < kEtlTables; ++t) write_all(f_[t], buf_[t], bytes_);
    }

    void finish() override { close_part(); }
    std::uint64_t bytes() const override { return bytes_; }

private:
    void block(const Block& blk, const std::array<std::uint8_t, 256>& bloom) {
        Buf w;  // withdrawals as ethereum-etl joins them: {…},{…}
        for (std::size_t i = 0; i < blk.withdrawals.size(); ++i) {
            const Withdrawal& x = blk.withdrawals[i];
            fmt::format_to(std::back_inserter(w), "{}{{\"index\":{},\"validator_index\":{},\"address\":\"{}\",\"amount\":{}}}",
                           i ? "," : "", x.index, x.validator, book_[x.address].hex(), x.gwei);
        }
        Row(buf_[kBlocks]).dec(blk.number).hash(blk.hash).hash(blk.parent).raw("0x0000000000000000").raw(kEmptyUncles)
            .hex(bloom.data(), 256).hash(blk.tx_root).hash(blk.state_root).hash(blk.receipts_root).addr(book_[blk.miner])
            .dec(0).dec(0).dec(block_size(blk)).data(blk.extra).dec(blk.gas_limit).dec(blk.gas_used).dec(blk.timestamp)
            .dec(blk.txs.size()).dec(blk.base_fee).hash(blk.withdrawals_root).text(std::string_view(w.data(), w.size())).end();
    }
    void transaction(const Block& blk, std::size_t i) {
        const Tx& t = blk.txs[i];
        Row r(buf_[kTransactions]);
        r.hash(t.hash).dec(t.nonce).hash(blk.hash).dec(blk.number).dec(i).addr(book_[t.from]);
        if (t.create)
            r.empty();
        else
            r.addr(book_[t.to]);
        r.dec(t.value).dec(t.gas_limit).dec(blk.base_fee + t.tip).data(t.top.input).dec(blk.timestamp).dec(t.max_fee)
            .dec(t.max_tip).dec(2).end();
    }
    void receipt(const Block& blk, std::size_t i, const Receipt& rc) {
        const Tx& t = blk.txs[i];
        Row r(buf_[kReceipts]);
        r.hash(t.hash).dec(i).hash(blk.hash).dec(blk.number).dec(rc.cumulative).dec(t.gas_used);
        if (t.create)
            r.addr(book_[t.created]);
        else
            r.empty();
        r.empty().dec(t.ok ? 1 : 0).dec(blk.base_fee + t.tip).empty().empty().empty().empty().end();
    }
    void logs(const Block& blk, std::size_t i, const Receipt& rc) {
        const Tx& t = blk.txs[i];
        const Hash32& transfer = Topics::get().transfer;
        for (std::size_t k = 0; k < t.logs.size(); ++k) {
            const Log& l = t.logs[k];
            const std::uint64_t index = rc.first_log + k;
            Buf topics;
            for (std::size_t j = 0; j < l.topics.size(); ++j) {
                if (j) topics.push_back(',');
                put_0x(topics, l.topics[j].b.data(), 32);
            }
            Row(buf_[kLogs]).dec(index).hash(t.hash).dec(i).hash(blk.hash).dec(blk.number).addr(book_[l.address]).data(l.data)
                .text(std::string_view(topics.data(), topics.size())).end();
            // ethereum-etl's token transfer extractor: a Transfer event whose topics and data
            // words make four (ERC-20: value in the data; ERC-721: token id as the fourth topic)
            if (l.topics.empty() || l.topics[0] != transfer || l.topics.size() + l.data.size() / 64 != 4 || l.data.size() % 64) continue;
            std::uint8_t value[32];
            if (l.topics.size() == 4) {
                std::memcpy(value, l.topics[3].b.data(), 32);
            } else {
                auto nib = [](char c) { return static_cast<std::uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10); };
                for (int j = 0; j < 32; ++j) value[j] = static_cast<std::uint8_t>(nib(l.data[2 * j]) << 4 | nib(l.data[2 * j + 1]));
            }
            Row(buf_[kTokenTransfers]).addr(book_[l.address]).hex(l.topics[1].b.data() + 12, 20).hex(l.topics[2].b.data() + 12, 20)
                .raw(word_dec(value)).hash(t.hash).dec(index).dec(blk.number).end();
        }
    }
    /// One parity-style trace row per frame, depth first; children of a failed frame have status 0.
    void trace(const Block& blk, std::size_t i, const Frame& f, std::vector<std::uint32_t>& path, bool failed_above) {
        const Tx& t = blk.txs[i];
        const bool failed = failed_above || f.error;
        const bool suicide = f.type == FrameType::SelfDestruct;
        const bool create = f.type == FrameType::Create || f.type == FrameType::Create2;
        const char* type = suicide ? "suicide" : create ? "create" : "call";
        std::string addr, id_suffix;
        for (std::size_t k = 0; k < path.size(); ++k) {
            addr += fmt::format("{}{}", k ? "," : "", path[k]);
            id_suffix += fmt::format("{}{}", k ? "_" : "", path[k]);
        }
        const bool moves_value = f.type != FrameType::DelegateCall && f.type != FrameType::StaticCall;
        Row r(buf_[kTraces]);
        r.dec(blk.number).hash(t.hash).dec(i).addr(book_[f.from]).addr(book_[f.to]).dec(moves_value ? f.value : 0);
        if (suicide)
            r.empty().empty();
        else if (f.error)
            r.data(f.input).empty();
        else
            r.data(f.input).data(f.output);
        r.raw(type);
        if (suicide || create)
            r.empty();
        else
            r.raw(f.type == FrameType::CallCode ? "callcode" : f.type == FrameType::DelegateCall ? "delegatecall"
                  : f.type == FrameType::StaticCall ? "staticcall" : "call");
        r.empty();  // reward_type
        if (suicide)
            r.empty().empty();
        else if (f.error)
            r.dec(f.gas).empty();
        else
            r.dec(f.gas).dec(f.gas_used);
        r.dec(f.calls.size()).text(addr).raw(f.error ? parity_error(f.error) : "").dec(failed ? 0 : 1);
        r.raw(fmt::format("{}_{}_{}", type, t.hash.hex(), id_suffix)).end();
        for (std::uint32_t k = 0; k < f.calls.size(); ++k) {
            path.push_back(k);
            trace(blk, i, f.calls[k], path, failed);
            path.pop_back();
        }
    }

    std::string part_name(int t, std::uint64_t first) const { return fmt::format("{}_{:08}", kEtlName[t], first); }
    void open(std::uint64_t first) {
        close_part();
        first_ = first;
        in_part_ = 0;
        for (int t = 0; t < kEtlTables; ++t) {
            const auto dir = std::filesystem::path(dir_) / kEtlName[t];
            if (!discard_) std::filesystem::create_directories(dir);
            f_[t] = create((dir / (part_name(t, first) + ".csv.part")).string(), discard_);
            Buf h;
            put(h, kEtlHeader[t]);
            write_all(f_[t], h, bytes_);
        }
    }
    void close_part() {
        if (!f_[0]) return;
        for (int t = 0; t < kEtlTables; ++t) {
            close(f_[t]);
            if (discard_) continue;
            const auto table = std::filesystem::path(dir_) / kEtlName[t];
            const auto dir = table / fmt::format("start_block={:08}", first_) / fmt::format("end_block={:08}", last_);
            std::filesystem::create_directories(dir);
            std::filesystem::rename(table / (part_name(t, first_) + ".csv.part"),
                                    dir / fmt::format("{}_{:08}_{:08}.csv", kEtlName[t], first_, last_));
        }
    }

    std::string dir_;
    std::uint32_t per_part_;
    AddressBook book_;
    bool discard_;
    std::FILE* f_[kEtlTables] = {};
    Buf buf_[kEtlTables];
    std::uint32_t in_part_ = 0;
    std::uint64_t first_ = 0, last_ = 0, bytes_ = 0;
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
        x.thorchain_deposit = keccak256("Deposit(address,address,uint256,string)");
        return x;
    }();
    return t;
}

std::unique_ptr<ChainWriter> make_rpc_writer(const std::string& dir, std::uint32_t blocks_per_file, bool per_response,
                                             AddressBook book, std::uint64_t chain_id, bool discard) {
    return std::make_unique<RpcWriter>(dir, per_response ? 0 : std::max(1u, blocks_per_file), book, chain_id, discard);
}

std::unique_ptr<ChainWriter> make_etl_writer(const std::string& dir, std::uint32_t blocks_per_part, AddressBook book, bool discard) {
    return std::make_unique<EtlWriter>(dir, blocks_per_part, book, discard);
}

}  // namespace chainward::sim
