// blockchain-etl's bitcoin export (transactions as JSON lines).
#include "btc/btc.hpp"

#include "core/core.hpp"

#include <fmt/format.h>
#include <simdjson.h>

namespace chainward::btc {

namespace {
void put_le(Bytes& out, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_count(Bytes& out, std::uint64_t v) {
    if (v < 0xfd) put_le(out, v, 1);
    else if (v <= 0xffff) { out.push_back(0xfd); put_le(out, v, 2); }
    else if (v <= 0xffffffff) { out.push_back(0xfe); put_le(out, v, 4); }
    else { out.push_back(0xff); put_le(out, v, 8); }
}
void put_bytes(Bytes& out, const Bytes& b) {
    put_count(out, b.size());
    out.insert(out.end(), b.begin(), b.end());
}
}  // namespace

std::vector<EtlTransaction> parse_etl_transactions(std::string_view jsonl, std::string_view source) {
    std::vector<EtlTransaction> out;
    simdjson::dom::parser parser;
    std::size_t line_no = 0;
    while (!jsonl.empty()) {
        auto nl = jsonl.find('\n');
        auto line = jsonl.substr(0, nl);
        jsonl.remove_prefix(nl == std::string_view::npos ? jsonl.size() : nl + 1);
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        auto where = fmt::format("{}: line {}", source, line_no);
        auto fail = [&](std::string_view field, std::string_view why) {
            return InputError(fmt::format("{}: {}: {}", where, field, why));
        };
        simdjson::dom::element e;
        if (parser.parse(simdjson::padded_string(line)).get(e)) throw fail("transaction", "malformed JSON");
        auto u = [&](simdjson::dom::element o, const char* k, std::string_view f) {
            std::uint64_t v;
            if (o[k].get(v)) throw fail(f, "missing or not an unsigned integer");
            return v;
        };
        auto s = [&](simdjson::dom::element o, const char* k, std::string_view f) {
            std::string_view v;
            if (o[k].get(v)) throw fail(f, "missing or not a string");
            return v;
        };
        EtlTransaction t;
        t.block_number = u(e, "block_number", "block_number");
        t.block_hash = hash_from_hex(s(e, "block_hash", "block_hash"), where + ": block_hash");
        t.block_timestamp = u(e, "block_timestamp", "block_timestamp");
        t.index = static_cast<std::uint32_t>(u(e, "index", "index"));
        t.tx.version = static_cast<std::int32_t>(u(e, "version", "version"));
        t.tx.locktime = static_cast<std::uint32_t>(u(e, "lock_time", "lock_time"));
        bool coinbase = false;
        if (e["is_coinbase"].get(coinbase)) throw fail("is_coinbase", "missing or not a boolean");
        simdjson::dom::array ins, outs;
        if (e["inputs"].get(ins)) throw fail("inputs", "missing or not an array");
        if (e["outputs"].get(outs)) throw fail("outputs", "missing or not an array");
        for (auto in : ins) {
            TxIn ti;
            ti.prev_txid = hash_from_hex(s(in, "spent_transaction_hash", "inputs.spent_transaction_hash"), where + ": inputs.spent_transaction_hash");
            ti.prev_vout = static_cast<std::uint32_t>(u(in, "spent_output_index", "inputs.spent_output_index"));
            ti.script_sig = hex_bytes(s(in, "script_hex", "inputs.script_hex"), where + ": inputs.script_hex");
            ti.sequence = static_cast<std::uint32_t>(u(in, "sequence", "inputs.sequence"));
            std::uint64_t value;
            if (in["value"].get(value) == simdjson::SUCCESS) ti.prevout = TxOut{value, {}};
            t.tx.inputs.push_back(std::move(ti));
        }
        for (auto o : outs) {
            TxOut to;
            to.value = u(o, "value", "outputs.value");
            to.script = hex_bytes(s(o, "script_hex", "outputs.script_hex"), where + ": outputs.script_hex");
            t.tx.outputs.push_back(std::move(to));
        }
        t.tx.txid = t.tx.wtxid = hash_from_hex(s(e, "hash", "hash"), where + ": hash");
        if (!coinbase) {
            // The export leaves witnesses out, but a txid never covers them: recompute and compare.
            Bytes ser;
            put_le(ser, static_cast<std::uint32_t>(t.tx.version), 4);
            put_count(ser, t.tx.inputs.size());
            for (const auto& in : t.tx.inputs) {
                ser.insert(ser.end(), in.prev_txid.begin(), in.prev_txid.end());
                put_le(ser, in.prev_vout, 4);
                put_bytes(ser, in.script_sig);
                put_le(ser, in.sequence, 4);
            }
            put_count(ser, t.tx.outputs.size());
            for (const auto& o : t.tx.outputs) {
                put_le(ser, o.value, 8);
                put_bytes(ser, o.script);
            }
            put_le(ser, t.tx.locktime, 4);
            if (sha256d(ser) != t.tx.txid) throw fail("hash", "is not the txid of the transaction's fields");
        } else {
            // The export drops the coinbase input; keep the null outpoint so coinbase() holds.
            TxIn cb;
            cb.prev_vout = 0xFFFFFFFF;
            t.tx.inputs = {cb};
        }
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace chainward::btc
