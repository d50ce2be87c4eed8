// Writes a deterministic set of realistic post-London mainnet JSON-RPC responses for the ingest
// benchmark: per block eth_getBlockByNumber(n, true), eth_getBlockReceipts and
// debug_traceBlockByNumber (callTracer), one JSON-RPC envelope per line, in files
// blocks-<first block, 9 digits>.jsonl. Prints what chainward should extract from them.
//
// usage: cw_bench_gen OUT_DIR --mb 1024 | --blocks N [--seed S] [--blocks-per-file 100]
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace {

using u128 = unsigned __int128;

struct Rng {  // splitmix64: fast, deterministic, good enough for synthetic data
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    std::uint64_t below(std::uint64_t n) { return next() % n; }
    double unit() { return (next() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return unit() < p; }
    std::uint64_t range(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }
};

/// Zipf-like ranks over n items (s ~ 1): a few hot addresses (exchanges, routers), a long tail.
class Zipf {
public:
    Zipf(std::size_t n, double s) : cdf_(n) {
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) cdf_[i] = (sum += 1.0 / std::pow(double(i + 1), s));
        for (auto& c : cdf_) c /= sum;
    }
    std::size_t draw(Rng& r) const {
        return static_cast<std::size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), r.unit()) - cdf_.begin());
    }

private:
    std::vector<double> cdf_;
};

using Addr = std::array<std::uint8_t, 20>;
using H32 = std::array<std::uint8_t, 32>;

Addr addr_of(std::uint64_t id, std::uint64_t salt) {
    Rng r{id * 0x2545F4914F6CDD1Dull + salt};
    Addr a;
    for (std::size_t i = 0; i < 20; i += 8) {
        std::uint64_t v = r.next();
        std::memcpy(a.data() + i, &v, std::min<std::size_t>(8, 20 - i));
    }
    return a;
}
H32 rand32(Rng& r) {
    H32 h;
    for (std::size_t i = 0; i < 32; i += 8) {
        std::uint64_t v = r.next();
        std::memcpy(h.data() + i, &v, 8);
    }
    return h;
}

const char kHex[] = "0123456789abcdef";

struct Out {
    std::string s;
    void raw(const char* t) { s += t; }
    void raw(const std::string& t) { s += t; }
    void bytes(const std::uint8_t* p, std::size_t n) {
        std::size_t o = s.size();
        s.resize(o + 2 + 2 * n);
        char* w = s.data() + o;
        *w++ = '0';
        *w++ = 'x';
        for (std::size_t i = 0; i < n; ++i) {
            *w++ = kHex[p[i] >> 4];
            *w++ = kHex[p[i] & 15];
        }
    }
    void qstr_bytes(const std::uint8_t* p, std::size_t n) {
        s += '"';
        bytes(p, n);
        s += '"';
    }
    void addr(const Addr& a) { qstr_bytes(a.data(), 20); }
    void hash(const H32& h) { qstr_bytes(h.data(), 32); }
    void qty(u128 v) {  // JSON-RPC QUANTITY
        char buf[40];
        int n = 0;
        do {
            buf[n++] = kHex[static_cast<unsigned>(v & 15)];
            v >>= 4;
        } while (v);
        s += "\"0x";
        while (n) s += buf[--n];
        s += '"';
    }
    void word(u128 v) {  // 32-byte big-endian word, as log data
        std::uint8_t b[32] = {};
        for (int i = 0; i < 16; ++i) b[31 - i] = static_cast<std::uint8_t>(v >> (8 * i));
        bytes(b, 32);
    }
    void addr_word(const Addr& a) {
        std::uint8_t b[32] = {};
        std::memcpy(b + 12, a.data(), 20);
        qstr_bytes(b, 32);
    }
    void key(const char* k) {
        s += '"';
        s += k;
        s += "\":";
    }
    /// Random call data of n bytes (mostly small words, as ABI encoding is).
    void calldata(Rng& r, const std::uint8_t* selector, std::size_t n) {
        std::vector<std::uint8_t> d(n);
        if (n >= 4) std::memcpy(d.data(), selector, 4);
        for (std::size_t i = 4; i < n; ++i) d[i] = (i % 32 < 20) ? 0 : static_cast<std::uint8_t>(r.next());
        qstr_bytes(d.data(), n);
    }
};

struct Frame {
    const char* type = "CALL";
    Addr from{}, to{};
    u128 value = 0;
    bool error = false, has_value = true;
    std::size_t input = 4;
    std::vector<Frame> calls;
};

struct Log {
    Addr address;
    std::vector<H32> topics;
    std::vector<u128> data;  ///< words
};

struct Tx {
    H32 hash;
    Addr from, to;
    bool create = false, failed = false;
    int type = 2;
    bool access_list = false;
    u128 value = 0, max_fee = 0, prio = 0, gas_price = 0, effective = 0;
    std::uint64_t gas = 21000, gas_used = 21000, nonce = 0;
    std::size_t input = 0;
    std::uint8_t selector[4] = {};
    std::vector<Log> logs;
    Frame top;
    Addr created{};
};

H32 topic_of(const char* hex) {
    H32 h{};
    for (int i = 0; i < 32; ++i) {
        auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
        h[i] = static_cast<std::uint8_t>(nib(hex[2 * i]) << 4 | nib(hex[2 * i + 1]));
    }
    return h;
}

struct World {
    Rng rng;
    Zipf users{1'500'000, 1.05};
    Zipf tokens{5'000, 1.1};
    Zipf contracts{20'000, 1.1};
    H32 t_transfer = topic_of("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    H32 t_approval = topic_of("8c5be1e5ebec7d5bd14b71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925");
    H32 t_sync = topic_of("1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1");
    H32 t_swap = topic_of("d78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822");
    Addr user() { return addr_of(users.draw(rng), 1); }
    Addr token() { return addr_of(tokens.draw(rng), 2); }
    Addr contract() { return addr_of(contracts.draw(rng), 3); }
    u128 eth_amount() {  // log-uniform between 1e12 and 1e21 wei
        double e = 12 + 9 * rng.unit();
        return static_cast<u128>(std::pow(10.0, e));
    }
    u128 token_amount() {
        double e = 3 + 21 * rng.unit();
        return static_cast<u128>(std::pow(10.0, e));
    }
};

struct Expect {
    std::uint64_t blocks = 0, txs = 0, transfers = 0, logs = 0, bytes = 0;
};

/// Inner frames: nested calls, some with value, some failed (reverted and caught).
void inner_calls(World& w, Frame& f, int depth, int& budget) {
    int n = depth == 0 ? static_cast<int>(w.rng.range(1, 5)) : static_cast<int>(w.rng.below(3));
    for (int i = 0; i < n && budget > 0; ++i, --budget) {
        Frame c;
        c.from = f.to;
        double k = w.rng.unit();
        if (k < 0.35) {
            c.type = "STATICCALL";
            c.has_value = false;
            c.to = w.token();
        } else if (k < 0.45) {
            c.type = "DELEGATECALL";
            c.to = w.contract();
        } else {
            c.type = "CALL";
            c.to = w.rng.chance(0.5) ? w.token() : w.contract();
            if (w.rng.chance(0.15)) {
                c.value = w.eth_amount();
                c.to = w.rng.chance(0.5) ? w.user() : c.to;
            }
        }
        c.error = w.rng.chance(0.03);
        c.input = w.rng.chance(0.5) ? 68 : w.rng.range(4, 260);
        if (depth < 3) inner_calls(w, c, depth + 1, budget);
        f.calls.push_back(std::move(c));
    }
}

std::uint64_t count_frames(const Frame& f) {  // value transfers chainward extracts from a subtree
    std::uint64_t n = 0;
    for (const auto& c : f.calls) {
        if (c.error) continue;
        if (c.value != 0 && std::strcmp(c.type, "CALL") == 0) ++n;
        n += count_frames(c);
    }
    return n;
}

/// An ERC-20 Transfer log; its indexed from/to are filled in by make_tx.
Log transfer_log(World& w, const Addr& token) { return {token, {w.t_transfer, {}, {}}, {w.token_amount()}}; }

Tx make_tx(World& w, std::uint64_t base_fee) {
    Tx t;
    t.hash = rand32(w.rng);
    t.from = w.user();
    t.nonce = w.rng.below(200'000);
    t.type = w.rng.chance(0.7) ? 2 : 0;
    t.access_list = t.type == 2 && w.rng.chance(0.15);
    t.prio = w.rng.chance(0.03) ? 0 : w.rng.range(10'000'000, 3'000'000'000);
    if (t.type == 2) {
        t.max_fee = base_fee * 2 + t.prio;
        t.effective = base_fee + t.prio;
        t.gas_price = t.effective;
    } else {
        t.gas_price = base_fee + t.prio;
        t.effective = t.gas_price;
    }
    double k = w.rng.unit();
    t.top.from = t.from;
    if (k < 0.40) {  // plain ether transfer
        t.to = w.user();
        t.value = w.eth_amount();
        t.gas = 21000;
        t.gas_used = 21000;
    } else if (k < 0.70) {  // ERC-20 transfer
        t.to = w.token();
        std::memcpy(t.selector, "\xa9\x05\x9c\xbb", 4);
        t.input = 68;
        t.gas = w.rng.range(50'000, 120'000);
        t.gas_used = t.gas * 7 / 10;
        Log l = transfer_log(w, t.to);
        t.logs.push_back(l);
    } else if (k < 0.82) {  // swap through a router: several transfers, internal ether
        t.to = w.contract();
        std::memcpy(t.selector, "\x35\x93\x56\x4c", 4);
        t.input = w.rng.range(300, 2000);
        t.value = w.rng.chance(0.4) ? w.eth_amount() : 0;
        t.gas = w.rng.range(150'000, 600'000);
        t.gas_used = t.gas * 6 / 10;
        Addr pair = w.contract(), tin = w.token(), tout = w.token();
        t.logs.push_back(transfer_log(w, tin));
        t.logs.push_back({pair, {w.t_sync}, {w.token_amount(), w.token_amount()}});
        t.logs.push_back(transfer_log(w, tout));
        t.logs.push_back({pair, {w.t_swap, {}, {}}, {w.token_amount(), 0, 0, w.token_amount()}});
        if (w.rng.chance(0.3)) t.logs.push_back({tin, {w.t_approval, {}, {}}, {w.token_amount()}});
    } else if (k < 0.95) {  // other contract call: approvals, mints, votes (events, no transfers)
        t.to = w.contract();
        std::memcpy(t.selector, "\x09\x5e\xa7\xb3", 4);
        t.input = w.rng.range(36, 600);
        t.gas = w.rng.range(45'000, 300'000);
        t.gas_used = t.gas * 7 / 10;
        int n = static_cast<int>(w.rng.below(3));
        for (int i = 0; i < n; ++i) t.logs.push_back({t.to, {w.t_approval, {}, {}}, {w.token_amount()}});
    } else if (k < 0.97) {  // contract creation
        t.create = true;
        t.created = addr_of(w.rng.next(), 4);
        std::memcpy(t.selector, "\x60\x80\x60\x40", 4);
        t.input = w.rng.range(2'000, 12'000);
        t.value = w.rng.chance(0.1) ? w.eth_amount() : 0;
        t.gas = w.rng.range(500'000, 3'000'000);
        t.gas_used = t.gas * 8 / 10;
    } else {  // reverted call
        t.to = w.contract();
        t.failed = true;
        std::memcpy(t.selector, "\x7f\xf3\x6a\xb5", 4);
        t.input = w.rng.range(68, 800);
        t.value = w.rng.chance(0.3) ? w.eth_amount() : 0;
        t.gas = w.rng.range(100'000, 400'000);
        t.gas_used = t.gas / 2;
    }
    // Topics of Transfer/Approval/Swap: indexed addresses.
    for (auto& l : t.logs)
        for (std::size_t i = 1; i < l.topics.size(); ++i) {
            Addr a = w.rng.chance(0.5) ? t.from : w.user();
            l.topics[i] = {};
            std::memcpy(l.topics[i].data() + 12, a.data(), 20);
        }
    t.top.type = t.create ? "CREATE" : "CALL";
    t.top.to = t.create ? t.created : t.to;
    t.top.value = t.value;
    t.top.error = t.failed;
    t.top.input = t.input;
    int budget = 12;
    if (!t.logs.empty() || t.failed || t.create) {
        if (t.logs.size() > 1 || t.failed || w.rng.chance(0.3)) inner_calls(w, t.top, 0, budget);
    }
    return t;
}

const H32 kTransferTopic = topic_of("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");

std::uint64_t fee_transfers(const Tx& t, std::uint64_t base_fee) {
    u128 total = t.effective * t.gas_used, burnt = std::min<u128>(u128(base_fee) * t.gas_used, total);
    return (total > burnt ? 1 : 0) + (burnt != 0 ? 1 : 0);
}

std::uint64_t expected_transfers(const Tx& t, std::uint64_t base_fee) {
    std::uint64_t n = fee_transfers(t, base_fee);
    if (t.failed) return n;
    if (t.value != 0) ++n;
    n += count_frames(t.top);
    for (const auto& l : t.logs)
        if (l.topics[0] == kTransferTopic) ++n;
    return n;
}

void write_frame(Out& o, World& w, const Frame& f, bool top, const Tx& tx) {
    o.raw("{");
    o.key("from"); o.addr(f.from);
    o.raw(","); o.key("gas"); o.qty(top ? tx.gas - 21000 : w.rng.range(5'000, 400'000));
    o.raw(","); o.key("gasUsed"); o.qty(top ? tx.gas_used - 21000 : w.rng.range(2'000, 100'000));
    o.raw(","); o.key("to"); o.addr(f.to);
    o.raw(","); o.key("input");
    if (top) o.calldata(w.rng, tx.selector, tx.input);
    else {
        std::uint8_t sel[4] = {0x70, 0xa0, 0x82, 0x31};
        o.calldata(w.rng, sel, f.input);
    }
    if (f.error) {
        o.raw(","); o.key("error"); o.raw("\"execution reverted\"");
    } else {
        o.raw(","); o.key("output");
        std::uint8_t z[32] = {};
        z[31] = 1;
        o.qstr_bytes(z, w.rng.chance(0.5) ? 32 : 0);
    }
    if (f.has_value) {
        o.raw(","); o.key("value"); o.qty(f.value);
    }
    o.raw(","); o.key("type"); o.raw("\""); o.raw(f.type); o.raw("\"");
    if (!f.calls.empty()) {
        o.raw(","); o.key("calls"); o.raw("[");
        for (std::size_t i = 0; i < f.calls.size(); ++i) {
            if (i) o.raw(",");
            write_frame(o, w, f.calls[i], false, tx);
        }
        o.raw("]");
    }
    o.raw("}");
}

void bloom(Out& o, Rng& r, bool empty) {
    std::uint8_t b[256] = {};
    if (!empty)
        for (int i = 0; i < 24; ++i) b[r.below(256)] |= static_cast<std::uint8_t>(1u << r.below(8));
    o.qstr_bytes(b, 256);
}

struct Block {
    std::uint64_t number, timestamp, base_fee;
    H32 hash, parent;
    Addr miner;
    std::vector<Tx> txs;
};

void write_block(Out& o, World& w, const Block& b, std::uint64_t id, Expect& ex) {
    Rng& r = w.rng;
    std::uint64_t gas_used = 0;
    for (const auto& t : b.txs) gas_used += t.gas_used;
    // eth_getBlockByNumber(n, true)
    o.raw("{\"jsonrpc\":\"2.0\",\"id\":"); o.raw(std::to_string(id)); o.raw(",\"result\":{");
    o.key("baseFeePerGas"); o.qty(b.base_fee);
    o.raw(","); o.key("difficulty"); o.raw("\"0x0\"");
    o.raw(","); o.key("extraData"); { std::uint8_t e[16]; for (auto& x : e) x = static_cast<std::uint8_t>(r.next()); o.qstr_bytes(e, 16); }
    o.raw(","); o.key("gasLimit"); o.qty(30'000'000);
    o.raw(","); o.key("gasUsed"); o.qty(gas_used);
    o.raw(","); o.key("hash"); o.hash(b.hash);
    o.raw(","); o.key("logsBloom"); bloom(o, r, false);
    o.raw(","); o.key("miner"); o.addr(b.miner);
    o.raw(","); o.key("mixHash"); o.hash(rand32(r));
    o.raw(","); o.key("nonce"); o.raw("\"0x0000000000000000\"");
    o.raw(","); o.key("number"); o.qty(b.number);
    o.raw(","); o.key("parentHash"); o.hash(b.parent);
    o.raw(","); o.key("receiptsRoot"); o.hash(rand32(r));
    o.raw(","); o.key("sha3Uncles"); o.raw("\"0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347\"");
    o.raw(","); o.key("size"); o.qty(60'000 + r.below(100'000));
    o.raw(","); o.key("stateRoot"); o.hash(rand32(r));
    o.raw(","); o.key("timestamp"); o.qty(b.timestamp);
    o.raw(","); o.key("totalDifficulty"); o.raw("\"0xc70d815d562d3cfa955\"");
    o.raw(","); o.key("transactions"); o.raw("[");
    for (std::size_t i = 0; i < b.txs.size(); ++i) {
        const Tx& t = b.txs[i];
        if (i) o.raw(",");
        o.raw("{"); o.key("blockHash"); o.hash(b.hash);
        o.raw(","); o.key("blockNumber"); o.qty(b.number);
        o.raw(","); o.key("from"); o.addr(t.from);
        o.raw(","); o.key("gas"); o.qty(t.gas);
        o.raw(","); o.key("gasPrice"); o.qty(t.gas_price);
        if (t.type == 2) {
            o.raw(","); o.key("maxFeePerGas"); o.qty(t.max_fee);
            o.raw(","); o.key("maxPriorityFeePerGas"); o.qty(t.prio);
        }
        o.raw(","); o.key("hash"); o.hash(t.hash);
        o.raw(","); o.key("input");
        if (t.input) o.calldata(r, t.selector, t.input); else o.raw("\"0x\"");
        o.raw(","); o.key("nonce"); o.qty(t.nonce);
        o.raw(","); o.key("to"); if (t.create) o.raw("null"); else o.addr(t.to);
        o.raw(","); o.key("transactionIndex"); o.qty(i);
        o.raw(","); o.key("value"); o.qty(t.value);
        o.raw(","); o.key("type"); o.qty(static_cast<unsigned>(t.type));
        if (t.type == 2) {
            o.raw(","); o.key("accessList"); o.raw("[");
            if (t.access_list) {
                int n = static_cast<int>(r.range(1, 3));
                for (int a = 0; a < n; ++a) {
                    if (a) o.raw(",");
                    o.raw("{"); o.key("address"); o.addr(w.contract()); o.raw(","); o.key("storageKeys"); o.raw("[");
                    int k = static_cast<int>(r.range(1, 4));
                    for (int j = 0; j < k; ++j) { if (j) o.raw(","); o.hash(rand32(r)); }
                    o.raw("]}");
                }
            }
            o.raw("]");
        }
        o.raw(","); o.key("chainId"); o.raw("\"0x1\"");
        o.raw(","); o.key("v"); o.raw(t.type == 2 ? "\"0x1\"" : "\"0x25\"");
        if (t.type == 2) { o.raw(","); o.key("yParity"); o.raw("\"0x1\""); }
        o.raw(","); o.key("r"); o.hash(rand32(r));
        o.raw(","); o.key("s"); o.hash(rand32(r));
        o.raw("}");
    }
    o.raw("]");
    o.raw(","); o.key("transactionsRoot"); o.hash(rand32(r));
    o.raw(","); o.key("uncles"); o.raw("[]");
    o.raw(","); o.key("withdrawals"); o.raw("[");
    for (int i = 0; i < 16; ++i) {  // post-Shanghai: 16 validator withdrawals per block
        if (i) o.raw(",");
        o.raw("{"); o.key("index"); o.qty(b.number * 16 + i);
        o.raw(","); o.key("validatorIndex"); o.qty(r.below(900'000));
        o.raw(","); o.key("address"); o.addr(w.user());
        o.raw(","); o.key("amount"); o.qty(r.range(10'000'000, 20'000'000));
        o.raw("}");
        ex.transfers++;
    }
    o.raw("]");
    o.raw(","); o.key("withdrawalsRoot"); o.hash(rand32(r));
    o.raw("}}\n");

    // eth_getBlockReceipts
    o.raw("{\"jsonrpc\":\"2.0\",\"id\":"); o.raw(std::to_string(id + 1)); o.raw(",\"result\":[");
    std::uint64_t cumulative = 0, log_index = 0;
    for (std::size_t i = 0; i < b.txs.size(); ++i) {
        const Tx& t = b.txs[i];
        cumulative += t.gas_used;
        if (i) o.raw(",");
        o.raw("{"); o.key("blockHash"); o.hash(b.hash);
        o.raw(","); o.key("blockNumber"); o.qty(b.number);
        o.raw(","); o.key("contractAddress"); if (t.create) o.addr(t.created); else o.raw("null");
        o.raw(","); o.key("cumulativeGasUsed"); o.qty(cumulative);
        o.raw(","); o.key("effectiveGasPrice"); o.qty(t.effective);
        o.raw(","); o.key("from"); o.addr(t.from);
        o.raw(","); o.key("gasUsed"); o.qty(t.gas_used);
        o.raw(","); o.key("logs"); o.raw("[");
        if (!t.failed)
            for (std::size_t j = 0; j < t.logs.size(); ++j) {
                const Log& l = t.logs[j];
                if (j) o.raw(",");
                o.raw("{"); o.key("address"); o.addr(l.address);
                o.raw(","); o.key("topics"); o.raw("[");
                for (std::size_t k = 0; k < l.topics.size(); ++k) { if (k) o.raw(","); o.hash(l.topics[k]); }
                o.raw("]");
                o.raw(","); o.key("data"); o.raw("\"");
                if (l.data.empty()) o.raw("0x");
                for (std::size_t k = 0; k < l.data.size(); ++k) {
                    std::size_t at = o.s.size();
                    o.word(l.data[k]);
                    if (k) o.s.erase(at, 2);  // one 0x prefix for the whole data
                }
                o.raw("\"");
                o.raw(","); o.key("blockNumber"); o.qty(b.number);
                o.raw(","); o.key("transactionHash"); o.hash(t.hash);
                o.raw(","); o.key("transactionIndex"); o.qty(i);
                o.raw(","); o.key("blockHash"); o.hash(b.hash);
                o.raw(","); o.key("logIndex"); o.qty(log_index++);
                o.raw(","); o.key("removed"); o.raw("false");
                o.raw("}");
                ex.logs++;
            }
        o.raw("]");
        o.raw(","); o.key("logsBloom"); bloom(o, r, t.logs.empty() || t.failed);
        o.raw(","); o.key("status"); o.raw(t.failed ? "\"0x0\"" : "\"0x1\"");
        o.raw(","); o.key("to"); if (t.create) o.raw("null"); else o.addr(t.to);
        o.raw(","); o.key("transactionHash"); o.hash(t.hash);
        o.raw(","); o.key("transactionIndex"); o.qty(i);
        o.raw(","); o.key("type"); o.qty(static_cast<unsigned>(t.type));
        o.raw("}");
        ex.transfers += expected_transfers(t, b.base_fee);
    }
    o.raw("]}\n");

    // debug_traceBlockByNumber with callTracer
    o.raw("{\"jsonrpc\":\"2.0\",\"id\":"); o.raw(std::to_string(id + 2)); o.raw(",\"result\":[");
    for (std::size_t i = 0; i < b.txs.size(); ++i) {
        if (i) o.raw(",");
        o.raw("{"); o.key("txHash"); o.hash(b.txs[i].hash);
        o.raw(","); o.key("result");
        write_frame(o, w, b.txs[i].top, true, b.txs[i]);
        o.raw("}");
    }
    o.raw("]}\n");
    ex.blocks++;
    ex.txs += b.txs.size();
}

int usage() {
    std::fprintf(stderr, "usage: cw_bench_gen OUT_DIR (--mb MB | --blocks N) [--seed S] [--blocks-per-file N] [--first N]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    std::filesystem::path out = argv[1];
    std::uint64_t target_mb = 0, max_blocks = 0, seed = 1, per_file = 100, first = 18'000'000;
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        std::uint64_t v = std::stoull(argv[i + 1]);
        if (k == "--mb") target_mb = v;
        else if (k == "--blocks") max_blocks = v;
        else if (k == "--seed") seed = v;
        else if (k == "--blocks-per-file") per_file = v;
        else if (k == "--first") first = v;
        else return usage();
    }
    if (!target_mb && !max_blocks) return usage();
    std::filesystem::create_directories(out);
    World w{Rng{seed}};
    Expect ex;
    Rng hr{seed ^ 0xABCDEF};
    H32 parent = rand32(hr);
    std::uint64_t id = 1;
    Out o;
    std::FILE* f = nullptr;
    for (std::uint64_t n = first;; ++n) {
        if (max_blocks && ex.blocks >= max_blocks) break;
        if (!max_blocks && ex.bytes + o.s.size() >= target_mb * 1'000'000) break;
        if ((n - first) % per_file == 0) {
            if (f) {
                std::fwrite(o.s.data(), 1, o.s.size(), f);
                ex.bytes += o.s.size();
                o.s.clear();
                std::fclose(f);
            }
            char name[64];
            std::snprintf(name, sizeof name, "blocks-%09llu.jsonl", static_cast<unsigned long long>(n));
            f = std::fopen((out / name).string().c_str(), "wb");
            if (!f) {
                std::perror(name);
                return 1;
            }
        }
        Block b;
        b.number = n;
        b.timestamp = 1'692'000'000 + 12 * (n - first);
        b.base_fee = w.rng.range(8'000'000'000, 45'000'000'000);
        b.parent = parent;
        b.hash = rand32(hr);
        b.miner = addr_of(w.rng.below(40), 5);  // a few dozen fee recipients (builders)
        std::size_t ntx = w.rng.range(140, 210);
        for (std::size_t i = 0; i < ntx; ++i) b.txs.push_back(make_tx(w, b.base_fee));
        write_block(o, w, b, id, ex);
        id += 3;
        parent = b.hash;
        if (o.s.size() > (64u << 20)) {
            std::fwrite(o.s.data(), 1, o.s.size(), f);
            ex.bytes += o.s.size();
            o.s.clear();
        }
    }
    if (f) {
        std::fwrite(o.s.data(), 1, o.s.size(), f);
        ex.bytes += o.s.size();
        std::fclose(f);
    }
    std::printf("{\"blocks\":%llu,\"txs\":%llu,\"transfers\":%llu,\"logs\":%llu,\"bytes\":%llu}\n",
                (unsigned long long)ex.blocks, (unsigned long long)ex.txs, (unsigned long long)ex.transfers,
                (unsigned long long)ex.logs, (unsigned long long)ex.bytes);
    return 0;
}
