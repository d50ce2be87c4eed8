// getblock (verbosity 2 and 3) answers of a Bitcoin node: the exact transaction bytes come from
// each transaction's "hex"; the JSON fields around them are checked against what the bytes give.
#include "btc/btc.hpp"

#include "core/core.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>

namespace chainward::btc {

namespace {

using simdjson::dom::element;

struct Ctx {
    std::string_view source;
    [[noreturn]] void fail(std::string_view field, std::string_view why) const {
        throw InputError(fmt::format("{}: {}: {}", source, field, why));
    }
    element field(element obj, std::string_view key, std::string_view where) const {
        element v;
        if (obj.at_key(key).get(v)) fail(fmt::format("{}.{}", where, key), "missing");
        return v;
    }
    std::string_view str(element obj, std::string_view key, std::string_view where) const {
        std::string_view s;
        if (field(obj, key, where).get(s)) fail(fmt::format("{}.{}", where, key), "not a string");
        return s;
    }
    std::uint64_t uint(element obj, std::string_view key, std::string_view where) const {
        std::uint64_t n;
        if (field(obj, key, where).get(n)) fail(fmt::format("{}.{}", where, key), "not an unsigned integer");
        return n;
    }
    std::int64_t sint(element obj, std::string_view key, std::string_view where) const {
        std::int64_t n;
        if (field(obj, key, where).get(n)) fail(fmt::format("{}.{}", where, key), "not an integer");
        return n;
    }
    // BTC amounts arrive as JSON numbers with 8 decimals. Any amount up to 21e6 BTC rounds back
    // exactly: the double nearest the decimal, scaled by 1e8, is within 0.5 satoshi of it
    // (2.1e15 sat · 2^-52 < 0.5).
    std::uint64_t sats(element v, std::string_view where) const {
        double d;
        if (v.get(d)) fail(where, "not a number");
        if (!(d >= 0) || d > 21e6) fail(where, fmt::format("amount {} out of range", d));
        return static_cast<std::uint64_t>(std::llround(d * 1e8));
    }
};

void put_le(Bytes& out, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

JsonBlock parse_getblock_json(std::string_view json, std::string_view source) {
    Ctx c{source};
    simdjson::dom::parser parser;
    element doc;
    if (parser.parse(simdjson::padded_string(json)).get(doc)) c.fail("getblock", "malformed JSON");
    element b = doc, result;
    if (doc.at_key("result").get(result) == simdjson::SUCCESS) {
        element err;
        if (doc.at_key("error").get(err) == simdjson::SUCCESS && !err.is_null()) c.fail("error", simdjson::to_string(err));
        b = result;
    }
    if (!b.is_object()) c.fail("getblock", "not an object");
    JsonBlock out;
    auto& h = out.block.header;
    out.height = c.uint(b, "height", "block");
    h.version = static_cast<std::int32_t>(c.sint(b, "version", "block"));
    std::string_view prev;
    if (b.at_key("previousblockhash").get(prev) == simdjson::SUCCESS) h.prev_block = hash_from_hex(prev, fmt::format("{}: block.previousblockhash", source));
    h.merkle_root = hash_from_hex(c.str(b, "merkleroot", "block"), fmt::format("{}: block.merkleroot", source));
    h.time = static_cast<std::uint32_t>(c.uint(b, "time", "block"));
    h.nonce = static_cast<std::uint32_t>(c.uint(b, "nonce", "block"));
    auto bits = hex_bytes(c.str(b, "bits", "block"), fmt::format("{}: block.bits", source));
    if (bits.size() != 4) c.fail("block.bits", "must be 8 hex digits");
    h.bits = std::uint32_t(bits[0]) << 24 | std::uint32_t(bits[1]) << 16 | std::uint32_t(bits[2]) << 8 | bits[3];
    Bytes header;
    put_le(header, static_cast<std::uint32_t>(h.version), 4);
    header.insert(header.end(), h.prev_block.begin(), h.prev_block.end());
    header.insert(header.end(), h.merkle_root.begin(), h.merkle_root.end());
    put_le(header, h.time, 4);
    put_le(header, h.bits, 4);
    put_le(header, h.nonce, 4);
    h.hash = sha256d(header);
    auto claimed = c.str(b, "hash", "block");
    if (hash_hex(h.hash) != claimed) c.fail("block.hash", fmt::format("{} is not the hash of the header fields ({})", claimed, hash_hex(h.hash)));

    simdjson::dom::array txs;
    if (c.field(b, "tx", "block").get(txs)) c.fail("block.tx", "not an array (getblock verbosity 2 or 3 needed)");
    std::size_t i = 0;
    std::vector<Hash> ids;
    for (element t : txs) {
        auto where = fmt::format("tx[{}]", i);
        if (!t.is_object()) c.fail(where, "not an object (getblock verbosity 2 or 3 needed)");
        auto tx = parse_transaction_hex(c.str(t, "hex", where), fmt::format("{}: {}.hex", source, where));
        if (hash_hex(tx.txid) != c.str(t, "txid", where)) c.fail(where + ".txid", "does not match the hash of its hex");
        simdjson::dom::array vin;
        if (c.field(t, "vin", where).get(vin)) c.fail(where + ".vin", "not an array");
        if (vin.size() != tx.inputs.size()) c.fail(where + ".vin", "count differs from the hex");
        std::size_t k = 0;
        for (element in : vin) {
            element prevout;
            if (in.at_key("prevout").get(prevout) == simdjson::SUCCESS) {
                auto pw = fmt::format("{}.vin[{}].prevout", where, k);
                TxOut o;
                o.value = c.sats(c.field(prevout, "value", pw), pw + ".value");
                element spk = c.field(prevout, "scriptPubKey", pw);
                o.script = hex_bytes(c.str(spk, "hex", pw + ".scriptPubKey"), fmt::format("{}: {}.scriptPubKey.hex", source, pw));
                tx.inputs[k].prevout = std::move(o);
            }
            ++k;
        }
        ids.push_back(tx.txid);
        out.block.txs.push_back(std::move(tx));
        ++i;
    }
    if (!ids.empty() && merkle_root(std::move(ids)) != h.merkle_root)
        c.fail("block.merkleroot", "does not match the transactions");
    return out;
}

}  // namespace chainward::btc
