#include "btc/btc.hpp"

#include "core/core.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace chainward::btc {

std::string hash_hex(const Hash& h) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(64);
    for (auto it = h.rbegin(); it != h.rend(); ++it) {
        out.push_back(digits[*it >> 4]);
        out.push_back(digits[*it & 15]);
    }
    return out;
}

bool Transaction::coinbase() const {
    return inputs.size() == 1 && inputs[0].prev_vout == 0xFFFFFFFF &&
           std::all_of(inputs[0].prev_txid.begin(), inputs[0].prev_txid.end(), [](auto b) { return b == 0; });
}

namespace {

// Bounds-checked little-endian reader over untrusted bytes.
class Reader {
public:
    Reader(ByteSpan b, std::string_view source) : b_(b), source_(source) {}
    std::size_t pos() const { return pos_; }
    bool done() const { return pos_ == b_.size(); }
    [[noreturn]] void fail(std::string_view field, std::string_view why) const {
        throw InputError(fmt::format("{}: byte offset {}: {}: {}", source_, pos_, field, why));
    }
    ByteSpan take(std::size_t n, std::string_view field) {
        if (n > b_.size() - pos_) fail(field, fmt::format("needs {} bytes, {} left", n, b_.size() - pos_));
        auto s = b_.subspan(pos_, n);
        pos_ += n;
        return s;
    }
    std::uint64_t le(std::size_t n, std::string_view field) {
        auto s = take(n, field);
        std::uint64_t v = 0;
        for (std::size_t i = n; i-- > 0;) v = (v << 8) | s[i];
        return v;
    }
    std::uint8_t peek(std::string_view field) {
        if (pos_ >= b_.size()) fail(field, "unexpected end");
        return b_[pos_];
    }
    // CompactSize count, refused when it could not fit in what is left (each item >= min_item bytes).
    std::uint64_t count(std::string_view field, std::size_t min_item) {
        std::uint8_t first = static_cast<std::uint8_t>(le(1, field));
        std::uint64_t v = first;
        if (first == 0xfd) v = le(2, field);
        else if (first == 0xfe) v = le(4, field);
        else if (first == 0xff) v = le(8, field);
        if (min_item && v > (b_.size() - pos_) / min_item) fail(field, fmt::format("count {} exceeds the remaining bytes", v));
        return v;
    }
    Bytes bytes(std::string_view field) {
        auto n = count(field, 1);
        auto s = take(static_cast<std::size_t>(n), field);
        return Bytes(s.begin(), s.end());
    }
    Hash hash(std::string_view field) {
        Hash h;
        auto s = take(32, field);
        std::copy(s.begin(), s.end(), h.begin());
        return h;
    }
    ByteSpan span(std::size_t from) const { return b_.subspan(from, pos_ - from); }

private:
    ByteSpan b_;
    std::string_view source_;
    std::size_t pos_ = 0;
};

Transaction parse_tx(Reader& r) {
    Transaction tx;
    const std::size_t start = r.pos();
    tx.version = static_cast<std::int32_t>(r.le(4, "tx version"));
    // BIP-144: marker 0x00 then flag 0x01 where the input count would be.
    bool segwit = false;
    Bytes stripped;  // serialization without marker, flag and witnesses (for the txid)
    auto append = [&](ByteSpan s) { stripped.insert(stripped.end(), s.begin(), s.end()); };
    append(r.span(start));
    if (r.peek("tx input count") == 0) {
        r.take(1, "segwit marker");
        if (r.le(1, "segwit flag") != 1) r.fail("segwit flag", "must be 1");
        segwit = true;
    }
    const std::size_t body = r.pos();
    auto nin = r.count("tx input count", 41);
    tx.inputs.resize(static_cast<std::size_t>(nin));
    for (auto& in : tx.inputs) {
        in.prev_txid = r.hash("input prev txid");
        in.prev_vout = static_cast<std::uint32_t>(r.le(4, "input prev vout"));
        in.script_sig = r.bytes("input scriptSig");
        in.sequence = static_cast<std::uint32_t>(r.le(4, "input sequence"));
    }
    auto nout = r.count("tx output count", 9);
    tx.outputs.resize(static_cast<std::size_t>(nout));
    for (auto& out : tx.outputs) {
        out.value = r.le(8, "output value");
        out.script = r.bytes("output scriptPubKey");
    }
    append(r.span(body));
    if (segwit) {
        if (tx.inputs.empty()) r.fail("segwit marker", "segwit transaction without inputs");
        for (auto& in : tx.inputs) {
            auto items = r.count("witness item count", 1);
            in.witness.reserve(static_cast<std::size_t>(items));
            for (std::uint64_t i = 0; i < items; ++i) in.witness.push_back(r.bytes("witness item"));
        }
    }
    const std::size_t lock = r.pos();
    tx.locktime = static_cast<std::uint32_t>(r.le(4, "tx locktime"));
    append(r.span(lock));
    tx.txid = sha256d(stripped);
    tx.wtxid = segwit ? sha256d(r.span(start)) : tx.txid;
    return tx;
}

}  // namespace

Hash merkle_root(std::vector<Hash> level) {
    if (level.empty()) return Hash{};
    while (level.size() > 1) {
        if (level.size() % 2) level.push_back(level.back());
        std::vector<Hash> next(level.size() / 2);
        for (std::size_t i = 0; i < next.size(); ++i) {
            std::array<std::uint8_t, 64> pair;
            std::copy(level[2 * i].begin(), level[2 * i].end(), pair.begin());
            std::copy(level[2 * i + 1].begin(), level[2 * i + 1].end(), pair.begin() + 32);
            next[i] = sha256d(pair);
        }
        level = std::move(next);
    }
    return level[0];
}

Block parse_block(ByteSpan bytes, std::string_view source) {
    Reader r(bytes, source);
    Block b;
    auto& h = b.header;
    h.version = static_cast<std::int32_t>(r.le(4, "header version"));
    h.prev_block = r.hash("header prev block");
    h.merkle_root = r.hash("header merkle root");
    h.time = static_cast<std::uint32_t>(r.le(4, "header time"));
    h.bits = static_cast<std::uint32_t>(r.le(4, "header bits"));
    h.nonce = static_cast<std::uint32_t>(r.le(4, "header nonce"));
    h.hash = sha256d(r.span(0));
    auto ntx = r.count("block tx count", 60);
    b.txs.reserve(static_cast<std::size_t>(ntx));
    for (std::uint64_t i = 0; i < ntx; ++i) b.txs.push_back(parse_tx(r));
    if (!r.done()) r.fail("block", "trailing bytes after the last transaction");
    std::vector<Hash> ids;
    ids.reserve(b.txs.size());
    for (const auto& tx : b.txs) ids.push_back(tx.txid);
    if (!b.txs.empty() && merkle_root(std::move(ids)) != h.merkle_root)
        throw InputError(fmt::format("{}: block {}: merkle root does not match its transactions", source, hash_hex(h.hash)));
    return b;
}

Bytes hex_bytes(std::string_view hex, std::string_view what) {
    while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.front()))) hex.remove_prefix(1);
    while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) hex.remove_suffix(1);
    if (hex.size() % 2) throw InputError(fmt::format("{}: hex has an odd number of digits", what));
    Bytes bytes(hex.size() / 2);
    auto nibble = [&](char c, std::size_t at) -> unsigned {
        if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
        if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
        if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
        throw InputError(fmt::format("{}: hex: bad character at position {}", what, at));
    };
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<std::uint8_t>(nibble(hex[2 * i], 2 * i) << 4 | nibble(hex[2 * i + 1], 2 * i + 1));
    return bytes;
}

Hash hash_from_hex(std::string_view hex, std::string_view what) {
    auto b = hex_bytes(hex, what);
    if (b.size() != 32) throw InputError(fmt::format("{}: a hash has 64 hex digits, got {}", what, hex.size()));
    Hash h;
    std::copy(b.rbegin(), b.rend(), h.begin());
    return h;
}

Block parse_block_hex(std::string_view hex, std::string_view source) {
    return parse_block(hex_bytes(hex, source), source);
}

Transaction parse_transaction_hex(std::string_view hex, std::string_view source) {
    auto bytes = hex_bytes(hex, source);
    Reader r(bytes, source);
    auto tx = parse_tx(r);
    if (!r.done()) r.fail("transaction", "trailing bytes");
    return tx;
}

}  // namespace chainward::btc
