// JSON-RPC responses (as nodes return them) into BlockData pieces. DOM parsing with simdjson;
// every error names file, record and field.
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

#include "eth/eth.hpp"
#include "eth/read_file.hpp"

namespace chainward::eth {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

/// Where a field sits in a document ("transactions[3].value"), built only when an error is
/// reported: parents are the callers' stack objects, so a Path must not outlive its parent.
struct Path {
    const Path* parent = nullptr;
    const char* key = nullptr;
    std::size_t index = npos;
    static constexpr std::size_t npos = ~std::size_t{0};
    std::string str() const {
        std::string s = parent ? parent->str() : std::string();
        if (key) s += (s.empty() ? "" : ".") + std::string(key);
        if (index != npos) s += "[" + std::to_string(index) + "]";
        return s;
    }
};
const Path kRoot{};

Path path(const Path& base, const char* key) { return {&base, key, Path::npos}; }
Path path(const Path& base, std::size_t i) { return {&base, nullptr, i}; }
Path path(const Path& base, const char* key, std::size_t i) { return {&base, key, i}; }

[[noreturn]] void fail(const SourceRef& src, const Path& field, const std::string& reason) {
    std::string f = field.str();
    throw InputError(src.where() + (f.empty() ? "" : ": " + f) + ": " + reason);
}

/// A field reader bound to one JSON object; `at` is the field path used in messages.
class Fields {
public:
    Fields(object o, const SourceRef& src, Path at) : o_(o), src_(src), at_(at) {}

    bool has(const char* key) const {
        element e;
        return o_[key].get(e) == simdjson::SUCCESS && !e.is_null();
    }
    element get(const char* key) const {
        element e;
        if (o_[key].get(e) != simdjson::SUCCESS) fail(src_, path(at_, key), "missing field");
        return e;
    }
    std::optional<element> opt(const char* key) const {
        element e;
        if (o_[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
        return e;
    }
    std::string_view str(const char* key) const { return as_str(get(key), key); }
    std::optional<std::string_view> opt_str(const char* key) const {
        auto e = opt(key);
        if (!e) return std::nullopt;
        return as_str(*e, key);
    }
    template <class F>
    auto conv(const char* key, std::string_view s, F f) const {
        try {
            return f(s);
        } catch (const std::invalid_argument& ex) {
            fail(src_, path(at_, key), std::string(ex.what()) + " (\"" + std::string(s.substr(0, 80)) + "\")");
        }
    }
    Address address(const char* key) const { return conv(key, str(key), parse_address); }
    std::optional<Address> opt_address(const char* key) const {
        auto s = opt_str(key);
        if (!s) return std::nullopt;
        return conv(key, *s, parse_address);
    }
    Hash32 hash(const char* key) const { return conv(key, str(key), parse_hash); }
    U256 u256(const char* key) const { return conv(key, str(key), parse_u256); }
    std::optional<U256> opt_u256(const char* key) const {
        auto s = opt_str(key);
        if (!s) return std::nullopt;
        return conv(key, *s, parse_u256);
    }
    /// A QUANTITY string or a plain JSON integer (Parity writes some numbers as integers).
    std::uint64_t u64(const char* key) const {
        element e = get(key);
        return as_u64(e, key);
    }
    std::optional<std::uint64_t> opt_u64(const char* key) const {
        auto e = opt(key);
        if (!e) return std::nullopt;
        return as_u64(*e, key);
    }
    array arr(const char* key) const {
        array a;
        if (get(key).get(a) != simdjson::SUCCESS) fail(src_, path(at_, key), "expected an array");
        return a;
    }
    object obj(const char* key) const {
        object ob;
        if (get(key).get(ob) != simdjson::SUCCESS) fail(src_, path(at_, key), "expected an object");
        return ob;
    }
    const Path& at() const { return at_; }
    const SourceRef& src() const { return src_; }

private:
    std::string_view as_str(element e, const char* key) const {
        std::string_view s;
        if (e.get(s) != simdjson::SUCCESS) fail(src_, path(at_, key), "expected a string");
        return s;
    }
    std::uint64_t as_u64(element e, const char* key) const {
        std::uint64_t v;
        if (e.is_uint64() && e.get(v) == simdjson::SUCCESS) return v;
        if (e.is_int64()) fail(src_, path(at_, key), "negative number");
        return conv(key, as_str(e, key), parse_u64);
    }
    object o_;
    const SourceRef& src_;
    Path at_;
};

object as_object(element e, const SourceRef& src, const Path& at) {
    object o;
    if (e.get(o) != simdjson::SUCCESS) fail(src, at, "expected an object");
    return o;
}

std::vector<std::uint8_t> bytes_field(const Fields& f, const char* key) {
    return f.conv(key, f.str(key), parse_hex_bytes);
}

LogData parse_log(object o, const SourceRef& src, const Path& at) {
    Fields f(o, src, at);
    LogData l;
    l.address = f.address("address");
    l.log_index = static_cast<std::uint32_t>(f.u64("logIndex"));
    std::size_t i = 0;
    for (element t : f.arr("topics")) {
        std::string_view s;
        if (t.get(s) != simdjson::SUCCESS) fail(src, path(at, "topics", i), "expected a string");
        l.topics.push_back(f.conv("topics", s, parse_hash));
        // Only value-moving events are kept whole: the rest of other logs is never read, and
        // decoding it would cost most of the parse time of a block.
        if (i == 0 && !is_value_event(l.topics[0])) {
            l.topics.clear();
            return l;
        }
        ++i;
    }
    l.data = bytes_field(f, "data");
    return l;
}

ReceiptData parse_receipt(object o, const SourceRef& src, const Path& at) {
    Fields f(o, src, at);
    ReceiptData r;
    r.tx_hash = f.hash("transactionHash");
    r.tx_index = static_cast<std::uint32_t>(f.u64("transactionIndex"));
    r.block_number = f.u64("blockNumber");
    r.block_hash = f.hash("blockHash");
    if (auto s = f.opt_u64("status")) {
        if (*s > 1) fail(src, path(at, "status"), "status must be 0x0 or 0x1");
        r.status = static_cast<std::uint8_t>(*s);
    }
    r.gas_used = f.u64("gasUsed");
    r.effective_gas_price = f.opt_u256("effectiveGasPrice");
    r.blob_gas_used = f.opt_u64("blobGasUsed");
    r.blob_gas_price = f.opt_u256("blobGasPrice");
    r.contract_address = f.opt_address("contractAddress");
    std::size_t i = 0;
    for (element e : f.arr("logs")) {
        Path lat = path(at, "logs", i++);
        r.logs.push_back(parse_log(as_object(e, src, lat), src, lat));
    }
    return r;
}

BlockData parse_block(object o, const SourceRef& src, const Path& at) {
    Fields f(o, src, at);
    BlockData b;
    b.number = f.u64("number");
    b.hash = f.hash("hash");
    b.parent_hash = f.hash("parentHash");
    b.timestamp = f.u64("timestamp");
    b.miner = f.address("miner");
    b.base_fee = f.opt_u256("baseFeePerGas");
    std::size_t i = 0;
    for (element e : f.arr("transactions")) {
        Path tat = path(at, "transactions", i);
        object to;
        if (e.get(to) != simdjson::SUCCESS)
            fail(src, tat, "transactions must be full objects (eth_getBlockByNumber with true)");
        Fields t(to, src, tat);
        TxData tx;
        tx.hash = t.hash("hash");
        tx.index = static_cast<std::uint32_t>(t.u64("transactionIndex"));
        if (tx.index != i) fail(src, path(tat, "transactionIndex"), "out of order (expected " + std::to_string(i) + ")");
        if (t.u64("blockNumber") != b.number) fail(src, path(tat, "blockNumber"), "differs from the block's number");
        tx.from = t.address("from");
        tx.to = t.opt_address("to");
        tx.value = t.u256("value");
        tx.gas_price = t.opt_u256("gasPrice");
        // The chain the transaction is signed for: typed transactions name it; legacy ones
        // since EIP-155 fold it into v = 2 * chainId + 35 or 36 (27/28 name no chain).
        if (auto id = t.opt_u256("chainId")) {
            if (*id <= std::numeric_limits<std::uint64_t>::max()) tx.chain_id = static_cast<std::uint64_t>(*id);
        } else if (auto v = t.opt_u256("v"); v && *v >= 35 && (*v - 35) / 2 <= std::numeric_limits<std::uint64_t>::max()) {
            tx.chain_id = static_cast<std::uint64_t>((*v - 35) / 2);
        }
        b.txs.push_back(std::move(tx));
        ++i;
    }
    if (auto w = f.opt("withdrawals")) {
        array wa;
        if (w->get(wa) != simdjson::SUCCESS) fail(src, path(at, "withdrawals"), "expected an array");
        std::size_t j = 0;
        for (element e : wa) {
            Path wat = path(at, "withdrawals", j++);
            Fields wf(as_object(e, src, wat), src, wat);
            b.withdrawals.push_back({wf.u64("index"), wf.address("address"), wf.u64("amount")});
        }
    }
    if (auto u = f.opt("uncles")) {
        array ua;
        if (u->get(ua) == simdjson::SUCCESS) b.uncle_count = ua.size();
    }
    b.source = src.file;
    return b;
}

FrameType frame_type(std::string_view s) {
    // callTracer uses upper case, Parity lower case call types.
    auto eq = [&](const char* t) {
        std::size_t n = std::strlen(t);
        if (s.size() != n) return false;
        for (std::size_t i = 0; i < n; ++i)
            if (std::toupper(static_cast<unsigned char>(s[i])) != t[i]) return false;
        return true;
    };
    if (eq("CALL")) return FrameType::Call;
    if (eq("CALLCODE")) return FrameType::CallCode;
    if (eq("DELEGATECALL")) return FrameType::DelegateCall;
    if (eq("STATICCALL")) return FrameType::StaticCall;
    if (eq("CREATE")) return FrameType::Create;
    if (eq("CREATE2")) return FrameType::Create2;
    if (eq("SELFDESTRUCT") || eq("SUICIDE")) return FrameType::SelfDestruct;
    return FrameType::Other;
}

CallFrame parse_call_frame(object o, const SourceRef& src, const Path& at, int depth,
                           const CallFrame* parent = nullptr) {
    if (depth > 2048) fail(src, at, "call tree too deep");
    Fields f(o, src, at);
    CallFrame c;
    c.type = frame_type(f.str("type"));
    // Old geth wrote inner SELFDESTRUCT frames as a bare {"type"}: the sender is the contract
    // that runs the frame's parent code, the value unknown (so nothing is counted).
    if (parent && !f.has("from"))
        c.from = parent->to.value_or(parent->from);
    else
        c.from = f.address("from");
    c.to = f.opt_address("to");
    if (auto v = f.opt_u256("value")) c.value = *v;
    c.error = f.has("error");
    if (auto calls = f.opt("calls")) {
        array a;
        if (calls->get(a) != simdjson::SUCCESS) fail(src, path(at, "calls"), "expected an array");
        std::size_t i = 0;
        for (element e : a) {
            Path cat = path(at, "calls", i++);
            c.calls.push_back(parse_call_frame(as_object(e, src, cat), src, cat, depth + 1, &c));
        }
    }
    return c;
}

ParsedCallTraces parse_call_traces(array a, const SourceRef& src, const Path& at) {
    ParsedCallTraces t;
    std::size_t i = 0;
    for (element e : a) {
        Path eat = path(at, i++);
        object o = as_object(e, src, eat);
        Fields f(o, src, eat);
        if (f.has("result")) {  // {"txHash": …, "result": frame}
            if (f.has("error")) fail(src, path(eat, "error"), "the node could not trace this transaction");
            t.tx_hashes.push_back(f.opt_str("txHash") ? std::optional(f.hash("txHash")) : std::nullopt);
            Path rat = path(eat, "result");
            t.frames.push_back(parse_call_frame(f.obj("result"), src, rat, 0));
        } else {  // bare frames
            t.tx_hashes.push_back(std::nullopt);
            t.frames.push_back(parse_call_frame(o, src, eat, 0));
        }
    }
    return t;
}

ParsedParityTraces parse_parity_traces(array a, const SourceRef& src, const Path& at) {
    // Flat list in depth-first order; traceAddress gives each frame's path under its transaction.
    ParsedParityTraces out;
    std::vector<CallFrame*> stack;  // current path of the transaction being rebuilt
    std::size_t i = 0;
    for (element e : a) {
        Path eat = path(at, i++);
        Fields f(as_object(e, src, eat), src, eat);
        if (auto bn = f.opt_u64("blockNumber")) {
            if (out.block_number && *out.block_number != *bn) fail(src, path(eat, "blockNumber"), "traces of several blocks in one response");
            out.block_number = bn;
        }
        std::string_view type = f.str("type");
        Fields act(f.obj("action"), src, path(eat, "action"));
        if (type == "reward") {
            out.rewards.push_back({act.address("author"), act.u256("value"), std::string(act.str("rewardType"))});
            continue;
        }
        CallFrame c;
        c.error = f.has("error");
        if (type == "call") {
            c.type = frame_type(act.str("callType"));
            c.from = act.address("from");
            c.to = act.opt_address("to");
            c.value = act.u256("value");
        } else if (type == "create") {
            c.type = FrameType::Create;
            c.from = act.address("from");
            c.value = act.u256("value");
            if (auto r = f.opt("result")) {
                Fields rf(as_object(*r, src, path(eat, "result")), src, path(eat, "result"));
                c.to = rf.opt_address("address");
            }
        } else if (type == "suicide" || type == "selfdestruct") {
            c.type = FrameType::SelfDestruct;
            c.from = act.address("address");
            c.to = act.address("refundAddress");
            c.value = act.u256("balance");
        } else {
            fail(src, path(eat, "type"), "unknown trace type \"" + std::string(type) + "\"");
        }
        std::vector<std::size_t> addr;
        std::size_t k = 0;
        for (element x : f.arr("traceAddress")) {
            std::uint64_t v;
            if (x.get(v) != simdjson::SUCCESS) fail(src, path(eat, "traceAddress", k), "expected an integer");
            addr.push_back(v);
            ++k;
        }
        if (addr.empty()) {
            out.tx_positions.push_back(f.opt_u64("transactionPosition"));
            out.frames.push_back(std::move(c));
            stack.assign(1, &out.frames.back());
            continue;
        }
        if (stack.empty() || addr.size() > stack.size())
            fail(src, path(eat, "traceAddress"), "frame without its parent earlier in the list");
        stack.resize(addr.size());
        CallFrame* parent = stack.back();
        if (addr.back() != parent->calls.size())
            fail(src, path(eat, "traceAddress"), "frames out of depth-first order");
        parent->calls.push_back(std::move(c));
        stack.push_back(&parent->calls.back());
    }
    return out;
}

bool has_key(object o, const char* k) {
    element e;
    return o[k].get(e) == simdjson::SUCCESS;
}

/// What a response's result array holds, told by its first element.
enum class ArrayKind { Receipts, ParityTraces, CallTraces, Blocks, Unknown };
ArrayKind array_kind(object first) {
    if (has_key(first, "cumulativeGasUsed")) return ArrayKind::Receipts;
    if (has_key(first, "action") && has_key(first, "traceAddress")) return ArrayKind::ParityTraces;
    if (has_key(first, "result") || (has_key(first, "type") && has_key(first, "from"))) return ArrayKind::CallTraces;
    if (has_key(first, "transactions") && has_key(first, "number")) return ArrayKind::Blocks;
    return ArrayKind::Unknown;
}

void dispatch_result(element r, const SourceRef& src, const Path& at, ResponseSink& sink) {
    if (r.is_null()) fail(src, at, "null result (the node had no data for this request)");
    object o;
    if (r.get(o) == simdjson::SUCCESS) {
        if (has_key(o, "transactions") && has_key(o, "number")) return sink.on_block(parse_block(o, src, at), src);
        if (has_key(o, "cumulativeGasUsed") && has_key(o, "transactionHash"))
            return sink.on_receipts({parse_receipt(o, src, at)}, src);
        if (has_key(o, "calls") || (has_key(o, "type") && has_key(o, "from") && has_key(o, "gasUsed")))
            fail(src, at, "a single transaction's trace: give block traces (debug_traceBlockByNumber or trace_block)");
        fail(src, at, "unknown kind of document: expected a block, receipts or block traces");
    }
    array a;
    if (r.get(a) != simdjson::SUCCESS) fail(src, at, "unknown kind of document: expected an object or an array");
    if (a.size() == 0) return;  // an empty block's receipts or traces
    object first;
    if ((*a.begin()).get(first) != simdjson::SUCCESS) fail(src, path(at, std::size_t{0}), "expected an object");
    switch (array_kind(first)) {
        case ArrayKind::Receipts: {
            std::vector<ReceiptData> rs;
            std::size_t i = 0;
            for (element e : a) {
                Path eat = path(at, i++);
                rs.push_back(parse_receipt(as_object(e, src, eat), src, eat));
            }
            return sink.on_receipts(std::move(rs), src);
        }
        case ArrayKind::ParityTraces: return sink.on_parity_traces(parse_parity_traces(a, src, at), src);
        case ArrayKind::CallTraces: return sink.on_call_traces(parse_call_traces(a, src, at), src);
        case ArrayKind::Blocks: {
            std::size_t i = 0;
            for (element e : a) {
                Path eat = path(at, i++);
                sink.on_block(parse_block(as_object(e, src, eat), src, eat), src);
            }
            return;
        }
        case ArrayKind::Unknown: break;
    }
    fail(src, path(at, std::size_t{0}), "unknown kind of document: expected receipts, block traces or blocks");
}

/// A JSON-RPC response (some tools save only {"result": …}); no result object has these keys.
bool is_envelope(object o) { return has_key(o, "jsonrpc") || has_key(o, "result") || (has_key(o, "id") && has_key(o, "error")); }
/// A batch response: its elements carry "jsonrpc"/"id" (callTracer elements {txHash, result} do not).
bool is_batch(array a) {
    object first;
    return a.size() > 0 && (*a.begin()).get(first) == simdjson::SUCCESS && (has_key(first, "jsonrpc") || has_key(first, "id"));
}

void dispatch_document(element doc, const SourceRef& src, ResponseSink& sink) {
    object o;
    array a;
    auto one = [&](object env, const Path& at) {
        element err;
        if (env["error"].get(err) == simdjson::SUCCESS && !err.is_null()) {
            std::string_view msg = "unknown error";
            object eo;
            if (err.get(eo) == simdjson::SUCCESS && eo["message"].get(msg)) msg = "unknown error";
            fail(src, path(at, "error"), "the node returned an error: " + std::string(msg));
        }
        element r;
        if (env["result"].get(r) != simdjson::SUCCESS) fail(src, path(at, "result"), "missing field");
        dispatch_result(r, src, path(at, "result"), sink);
    };
    if (doc.get(o) == simdjson::SUCCESS && is_envelope(o)) return one(o, kRoot);
    if (doc.get(a) == simdjson::SUCCESS && is_batch(a)) {
        std::size_t i = 0;
        for (element e : a) {
            Path at = path(kRoot, i++);
            one(as_object(e, src, at), at);
        }
        return;
    }
    dispatch_result(doc, src, kRoot, sink);
}

std::size_t line_of(std::string_view json, std::size_t offset) {
    return 1 + static_cast<std::size_t>(std::count(json.begin(), json.begin() + std::min(offset, json.size()), '\n'));
}

}  // namespace

std::string SourceRef::where() const {
    return file + (record ? ": record " + std::to_string(record) : std::string());
}

namespace {
/// JSON nesting a node response may need: the EVM allows 1,024 nested calls below the
/// transaction's own frame, each a callTracer object plus its `calls` array, inside a batch
/// envelope. simdjson's default (1,024 levels) stops at about 510 nested calls.
constexpr std::size_t kMaxJsonDepth = 2 * 1025 + 16;

/// End (one past) of the object or array that starts at `from`: brackets outside strings.
std::size_t document_end(std::string_view json, std::size_t from) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = from; i < json.size(); ++i) {
        char c = json[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
            return i + 1;
        }
    }
    return json.size();
}

/// A document nested deeper than a document stream allows (the stream resets its parser to the
/// default depth), parsed alone with a parser that allows kMaxJsonDepth; valid until the next call.
element parse_deep(std::string_view doc_text, const std::string& file_name, std::size_t line) {
    thread_local simdjson::dom::parser deep;
    thread_local simdjson::padded_string copy;
    copy = simdjson::padded_string(doc_text);
    element doc;
    auto err = deep.allocate(copy.size(), kMaxJsonDepth);
    if (!err) err = deep.parse(copy).get(doc);
    if (err)
        throw InputError(file_name + ": line " + std::to_string(line) + ": malformed JSON: " + simdjson::error_message(err));
    return doc;
}

/// Calls on_doc(element, record number) for each document of the `len` bytes at `data`, which
/// must be followed by SIMDJSON_PADDING readable bytes.
/// One parser and one read buffer per thread, reused by parsing and outlining: their buffers
/// are allocated once, so a thread reading many files gets no fresh pages per file.
simdjson::dom::parser& thread_parser() {
    thread_local simdjson::dom::parser parser;
    return parser;
}
std::vector<char>& thread_buffer() {
    thread_local std::vector<char> buf;
    return buf;
}

template <class F>
void for_each_document(const char* data, std::size_t len, const std::string& file_name, F&& on_doc) {
    std::string_view json(data, len);
    // A file holds one document (pretty-printed or not) or many (JSON lines): a document stream
    // covers both. The parser's batch must hold the largest document, so a document that does
    // not fit restarts the stream at that document with a batch as large as the rest of the input.
    simdjson::dom::parser& parser = thread_parser();
    constexpr std::size_t kBatch = 16 << 20;
    std::size_t offset = 0, n = 0, batch = std::min(len + 64, kBatch);
    while (offset < len) {
        simdjson::dom::document_stream stream;
        if (auto err = parser.parse_many(reinterpret_cast<const std::uint8_t*>(data) + offset, len - offset, batch).get(stream))
            throw InputError(file_name + ": malformed JSON: " + simdjson::error_message(err));
        bool restarted = false;
        for (auto it = stream.begin(); it != stream.end(); ++it) {
            element doc;
            auto err = (*it).get(doc);
            if (err == simdjson::CAPACITY && batch < len - offset + 64) {
                offset += it.current_index();
                batch = len - offset + 64;
                restarted = true;
                break;
            }
            ++n;
            if (err == simdjson::DEPTH_ERROR) {
                std::size_t start = offset + it.current_index(), end = document_end(json, start);
                on_doc(parse_deep(json.substr(start, end - start), file_name, line_of(json, start)), n);
                offset = end;
                restarted = true;
                break;
            }
            if (err)
                throw InputError(file_name + ": line " + std::to_string(line_of(json, offset + it.current_index())) +
                                 ": malformed JSON: " + simdjson::error_message(err));
            on_doc(doc, n);
        }
        if (restarted) continue;
        if (stream.truncated_bytes() > 0)
            throw InputError(file_name + ": malformed JSON: the last document is incomplete (" +
                             std::to_string(stream.truncated_bytes()) + " bytes)");
        break;
    }
    if (n == 0) throw InputError(file_name + ": no JSON document in file");
}

void parse_padded(const char* data, std::size_t len, const std::string& file_name, ResponseSink& sink) {
    for_each_document(data, len, file_name, [&](element doc, std::size_t n) { dispatch_document(doc, SourceRef{file_name, n}, sink); });
}

/// Adds the trace keys of one result to `out`, classified as dispatch_result does.
void outline_result(element r, TraceOutline& out) {
    array a;
    object first;
    if (r.get(a) != simdjson::SUCCESS || a.size() == 0 || (*a.begin()).get(first) != simdjson::SUCCESS) return;
    switch (array_kind(first)) {
        case ArrayKind::ParityTraces: {
            element bn;
            std::uint64_t n = 0;
            std::string_view s;
            try {
                if (first["blockNumber"].get(bn) == simdjson::SUCCESS) {
                    if (bn.get(n) == simdjson::SUCCESS) return out.blocks.push_back(n);
                    if (bn.get(s) == simdjson::SUCCESS) return out.blocks.push_back(parse_u64(s));
                }
            } catch (const std::invalid_argument&) {
            }
            out.unknown = true;
            return;
        }
        case ArrayKind::CallTraces: {
            std::string_view h;
            try {
                if (first["txHash"].get(h) == simdjson::SUCCESS) return out.first_txs.push_back(parse_hash(h));
            } catch (const std::invalid_argument&) {
            }
            out.unknown = true;
            return;
        }
        case ArrayKind::Unknown: out.unknown = true; return;  // its parse will say what it is
        default: return;
    }
}
}  // namespace

void parse_responses(std::string_view json, const std::string& file_name, ResponseSink& sink) {
    simdjson::padded_string buf(json);
    parse_padded(buf.data(), buf.size(), file_name, sink);
}

void parse_response_file(const std::filesystem::path& file, ResponseSink& sink) {
    std::string_view json = read_padded(file, thread_buffer());
    parse_padded(json.data(), json.size(), file.string(), sink);
}

void TraceOutline::add(const ParsedCallTraces& t) {
    if (t.tx_hashes.empty()) return;
    if (t.tx_hashes[0])
        first_txs.push_back(*t.tx_hashes[0]);
    else
        unknown = true;
}

void TraceOutline::add(const ParsedParityTraces& t) {
    if (t.block_number)
        blocks.push_back(*t.block_number);
    else if (!t.frames.empty())
        unknown = true;
}

TraceOutline outline_traces(const std::filesystem::path& file) {
    TraceOutline out;
    try {
        std::string_view json = read_padded(file, thread_buffer());
        for_each_document(json.data(), json.size(), file.string(), [&](element doc, std::size_t) {
            object o;
            array a;
            element r;
            if (doc.get(o) == simdjson::SUCCESS) {
                if (is_envelope(o) && o["result"].get(r) == simdjson::SUCCESS) outline_result(r, out);
            } else if (doc.get(a) == simdjson::SUCCESS && is_batch(a)) {
                for (element e : a)
                    if (e.get(o) == simdjson::SUCCESS && o["result"].get(r) == simdjson::SUCCESS) outline_result(r, out);
            } else {
                outline_result(doc, out);
            }
        });
    } catch (const InputError&) {
        out.unknown = true;  // the parse reports the error when the file's turn comes
    }
    return out;
}

}  // namespace chainward::eth
