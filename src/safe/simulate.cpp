// State effect of a Safe transaction on a node. Instead of forging owner signatures, the Safe's
// code is overridden (for this call only) by a shim that does what execTransaction would do after
// its checks: CALL or DELEGATECALL `to` with `data` from the Safe's address, with the Safe's real
// storage and balance. prestateTracer diffMode then lists the storage the call writes.
#include <fmt/core.h>
#include <simdjson.h>

#include <map>

#include "safe/abi.hpp"
#include "safe/rpc_internal.hpp"

namespace chainward::safe {

namespace {

ByteVec shim_code(const SafeTx& tx) {
    ByteVec c = {0x36, 0x60, 0x00, 0x60, 0x00, 0x37,  // CALLDATACOPY(0, 0, CALLDATASIZE)
                 0x60, 0x00, 0x60, 0x00, 0x36, 0x60, 0x00};  // retSize, retOffset, argsSize, argsOffset
    if (tx.operation == Operation::Call) {
        c.push_back(0x7f);  // PUSH32 value
        abi::append(c, abi::word(tx.value));
    }
    c.push_back(0x73);  // PUSH20 to
    c.insert(c.end(), tx.to.b.begin(), tx.to.b.end());
    c.push_back(0x5a);  // GAS
    c.push_back(tx.operation == Operation::Call ? 0xf1 : 0xf4);  // CALL / DELEGATECALL
    for (std::uint8_t b : {0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3}) c.push_back(b);  // return success
    return c;
}

std::string slot_meaning(const Hash32& slot) {
    static const Hash32 guard = keccak256(std::string_view("guard_manager.guard.address"));
    static const Hash32 fallback = keccak256(std::string_view("fallback_manager.handler.address"));
    static const Hash32 module_guard = keccak256(std::string_view("module_manager.module_guard.address"));
    if (slot == guard) return "transaction guard";
    if (slot == fallback) return "fallback handler";
    if (slot == module_guard) return "module guard";
    bool small = true;
    for (std::size_t i = 0; i < 31; ++i) small = small && slot.b[i] == 0;
    if (small) {
        switch (slot.b[31]) {
            case 0: return "implementation (slot 0)";
            case 3: return "owner count (slot 3)";
            case 4: return "threshold (slot 4)";
            case 5: return "nonce (slot 5)";
        }
    }
    return "";
}

Hash32 hash_of(std::string_view s) {
    try {
        // Nodes may drop leading zeros of storage values.
        ByteVec b = parse_hex_bytes(s.size() % 2 ? "0x0" + std::string(s.substr(2)) : std::string(s));
        if (b.size() > 32) throw std::invalid_argument("longer than 32 bytes");
        Hash32 h{};
        std::copy(b.begin(), b.end(), h.b.begin() + static_cast<std::ptrdiff_t>(32 - b.size()));
        return h;
    } catch (const std::invalid_argument& e) {
        throw InputError(fmt::format("rpc: debug_traceCall storage word '{}': {}", s, e.what()));
    }
}

}  // namespace

Simulation simulate(const std::string& rpc_url, const Address& safe, const SafeTx& tx) {
    detail::RpcClient rpc(rpc_url);
    const std::string call = fmt::format(R"({{"from":"0x000000000000000000000000000000000000dead","to":"{}","data":"{}","gas":"0x1c9c380"}})",
                                         safe.hex(), to_hex(tx.data));
    const std::string overrides = fmt::format(R"({{"{}":{{"code":"{}"}}}})", safe.hex(), to_hex(shim_code(tx)));
    Simulation sim;
    ByteVec ok;
    try {
        ok = parse_hex_bytes(rpc.call("eth_call", fmt::format("[{},\"latest\",{}]", call, overrides)));
    } catch (const std::invalid_argument& e) {
        throw InputError(fmt::format("rpc: eth_call simulation: {}", e.what()));
    }
    sim.success = ok.size() == 32 && ok[31] == 1;

    std::string trace = rpc.call_json(
        "debug_traceCall",
        fmt::format(R"([{},"latest",{{"tracer":"prestateTracer","tracerConfig":{{"diffMode":true}},"stateOverrides":{}}}])",
                    call, overrides));
    simdjson::dom::parser parser;
    simdjson::padded_string padded(trace);
    simdjson::dom::element doc;
    if (parser.parse(padded).get(doc) != simdjson::SUCCESS) throw InputError("rpc: debug_traceCall: bad JSON");
    const std::string key = safe.hex();
    auto storage_of = [&](const char* side) {
        std::map<Hash32, Hash32> out;
        simdjson::dom::object st;
        if (doc[side][key]["storage"].get(st) == simdjson::SUCCESS)
            for (auto [k, v] : st) {
                std::string_view val;
                if (v.get(val) != simdjson::SUCCESS) throw InputError("rpc: debug_traceCall: storage value not a string");
                out[hash_of(k)] = hash_of(val);
            }
        return out;
    };
    auto balance_of = [&](const char* side) -> std::optional<U256> {
        std::string_view b;
        if (doc[side][key]["balance"].get(b) != simdjson::SUCCESS) return std::nullopt;
        try {
            return parse_u256(b);
        } catch (const std::invalid_argument& e) {
            throw InputError(fmt::format("rpc: debug_traceCall balance: {}", e.what()));
        }
    };
    auto pre = storage_of("pre"), post = storage_of("post");
    for (const auto& [slot, after] : post) {
        SlotWrite w;
        w.slot = slot;
        w.after = after;
        if (auto it = pre.find(slot); it != pre.end()) w.before = it->second;
        w.meaning = slot_meaning(slot);
        sim.safe_writes.push_back(w);
    }
    sim.balance_before = balance_of("pre");
    sim.balance_after = balance_of("post");
    if (sim.balance_before && !sim.balance_after) sim.balance_after = sim.balance_before;
    return sim;
}

namespace {
std::string word_text(const Hash32& w) {
    for (std::size_t i = 0; i < 12; ++i)
        if (w.b[i]) return w.hex();
    return address_from_word(w.b).checksum();
}
}  // namespace

std::vector<Finding> simulation_findings(const Simulation& sim, std::size_t proposal) {
    std::vector<Finding> out;
    auto add = [&](Severity s, const char* code, std::string msg) { out.push_back({s, code, std::move(msg), proposal}); };
    if (!sim.success)
        add(Severity::Warning, "sim-reverted", "Simulated on the node, the call reverts: the transaction would fail.");
    std::size_t unnamed = 0;
    for (const auto& w : sim.safe_writes) {
        if (w.meaning == "implementation (slot 0)")
            add(Severity::Critical, "sim-implementation-change",
                fmt::format("Simulated on the node, the Safe's implementation (slot 0) changes from {} to {}: "
                            "whoever controls the new code controls the Safe.",
                            word_text(w.before), word_text(w.after)));
        else if (!w.meaning.empty())
            add(Severity::Warning, "sim-safe-config-write",
                fmt::format("Simulated on the node, the Safe's {} changes from {} to {}.", w.meaning, w.before.hex(),
                            w.after.hex()));
        else
            ++unnamed;
    }
    if (unnamed)
        add(Severity::Warning, "sim-storage-write",
            fmt::format("Simulated on the node, the call writes {} other storage slot(s) of the Safe (owners, "
                        "modules or arbitrary data).", unnamed));
    if (sim.balance_before && sim.balance_after && *sim.balance_after != *sim.balance_before)
        add(Severity::Info, "sim-balance-change",
            fmt::format("Simulated on the node, the Safe's ETH balance goes from {} to {} wei.",
                        to_decimal(*sim.balance_before), to_decimal(*sim.balance_after)));
    return out;
}

}  // namespace chainward::safe
