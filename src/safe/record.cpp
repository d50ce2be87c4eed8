// Inputs: Safe Transaction Service records (single, paginated `results`, or a JSON array) and raw
// signed Ethereum transactions that call execTransaction on a Safe.
#include <fmt/core.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include "safe/abi.hpp"
#include "safe/rlp.hpp"
#include "safe/safe.hpp"

namespace chainward::safe {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::optional<element> field(const simdjson::dom::object& obj, std::string_view name) {
    element e;
    if (obj.at_key(name).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
    return e;
}

std::string ctx(const std::string& where, std::string_view name) {
    return fmt::format("{}: field '{}'", where, name);
}

std::string_view as_string(const element& e, const std::string& what) {
    std::string_view s;
    if (e.get(s) != simdjson::SUCCESS) throw InputError(what + ": expected a string");
    return s;
}

template <class F>
auto wrap(const std::string& what, F&& f) {
    try {
        return f();
    } catch (const std::invalid_argument& e) {
        throw InputError(what + ": " + e.what());
    }
}

U256 as_u256(const element& e, const std::string& what) {
    switch (e.type()) {
        case element_type::STRING: {
            auto s = as_string(e, what);
            return wrap(what, [&] { return parse_u256(s); });
        }
        case element_type::UINT64: return U256(e.get_uint64().value());
        case element_type::INT64: {
            std::int64_t v = e.get_int64().value();
            if (v < 0) throw InputError(what + ": negative number");
            return U256(static_cast<std::uint64_t>(v));
        }
        default: throw InputError(what + ": expected an integer (number or decimal string)");
    }
}

Address as_address(const element& e, const std::string& what) {
    auto s = as_string(e, what);
    return wrap(what, [&] { return parse_address(s); });
}

ByteVec as_bytes(const element& e, const std::string& what) {
    auto s = as_string(e, what);
    return wrap(what, [&] { return parse_hex_bytes(s); });
}

Proposal parse_record(const element& e, const std::string& where) {
    simdjson::dom::object obj;
    if (e.get(obj) != simdjson::SUCCESS) throw InputError(where + ": expected a JSON object");
    Proposal p;
    p.source = where;
    auto req = [&](std::string_view name) {
        auto f = field(obj, name);
        if (!f) throw InputError(ctx(where, name) + " is missing");
        return *f;
    };
    if (auto f = field(obj, "safe")) p.safe = as_address(*f, ctx(where, "safe"));
    p.tx.to = as_address(req("to"), ctx(where, "to"));
    if (auto f = field(obj, "value")) p.tx.value = as_u256(*f, ctx(where, "value"));
    if (auto f = field(obj, "data")) p.tx.data = as_bytes(*f, ctx(where, "data"));
    if (auto f = field(obj, "operation")) {
        U256 op = as_u256(*f, ctx(where, "operation"));
        if (op > 1) throw InputError(ctx(where, "operation") + ": must be 0 (CALL) or 1 (DELEGATECALL)");
        p.tx.operation = static_cast<Operation>(static_cast<int>(op));
    }
    if (auto f = field(obj, "safeTxGas")) p.tx.safe_tx_gas = as_u256(*f, ctx(where, "safeTxGas"));
    if (auto f = field(obj, "baseGas")) p.tx.base_gas = as_u256(*f, ctx(where, "baseGas"));
    else if (auto g = field(obj, "dataGas")) p.tx.base_gas = as_u256(*g, ctx(where, "dataGas"));
    if (auto f = field(obj, "gasPrice")) p.tx.gas_price = as_u256(*f, ctx(where, "gasPrice"));
    if (auto f = field(obj, "gasToken")) p.tx.gas_token = as_address(*f, ctx(where, "gasToken"));
    if (auto f = field(obj, "refundReceiver"))
        p.tx.refund_receiver = as_address(*f, ctx(where, "refundReceiver"));
    if (auto f = field(obj, "nonce")) {
        p.tx.nonce = as_u256(*f, ctx(where, "nonce"));
        p.has_nonce = true;
    }
    if (auto f = field(obj, "safeTxHash")) {
        auto s = as_string(*f, ctx(where, "safeTxHash"));
        p.claimed_safe_tx_hash = wrap(ctx(where, "safeTxHash"), [&] { return parse_hash(s); });
    }
    if (auto f = field(obj, "signatures")) p.signatures = as_bytes(*f, ctx(where, "signatures"));
    if (auto f = field(obj, "isExecuted")) {
        bool b = false;
        if (f->get(b) == simdjson::SUCCESS) p.executed = b;
    }
    if (auto f = field(obj, "confirmations")) {
        simdjson::dom::array arr;
        if (f->get(arr) != simdjson::SUCCESS) throw InputError(ctx(where, "confirmations") + ": expected an array");
        std::size_t i = 0;
        for (element c : arr) {
            std::string cw = fmt::format("{}.confirmations[{}]", where, i++);
            simdjson::dom::object co;
            if (c.get(co) != simdjson::SUCCESS) throw InputError(cw + ": expected an object");
            Confirmation conf;
            auto owner = field(co, "owner");
            if (!owner) throw InputError(ctx(cw, "owner") + " is missing");
            conf.owner = as_address(*owner, ctx(cw, "owner"));
            if (auto s = field(co, "signature")) conf.signature = as_bytes(*s, ctx(cw, "signature"));
            p.confirmations.push_back(std::move(conf));
        }
    }
    return p;
}

std::vector<Proposal> parse_json(std::string_view text) {
    simdjson::dom::parser parser;
    simdjson::padded_string padded(text);
    element doc;
    if (auto err = parser.parse(padded).get(doc); err != simdjson::SUCCESS)
        throw InputError(fmt::format("input: not valid JSON ({})", simdjson::error_message(err)));
    std::vector<Proposal> out;
    simdjson::dom::array arr;
    std::string prefix;
    if (doc.get(arr) == simdjson::SUCCESS) {
        prefix = "";
    } else {
        simdjson::dom::object obj;
        if (doc.get(obj) != simdjson::SUCCESS)
            throw InputError("input: expected a JSON object (a record or a page with 'results') or an array");
        auto results = field(obj, "results");
        if (!results) return {parse_record(doc, "record")};
        if (results->get(arr) != simdjson::SUCCESS) throw InputError("input: field 'results' is not an array");
        prefix = "results";
    }
    std::size_t i = 0;
    for (element e : arr) {
        out.push_back(parse_record(e, fmt::format("{}[{}]", prefix, i)));
        ++i;
    }
    if (out.empty()) throw InputError("input: the list holds no Safe transaction");
    return out;
}

U256 chain_id_from_v(const U256& v) { return (v - 35) / 2; }

Proposal parse_raw_tx(std::string_view hex) {
    const char* what = "raw transaction";
    ByteVec raw = wrap(what, [&] { return parse_hex_bytes(hex); });
    if (raw.empty()) throw InputError("raw transaction: empty");
    Proposal p;
    p.source = "raw transaction";
    p.executed = true;
    p.eth_tx_hash = keccak256(raw);
    // Typed transactions start with their type byte; legacy ones with an RLP list header.
    std::uint8_t type = raw[0] >= 0xc0 ? 0xff : raw[0];
    std::span<const std::uint8_t> body = type == 0xff ? std::span<const std::uint8_t>(raw)
                                                      : std::span<const std::uint8_t>(raw).subspan(1);
    if (type != 0xff && type != 1 && type != 2)
        throw InputError(fmt::format("raw transaction: unsupported transaction type {}", type));
    rlp::Item list = rlp::decode(body, what);
    if (!list.is_list) throw InputError("raw transaction: not an RLP list");
    const std::size_t expected = type == 0xff ? 9 : type == 1 ? 11 : 12;
    if (list.items.size() != expected)
        throw InputError(fmt::format("raw transaction: type {} needs {} fields, has {}",
                                     type == 0xff ? 0 : type, expected, list.items.size()));
    const std::size_t to_i = type == 0xff ? 3 : type == 1 ? 4 : 5;
    const auto& to_item = list.items[to_i];
    if (to_item.is_list || to_item.payload.size() != 20)
        throw InputError("raw transaction: 'to' is not a 20-byte address (contract creation?)");
    Address to;
    std::copy(to_item.payload.begin(), to_item.payload.end(), to.b.begin());
    const auto& data_item = list.items[to_i + 2];
    if (data_item.is_list) throw InputError("raw transaction: 'data' is a list");

    // Sender: recover from the signing hash.
    const std::size_t n_signed = expected - 3;
    ByteVec unsigned_items;
    for (std::size_t i = 0; i < n_signed; ++i)
        unsigned_items.insert(unsigned_items.end(), list.items[i].raw.begin(), list.items[i].raw.end());
    U256 v = rlp::to_uint(list.items[expected - 3], "raw transaction: v");
    U256 r = rlp::to_uint(list.items[expected - 2], "raw transaction: r");
    U256 s = rlp::to_uint(list.items[expected - 1], "raw transaction: s");
    int recid = 0;
    ByteVec preimage;
    if (type == 0xff) {
        if (v >= 35) {
            p.eth_chain_id = chain_id_from_v(v);
            recid = static_cast<int>((v - 35) % 2);
            for (auto& enc : {rlp::encode_uint(*p.eth_chain_id), rlp::encode_uint(0), rlp::encode_uint(0)})
                unsigned_items.insert(unsigned_items.end(), enc.begin(), enc.end());
        } else if (v == 27 || v == 28) {
            recid = static_cast<int>(v - 27);
        } else {
            throw InputError(fmt::format("raw transaction: invalid v {}", to_decimal(v)));
        }
        preimage = rlp::encode_list(unsigned_items);
    } else {
        p.eth_chain_id = rlp::to_uint(list.items[0], "raw transaction: chainId");
        if (v > 1) throw InputError("raw transaction: yParity must be 0 or 1");
        recid = static_cast<int>(v);
        preimage = {type};
        auto l = rlp::encode_list(unsigned_items);
        preimage.insert(preimage.end(), l.begin(), l.end());
    }
    std::array<std::uint8_t, 65> sig{};
    auto rw = abi::word(r), sw = abi::word(s);
    std::copy(rw.begin(), rw.end(), sig.begin());
    std::copy(sw.begin(), sw.end(), sig.begin() + 32);
    sig[64] = static_cast<std::uint8_t>(recid);
    p.eth_tx_sender = ecrecover(keccak256(preimage), sig);

    auto [tx, sigs] = decode_exec_transaction(data_item.payload);
    p.tx = std::move(tx);
    p.signatures = std::move(sigs);
    p.safe = to;
    return p;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

}  // namespace

std::pair<SafeTx, ByteVec> decode_exec_transaction(std::span<const std::uint8_t> calldata) {
    static const std::string kExec = abi::selector_hex(
        "execTransaction(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,bytes)");
    if (calldata.size() < 4 || to_hex(calldata.first(4)) != kExec)
        throw InputError(fmt::format("raw transaction: data does not call execTransaction (selector {})",
                                     calldata.size() >= 4 ? to_hex(calldata.first(4)) : to_hex(calldata)));
    abi::Reader r(calldata.subspan(4), "execTransaction calldata");
    SafeTx tx;
    tx.to = r.address_at(0);
    tx.value = r.uint_at(32);
    auto data = r.bytes_at(64);
    tx.data.assign(data.begin(), data.end());
    U256 op = r.uint_at(96);
    if (op > 1) throw InputError("execTransaction calldata: operation must be 0 or 1");
    tx.operation = static_cast<Operation>(static_cast<int>(op));
    tx.safe_tx_gas = r.uint_at(128);
    tx.base_gas = r.uint_at(160);
    tx.gas_price = r.uint_at(192);
    tx.gas_token = r.address_at(224);
    tx.refund_receiver = r.address_at(256);
    auto sigs = r.bytes_at(288);
    return {std::move(tx), ByteVec(sigs.begin(), sigs.end())};
}

std::vector<Proposal> parse_proposals(std::string_view text) {
    std::string_view t = trim(text);
    if (t.empty()) throw InputError("input: empty");
    if (t.front() == '{' || t.front() == '[') return parse_json(t);
    return {parse_raw_tx(t)};
}

}  // namespace chainward::safe
